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

# Review finding 5: controls[ID].selection must be the one the control's own
# parameters give.
shipped_selections := {
	"EVT-01": {"api": [], "provider": ["event_names=[\"^ConsoleLogin$\",\"^Delete\",\"^ScheduleKeyDeletion$\",\"^Terminate\"]", "users_not_in=[\"admin\"]"]},
	"UC-01": {"api": [], "provider": ["apis=[\"AccessKey\",\"Polic(y|ies)\",\"^CreateUser$\",\"^Delete\",\"^Release\",\"^Terminate\",\"^UpdateSecurityGroup$\"]", "users_not_in=[\"admin\"]"]},
	"UC-02": {"api": [], "provider": ["failed_only=true"]},
}

with_selections(pol, sels) := object.union(pol, {"controls": {id: object.union(c, {"selection": sels[id]}) | some id, c in pol.controls; sels[id]}})

test_selection_matching_its_parameters_is_valid if {
	count(lib.policy_errors) == 0 with data.auditlog.policy as with_selections(f.policy, shipped_selections)
}

test_selection_not_matching_its_parameters if {
	# "^Stop" watched and only "admin" privileged, the selection unchanged.
	pol := object.union(with_selections(f.policy, object.union(shipped_selections, {"EVT-01": {"api": [], "provider": ["event_names=[\"^ConsoleLogin$\",\"^Delete\",\"^ScheduleKeyDeletion$\",\"^Terminate\"]", "users_not_in=[\"admin\",\"ops-automation\"]"]}})), {"cloudaudit_watched_event_patterns": ["^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$", "^Stop"]})
	f.has(lib.policy_errors, "POLICY: data.auditlog.policy.controls[\"EVT-01\"].selection is ") with data.auditlog.policy as pol
	f.has_all(lib.policy_errors, ["(cloudaudit_watched_event_patterns, cloudaudit_privileged_users) give ", `\"^Stop\"`, `users_not_in=[\"admin\"]`]) with data.auditlog.policy as pol
	not f.has(lib.policy_errors, "POLICY: data.auditlog.policy.controls[\"UC-01\"]") with data.auditlog.policy as pol
	uc02 := with_selections(f.policy, object.union(shipped_selections, {"UC-02": {"api": [], "provider": []}}))
	f.has(lib.policy_errors, "POLICY: data.auditlog.policy.controls[\"UC-02\"].selection is ") with data.auditlog.policy as uc02
}

# One whole event name alone goes to the API; patterns with <, > or & are
# written as Go's encoding/json writes them.
test_expected_selection_forms if {
	one := object.union(f.policy, {"cloudaudit_watched_event_patterns": ["^ConsoleLogin$"], "cloudaudit_privileged_users": []})
	lib.expected_selection["EVT-01"] == {"api": ["event_names=[\"^ConsoleLogin$\"]"], "provider": []} with data.auditlog.policy as one
	html := object.union(f.policy, {"ucloud_risky_api_patterns": ["a<b", "a&b"], "ucloud_privileged_users": ["z", "a", "z"]})
	lib.expected_selection["UC-01"] == {"api": [], "provider": [`apis=["a\u0026b","a\u003cb"]`, `users_not_in=["a","z"]`]} with data.auditlog.policy as html
}
