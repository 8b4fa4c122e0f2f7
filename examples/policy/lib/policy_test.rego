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
	f.has_all(errors_of(f.with_policy("schema_version", 4)), ["does not match its schema", "schema_version"])
	f.has_all(errors_of(f.with_policy("required_data_sources", ["auditlog_nothing"])), ["does not match its schema", "required_data_sources"])
	f.has_all(errors_of(f.with_policy("tencentcloud", {"accounts": {"": {"regions": ["ap-guangzhou"], "csip_sub_uins": []}}})), ["does not match its schema", "tencentcloud"])
	f.has_all(errors_of(f.with_policy("accept_unsealed_plans", "false")), ["does not match its schema", "accept_unsealed_plans"])
}

# Numbers written as strings are refused: every number of the schema is an
# integer.
test_numbers_as_strings if {
	every key in ["window_days", "max_plan_age_seconds", "ucloud_max_failed"] {
		f.has_all(errors_of(f.with_policy(key, "3")), ["does not match its schema", key])
	}
	f.has_all(errors_of(f.with_policy("schema_version", "2")), ["does not match its schema", "schema_version"])
	f.has_all(errors_of(f.with_policy("origins", [{"host": "api.ucloud.cn", "port": "443"}])), ["does not match its schema", "origins.0.port"])
	f.has_all(errors_of(f.with_policy("tencentcloud", {"accounts": {f.account: {"regions": ["ap-guangzhou"], "csip_sub_uins": [], "tracking_sets": ["1001"]}}})), ["does not match its schema", "tracking_sets"])
}

# Every number the schema holds is typed "integer" (or is a const of one).
test_every_number_of_the_schema_is_typed if {
	numbers := [v | walk(lib.policy_schema, [_, v]); is_object(v); some k in ["minimum", "maximum", "const"]; is_number(object.get(v, k, null))]
	count(numbers) > 5
	every v in numbers {
		v.type == "integer"
	}
}

# Version 1 is refused with the way to convert it, in one message.
test_v1_refused_with_the_conversion if {
	msgs := errors_of(v1_policy)
	count(msgs) == 1
	f.has_all(msgs, ["POLICY: data.auditlog.policy is schema_version 1; this policy reads schema_version 3", "auditlog-gate convert-v1 FILE", "data.auditlog.lib.convert_v1"])
}

# Version 2 is refused in one message naming the migration note.
test_v2_refused_with_the_migration_note if {
	msgs := errors_of(v2_policy)
	count(msgs) == 1
	f.has_all(msgs, ["POLICY: schema_version 2: this policy reads 3; see the migration note \"Policy data v3\" in examples/policy/README.md", "auditlog-gate convert FILE"])
}

# The version 2 document of the fixture policy.
v2_policy := object.union(object.remove(f.policy, ["min_retention_days", "cls_window_days", "cls_member_account_field", "cloudaudit_instance_event_patterns", "controls"]), {
	"schema_version": 2,
	"controls": object.remove(f.policy.controls, ["RET-01", "EVT-02"]),
})

test_convert_v2 if {
	v3 := lib.convert_v2.auditlog.policy with data.auditlog.policy as v2_policy
	v3.schema_version == 3
	v3.min_retention_days == 184
	v3.cls_window_days == 180
	v3.cls_member_account_field == null
	v3.cloudaudit_instance_event_patterns == ["^TerminateInstances$", "^RebootInstances$"]
	v3.controls["RET-01"] == {"enabled": true, "allowed_narrowing": []}
	v3.controls["EVT-02"] == {"enabled": true, "allowed_narrowing": []}
	v3.controls["EVT-01"] == f.policy.controls["EVT-01"]
	v3.tencentcloud == f.policy.tencentcloud
	count(errors_of(v3)) == 0
}

# A window over 29 days is the owner's to shorten, never the converter's.
test_convert_v2_refuses_a_long_window if {
	long := object.union(v2_policy, {"window_days": 90})
	not lib.convert_v2 with data.auditlog.policy as long
	f.has(lib.convert_v2_errors, "window_days is 90: version 3 reads at most 29 days") with data.auditlog.policy as long
	f.has(lib.convert_v2_errors, "data.auditlog.policy is not a policy data document of schema_version 2") with data.auditlog.policy as f.policy
}

# --- Version 3's keys ---------------------------------------------------------------------

test_v3_keys_are_required if {
	every key in ["min_retention_days", "cls_window_days", "cls_member_account_field", "cloudaudit_instance_event_patterns"] {
		f.has_all(errors_of(object.remove(f.policy, [key])), ["does not match its schema", sprintf("%s is required", [key])])
	}
}

