package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// banner prints the banner of a simulator started at a fixed time.
func banner(t *testing.T, data *cloudsim.DataSet, rc, label string) string {
	t.Helper()
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	sim := cloudsim.New(cloudsim.Options{Data: data, Now: func() time.Time { return start }})
	var b bytes.Buffer
	printUsage(&b, sim, "http://127.0.0.1:8787", rc, ".demo/terraformrc", label)
	return b.String()
}

// The banner of -scenario says what the scenario serves, action by action,
// with the times moved to the simulator's start: what a user's controls will
// find.
func TestBannerDescribesScenario(t *testing.T) {
	d, err := cloudsim.Scenario("noncompliant")
	if err != nil {
		t.Fatal(err)
	}
	out := banner(t, d, "", "the shipped scenario noncompliant")
	for _, want := range []string{
		"# Data: the shipped scenario noncompliant.",
		"# Captured at 2026-06-01T00:00:00Z; every time in it is moved by +183 days, so that the capture is the simulator's start (2026-12-01T00:00:00Z).",
		"#   CloudAudit tracking sets: 4 tracking sets: audit-all-org, audit-cam-write, audit-all-paused (disabled), audit-all-nostore (no storage)",
		"#   CloudAudit events: 7 events, from ",
		"#   CSIP call records: 8 call records for the sub-accounts 100021372635 (5), 100021372636 (3), any other none; last calls from ",
		"#   UCloud operation events: 13 operation events in project org-sim001, from ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "generated") {
		t.Errorf("the scenario names every action, yet the banner mentions generated data:\n%s", out)
	}
}

// An empty data set is an empty account, and actions a data set leaves out
// are generated.
func TestBannerDescribesDataSet(t *testing.T) {
	d, err := cloudsim.ParseDataSet([]byte(`{"DescribeAuditTracks": [], "GetUserOperationEvents": []}`))
	if err != nil {
		t.Fatal(err)
	}
	out := banner(t, d, "", "the data set empty.json")
	for _, want := range []string{
		"#   CloudAudit tracking sets: no tracking set (an account where CloudAudit delivers nothing)",
		"#   UCloud operation events: no operation event in project org-sim001",
		"# Actions it leaves out serve generated data",
		"#   CloudAudit events: generated, 300 events over the 28 days that end a minute before the start",
		"#   CSIP call records: generated, 40 for each of the sub-accounts 100021372635, 100021372636, 100021372637,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
}

// The banner says whether the CLI configuration it prints needs init.
func TestBannerCLIConfiguration(t *testing.T) {
	dir := t.TempDir()
	dev, mirror := filepath.Join(dir, "dev.tfrc"), filepath.Join(dir, "mirror.tfrc")
	if err := os.WriteFile(dev, []byte(`provider_installation { dev_overrides { "auditlog/auditlog" = "/bin" } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mirror, []byte(`provider_installation { filesystem_mirror { path = "/m" } }`), 0o600); err != nil {
		t.Fatal(err)
	}
	for rc, want := range map[string]string{
		dev:    "terraform init is not needed",
		mirror: "Then terraform init (it installs the provider from the mirror, offline)",
		"":     "No CLI configuration at .demo/terraformrc: run `make mirror`",
	} {
		if out := banner(t, nil, rc, ""); !strings.Contains(out, want) || (rc != "" && !strings.Contains(out, "export TF_CLI_CONFIG_FILE="+rc)) {
			t.Errorf("with %q the banner lacks %q:\n%s", rc, want, out)
		}
	}
}

func TestShiftOf(t *testing.T) {
	start := time.Date(2026, 12, 1, 22, 23, 36, 0, time.UTC)
	for captured, want := range map[string]string{
		"2026-06-01T00:00:00Z": "+183 days 22:23:36",
		"2026-11-30T22:23:36Z": "+1 day",
		"2027-01-01T00:00:00Z": "-30 days 01:36:24",
		"not a time":           "?",
	} {
		if got := shiftOf(captured, start); got != want {
			t.Errorf("shiftOf(%q) = %q, want %q", captured, got, want)
		}
	}
}
