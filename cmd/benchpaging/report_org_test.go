//go:build linux

package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Log fields come in any order; only the CloudAudit events reads count.
func TestReadDurations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "provider.log")
	log := "2026-12-01T23:09:41.856Z [INFO]  provider.terraform-provider-auditlog: read finished: pages=40 duration_ms=2120 data_source=auditlog_cloudaudit_events retries=0\n" +
		"2026-12-01T23:09:41.899Z [INFO]  provider.terraform-provider-auditlog: read finished: data_source=auditlog_cloudaudit_events records=2000 duration_ms=2420\n" +
		"2026-12-01T23:09:41.900Z [INFO]  provider.terraform-provider-auditlog: read finished: data_source=auditlog_cloudaudit_tracks duration_ms=90\n" +
		"2026-12-01T23:09:41.901Z [INFO]  provider.terraform-provider-auditlog: read started: data_source=auditlog_cloudaudit_events\n"
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readDurations(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{2.12, 2.42}; !reflect.DeepEqual(got, want) {
		t.Errorf("readDurations = %v, want %v", got, want)
	}
}
