package auditlog.lib_test

import data.auditlog.lib
import data.compliance
import data.compliance_test

good := compliance_test.good_plan

violations(p) := msgs if {
	msgs := compliance.deny with input as p
}

has(msgs, prefix) if {
	some m in msgs
	startswith(m, prefix)
}

# --- Finding data sources ---------------------------------------------------------

test_finds_root_child_and_instances if {
	p := json.patch(good, [
		{"op": "add", "path": "/prior_state/values/root_module/resources", "value": [compliance_test.csip_ds("200", [])]},
		{"op": "add", "path": "/prior_state/values/root_module/child_modules/0/child_modules", "value": [{"resources": [compliance_test.csip_ds("300", [])]}]},
	])
	got := {r.values.sub_uin | some r in lib.data_sources_of("auditlog_csip_user_call_records")} with input as p
	got == {"100", "200", "300"}
}

test_ignores_other_types_and_managed_resources if {
	other := {"address": "data.x.y", "mode": "data", "type": "external", "values": {}}
	managed := object.union(compliance_test.tracks_ds([]), {"mode": "managed"})
	p := compliance_test.plan([other, managed])
	count(lib.data_sources) == 0 with input as p
}

# --- Fail closed ----------------------------------------------------------------------

test_errored_plan_fails_closed if {
	p := json.patch(good, [{"op": "replace", "path": "/errored", "value": true}])
	has(violations(p), "PLAN: the plan errored")
}

# An errored plan with no prior_state at all (the read failed) still fails.
test_errored_plan_without_state_fails_closed if {
	p := {"format_version": "1.2", "timestamp": compliance_test.ts, "errored": true, "checks": [
		{"address": {"kind": "check", "to_display": "module.compliance.check.trk_01"}, "status": "unknown"},
	]}
	msgs := violations(p)
	has(msgs, "PLAN: the plan errored")
	has(msgs, "PLAN: no auditlog_cloudaudit_tracks data source was read")
	has(msgs, "CHECK: module.compliance.check.trk_01 is unknown")
}

test_not_a_plan_fails_closed if {
	has(violations({"resources": []}), "PLAN: the input is not a plan")
}

test_deferred_read_fails_closed if {
	p := json.patch(compliance_test.plan([compliance_test.tracks_ds([compliance_test.good_track]), compliance_test.csip_ds("100", [])]), [{"op": "add", "path": "/resource_changes/-", "value": {
		"address": "module.compliance.data.auditlog_ucloud_operation_events.window", "mode": "data",
		"type": "auditlog_ucloud_operation_events", "change": {"actions": ["read"], "after": null},
		"action_reason": "read_because_config_unknown",
	}}])
	msgs := violations(p)
	has(msgs, "PLAN: module.compliance.data.auditlog_ucloud_operation_events.window is deferred to apply")

	# Reported as deferred, not also as missing.
	not has(msgs, "PLAN: no auditlog_ucloud_operation_events")
}

test_missing_data_source_fails_closed if {
	p := compliance_test.plan([compliance_test.tracks_ds([compliance_test.good_track])])
	msgs := violations(p)
	has(msgs, "PLAN: no auditlog_csip_user_call_records data source was read")
	has(msgs, "PLAN: no auditlog_ucloud_operation_events data source was read")
	not has(msgs, "PLAN: no auditlog_cloudaudit_tracks")
}

test_partial_tracks_fail_closed if {
	ds := json.patch(compliance_test.tracks_ds([compliance_test.good_track]), [{"op": "replace", "path": "/values/total_count", "value": 5}])
	has(violations(compliance_test.with_resource(good, ds)), "PLAN: data.auditlog_cloudaudit_tracks.all read 1 of 5 tracking sets is partial")
}

test_partial_csip_fails_closed if {
	ds := json.patch(compliance_test.csip_ds("400", []), [{"op": "replace", "path": "/values/total", "value": 7}])
	has(violations(compliance_test.with_resource(good, ds)), "PLAN: data.auditlog_csip_user_call_records.sub[\"400\"] read 0 of 7 records is partial")
}

test_partial_ucloud_fails_closed if {
	p := compliance_test.plan([compliance_test.uc_ds([], "tok-123")])
	has(violations(p), "PLAN: data.auditlog_ucloud_operation_events.window stopped at max_items")
}

test_ucloud_empty_token_is_complete if {
	p := compliance_test.plan([compliance_test.uc_ds([], "")])
	not has(violations(p), "PLAN: data.auditlog_ucloud_operation_events.window stopped")
}

test_partial_events_list_not_over_fails_closed if {
	p := compliance_test.plan([compliance_test.events_ds([], false, null)])
	has(violations(p), "PLAN: data.auditlog_cloudaudit_events.window stopped before the last page")
}

test_partial_events_resume_token_fails_closed if {
	p := compliance_test.plan([compliance_test.events_ds([], null, "16805138109322956")])
	has(violations(p), "PLAN: data.auditlog_cloudaudit_events.window stopped before the last page")
}

test_failed_and_unknown_checks_fail_closed if {
	p := json.patch(good, [{"op": "replace", "path": "/checks", "value": [
		{"address": {"kind": "check", "to_display": "module.compliance.check.net_01"}, "status": "fail"},
		{"address": {"kind": "check", "to_display": "module.compliance.check.uc_01"}, "status": "unknown"},
		{"address": {"kind": "check", "to_display": "module.compliance.check.trk_01"}, "status": "pass"},
		{"address": {"kind": "var", "to_display": "var.x"}, "status": "unknown"},
	]}])
	msgs := violations(p)
	has(msgs, "CHECK: module.compliance.check.net_01 is fail")
	has(msgs, "CHECK: module.compliance.check.uc_01 is unknown")
	not has(msgs, "CHECK: module.compliance.check.trk_01")
	not has(msgs, "CHECK: var.x")
}

# --- Parameters: -var values arrive as strings ----------------------------------------------

test_param_coerces_var_strings if {
	p := json.patch(good, [
		{"op": "add", "path": "/variables/window_days", "value": {"value": "7"}},
		{"op": "add", "path": "/variables/ucloud_privileged_users", "value": {"value": "[\"root\"]"}},
	])
	lib.param("window_days") == 7 with input as p
	lib.param("ucloud_privileged_users") == ["root"] with input as p
}

test_param_default_from_data if {
	lib.param("ucloud_max_failed") == 3 with input as good
}

test_param_null_variable_uses_default if {
	p := json.patch(good, [{"op": "add", "path": "/variables/window_start", "value": {"value": null}}])
	lib.param("window_start") == "" with input as p
}

test_window_days_from_var_string if {
	p := json.patch(good, [{"op": "add", "path": "/variables/window_days", "value": {"value": "2"}}])
	lib.window_start_ns == time.parse_rfc3339_ns("2026-05-30T00:00:00Z") with input as p
}

test_window_end_date_includes_the_day if {
	p := json.patch(good, [
		{"op": "add", "path": "/variables/window_start", "value": {"value": "2026-05-01"}},
		{"op": "add", "path": "/variables/window_end", "value": {"value": "2026-05-02"}},
	])
	lib.window_end_ns == time.parse_rfc3339_ns("2026-05-02T23:59:59Z") with input as p
}
