# The policy data document: the one source of the policy's parameters.
#
# It is data.auditlog.policy, loaded from a JSON file the policy owner keeps
# (examples/policy/policy.json is the shipped one):
#
#   {"auditlog": {"policy": {"schema_version": 1, ...}}}
#
# A missing document, or one that fails policy_schema or the checks below, is
# a "POLICY:" message in cannot_judge: no control is judged without its rules.
package auditlog.lib

# Everything read from the plan under review is evidence; the allow-lists,
# thresholds, window and expected scope come from here only.
param(name) := data.auditlog.policy[name]

# Narrowing arguments the evidence contract names (evidence.narrowed_by).
narrowing_names := [
	"access_key_ids",
	"filter.filters",
	"filter.limit",
	"filter.offset",
	"lookup_attributes",
	"max_items",
	"next_token",
	"page_number",
	"page_size",
	"resource_id",
]

schema_strings := {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true}

schema_window_time := {"type": ["string", "null"], "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$`}

# JSON Schema (draft 7) of data.auditlog.policy. Every key is required: a
# parameter left out is an error, never a default.
policy_schema := {
	"type": "object",
	"additionalProperties": false,
	"required": [
		"schema_version", "required_data_sources", "controls",
		"window_days", "window_start", "window_end", "max_plan_age_seconds",
		"tencentcloud_accounts", "tencentcloud_regions", "csip_sub_uins", "ucloud_projects",
		"allowed_networks", "cloudaudit_privileged_users", "cloudaudit_watched_event_patterns",
		"ucloud_privileged_users", "ucloud_risky_api_patterns", "ucloud_max_failed",
		"allowed_endpoint_hosts",
	],
	"properties": {
		"schema_version": {"const": 1},
		"required_data_sources": {"type": "array", "uniqueItems": true, "items": {"enum": [t | some t in known_types]}},
		"controls": {
			"type": "object",
			"minProperties": 1,
			"additionalProperties": {
				"type": "object",
				"additionalProperties": false,
				"required": ["allowed_narrowing"],
				"properties": {
					"allowed_narrowing": {"type": "array", "uniqueItems": true, "items": {"enum": narrowing_names}},
					# The selection the control's read is made with, as the
					# provider reports it in evidence.selection.
					"selection": {
						"type": "object",
						"additionalProperties": false,
						"required": ["api", "provider"],
						"properties": {
							"api": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true},
							"provider": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true},
						},
					},
				},
			},
		},
		"window_days": {"type": "integer", "minimum": 1, "maximum": 365},
		"window_start": schema_window_time,
		"window_end": schema_window_time,
		"max_plan_age_seconds": {"type": "integer", "minimum": 1},
		"tencentcloud_accounts": schema_strings,
		"tencentcloud_regions": schema_strings,
		"csip_sub_uins": schema_strings,
		"ucloud_projects": schema_strings,
		"allowed_networks": schema_strings,
		"cloudaudit_privileged_users": schema_strings,
		"cloudaudit_watched_event_patterns": object.union(schema_strings, {"minItems": 1}),
		"ucloud_privileged_users": schema_strings,
		"ucloud_risky_api_patterns": object.union(schema_strings, {"minItems": 1}),
		"ucloud_max_failed": {"type": "integer", "minimum": 0},
		"allowed_endpoint_hosts": object.union(schema_strings, {"minItems": 1}),
	},
}

policy_errors contains "POLICY: no policy data document: data.auditlog.policy is not defined. Give the policy its data file ({\"auditlog\": {\"policy\": {...}}}, such as examples/policy/policy.json: opa -d FILE, conftest --data FILE, gate --data FILE); nothing is judged without it" if {
	not has_document
}

has_document if is_object(data.auditlog.policy)

policy_errors contains sprintf("POLICY: data.auditlog.policy does not match its schema: %s: %s", [e.field, e.desc]) if {
	is_object(data.auditlog.policy)
	[ok, errs] := json.match_schema(data.auditlog.policy, policy_schema)
	not ok
	some e in errs
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.%s: %q is not a valid regular expression (RE2)", [name, p]) if {
	some name in ["cloudaudit_watched_event_patterns", "ucloud_risky_api_patterns", "allowed_endpoint_hosts"]
	some p in data.auditlog.policy[name]
	is_string(p)
	not regex.is_valid(p)
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.allowed_networks: %q is not a CIDR block (such as 106.55.0.0/16 or 2402:4e00::/32)", [c]) if {
	some c in data.auditlog.policy.allowed_networks
	is_string(c)
	not valid_cidr(c)
}

