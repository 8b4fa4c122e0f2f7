package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The compliant scenario's tracking set audit-all-cls delivers every event
// to this topic; audit-all-org (1001) delivers to COS.
const (
	sixMonthsTopic  = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"
	sixMonthsRegion = "ap-shanghai"
)

// sixMonthsControl is a verdict of the compliance output with the windows
// of the reads it rests on.
type sixMonthsControl struct {
	complianceControl
	Evidence []struct {
		DataSource  string `json:"data_source"`
		Complete    *bool  `json:"complete"`
		Region      string `json:"region"`
		Records     *int   `json:"records"`
		WindowStart *int64 `json:"window_start"`
		WindowEnd   *int64 `json:"window_end"`
	} `json:"evidence"`
}

// clsReviewCount is one (user, event) pair of a topic's logs in a window,
// as the simulator serves them: the user and event name nil when the log
// has none.
type clsReviewCount struct {
	user, event *string
	events      int
}

// clsCountsInWindow groups the logs the simulator serves for a topic by
// user and event name over [from, to) (UNIX seconds; CLS's To is
// exclusive), as the module's analysis asks CLS to.
func clsCountsInWindow(t *testing.T, sim *testSim, topic string, from, to int64) (map[string]*clsReviewCount, int) {
	t.Helper()
	out, total := map[string]*clsReviewCount{}, 0
	for _, l := range sim.CLSLogs(topic) {
		if l.Time < from*1000 || l.Time >= to*1000 {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
			t.Fatal(err)
		}
		c := &clsReviewCount{}
		if u, ok := doc["userIdentity.userName"].(string); ok {
			c.user = &u
		}
		if e, ok := doc["eventName"].(string); ok {
			c.event = &e
		}
		key := fmt.Sprintf("%v/%v", orNone(c.user, "(unknown)"), orNone(c.event, "(no event name)"))
		if out[key] == nil {
			out[key] = c
		}
		out[key].events++
		total++
	}
	return out, total
}

func orNone(s *string, none string) string {
	if s == nil {
		return none
	}
	return *s
}

// wantCLSFindings are the findings a control over event patterns must
// report for the counts: every pair whose event matches a pattern (or has
// no name) by a user outside the allow-list (or without a name).
func wantCLSFindings(counts map[string]*clsReviewCount, patterns, allowed []string, topic, region string, days int) map[string]string {
	want := map[string]string{}
	for _, c := range counts {
		watched := c.event == nil
		for _, p := range patterns {
			watched = watched || regexp.MustCompile(p).MatchString(*c.event)
		}
		ok := c.user != nil && slices.Contains(allowed, *c.user)
		if !watched || ok {
			continue
		}
		user, event := orNone(c.user, "(unknown)"), orNone(c.event, "(no event name)")
		what := event
		if c.event == nil {
			what = "events whose name is not given (cannot be classified)"
		}
		want[topic+"/"+user+"/"+event] = fmt.Sprintf("%d %s by %s over %d days in CLS topic %s (%s)", c.events, what, user, days, topic, region)
	}
	return want
}

// planSixMonths plans examples/compliance/root with a policy data file
// (no variables: the file holds every setting) and returns its compliance
// output.
func (r *exampleRun) planSixMonths(env []string, name, policyFile string) (map[string]sixMonthsControl, string, int) {
	r.t.Helper()
	out, code := r.terraform(env, "plan", "-no-color", "-input=false", "-out="+name+".tfplan", "-var=auditlog_policy_data_file="+policyFile)
	if code != 0 {
		return nil, out, code
	}
	js, showCode := r.terraform(nil, "show", "-json", name+".tfplan")
	if showCode != 0 {
		r.t.Fatalf("terraform show -json: exit %d\n%s", showCode, js)
	}
	path := filepath.Join(r.dir, name+".json")
	writeFile(r.t, path, js)
	var c struct {
		Controls map[string]sixMonthsControl `json:"controls"`
	}
	readOutput(r.t, path, "compliance", &c)
	return c.Controls, out, code
}

// policyVariant writes a copy of examples/policy/policy.json changed by
// edit, and returns its path.
func policyVariant(t *testing.T, root, name string, edit func(p map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "examples", "policy", "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(policyObject(t, doc, "auditlog", "policy"))
	path := filepath.Join(t.TempDir(), name)
	writeFile(t, path, string(mustJSON(t, doc)))
	return path
}

// policyObject walks keys down nested JSON objects, failing the test where
// one is not an object.
func policyObject(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("policy data: no object above %s", k)
		}
		v = m[k]
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("policy data: %s is not an object", strings.Join(keys, "."))
	}
	return m
}

