# The policy data document: the one source of the policy's parameters.
#
# It is data.auditlog.policy, loaded from a JSON file the policy owner keeps
# (examples/policy/policy.json is the shipped one):
#
#   {"auditlog": {"policy": {"schema_version": 3, ...}}}
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

# The schema version this policy reads. Version 1 (flat lists of accounts,
# regions and sub-accounts, allowed_endpoint_hosts) is refused with the way
# to convert it (convert_v1, in convert.rego); version 2 (no retention, CLS
# window or instance events) with the migration note and its converter
# (convert_v2).
schema_version := 3

# JSON Schema (draft 7) of data.auditlog.policy. Every key is required: a
# parameter left out is an error, never a default. Every number is typed
# "integer": a number written as a string ("3") is refused.
policy_schema := {
	"type": "object",
	"additionalProperties": false,
	"required": [
		"schema_version", "required_data_sources", "controls",
		"window_days", "window_start", "window_end", "max_plan_age_seconds",
		"accept_unsealed_plans", "providers", "origins", "tencentcloud", "ucloud",
		"allowed_networks", "cloudaudit_privileged_users", "cloudaudit_watched_event_patterns",
		"ucloud_privileged_users", "ucloud_risky_api_patterns", "ucloud_max_failed",
		"min_retention_days", "cls_window_days", "cls_member_account_field", "cloudaudit_instance_event_patterns",
	],
	"properties": {
		"schema_version": {"type": "integer", "const": schema_version},
		"required_data_sources": {"type": "array", "uniqueItems": true, "items": {"enum": [t | some t in known_types]}},
		"controls": {
			"type": "object",
			"minProperties": 1,
			"additionalProperties": {
				"type": "object",
				"additionalProperties": false,
				"required": ["enabled", "allowed_narrowing"],
				"properties": {
					# false: the control prints SKIP and its reads are not judged.
					"enabled": {"type": "boolean"},
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
		# DescribeEvents' reads: at most 29 days a read.
		"window_days": {"type": "integer", "minimum": 1, "maximum": 29},
		"window_start": schema_window_time,
		"window_end": schema_window_time,
		"max_plan_age_seconds": {"type": "integer", "minimum": 1},
		# The gate: a plan JSON or plan file made outside the gate is judged
		# only when true, and every output then says "provider not verified".
		"accept_unsealed_plans": {"type": "boolean"},
		# The gate: the only provider packages a sealed run may install, by
		# address, version and package hash (h1:, Terraform's dirhash; zh:,
		# the zip's SHA-256) per platform (os_arch).
		"providers": {
			"type": "array",
			"minItems": 1,
			"items": {
				"type": "object",
				"additionalProperties": false,
				"required": ["address", "version", "hashes"],
				"properties": {
					"address": {"type": "string", "pattern": `^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9_-]+/[a-z0-9_-]+$`},
					"version": {"type": "string", "pattern": `^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`},
					"hashes": {
						"type": "object",
						"minProperties": 1,
						"propertyNames": {"pattern": `^[a-z0-9]+_[a-z0-9]+$`},
						"additionalProperties": {
							"type": "array",
							"minItems": 1,
							"uniqueItems": true,
							"items": {"type": "string", "pattern": `^(h1:[A-Za-z0-9+/]{43}=|zh:[0-9a-f]{64})$`},
						},
					},
				},
			},
		},
		# The API servers whose answers are evidence (evidence.endpoint):
		# scheme, host (exact, or an anchored RE2 pattern) and port.
		"origins": {
			"type": "array",
			"minItems": 1,
			"items": {
				"type": "object",
				"additionalProperties": false,
				"properties": {
					# "https" unless the origin says "http".
					"scheme": {"enum": ["https", "http"]},
					"host": {"type": "string", "pattern": `^([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$`},
					"host_pattern": {"type": "string", "minLength": 2},
					# The scheme's port (443, 80) unless given.
					"port": {"type": "integer", "minimum": 1, "maximum": 65535},
				},
			},
		},
		# The organization: the accounts (owner UINs) the reads act as, each
		# with the regions its CloudAudit reads are sent to, the CSIP
		# sub-accounts read under it, and (optional) the ids of the tracking
		# sets that may satisfy TRK-04 in it.
		"tencentcloud": {
			"type": "object",
			"additionalProperties": false,
			"required": ["accounts"],
			"properties": {"accounts": {
				"type": "object",
				"propertyNames": {"pattern": `^[0-9]+$`},
				"additionalProperties": {
					"type": "object",
					"additionalProperties": false,
					"required": ["regions", "csip_sub_uins"],
					"properties": {
						"regions": object.union(schema_strings, {"minItems": 1}),
						"csip_sub_uins": {"type": "array", "uniqueItems": true, "items": {"type": "string", "pattern": `^[0-9]+$`}},
						"tracking_sets": {"type": "array", "uniqueItems": true, "minItems": 1, "items": {"type": "integer", "minimum": 0}},
						# Tracking sets of this account (ids as strings) whose
						# delivery (COS, CKafka) RET-01 does not judge: the team
						# verifies their retention elsewhere.
						"retention_out_of_scope": {"type": "array", "uniqueItems": true, "items": {"type": "string", "pattern": `^[0-9]+$`}},
					},
				},
			}},
		},
		"ucloud": {
			"type": "object",
			"additionalProperties": false,
			"required": ["projects"],
			"properties": {"projects": schema_strings},
		},
		"allowed_networks": schema_strings,
		"cloudaudit_privileged_users": schema_strings,
		"cloudaudit_watched_event_patterns": object.union(schema_strings, {"minItems": 1}),
		"ucloud_privileged_users": schema_strings,
		"ucloud_risky_api_patterns": object.union(schema_strings, {"minItems": 1}),
		"ucloud_max_failed": {"type": "integer", "minimum": 0},
		# RET-01: a topic a tracking set delivers to keeps its logs at
		# least this many days (period 3640: forever).
		"min_retention_days": {"type": "integer", "minimum": 1, "maximum": 3640},
		# The CLS analyses' window: the cls_window_days before plan time
		# less 15 minutes (delivery lag); at most min_retention_days.
		"cls_window_days": {"type": "integer", "minimum": 1, "maximum": 3640},
		# The field of a CloudAudit event delivered to CLS that names the
		# member account of an organization's tracking set; null: none.
		"cls_member_account_field": {"type": ["string", "null"], "pattern": `^[A-Za-z0-9_.]+$`},
		# EVT-02: instance deletion and reboot, reserved to
		# cloudaudit_privileged_users.
		"cloudaudit_instance_event_patterns": object.union(schema_strings, {"minItems": 1}),
	},
}

policy_errors contains "POLICY: no policy data document: data.auditlog.policy is not defined. Give the policy its data file ({\"auditlog\": {\"policy\": {...}}}, such as examples/policy/policy.json: opa -d FILE, conftest --data FILE, gate --data FILE); nothing is judged without it" if {
	not has_document
}

has_document if is_object(data.auditlog.policy)

# How to convert a version 1 document; convert.rego has the rule.
convert_v1_how := "convert it with `auditlog-gate convert-v1 FILE`, or with OPA: `opa eval --fail --format pretty -d examples/policy/lib -d FILE data.auditlog.lib.convert_v1`, whose output is a version 2 file (then `auditlog-gate convert` makes it version 3); then pin the providers (providers) and review the organization (tencentcloud.accounts): the CHANGELOG's migration note says what changed"

v1_document if data.auditlog.policy.schema_version == 1

v2_document if data.auditlog.policy.schema_version == 2

# An older document gets the one message that says how to convert it, not
# one per key it lacks.
old_document if v1_document

old_document if v2_document

# How to convert a version 2 document; convert.rego has the rule.
convert_v2_how := "convert it with `auditlog-gate convert FILE` (or `opa eval --fail --format pretty -d examples/policy/lib -d FILE data.auditlog.lib.convert_v2`), which adds min_retention_days 184, cls_window_days 180, cls_member_account_field null, cloudaudit_instance_event_patterns and the controls RET-01 and EVT-02"

policy_errors contains sprintf("POLICY: schema_version 2: this policy reads %d; see the migration note \"Policy data v3\" in examples/policy/README.md; %s", [schema_version, convert_v2_how]) if {
	v2_document
}

policy_errors contains sprintf("POLICY: data.auditlog.policy is schema_version 1; this policy reads schema_version %d (an organization as a map of accounts with their regions and sub-accounts, trusted origins, pinned providers): %s", [schema_version, convert_v1_how]) if {
	v1_document
}

# A version 1 or 2 document gets the one message above, not one per key.
policy_errors contains sprintf("POLICY: data.auditlog.policy does not match its schema: %s: %s", [e.field, e.desc]) if {
	is_object(data.auditlog.policy)
	not old_document
	[ok, errs] := json.match_schema(data.auditlog.policy, policy_schema)
	not ok
	some e in errs
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.%s: %q is not a valid regular expression (RE2)", [name, p]) if {
	some name in ["cloudaudit_watched_event_patterns", "ucloud_risky_api_patterns", "cloudaudit_instance_event_patterns"]
	some p in data.auditlog.policy[name]
	is_string(p)
	not regex.is_valid(p)
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.allowed_networks: %q is not a CIDR block (such as 106.55.0.0/16 or 2402:4e00::/32)", [c]) if {
	some c in data.auditlog.policy.allowed_networks
	is_string(c)
	not valid_cidr(c)
}

# --- Origins ------------------------------------------------------------------------------

policy_errors contains sprintf("POLICY: data.auditlog.policy.origins[%d] has %s: give exactly one of host (the exact host name) and host_pattern (an anchored RE2 pattern)", [i, what]) if {
	some i, o in origins_list
	is_object(o)
	n := count([k | some k in ["host", "host_pattern"]; object.get(o, k, null) != null])
	n != 1
	what := {0: "neither", 2: "both"}[n]
}

policy_errors contains sprintf("POLICY: data.auditlog.policy.origins[%d].host_pattern: %q is not a valid regular expression (RE2)", [i, p]) if {
	some i, o in origins_list
	p := o.host_pattern
	is_string(p)
	not regex.is_valid(p)
}

# An unanchored pattern matches any host that contains it
# (tencentcloudapi\.com matches tencentcloudapi.com.example.net): it must
# say where the host starts and ends.
policy_errors contains sprintf("POLICY: data.auditlog.policy.origins[%d].host_pattern: %q is not anchored: it must start with ^ and end with $ (such as ^[a-z0-9-]+\\.tencentcloudapi\\.com$), or it matches any host that contains it", [i, p]) if {
	some i, o in origins_list
	p := o.host_pattern
	is_string(p)
	regex.is_valid(p)
	not anchored(p)
}

origins_list := data.auditlog.policy.origins if is_array(data.auditlog.policy.origins)

else := []

anchored(p) if {
	startswith(p, "^")
	endswith(p, "$")
	not endswith(p, `\$`)
}

valid_cidr(c) if {
	contains(c, "/")
	net.cidr_is_valid(c)
}

# --- Providers ----------------------------------------------------------------------------

policy_errors contains sprintf("POLICY: data.auditlog.policy.providers does not pin the auditlog provider (%s): a sealed run installs only the providers listed, so list it with its version and package hashes (auditlog-gate pin --mirror DIR, or terraform providers lock -fs-mirror=DIR -platform=OS_ARCH)", [concat(" or ", sort(provider_names))]) if {
	is_array(data.auditlog.policy.providers)
	not old_document
	not auditlog_pinned
}

auditlog_pinned if {
	some p in data.auditlog.policy.providers
	p.address in provider_names
}

# The CLS window reaches back cls_window_days: a topic kept
# min_retention_days must still hold its start.
policy_errors contains sprintf("POLICY: data.auditlog.policy.cls_window_days %d is more than min_retention_days %d: the CLS analyses' window would reach past what a compliant topic keeps", [w, m]) if {
	w := data.auditlog.policy.cls_window_days
	m := data.auditlog.policy.min_retention_days
	is_number(w)
	is_number(m)
	w > m
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
	not old_document
	some id, c in data.auditlog.policy.controls
	is_object(c.selection)
	expected := expected_selection[id]
	c.selection != expected
}
