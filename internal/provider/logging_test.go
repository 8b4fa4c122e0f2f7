package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// buildProviderForCLI puts the provider into a filesystem mirror in
// work/mirror, as scripts/mirror.sh (`make mirror`) lays it out, and returns
// the CLI configuration that installs it from there. The run builds the
// provider with scripts/mirror.sh once; each mirror holds that build. Each
// configuration directory then needs terraformInit, as a user's does.
func buildProviderForCLI(t *testing.T, work string) string {
	t.Helper()
	rc, err := copyOfBuiltMirror(filepath.Join(work, "mirror"))
	if err != nil {
		t.Fatalf("building the provider into a mirror: %v", err)
	}
	return rc
}

// terraformInit runs init in dir with the CLI configuration rc, under the
// engine of the run (Terraform or OpenTofu), and checks that the lock file
// records the version in VERSION, installed for the engine's registry host.
func terraformInit(t *testing.T, rc, dir string) {
	t.Helper()
	cmd := engineCommand("init", "-input=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s init in %s: %v\n%s", testEngine.Name, dir, err, out)
	}
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatalf("%s init wrote no lock file: %v", testEngine.Name, err)
	}
	for _, want := range []string{
		fmt.Sprintf("provider %q", testEngine.Host+"/auditlog/auditlog"),
		fmt.Sprintf("version = %q", providerVersion(t)),
	} {
		if !strings.Contains(string(lock), want) {
			t.Fatalf("the lock file %s init wrote does not record %s:\n%s", testEngine.Name, want, lock)
		}
	}
}

// providerVersion is the repository's VERSION, the version every build
// stamps into the binary.
func providerVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// logLine is one line the provider wrote, its message and fields.
type logLine struct {
	level, msg string
	fields     map[string]string
}

var logLineRe = regexp.MustCompile(`\[(TRACE|DEBUG|INFO|WARN|ERROR)\]\s+provider\.terraform-provider-auditlog(?:_v[^:\s]+)?: ([^:]+):(.*)$`)
var logFieldRe = regexp.MustCompile(`(\S+)=("(?:[^"\\]|\\.)*"|\S+)`)

// providerLines returns the lines of a TF_LOG_PATH file with message msg.
func providerLines(log, msg string) []logLine {
	var out []logLine
	for _, l := range strings.Split(log, "\n") {
		m := logLineRe.FindStringSubmatch(l)
		if m == nil || m[2] != msg {
			continue
		}
		ll := logLine{level: m[1], msg: m[2], fields: map[string]string{}}
		for _, f := range logFieldRe.FindAllStringSubmatch(m[3], -1) {
			ll.fields[f[1]] = strings.Trim(f[2], `"`)
		}
		out = append(out, ll)
	}
	return out
}

// TestAccReadProgressLogging runs terraform plan with the real provider
// binary at TF_LOG=INFO, DEBUG and TRACE over 10,000 UCloud events and
// multi-page reads of the two Tencent Cloud data sources, with one throttled
// call on each cloud. It proves what a user watching a long read relies on:
// at INFO, one "read started" and one "read finished" line per data source
// with its pages, records and retries; at DEBUG, one "page read" line per
// page, attempts numbered alike for both clouds; and at no level the whole
// access key ID of either cloud.
func TestAccReadProgressLogging(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	work := t.TempDir()
	rc := buildProviderForCLI(t, work)
	subUin := cloudsim.CSIPSubUins[0]

	type expect struct{ pages, records, retries int }
	want := map[string]expect{
		"auditlog_cloudaudit_tracks":       {pages: 3, records: 45, retries: 1},      // 45 in pages of 20
		"auditlog_csip_user_call_records":  {pages: 3, records: 250, retries: 0},     // 250 in pages of 100
		"auditlog_ucloud_operation_events": {pages: 200, records: 10000, retries: 1}, // 10,000 in pages of 50
	}

	run := func(level string) (log string, sim *testSim) {
		sim = startSim(t, cloudsim.Options{Tracks: 45, CallRecords: 250, Events: 10000})
		// One throttled call per cloud: page 1 of the tracking sets and
		// page 4 of the operation log each succeed at their second attempt.
		sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultThrottle, Action: "DescribeAuditTracks", Times: 1})
		sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultThrottle, Action: "GetUserOperationEvents", After: 3, Times: 1})
		dir := filepath.Join(work, level)
		// A low rate limit makes the Tencent calls wait for their pacing
		// budget, whose TRACE line names the key.
		writeFile(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}
