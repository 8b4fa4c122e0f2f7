package auditlog.lib_policy_test

import data.auditlog.fixtures as f
import data.auditlog.lib

errors_of(pol) := msgs if {
	msgs := lib.policy_errors with data.auditlog.policy as pol
}

cannot_judge_with(pol) := msgs if {
	msgs := lib.cannot_judge with input as f.good_plan with data.auditlog.policy as pol with time.now_ns as f.now_ns
}

test_fixture_policy_is_valid if {
	count(errors_of(f.policy)) == 0
	lib.policy_valid with data.auditlog.policy as f.policy
}

# Probe 4: without its data document the policy denies, never passes.
test_missing_document if {
	msgs := lib.cannot_judge with input as f.good_plan with data.auditlog.policy as null with time.now_ns as f.now_ns
	f.has(msgs, "POLICY: no policy data document: data.auditlog.policy is not defined")
	not lib.policy_valid with input as f.good_plan with data.auditlog.policy as null
}

test_document_that_is_not_an_object if {
	f.has(cannot_judge_with([]), "POLICY: no policy data document")
}

test_missing_key if {
	f.has_all(cannot_judge_with(object.remove(f.policy, ["allowed_networks"])), ["POLICY: data.auditlog.policy does not match its schema", "allowed_networks is required"])
}

test_unknown_key if {
	f.has_all(errors_of(object.union(f.policy, {"alowed_networks": []})), ["does not match its schema", "alowed_networks"])
}

test_wrong_types if {
	f.has_all(errors_of(f.with_policy("ucloud_max_failed", "3")), ["does not match its schema", "ucloud_max_failed"])
	f.has_all(errors_of(f.with_policy("window_days", 0)), ["does not match its schema", "window_days"])
	f.has_all(errors_of(f.with_policy("max_plan_age_seconds", 1.5)), ["does not match its schema", "max_plan_age_seconds"])
	f.has_all(errors_of(f.with_policy("schema_version", 2)), ["does not match its schema", "schema_version"])
	f.has_all(errors_of(f.with_policy("required_data_sources", ["auditlog_nothing"])), ["does not match its schema", "required_data_sources"])
	f.has_all(errors_of(f.with_policy("tencentcloud_accounts", [""])), ["does not match its schema", "tencentcloud_accounts"])
}

test_controls_need_their_narrowing if {
	f.has_all(errors_of(f.with_policy("controls", {"NET-01": {}})), ["does not match its schema", "allowed_narrowing"])
	f.has_all(errors_of(f.with_policy("controls", {"NET-01": {"allowed_narrowing": ["max_item"]}})), ["does not match its schema"])
	f.has_all(errors_of(f.with_policy("controls", {})), ["does not match its schema", "controls"])
}

test_patterns_and_networks_are_checked if {
	f.has(errors_of(f.with_policy("ucloud_risky_api_patterns", ["^Delete", "(unclosed"])), "POLICY: data.auditlog.policy.ucloud_risky_api_patterns: \"(unclosed\" is not a valid regular expression")
	f.has(errors_of(f.with_policy("cloudaudit_watched_event_patterns", ["["])), "POLICY: data.auditlog.policy.cloudaudit_watched_event_patterns: \"[\" is not a valid")
	f.has(errors_of(f.with_policy("allowed_networks", ["106.55.0.0/16", "10.0.0.1"])), "POLICY: data.auditlog.policy.allowed_networks: \"10.0.0.1\" is not a CIDR block")
	f.has(errors_of(f.with_policy("allowed_networks", ["300.1.0.0/16"])), "POLICY: data.auditlog.policy.allowed_networks: \"300.1.0.0/16\"")
}

test_window_checks if {
	f.has(errors_of(f.with_policy("window_end", "2026-05-02")), "POLICY: data.auditlog.policy.window_end needs window_start")
	f.has(errors_of(object.union(f.policy, {"window_start": "2026-05-03", "window_end": "2026-05-02"})), "POLICY: data.auditlog.policy: window_start 2026-05-03 is after window_end 2026-05-02")
	f.has_all(errors_of(f.with_policy("window_start", "May 1")), ["does not match its schema", "window_start"])
	count(errors_of(object.union(f.policy, {"window_start": "2026-05-01", "window_end": "2026-05-01"}))) == 0
	count(errors_of(object.union(f.policy, {"window_start": "2026-05-01T00:00:00Z", "window_end": "2026-05-02T12:00:00+08:00"}))) == 0
}

# --- The review window ----------------------------------------------------------------

window_of(pol) := [s, e] if {
	s := lib.window_start_s with input as f.good_plan with data.auditlog.policy as pol
	e := lib.window_end_s with input as f.good_plan with data.auditlog.policy as pol
}

test_window_days_end_at_the_plan if {
	window_of(f.policy) == [f.window.start, f.window.end]
	window_of(f.with_policy("window_days", 2)) == [f.now_unix - (2 * f.day), f.now_unix]
}

test_window_dates_include_the_end_day if {
	window_of(object.union(f.policy, {"window_start": "2026-05-01", "window_end": "2026-05-02"})) == [
		time.parse_rfc3339_ns("2026-05-01T00:00:00Z") / 1000000000,
		time.parse_rfc3339_ns("2026-05-02T23:59:59Z") / 1000000000,
	]
}

test_window_start_alone_ends_at_the_plan if {
	window_of(f.with_policy("window_start", "2026-05-20T00:00:00Z")) == [time.parse_rfc3339_ns("2026-05-20T00:00:00Z") / 1000000000, f.now_unix]
}

# Probe 2: a parameter is never taken from the plan's variables.
test_parameters_never_come_from_the_plan if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/variables", "value": {
		"allowed_networks": {"value": ["0.0.0.0/0"]},
		"window_days": {"value": "1"},
		"required_data_sources": {"value": []},
	}}])
	lib.param("allowed_networks") == f.policy.allowed_networks with input as p with data.auditlog.policy as f.policy
	window_of(f.policy) == [f.window.start, f.window.end] with input as p
	not lib.param("allowed_networks") with input as p with data.auditlog.policy as null
}