test_v3_key_bounds if {
	f.has_all(errors_of(f.with_policy("window_days", 30)), ["does not match its schema", "window_days"])
	count(errors_of(f.with_policy("window_days", 29))) == 0
	f.has_all(errors_of(f.with_policy("min_retention_days", 3641)), ["does not match its schema", "min_retention_days"])
	f.has_all(errors_of(f.with_policy("min_retention_days", 0)), ["does not match its schema", "min_retention_days"])
	f.has_all(errors_of(f.with_policy("min_retention_days", "184")), ["does not match its schema", "min_retention_days"])
	f.has_all(errors_of(f.with_policy("cls_window_days", 0)), ["does not match its schema", "cls_window_days"])
	f.has_all(errors_of(f.with_policy("cloudaudit_instance_event_patterns", [])), ["does not match its schema", "cloudaudit_instance_event_patterns"])
	f.has(errors_of(f.with_policy("cloudaudit_instance_event_patterns", ["("])), "POLICY: data.auditlog.policy.cloudaudit_instance_event_patterns: \"(\" is not a valid regular expression")
	f.has_all(errors_of(f.with_policy("cls_member_account_field", "user identity")), ["does not match its schema", "cls_member_account_field"])
	f.has_all(errors_of(f.with_policy("cls_member_account_field", 1)), ["does not match its schema", "cls_member_account_field"])
	count(errors_of(f.with_policy("cls_member_account_field", "userIdentity.accountId"))) == 0
}

test_cls_window_at_most_the_retention if {
	f.has(errors_of(f.with_policy("cls_window_days", 185)), "POLICY: data.auditlog.policy.cls_window_days 185 is more than min_retention_days 184")
	count(errors_of(f.with_policy("cls_window_days", 184))) == 0
}

# retention_out_of_scope belongs to its account, as tracking set ids.
test_retention_out_of_scope_paired_with_its_account if {
	count(errors_of(f.with_account({"retention_out_of_scope": ["1001"]}))) == 0
	f.has_all(errors_of(f.with_account({"retention_out_of_scope": [1001]})), ["does not match its schema", "retention_out_of_scope"])
	f.has_all(errors_of(f.with_account({"retention_out_of_scope": ["audit-logs"]})), ["does not match its schema", "retention_out_of_scope"])
	f.has_all(errors_of(f.with_policy("retention_out_of_scope", ["1001"])), ["does not match its schema", "retention_out_of_scope"])
}

v1_policy := {
	"schema_version": 1,
	"required_data_sources": ["auditlog_cloudaudit_tracks"],
	"controls": {"TRK-01": {"allowed_narrowing": ["max_items"]}, "UC-02": {"allowed_narrowing": ["max_items"], "selection": {"api": [], "provider": ["failed_only=true"]}}},
	"window_days": 28, "window_start": null, "window_end": null, "max_plan_age_seconds": 3600,
	"tencentcloud_accounts": ["100000000001", "200000000002"],
	"tencentcloud_regions": ["ap-guangzhou"],
	"csip_sub_uins": ["100021372635"],
	"ucloud_projects": ["org-sim001"],
	"allowed_networks": ["106.55.0.0/16"],
	"cloudaudit_privileged_users": ["admin"],
	"cloudaudit_watched_event_patterns": ["^Delete"],
	"ucloud_privileged_users": ["admin"],
	"ucloud_risky_api_patterns": ["^Delete"],
	"ucloud_max_failed": 3,
	"allowed_endpoint_hosts": [`^api\.ucloud\.cn$`, `tencentcloudapi\.com`],
}