%sdata "auditlog_cloudaudit_tracks" "test" {}
data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
}
data "auditlog_ucloud_operation_events" "test" {}
output "counts" {
  value = [
    length(data.auditlog_cloudaudit_tracks.test.tracks),
    length(data.auditlog_csip_user_call_records.test.data),
    length(data.auditlog_ucloud_operation_events.test.events),
  ]
}
`, sim.providerBlock(withTencent("rate_limit", "4"), without("max_retries")), subUin))
		terraformInit(t, rc, dir)
		logPath := filepath.Join(dir, "terraform.log")
		cmd := engineCommand("plan", "-input=false", "-no-color")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_LOG="+level, "TF_LOG_PATH="+logPath)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "counts = [") {
			t.Fatalf("terraform plan at TF_LOG=%s failed: %v\n%s", level, err, out)
		}
		data, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		return string(data) + "\n" + string(out), sim
	}

	for _, level := range []string{"INFO", "DEBUG", "TRACE"} {
		t.Run(level, func(t *testing.T) {
			log, sim := run(level)
			o := sim.Options()

			// The installed build names the version that VERSION holds and
			// the lock file recorded.
			starts := providerLines(log, "auditlog provider started")
			if len(starts) == 0 || starts[0].level != "INFO" || starts[0].fields["version"] != providerVersion(t) {
				t.Fatalf("want an INFO \"auditlog provider started\" line with version=%s, got %v", providerVersion(t), starts)
			}

			started, finished := providerLines(log, "read started"), providerLines(log, "read finished")
			for ds, w := range want {
				var nStart int
				for _, l := range started {
					if l.fields["data_source"] == ds {
						nStart++
					}
				}
				var fin []logLine
				for _, l := range finished {
					if l.fields["data_source"] == ds {
						fin = append(fin, l)
					}
				}
				if nStart != 1 || len(fin) != 1 {
					t.Fatalf("%s: %d \"read started\" and %d \"read finished\" lines, want one each", ds, nStart, len(fin))
				}
				f := fin[0]
				t.Logf("%s: read finished %v", ds, f.fields)
				if f.level != "INFO" {
					t.Errorf("%s: \"read finished\" at %s, want INFO", ds, f.level)
				}
				for name, v := range map[string]int{"pages": w.pages, "records": w.records, "retries": w.retries} {
					if f.fields[name] != strconv.Itoa(v) {
						t.Errorf("%s: read finished %s=%q, want %d (line fields %v)", ds, name, f.fields[name], v, f.fields)
					}
				}
				if _, err := strconv.Atoi(f.fields["duration_ms"]); err != nil {
					t.Errorf("%s: read finished has no duration_ms: %v", ds, f.fields)
				}
			}

			pages := providerLines(log, "page read")
			if level == "INFO" {
				if len(pages) != 0 {
					t.Errorf("%d \"page read\" lines at INFO; they are DEBUG lines", len(pages))
				}
			} else {
				byDS := map[string][]logLine{}
				for _, l := range pages {
					byDS[l.fields["data_source"]] = append(byDS[l.fields["data_source"]], l)
				}
				for ds, w := range want {
					lines := byDS[ds]
					if len(lines) != w.pages {
						t.Errorf("%s: %d \"page read\" lines, want one per page, %d", ds, len(lines), w.pages)
						continue
					}
					seen := map[string]bool{}
					retried := 0
					for _, l := range lines {
						if l.level != "DEBUG" {
							t.Errorf("%s: \"page read\" at %s, want DEBUG", ds, l.level)
						}
						seen[l.fields["page"]] = true
						if l.fields["attempt"] != "1" {
							retried++
						}
						if (l.fields["total"] != "") != (ds != "auditlog_ucloud_operation_events") {
							t.Errorf("%s: page read total=%q; a total is logged exactly where the API gives one", ds, l.fields["total"])
						}
					}
					if len(seen) != w.pages {
						t.Errorf("%s: pages numbered %v, want 1 to %d", ds, seen, w.pages)
					}
					last := lines[len(lines)-1]
					if last.fields["records"] != strconv.Itoa(w.records) {
						t.Errorf("%s: the last page read line says records=%s, want %d", ds, last.fields["records"], w.records)
					}
					if retried != w.retries {
						t.Errorf("%s: %d pages read at an attempt other than 1, want %d", ds, retried, w.retries)
					}
				}
				// The throttled call of each cloud was the first retry: attempt 2.
				for ds, page := range map[string]string{"auditlog_cloudaudit_tracks": "1", "auditlog_ucloud_operation_events": "4"} {
					for _, l := range byDS[ds] {
						if l.fields["page"] == page && l.fields["attempt"] != "2" {
							t.Errorf("%s: page %s read at attempt %s, want 2 (attempts count from 1)", ds, page, l.fields["attempt"])
						}
					}
				}
			}

			// No level shows a whole access key ID; TRACE shows the
			// masked one, so the check is not vacuous.
			for _, id := range []string{o.TencentSecretID, o.UCloudPublicKey} {
				if strings.Contains(log, id) {
					t.Errorf("the TF_LOG=%s log contains the whole access key ID %s…", level, client.MaskAccessKeyID(id))
				}
			}
			if level == "TRACE" && !strings.Contains(log, client.MaskAccessKeyID(o.TencentSecretID)) {
				t.Errorf("the TRACE log never names the Tencent key, even masked: the pacing line is missing")
			}
		})
	}
}
