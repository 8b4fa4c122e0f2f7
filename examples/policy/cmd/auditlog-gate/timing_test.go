package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"
)

func TestTiming(t *testing.T) {
	pd, _ := parsePolicyData(benchPolicyDocument(), "bench")
	plan := benchPlanJSON(time.Now(), benchEvents, benchFindings)
	run := gateRun{PolicySHA256: pd.sha256()}
	dir := t.TempDir()
	for _, o := range []*options{{}, {junit: filepath.Join(dir, "j.xml"), summary: filepath.Join(dir, "s.md"), sarif: filepath.Join(dir, "x.sarif"), source: "../../../compliance/root", target: "x"}} {
		var out bytes.Buffer
		g := &gate{opts: o, stdout: &out, stderr: io.Discard, policy: pd}
		if o.source != "" {
			_ = g.checkReportArgs(false)
		}
		start := time.Now()
		code, err := g.evaluate(context.Background(), plan, run)
		t.Logf("reports %v: exit %d %v in %v", o.junit != "", code, err, time.Since(start))
	}
}