test_convert_v1 if {
	out := lib.convert_v1 with data.auditlog.policy as v1_policy
	v2 := out.auditlog.policy
	v2.schema_version == 2
	v2.controls["TRK-01"] == {"enabled": true, "allowed_narrowing": ["max_items"]}
	v2.controls["UC-02"].selection == {"api": [], "provider": ["failed_only=true"]}
	v2.tencentcloud.accounts == {
		"100000000001": {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"]},
		"200000000002": {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"]},
	}
	v2.ucloud == {"projects": ["org-sim001"]}
	v2.origins == [
		{"scheme": "https", "host_pattern": `^api\.ucloud\.cn$`, "port": 443},
		{"scheme": "https", "host_pattern": `^(?:tencentcloudapi\.com)$`, "port": 443},
	]
	v2.accept_unsealed_plans == false
	v2.allowed_networks == v1_policy.allowed_networks
	not v2.tencentcloud_accounts
	not v2.allowed_endpoint_hosts

	# A version 2 document, which convert_v2 makes version 3: valid but
	# for the providers it cannot pin.
	v3 := lib.convert_v2.auditlog.policy with data.auditlog.policy as v2
	errs := errors_of(v3)
	every e in errs {
		contains(e, "providers")
	}
	f.has(errs, "POLICY: data.auditlog.policy.providers does not pin the auditlog provider")
	pinned := object.union(v3, {"providers": f.policy.providers})
	count(errors_of(pinned)) == 0
}

test_convert_v1_drops_nothing_silently if {
	no_accounts := object.union(v1_policy, {"tencentcloud_accounts": []})
	not lib.convert_v1 with data.auditlog.policy as no_accounts
	f.has_all(lib.convert_v1_errors, ["tencentcloud_accounts is empty", "tencentcloud_regions names ap-guangzhou"]) with data.auditlog.policy as no_accounts
	not lib.convert_v1 with data.auditlog.policy as f.policy
	f.has(lib.convert_v1_errors, "data.auditlog.policy is not a policy data document of schema_version 1") with data.auditlog.policy as f.policy
}

# --- Origins ---------------------------------------------------------------------------------

test_origins_checked if {
	f.has(errors_of(f.with_policy("origins", [{"scheme": "https"}])), "POLICY: data.auditlog.policy.origins[0] has neither: give exactly one of host")
	f.has(errors_of(f.with_policy("origins", [{"host": "a.example", "host_pattern": "^a$"}])), "POLICY: data.auditlog.policy.origins[0] has both")
	f.has(errors_of(f.with_policy("origins", [{"host_pattern": "^(a$"}])), "POLICY: data.auditlog.policy.origins[0].host_pattern: \"^(a$\" is not a valid regular expression (RE2)")
	f.has(errors_of(f.with_policy("origins", [{"host": "api.ucloud.cn"}, {"host_pattern": `tencentcloudapi\.com`}])), "POLICY: data.auditlog.policy.origins[1].host_pattern: \"tencentcloudapi\\\\.com\" is not anchored")
	f.has(errors_of(f.with_policy("origins", [{"host_pattern": `^api\.ucloud\.cn\$`}])), "POLICY: data.auditlog.policy.origins[0].host_pattern: ")
	f.has_all(errors_of(f.with_policy("origins", [{"scheme": "ftp", "host": "a.example"}])), ["does not match its schema", "scheme"])
	f.has_all(errors_of(f.with_policy("origins", [{"host": "API.example/"}])), ["does not match its schema", "host"])
	f.has_all(errors_of(f.with_policy("origins", [{"host": "a.example", "port": 70000}])), ["does not match its schema", "port"])
	f.has_all(errors_of(f.with_policy("origins", [])), ["does not match its schema", "origins"])
	count(errors_of(f.with_policy("origins", [{"scheme": "http", "host": "127.0.0.1", "port": 8787}]))) == 0
}

# --- Providers ----------------------------------------------------------------------------

test_providers_pin_the_auditlog_provider if {
	f.has(errors_of(f.with_policy("providers", [{"address": "registry.terraform.io/hashicorp/null", "version": "3.2.0", "hashes": {"linux_amd64": ["h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]}}])), "POLICY: data.auditlog.policy.providers does not pin the auditlog provider")
	count(errors_of(f.with_policy("providers", [{"address": "registry.opentofu.org/auditlog/auditlog", "version": "0.1.0", "hashes": {"linux_amd64": ["h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]}}]))) == 0
	f.has_all(errors_of(f.with_policy("providers", [{"address": "registry.terraform.io/auditlog/auditlog", "version": "0.1.0", "hashes": {}}])), ["does not match its schema", "hashes"])
	f.has_all(errors_of(f.with_policy("providers", [{"address": "registry.terraform.io/auditlog/auditlog", "version": "0.1.0", "hashes": {"linux_amd64": ["sha256:abc"]}}])), ["does not match its schema"])
	f.has_all(errors_of(f.with_policy("providers", [{"address": "registry.terraform.io/auditlog/auditlog", "version": "latest", "hashes": {"linux_amd64": ["h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]}}])), ["does not match its schema", "version"])
}

# --- Controls -------------------------------------------------------------------------------

test_controls_need_enabled if {
	f.has_all(errors_of(f.with_policy("controls", {"NET-01": {"allowed_narrowing": ["max_items"]}})), ["does not match its schema", "enabled"])
	f.has_all(errors_of(f.with_policy("controls", {"NET-01": {"enabled": "true", "allowed_narrowing": ["max_items"]}})), ["does not match its schema", "enabled"])
}

test_controls_need_their_narrowing if {
	f.has_all(errors_of(f.with_policy("controls", {"NET-01": {"enabled": true}})), ["does not match its schema", "allowed_narrowing"])
	f.has_all(errors_of(f.with_policy("controls", {"NET-01": {"enabled": true, "allowed_narrowing": ["max_item"]}})), ["does not match its schema"])
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
