package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The judging step on a busy account's plan: a CloudAudit events read of
// benchEvents events in the window, benchFindings of them EVT-01 findings
// (a watched event by a user outside the allow-list), every other control's
// read in place and passing, all evidence complete and matching the policy
// data. The figures are in BENCHMARKS.md (make bench-gate).
const (
	benchEvents   = 100000
	benchFindings = 10000
)

const benchAccount = "100000000001"

// benchPolicyDocument is the policy data of the Rego fixtures
// (lib/fixtures_test.rego), accepting the unsealed plan the benchmark
// judges. The plan's tracking set delivers to COS, and the benchmark
// measures DescribeEvents' reads: the controls over CLS (RET-01, EVT-02)
// are disabled.
func benchPolicyDocument() []byte {
	controls := map[string]any{}
	for _, id := range []string{"TRK-01", "TRK-02", "TRK-03", "TRK-04", "NET-01", "EVT-01", "UC-01", "UC-02"} {
		controls[id] = map[string]any{"enabled": true, "allowed_narrowing": []string{"max_items"}}
	}
	for _, id := range []string{"RET-01", "EVT-02"} {
		controls[id] = map[string]any{"enabled": false, "allowed_narrowing": []string{}}
	}
	pol := map[string]any{
		"schema_version":                     3,
		"min_retention_days":                 184,
		"cls_window_days":                    180,
		"cls_member_account_field":           nil,
		"cloudaudit_instance_event_patterns": []string{"^TerminateInstances$", "^RebootInstances$"},
		"required_data_sources":              []string{"auditlog_cloudaudit_tracks", "auditlog_cloudaudit_track", "auditlog_cloudaudit_events", "auditlog_csip_user_call_records", "auditlog_ucloud_operation_events"},
		"controls":                           controls,
		"window_days":                        28,
		"window_start":                       nil,
		"window_end":                         nil,
		"max_plan_age_seconds":               3600,
		"accept_unsealed_plans":              true,
		"providers": []any{map[string]any{
			"address": "registry.terraform.io/auditlog/auditlog", "version": "0.1.0",
			"hashes": map[string][]string{"linux_amd64": {"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}},
		}},
		"origins": []any{
			map[string]any{"scheme": "https", "host_pattern": `^[a-z0-9-]+(\.[a-z0-9-]+)*\.tencentcloudapi\.com$`},
			map[string]any{"host": "api.ucloud.cn"},
		},
		"tencentcloud":                      map[string]any{"accounts": map[string]any{benchAccount: map[string]any{"regions": []string{"ap-guangzhou"}, "csip_sub_uins": []string{"100021372635"}}}},
		"ucloud":                            map[string]any{"projects": []string{"org-sim001"}},
		"allowed_networks":                  []string{"106.55.0.0/16", "2402:4e00::/32"},
		"cloudaudit_privileged_users":       []string{"admin"},
		"cloudaudit_watched_event_patterns": []string{"^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$"},
		"ucloud_privileged_users":           []string{"admin"},
		"ucloud_risky_api_patterns":         []string{"^Delete", "^Release", "^Terminate", "AccessKey", "Polic(y|ies)", "^CreateUser$", "^UpdateSecurityGroup$"},
		"ucloud_max_failed":                 3,
	}
	raw, err := json.MarshalIndent(map[string]any{"auditlog": map[string]any{"policy": pol}}, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(raw, '\n')
}

// benchPlanJSON is terraform show -json of the compliance module's reads
// (module.compliance), made at now: events CloudAudit events spread over
// the 28-day window, every events/findings-th one a DeleteUser by mallory,
// the others a ConsoleLogin by admin (watched, but allowed) or a
// DescribeInstances by bob (not watched).
func benchPlanJSON(now time.Time, events, findings int) []byte {
	end := now.Unix()
	start := end - 28*86400
	evidence := func(records int, windowed bool, patch map[string]any) map[string]any {
		e := map[string]any{
			"complete": true, "records": records, "window_start": nil, "window_end": nil,
			"window_chosen_by_api": false, "narrowed_by": []string{}, "account_id": benchAccount,
			"principal_arn": "qcs::cam::uin/100000000001:uin/100000000001", "region": "ap-guangzhou", "project_id": nil,
			"endpoint": "https://cloudaudit.tencentcloudapi.com",
		}
		if windowed {
			e["window_start"], e["window_end"] = start, end
		}
		for k, v := range patch {
			e[k] = v
		}
		return e
	}
	const provider = "registry.terraform.io/auditlog/auditlog"
	every := events / findings
	evs := make([]any, events)
	for i := range evs {
		user, name := "admin", "ConsoleLogin"
		switch {
		case i%every == 0:
			user, name = "mallory", "DeleteUser"
		case i%2 == 0:
			user, name = "bob", "DescribeInstances"
		}
		at := start + 60 + int64(i)*(28*86400-120)/int64(events)
		evs[i] = map[string]any{
			"event_id": fmt.Sprintf("evt-%06d", i), "username": user, "event_name": name,
			"event_time": fmt.Sprint(at), "source_ip_address": "106.55.1.1",
		}
	}
	track := map[string]any{
		"track_id": 1001, "name": "audit-all", "status": 1, "action_type": "*", "resource_type": "*", "event_names": []string{"*"},
		"storage": map[string]any{"storage_type": "cos", "storage_name": "audit-logs", "storage_region": "ap-guangzhou"},
	}
	day := func(n int64) string { return time.Unix(end-n*86400, 0).UTC().Format("2006-01-02 15:04:05") }
	csipRec := func(ip string, last string) map[string]any {
		return map[string]any{"source_ip": ip, "user_name": "ops", "call_count": 3, "region": "r", "isp": "i", "first_call_time": last, "last_call_time": last}
	}
	ucEv := func(user, api string, ok bool, daysAgo int64) map[string]any {
		return map[string]any{
			"user_name": user, "api": api, "is_success": ok, "operate_time": end - daysAgo*86400,
			"remote_ip": "106.75.1.1", "related_resource": []any{map[string]any{"resource_id": "uhost-1", "resource_name": "web"}},
		}
	}
	resources := []any{
		map[string]any{
			"address": "module.compliance.data.auditlog_cloudaudit_tracks.all", "mode": "data", "provider_name": provider,
			"type": "auditlog_cloudaudit_tracks", "name": "all",
			"values": map[string]any{"tracks": []any{track}, "total_count": 1, "evidence": evidence(1, false, nil)},
		},
		map[string]any{
			"address": `module.compliance.data.auditlog_cloudaudit_track.each["1001"]`, "mode": "data", "provider_name": provider,
			"type": "auditlog_cloudaudit_track", "name": "each", "index": "1001",
			"values": map[string]any{
				"track_id": 1001, "status": 1, "track_for_all_members": 1,
				"filters":  map[string]any{"resource_fields": []any{map[string]any{"resource_type": "*", "action_type": "*", "event_names": []string{"*"}}}},
				"evidence": evidence(1, false, nil),
			},
		},
		map[string]any{
			"address": `module.compliance.data.auditlog_csip_user_call_records.sub["100021372635"]`, "mode": "data", "provider_name": provider,
			"type": "auditlog_csip_user_call_records", "name": "sub", "index": "100021372635",
			"values": map[string]any{
				"sub_uin": "100021372635", "data": []any{csipRec("106.55.1.10", day(2)), csipRec("2402:4e00:1::5", day(3))}, "total": 2,
				"evidence": evidence(2, true, map[string]any{"region": nil, "endpoint": "https://csip.tencentcloudapi.com"}),
			},
		},
		map[string]any{
			"address": "module.compliance.data.auditlog_ucloud_operation_events.window", "mode": "data", "provider_name": provider,
			"type": "auditlog_ucloud_operation_events", "name": "window",
			"values": map[string]any{
				"events": []any{ucEv("admin", "DeleteULB", true, 2), ucEv("bob", "StartUHostInstance", false, 1)}, "resume_token": nil,
				"evidence": evidence(2, true, map[string]any{"account_id": nil, "principal_arn": nil, "region": nil, "project_id": "org-sim001", "endpoint": "https://api.ucloud.cn"}),
			},
		},
		map[string]any{
			"address": "module.compliance.data.auditlog_cloudaudit_events.window", "mode": "data", "provider_name": provider,
			"type": "auditlog_cloudaudit_events", "name": "window",
			"values": map[string]any{"events": evs, "list_over": true, "resume_token": nil, "evidence": evidence(events, true, nil)},
		},
	}
	plan := map[string]any{
		"format_version": "1.2", "timestamp": now.UTC().Format(time.RFC3339), "errored": false, "complete": true,
		"variables":        map[string]any{},
		"prior_state":      map[string]any{"values": map[string]any{"root_module": map[string]any{"child_modules": []any{map[string]any{"address": "module.compliance", "resources": resources}}}}},
		"resource_changes": []any{},
		"checks":           []any{},
	}
	raw, err := json.Marshal(plan)
	if err != nil {
		panic(err)
	}
	return raw
}

// BenchmarkJudgeTenThousandFindingsOfHundredThousandEvents times the
// judging step the command runs on every plan (gate.evaluate: compile the
// shipped rules, read the plan, evaluate, print the report) and checks the
// verdict each time, so that the figure is a real judgement.
//
// With AUDITLOG_GATE_BENCH_DIR set, it also writes the policy data
// (DIR/policy/policy.json) and the plan (DIR/plan/plan.json) it judged, for
// a one-shot run of the command under /usr/bin/time -v (make bench-gate).
func BenchmarkJudgeTenThousandFindingsOfHundredThousandEvents(b *testing.B) {
	pd, err := parsePolicyData(benchPolicyDocument(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	planJSON := benchPlanJSON(time.Now(), benchEvents, benchFindings)
	if dir := os.Getenv("AUDITLOG_GATE_BENCH_DIR"); dir != "" {
		writeBenchFiles(b, dir, pd.raw, planJSON)
	}
	run := gateRun{Sealed: false, ProviderVerified: false, PolicySHA256: pd.sha256()}
	b.ReportAllocs()
	b.SetBytes(int64(len(planJSON)))
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		g := &gate{opts: &options{}, stdout: &out, stderr: io.Discard, policy: pd}
		code, err := g.evaluate(context.Background(), planJSON, run)
		if err != nil {
			b.Fatal(err)
		}
		checkBenchVerdict(b, code, out.String(), benchEvents, benchFindings)
	}
}

// checkBenchVerdict requires exit 1 with exactly the findings of EVT-01,
// each listed, and every other control passing.
func checkBenchVerdict(tb testing.TB, code int, report string, events, findings int) {
	tb.Helper()
	if code != exitViolations {
		tb.Fatalf("exit %d, want %d; the report:\n%.3000s", code, exitViolations, report)
	}
	for _, want := range []string{
		fmt.Sprintf("Violations (%d):", findings),
		fmt.Sprintf("  FAIL EVT-01 No console login or deletion by a user outside the allow-list: %d findings on %d scanned, %d kept from 1 data source", findings, events, events),
	} {
		if !strings.Contains(report, want) {
			tb.Fatalf("the report has no line %q:\n%.3000s", want, report)
		}
	}
	if n := strings.Count(report, "\n  EVT-01: module.compliance.data.auditlog_cloudaudit_events.window: evt-"); n != findings {
		tb.Fatalf("the report lists %d EVT-01 findings, want %d", n, findings)
	}
	if n := strings.Count(report, "\n  FAIL "); n != 2 { // EVT-01 and its read
		tb.Fatalf("the report has %d FAIL lines, want 2 (EVT-01 and the events read):\n%.3000s", n, report)
	}
}

// TestJudgeCountsEveryFindingOfABusyPlan is the benchmark's plan at a small
// size: the verdict the benchmark requires is the gate's.
func TestJudgeCountsEveryFindingOfABusyPlan(t *testing.T) {
	pd, err := parsePolicyData(benchPolicyDocument(), "bench")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	g := &gate{opts: &options{}, stdout: &out, stderr: io.Discard, policy: pd}
	code, err := g.evaluate(context.Background(), benchPlanJSON(time.Now(), 1000, 100), gateRun{PolicySHA256: pd.sha256()})
	if err != nil {
		t.Fatal(err)
	}
	checkBenchVerdict(t, code, out.String(), 1000, 100)
}

func writeBenchFiles(tb testing.TB, dir string, policyJSON, planJSON []byte) {
	tb.Helper()
	for name, content := range map[string][]byte{"policy/policy.json": policyJSON, "plan/plan.json": planJSON} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
