package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccRegionTypoWarnsAtPlan: a region typo on auditlog_cloudaudit_tracks
// is reported by terraform before any call, as a warning naming the
// attribute: validate passes with it, and plan shows it ahead of the API's
// own answer.
func TestAccRegionTypoWarnsAtPlan(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	work := t.TempDir()
	rc := buildProviderForCLI(t, work)
	sim := startSim(t, cloudsim.Options{Tracks: 2})
	dir := filepath.Join(work, "typo")
	writeFile(t, filepath.Join(dir, "main.tf"), `
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}
`+sim.providerBlock()+`data "auditlog_cloudaudit_tracks" "test" {
  region = "ap-guangzou"
}
`)
	terraformInit(t, rc, dir)
	run := func(args ...string) (string, error) {
		cmd := engineCommand(args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		// Diagnostics are wrapped to the terminal's width: fold them.
		return strings.Join(strings.Fields(string(out)), " "), err
	}
	const warning = "Warning: Region not listed by the Tencent Cloud SDK"
	out, err := run("validate", "-no-color")
	if err != nil || !strings.Contains(out, warning) || !strings.Contains(out, `Attribute region is "ap-guangzou"`) {
		t.Fatalf("validate: %v, want exit 0 with the warning naming region:\n%s", err, out)
	}
	out, _ = run("plan", "-input=false", "-no-color")
	w, api := strings.Index(out, warning), strings.Index(out, "UnsupportedRegion")
	if w < 0 || api < 0 {
		t.Fatalf("plan: want the warning and the simulator's UnsupportedRegion:\n%s", out)
	}
	if !strings.Contains(out, `data.auditlog_cloudaudit_tracks.test`) {
		t.Errorf("plan: the diagnostics do not name the data source:\n%s", out)
	}
}