policy_errors contains "POLICY: data.auditlog.policy.window_end needs window_start: a window given by its dates has both ends" if {
	data.auditlog.policy.window_end != null
	data.auditlog.policy.window_start == null
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.window_%s: %q is not a valid date or RFC 3339 time", [end, s]) if {
	some end in ["start", "end"]
	s := data.auditlog.policy[sprintf("window_%s", [end])]
	is_string(s)
	not window_time_s(s, end == "end")
}

policy_errors contains sprintf("POLICY: data.auditlog.policy: window_start %s is after window_end %s", [data.auditlog.policy.window_start, data.auditlog.policy.window_end]) if {
	window_time_s(data.auditlog.policy.window_start, false) > window_time_s(data.auditlog.policy.window_end, true)
}

valid_cidr(c) if {
	contains(c, "/")
	net.cidr_is_valid(c)
}

# The policy is usable only when every one of its checks passed.
policy_valid if {
	has_document
	count(policy_errors) == 0
}

# --- The review window --------------------------------------------------------------
#
# It ends at the plan's timestamp (what plantimestamp() returns in the
# configuration) and starts window_days before it, unless window_start (and
# window_end) are set: dates (midnight UTC; an end date is included up to its
# last second) or RFC 3339 times.

window_end_s := window_time_s(param("window_end"), true) if {
	param("window_end") != null
} else := plan_time_s

window_start_s := window_time_s(param("window_start"), false) if {
	param("window_start") != null
} else := window_end_s - (param("window_days") * 86400)

window_time_s(s, end_of_day) := day + (86399 * to_number(end_of_day)) if {
	is_string(s)
	count(s) == 10
	day := floor(time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [s])) / 1000000000)
}

window_time_s(s, _) := floor(time.parse_rfc3339_ns(s) / 1000000000) if {
	is_string(s)
	count(s) != 10
}

# --- Each control's selection, from its parameters ------------------------------------
#
# controls[ID].selection says what a control's read may keep; the control's
# parameters say what it watches. They must agree: a selection written for
# fewer patterns or more users than the parameters name would accept a read
# that drops records the control reviews. The expected selection is built as
# the provider reports evidence.selection: "<attribute>=<JSON>", each list
# sorted and each value once, JSON as Go's encoding/json writes it (which
# json.marshal does too: <, > and & as \u003c, \u003e, \u0026). A CloudAudit
# event-name pattern that is one whole name (^ConsoleLogin$), alone, is sent
# to the API.
expected_selection := {
	"EVT-01": evt01_selection,
	"UC-01": uc01_selection,
	"UC-02": {"api": [], "provider": ["failed_only=true"]},
}

# The parameters each selection is built from.
selection_params := {
	"EVT-01": ["cloudaudit_watched_event_patterns", "cloudaudit_privileged_users"],
	"UC-01": ["ucloud_risky_api_patterns", "ucloud_privileged_users"],
	"UC-02": [],
}

selection_condition(name, list) := sprintf("%s=%s", [name, json.marshal(sort({x | some x in list}))])

users_not_in_conditions(users) := [selection_condition("users_not_in", users)] if {
	count(users) > 0
} else := []

evt01_exact if {
	count(param("cloudaudit_watched_event_patterns")) == 1
	p := param("cloudaudit_watched_event_patterns")[0]
	is_string(p)
	regex.match(`^\^[^\\.+*?()|\[\]{}^$]+\$$`, p)
}

evt01_selection := {
	"api": [selection_condition("event_names", param("cloudaudit_watched_event_patterns"))],
	"provider": users_not_in_conditions(param("cloudaudit_privileged_users")),
} if {
	evt01_exact
} else := {
	"api": [],
	"provider": sort(array.concat(
		[selection_condition("event_names", param("cloudaudit_watched_event_patterns"))],
		users_not_in_conditions(param("cloudaudit_privileged_users")),
	)),
}

uc01_selection := {
	"api": [],
	"provider": sort(array.concat(
		[selection_condition("apis", param("ucloud_risky_api_patterns"))],
		users_not_in_conditions(param("ucloud_privileged_users")),
	)),
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.controls[\"%s\"].selection is %s, but the control's parameters (%s) give %s: a read selected as declared would drop records the control reviews; declare the selection the parameters give", [id, json.marshal(c.selection), concat(", ", selection_params[id]), json.marshal(expected)]) if {
	some id, c in data.auditlog.policy.controls
	is_object(c.selection)
	expected := expected_selection[id]
	c.selection != expected
}