// analysisWindow is the window the module's analysis of the topic was
// sent with, from the evidence of EVT-02.
func analysisWindow(t *testing.T, c sixMonthsControl) (int64, int64) {
	t.Helper()
	for _, e := range c.Evidence {
		if e.DataSource == `data.auditlog_cls_analysis.events["1002"]` && e.WindowStart != nil && e.WindowEnd != nil {
			if e.Region != sixMonthsRegion {
				t.Errorf("the analysis was sent to %s, want %s", e.Region, sixMonthsRegion)
			}
			return *e.WindowStart, *e.WindowEnd
		}
	}
	t.Fatalf("EVT-02 rests on no analysis of tracking set 1002: %+v", c.Evidence)
	return 0, 0
}

// TestAccComplianceSixMonths runs examples/compliance with the shipped
// policy data (schema_version 3) over the six-month review's deliveries
// (cloudsim's CLSOptions.Review): the analyses' counts and findings equal
// those computed from the logs the simulator serves; a topic kept 90 days
// fails RET-01 and cannot be judged by EVT-01 and EVT-02; a COS-only
// account cannot be judged by RET-01 unless the policy puts its tracking
// set out of scope; a version 2 file is refused.
func TestAccComplianceSixMonths(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	r := newExampleRun(t)
	policy := filepath.Join(r.root, "examples", "policy", "policy.json")
	allowed := []string{"admin", "ops-automation"}
	watched := []string{"^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$"}
	instance := []string{"^TerminateInstances$", "^RebootInstances$"}
	review := func(mode string, topic cloudsim.CLSTopicOptions) *testSim {
		return scenarioSim(t, "compliant", cloudsim.Options{CLS: cloudsim.CLSOptions{Review: mode,
			Topics: map[string]cloudsim.CLSTopicOptions{sixMonthsTopic: topic}}})
	}
	findings := func(c sixMonthsControl) map[string]string {
		got := map[string]string{}
		for _, f := range c.Findings {
			got[f.ID] = f.Detail
		}
		return got
	}
	sameFindings := func(t *testing.T, id string, got, want map[string]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s findings %v, want %v", id, got, want)
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s finding %s: %q, want %q", id, k, got[k], w)
			}
		}
	}

	t.Run("compliant", func(t *testing.T) {
		sim := review(cloudsim.CLSReviewCompliant, cloudsim.CLSTopicOptions{})
		controls, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-compliant", policy)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		if len(controls) != 10 {
			t.Errorf("%d controls, want 10", len(controls))
		}
		for id, c := range controls {
			if c.Status != "pass" || len(c.Findings) != 0 || len(c.Incomplete) != 0 {
				t.Errorf("%s: %s with findings %v, incomplete %v", id, c.Status, c.Findings, c.Incomplete)
			}
		}
		from, to := analysisWindow(t, controls["EVT-02"])
		if to-from != 180*86400 {
			t.Errorf("the analysis covers %d s, want 180 days", to-from)
		}
		counts, total := clsCountsInWindow(t, sim, sixMonthsTopic, from, to)
		if total < cloudsim.CLSReviewEvents || total == sim.CLSLogCount(sixMonthsTopic) {
			t.Fatalf("%d of the topic's %d logs in the window: the data set must hold logs on both sides of it", total, sim.CLSLogCount(sixMonthsTopic))
		}
		// EVT-02 counted every event of the window, in one row per user
		// and event; RET-01 judged both enabled tracking sets.
		rows := -1
		for _, e := range controls["EVT-02"].Evidence {
			if strings.HasPrefix(e.DataSource, "data.auditlog_cls_analysis.") && e.Records != nil {
				rows = *e.Records
			}
		}
		if c := controls["EVT-02"]; c.Records != total || c.Kept != total || rows != len(counts) {
			t.Errorf("EVT-02 reviewed %d events (kept %d) in %d rows, want %d in %d", c.Records, c.Kept, rows, total, len(counts))
		}
		if c := controls["RET-01"]; c.Records != 2 {
			t.Errorf("RET-01 judged %d tracking sets, want 2", c.Records)
		}
	})

	t.Run("noncompliant", func(t *testing.T) {
		sim := review(cloudsim.CLSReviewNoncompliant, cloudsim.CLSTopicOptions{})
		controls, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-noncompliant", policy)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		from, to := analysisWindow(t, controls["EVT-02"])
		counts, _ := clsCountsInWindow(t, sim, sixMonthsTopic, from, to)
		wantEVT01 := wantCLSFindings(counts, watched, allowed, sixMonthsTopic, sixMonthsRegion, 180)
		wantEVT02 := wantCLSFindings(counts, instance, allowed, sixMonthsTopic, sixMonthsRegion, 180)
		for _, id := range []string{sixMonthsTopic + "/mallory/TerminateInstances", sixMonthsTopic + "/mallory/RebootInstances", sixMonthsTopic + "/(unknown)/RebootInstances"} {
			if _, ok := wantEVT02[id]; !ok {
				t.Fatalf("the noncompliant review holds no %s: %v", id, wantEVT02)
			}
		}
		if _, ok := wantEVT01[sixMonthsTopic+"/mallory/DeleteUser"]; !ok {
			t.Fatalf("the noncompliant review holds no watched deletion: %v", wantEVT01)
		}
		for id, want := range map[string]map[string]string{"EVT-01": wantEVT01, "EVT-02": wantEVT02} {
			c := controls[id]
			if c.Status != "fail" || len(c.Incomplete) != 0 {
				t.Errorf("%s: %s, incomplete %v", id, c.Status, c.Incomplete)
			}
			sameFindings(t, id, findings(c), want)
		}
		for _, id := range []string{"RET-01", "TRK-01", "TRK-04", "NET-01", "UC-01"} {
			if controls[id].Status != "pass" {
				t.Errorf("%s: %s with %v", id, controls[id].Status, controls[id].Findings)
			}
		}
		// The check blocks' warnings name the control, topic, user and event.
		folded := foldSpace.ReplaceAllString(out, " ")
		if !strings.Contains(folded, "EVT-02 failed") || !strings.Contains(folded, sixMonthsTopic+"/mallory/TerminateInstances (") {
			t.Errorf("the plan's warnings do not name EVT-02's finding:\n%s", out)
		}
	})

	t.Run("member account field", func(t *testing.T) {
		sim := review(cloudsim.CLSReviewNoncompliant, cloudsim.CLSTopicOptions{})
		file := policyVariant(t, r.root, "member.json", func(p map[string]any) { p["cls_member_account_field"] = "userIdentity.accountId" })
		controls, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-member", file)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		d, ok := findings(controls["EVT-02"])[sixMonthsTopic+"/mallory/TerminateInstances"]
		if !ok || !strings.HasSuffix(d, ", account "+cloudsim.DefaultTencentOwnerUin+": accounts as the topic's events name them (field userIdentity.accountId, unverified)") {
			t.Errorf("EVT-02's finding with a member account field: %q (present %v)", d, ok)
		}
	})

	t.Run("topic kept 90 days", func(t *testing.T) {
		sim := review(cloudsim.CLSReviewCompliant, cloudsim.CLSTopicOptions{Period: 90})
		controls, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-90", policy)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		sameFindings(t, "RET-01", findings(controls["RET-01"]), map[string]string{
			"audit-all-cls": "CLS topic " + sixMonthsTopic + " (" + sixMonthsRegion + ") of tracking set 1002 keeps its logs 90 days, less than the minimum 184 days",
		})
		cannot := "cannot judge: CLS topic " + sixMonthsTopic + " (" + sixMonthsRegion + ") keeps its logs 90 days, less than the 180 days of the analysis: the window reaches past what the topic keeps"
		for _, id := range []string{"EVT-01", "EVT-02"} {
			if c := controls[id]; c.Status != "fail" || findings(c)["audit-all-cls"] != cannot {
				t.Errorf("%s over a topic kept 90 days: %s with %v", id, c.Status, c.Findings)
			}
		}
	})

	t.Run("cold topic", func(t *testing.T) {
		// A topic in infrequent access storage has no SQL: it is not
		// analysed, and neither EVT control can judge it; its retention
		// still counts.
		sim := review(cloudsim.CLSReviewNoncompliant, cloudsim.CLSTopicOptions{Cold: true})
		controls, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-cold", policy)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		cannot := "cannot judge: CLS topic " + sixMonthsTopic + " (" + sixMonthsRegion + ") is in cold storage, which has no SQL analysis"
		for _, id := range []string{"EVT-01", "EVT-02"} {
			c := controls[id]
			for _, e := range c.Evidence {
				if strings.HasPrefix(e.DataSource, "data.auditlog_cls_analysis.") {
					t.Errorf("%s rests on an analysis of a cold topic: %s", id, e.DataSource)
				}
			}
			if c.Status != "fail" || findings(c)["audit-all-cls"] != cannot {
				t.Errorf("%s over a cold topic: %s with %v", id, c.Status, c.Findings)
			}
		}
		if c := controls["RET-01"]; c.Status != "pass" {
			t.Errorf("RET-01 over a cold topic kept 365 days: %s with %v", c.Status, c.Findings)
		}
	})

	t.Run("topic of another account", func(t *testing.T) {
		// The tracking set delivers to a topic another account owns: this
		// instance does not read it, and cannot judge it.
		d, err := cloudsim.Scenario("compliant")
		if err != nil {
			t.Fatal(err)
		}
		for i, raw := range d.DescribeAuditTracks {
			var tr map[string]any
			if err := json.Unmarshal(raw, &tr); err != nil {
				t.Fatal(err)
			}
			if st, _ := tr["Storage"].(map[string]any); st["StorageType"] == "cls" {
				st["StorageAccountId"] = "100000000099"
				d.DescribeAuditTracks[i] = mustJSON(t, tr)
			}
		}
		foreign, err := cloudsim.ParseDataSet(mustJSON(t, d))
		if err != nil {
			t.Fatal(err)
		}
		sim := startSim(t, cloudsim.Options{Data: foreign})
		controls, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-foreign", policy)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		want := map[string]string{
			"RET-01": `cannot judge RET-01: tracking set 1002 delivers to CLS topic "` + sixMonthsTopic + `" of account 100000000099, which this instance does not read`,
			"EVT-01": `cannot judge: tracking set 1002 (audit-all-cls) delivers to CLS topic "` + sixMonthsTopic + `" of account 100000000099, which this instance does not read`,
		}
		want["EVT-02"] = want["EVT-01"]
		for id, w := range want {
			if c := controls[id]; c.Status != "fail" || findings(c)["audit-all-cls"] != w {
				t.Errorf("%s with a topic of another account: %s with %v, want %q", id, c.Status, c.Findings, w)
			}
		}
	})

	t.Run("COS only", func(t *testing.T) {
		sim := review(cloudsim.CLSReviewCOSOnly, cloudsim.CLSTopicOptions{})
		env := simEnv(sim, sim.Options().TencentSecretKey)
		controls, out, code := r.planSixMonths(env, "six-cos", policy)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		// The shipped policy puts tracking set 1001 out of RET-01's scope.
		if c := controls["RET-01"]; c.Status != "pass" || c.Records != 1 {
			t.Errorf("RET-01 with 1001 out of scope: %s on %d tracking sets, findings %v", c.Status, c.Records, c.Findings)
		}
		if c := controls["EVT-02"]; c.Status != "fail" || findings(c)["no-cls-delivery"] == "" {
			t.Errorf("EVT-02 without a CLS delivery: %s with %v", c.Status, c.Findings)
		}
		file := policyVariant(t, r.root, "in-scope.json", func(p map[string]any) {
			delete(policyObject(t, p, "tencentcloud", "accounts", cloudsim.DefaultTencentOwnerUin), "retention_out_of_scope")
		})
		controls, out, code = r.planSixMonths(env, "six-cos-in-scope", file)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		sameFindings(t, "RET-01", findings(controls["RET-01"]), map[string]string{
			"audit-all-org": `cannot judge RET-01: tracking set 1001 delivers to cos "audit-logs", whose retention this module does not read; verify it elsewhere and list 1001 in retention_out_of_scope`,
		})
	})

	t.Run("policy data v2 refused", func(t *testing.T) {
		sim := review(cloudsim.CLSReviewCompliant, cloudsim.CLSTopicOptions{})
		file := policyVariant(t, r.root, "v2.json", func(p map[string]any) { p["schema_version"] = 2 })
		_, out, code := r.planSixMonths(simEnv(sim, sim.Options().TencentSecretKey), "six-v2", file)
		if folded := foldSpace.ReplaceAllString(out, " "); code == 0 || !strings.Contains(folded, `see the migration note "Policy data v3" in examples/policy/README.md`) {
			t.Errorf("a version 2 policy data file: exit %d\n%s", code, out)
		}
	})
}
