package auditlog.gate_test

import data.auditlog.fixtures as f
import data.auditlog.gate

out(p) := o if {
	o := gate.output with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

junit(p) := j if {
	j := gate.junit with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

lines(p) := split(out(p), "\n")

failing_plan := f.replacing(f.uc_ds([f.uc_ev("mallory", "DeleteUHostInstance", true, 2)]))

errored_plan := json.patch(f.good_plan, [{"op": "replace", "path": "/errored", "value": true}])

test_exit_0_when_every_control_passes if {
	lines(f.good_plan)[0] == "exit=0"
	"gate: PASS: 10 controls evaluated, 7 data sources, 0 violations, 0 reasons it cannot judge" in lines(f.good_plan)
}

test_exit_1_lists_the_violations if {
	l := lines(failing_plan)
	l[0] == "exit=1"
	"Violations (1):" in l
	sprintf("  UC-01: %s: mallory/DeleteUHostInstance/uhost-1: DeleteUHostInstance by mallory from 106.75.1.1 at 2026-05-30T00:00:00Z (read in project org-sim001)", [f.uc_address]) in l
	"  FAIL UC-01 No risky UCloud operation by an unexpected user: 1 finding on 1 scanned, 1 kept from 1 data source" in l
	sprintf("  FAIL %s: 1 record; window 2026-05-04T00:00:00Z to 2026-06-01T00:00:00Z; project_id org-sim001; endpoint https://api.ucloud.cn; complete", [f.uc_address]) in l
}

test_exit_2_when_the_plan_cannot_be_judged if {
	l := lines(errored_plan)
	l[0] == "exit=2"
	"Cannot judge (1):" in l
}

test_exit_2_without_policy_data if {
	o := gate.output with input as f.good_plan with data.auditlog.policy as null with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	startswith(o, "exit=2\n")
	contains(o, "POLICY: no policy data document")
	contains(o, "Controls (0 of 10 enabled by the policy data):")
}

test_exit_2_for_a_stale_plan if {
	o := gate.output with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as (f.now_unix + 7200) * 1000000000 with data.auditlog.catalogue as f.catalogue
	startswith(o, "exit=2\n")
	contains(o, "older than the 3600 s the policy accepts")
}

# No control evaluated is never a pass.
test_exit_2_when_no_control_is_evaluated if {
	pol := f.with_policy("controls", {id: {"enabled": false, "allowed_narrowing": []} | some id, _ in f.policy.controls})
	o := gate.output with input as f.good_plan with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	startswith(o, "exit=2\n")
}

# Probe 8: the report says how much evidence each verdict rests on, and from
# which account, region and project.
test_report_shows_provenance if {
	l := lines(f.good_plan)
	sprintf("  PASS %s: 1 record; account_id 100000000001, region ap-guangzhou; endpoint https://cloudaudit.tencentcloudapi.com; complete", [f.tracks_address]) in l
	"  PASS NET-01 Sub-accounts call the cloud API only from allow-listed networks: 0 findings on 2 scanned, 2 kept from 1 data source" in l
	p := f.replacing(f.with_evidence(f.csip_ds("100021372635", []), {"complete": false, "narrowed_by": ["filter.filters", "filter.limit"], "window_chosen_by_api": true}))
	sprintf("  FAIL %s: 0 records; window chosen by the API; account_id 100000000001; endpoint https://csip.tencentcloudapi.com; narrowed by filter.filters, filter.limit; INCOMPLETE", [f.csip_address("100021372635")]) in lines(p)
}

# Counts say what was scanned and what was kept: a selected read that scanned
# 3 records and kept none is not "0 records".
test_counts_say_scanned_and_kept if {
	p := f.replacing(f.with_evidence(f.uc_ds([]), {"records": 0, "scanned": 3}))
	l := lines(p)
	sprintf("  PASS %s: 3 scanned, 0 kept; window 2026-05-04T00:00:00Z to 2026-06-01T00:00:00Z; project_id org-sim001; endpoint https://api.ucloud.cn; complete", [f.uc_address]) in l
	"  PASS UC-02 Failed UCloud operations stay at or below the threshold: 0 findings on 3 scanned, 0 kept from 1 data source" in l
}

# The provenance lines print each read's endpoint, the one the policy's
# origins judge.
test_provenance_prints_the_endpoint if {
	p := f.replacing(f.with_evidence(f.uc_ds([]), {"endpoint": "http://api.ucloud.cn"}))
	l := lines(p)
	l[0] == "exit=1"
	sprintf("  FAIL %s: 0 records; window 2026-05-04T00:00:00Z to 2026-06-01T00:00:00Z; project_id org-sim001; endpoint http://api.ucloud.cn; complete", [f.uc_address]) in l
}

# With cls_member_account_field, an analysis' line says the accounts are
# the topic's word, unverified.
test_provenance_of_an_analysis_per_member_account if {
	pol := f.with_policy("cls_member_account_field", "userIdentity.accountId")
	o := gate.output with input as f.good_plan with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	contains(o, sprintf("%s: 3 records; window 2025-12-02T23:45:00Z to 2026-05-31T23:45:00Z; account_id %s, region ap-guangzhou; endpoint https://cls.tencentcloudapi.com; complete; accounts as the topic's events name them (field userIdentity.accountId, unverified)", [f.analysis_address("1001"), f.account]))
	not contains(out(f.good_plan), "unverified")
}

only_net01 := f.with_policy("controls", {id: {"enabled": id == "NET-01", "allowed_narrowing": []} | some id, _ in f.policy.controls})

# Disabled controls print SKIP, and the reads only they rest on are "not
# judged": neither PASS nor FAIL.
test_report_marks_skipped_controls if {
	o := gate.output with input as failing_plan with data.auditlog.policy as only_net01 with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	startswith(o, "exit=0\n")
	contains(o, sprintf("  SKIP UC-01 No risky UCloud operation by an unexpected user: disabled in the policy data (controls[\"UC-01\"].enabled is false); its reads not judged: %s", [f.uc_address]))
	contains(o, "Controls (1 of 10 enabled by the policy data):")
	contains(o, sprintf("  NOT JUDGED %s: 1 record;", [f.uc_address]))
	contains(o, sprintf("  PASS %s: 2 records;", [f.csip_address("100021372635")]))
	not contains(o, "mallory")
}

# --- JUnit -------------------------------------------------------------------------------

testcases(xml) := [m | some m in regex.find_n(`<testcase [^>]*>`, xml, -1)]

test_junit_one_case_per_control_and_data_source if {
	j := junit(f.good_plan)
	startswith(j, `<?xml version="1.0" encoding="UTF-8"?>`)
	contains(j, `<testsuites name="auditlog gate" tests="18" failures="0" errors="0">`)
	count(testcases(j)) == 18
	contains(j, `<testcase classname="controls" name="NET-01 Sub-accounts call the cloud API only from allow-listed networks"/>`)
	contains(j, `<testcase classname="data sources" name="module.compliance.data.auditlog_csip_user_call_records.sub[&quot;100021372635&quot;]"/>`)
	contains(j, `<testcase classname="plan" name="plan"/>`)
}

test_junit_failures if {
	j := junit(failing_plan)
	contains(j, `<testsuites name="auditlog gate" tests="18" failures="2" errors="0">`)
	contains(j, `<testcase classname="controls" name="UC-01 No risky UCloud operation by an unexpected user"><failure message="1 problem">UC-01: module.compliance.data.auditlog_ucloud_operation_events.window: mallory/DeleteUHostInstance/uhost-1: `)
	contains(j, `<testcase classname="data sources" name="module.compliance.data.auditlog_ucloud_operation_events.window"><failure message="1 record; window`)
}

test_junit_errors_when_the_plan_cannot_be_judged if {
	j := junit(errored_plan)
	contains(j, `<testsuites name="auditlog gate" tests="18" failures="0" errors="18">`)
	contains(j, `<testcase classname="plan" name="plan"><error message="cannot judge the plan">PLAN: the plan errored (&quot;errored&quot;: true)`)
}

test_junit_deferred_reads_are_cases if {
	p := json.patch(f.without_type("auditlog_ucloud_operation_events"), [{"op": "add", "path": "/resource_changes/-", "value": {"address": f.uc_address, "mode": "data", "type": "auditlog_ucloud_operation_events", "change": {"actions": ["read"]}}}])
	contains(junit(p), sprintf(`<testcase classname="data sources" name="%s"><error message="deferred to apply: no values at plan time">`, [f.uc_address]))
}

test_junit_skipped_controls if {
	j := gate.junit with input as f.good_plan with data.auditlog.policy as only_net01 with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	contains(j, sprintf(`<testcase classname="controls" name="UC-02 Failed UCloud operations stay at or below the threshold"><skipped message="disabled in the policy data (controls[&quot;UC-02&quot;].enabled is false); its reads not judged: %s"/></testcase>`, [f.uc_address]))
	contains(j, `<testsuite name="controls" tests="10" failures="0" errors="0" skipped="9">`)
	contains(j, sprintf(`<testcase classname="data sources" name="%s"><skipped message="not judged: no enabled control rests on it; `, [f.uc_address]))
}

# --- What the run rests on (data.auditlog.gate_run) -------------------------------------------

run_out(run) := o if {
	o := gate.output with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.gate_run as run with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

run_junit(run) := j if {
	j := gate.junit with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.gate_run as run with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

test_simulator_policy_says_so_everywhere if {
	run := {"plan_exit_code": 0, "sealed": true, "simulator_policy": true, "provider_verified": false}
	l := split(run_out(run), "\n")
	l[0] == "exit=0"
	l[1] == "SIMULATOR POLICY: not evidence of any cloud; provider not verified"
	endswith(l[count(l) - 1], "; SIMULATOR POLICY: not evidence of any cloud; provider not verified")
	j := run_junit(run)
	contains(j, `<testsuites name="auditlog gate; SIMULATOR POLICY: not evidence of any cloud; provider not verified"`)
	contains(j, `<property name="trust" value="SIMULATOR POLICY: not evidence of any cloud; provider not verified"/>`)
}

test_unverified_provider_says_so_everywhere if {
	run := {"plan_exit_code": 0, "sealed": false, "simulator_policy": false, "provider_verified": false}
	l := split(run_out(run), "\n")
	startswith(l[1], "provider not verified: ")
	endswith(l[count(l) - 1], "; provider not verified")
	not contains(run_out(run), "SIMULATOR")
	contains(run_junit(run), `<testsuites name="auditlog gate; provider not verified"`)
}

test_policy_sha256_is_printed if {
	l := split(run_out({"plan_exit_code": 0, "provider_verified": true, "policy_sha256": "ab12"}), "\n")
	l[1] == "Policy data: sha256 ab12"
}

test_verified_run_has_no_trust_notes if {
	o := run_out({"plan_exit_code": 0, "sealed": true, "simulator_policy": false, "provider_verified": true})
	not contains(o, "not verified")
	not contains(o, "SIMULATOR")
	not contains(run_junit({"plan_exit_code": 0, "provider_verified": true}), "<properties>")
}

test_xml_escaping if {
	gate.xml(concat("", [`a<b & "c"`, "\n>"])) == "a&lt;b &amp; &quot;c&quot;&#10;&gt;"
}

# A control id the policy does not know (a typo) must not silently drop a control.
test_exit_2_for_an_unknown_control if {
	pol := f.with_policy("controls", object.union(f.policy.controls, {"NET-99": {"enabled": true, "allowed_narrowing": []}}))
	o := gate.output with input as f.good_plan with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	startswith(o, "exit=2\n")
	contains(o, "POLICY: controls[\"NET-99\"] is not a control of this policy")
}

# Review finding 6: a plan that exited non-zero (-detailed-exitcode: 2) is
# a reason the gate cannot judge, in its report and its JUnit file alike.
test_plan_exit_code_decides_report_and_junit if {
	o := gate.output with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.gate_run as {"plan_exit_code": 2} with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	startswith(o, "exit=2\n")
	contains(o, "PLAN: terraform plan exited 2: a plan that does not exit 0 is never a pass")
	not contains(o, "gate: PASS")
	j := gate.junit with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.gate_run as {"plan_exit_code": 2} with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	contains(j, `<testsuites name="auditlog gate" tests="18" failures="0" errors="18">`)
	contains(j, `<testcase classname="plan" name="plan"><error message="cannot judge the plan">PLAN: terraform plan exited 2`)
	ok := gate.output with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.gate_run as {"plan_exit_code": 0} with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	startswith(ok, "exit=0\n")
}
