# Finds the auditlog provider's data sources in a plan (terraform show -json)
# and decides whether their values can be trusted. Every rule here fails
# closed: evidence that is missing, deferred, partial or from an errored plan
# is a violation, never a pass.
package auditlog.lib

# Data source types the controls read. A policy names the ones it requires in
# data.auditlog.params.required_data_sources (or the caller's own list).
known_types := {
	"auditlog_cloudaudit_tracks",
	"auditlog_cloudaudit_track",
	"auditlog_cloudaudit_events",
	"auditlog_csip_user_call_records",
	"auditlog_ucloud_operation_events",
}

# Data source values live in prior_state (read during plan), not in
# planned_values. Every module is walked, so root and child modules, count and
# for_each instances are all found. An instance is an object with address,
# type, index and values.
data_sources contains r if {
	walk(input.prior_state.values.root_module, [_, r])
	is_object(r)
	r.mode == "data"
	known_types[r.type]
}

# data_sources_of returns the instances of one type.
data_sources_of(t) := {r | some r in data_sources; r.type == t}

# A read deferred to apply (its configuration depends on something unknown at
# plan time) has no values at all: it appears only in resource_changes, with
# the action "read".
deferred contains rc.address if {
	some rc in input.resource_changes
	rc.mode == "data"
	known_types[rc.type]
	"read" in rc.change.actions
}

# A read is partial when max_items stopped it before the end.
partial contains sprintf("%s read %d of %d tracking sets", [r.address, count(r.values.tracks), r.values.total_count]) if {
	some r in data_sources_of("auditlog_cloudaudit_tracks")
	count(r.values.tracks) != r.values.total_count
}

partial contains sprintf("%s read %d of %d records", [r.address, count(r.values.data), r.values.total]) if {
	some r in data_sources_of("auditlog_csip_user_call_records")
	count(r.values.data) != r.values.total
}

partial contains sprintf("%s stopped at max_items (resume_token %v)", [r.address, r.values.resume_token]) if {
	some r in data_sources_of("auditlog_ucloud_operation_events")
	not empty_token(r.values.resume_token)
}

# DescribeEvents: list_over false means the API had more pages; a resume
# token means max_items stopped the read (even when list_over is null).
partial contains sprintf("%s stopped before the last page (list_over %v, resume_token %v)", [r.address, r.values.list_over, r.values.resume_token]) if {
	some r in data_sources_of("auditlog_cloudaudit_events")
	not events_complete(r.values)
}

events_complete(v) if {
	v.list_over == true
	empty_token(v.resume_token)
}

empty_token(t) if t == null

empty_token(t) if t == ""

# Violations of the plan itself, as "PLAN: ..." messages.
plan_violations contains "PLAN: the plan errored (\"errored\": true): its data sources were not all read and its checks are unknown" if {
	input.errored == true
}

plan_violations contains "PLAN: the input is not a plan (terraform show -json PLANFILE): no format_version or prior_state" if {
	not input.format_version
}

plan_violations contains sprintf("PLAN: %s is deferred to apply: it has no values at plan time, so no control can use it", [a]) if {
	some a in deferred
}

plan_violations contains sprintf("PLAN: %s is partial: a control cannot pass on incomplete evidence", [p]) if {
	some p in partial
}

plan_violations contains sprintf("PLAN: no %s data source was read: the controls that need it cannot pass", [t]) if {
	some t in required_types
	count(data_sources_of(t)) == 0
	not deferred_type(t)
}

# A check block whose status is not "pass" (fail, error, or unknown, as in an
# errored plan or a check on values known only after apply).
plan_violations contains sprintf("CHECK: %s is %s", [c.address.to_display, c.status]) if {
	some c in input.checks
	c.address.kind == "check"
	c.status != "pass"
}

deferred_type(t) if {
	some rc in input.resource_changes
	rc.mode == "data"
	rc.type == t
	"read" in rc.change.actions
}

required_types := {t | some t in param("required_data_sources")}

# --- Parameters ---------------------------------------------------------------
#
# A parameter comes from the plan's root variables when the configuration has
# one of that name, otherwise from data.auditlog.params. Values given with
# -var arrive in the plan JSON as strings ("true", "3", "[\"a\"]"): they are
# converted to the type of the default.

param(name) := coerce(input.variables[name].value, data.auditlog.params[name]) if {
	input.variables[name].value != null
} else := data.auditlog.params[name]

coerce(v, default_value) := v if type_name(v) == type_name(default_value)

coerce(v, default_value) := to_number(v) if {
	is_string(v)
	is_number(default_value)
}

coerce(v, default_value) if {
	v == "true"
	is_boolean(default_value)
}

coerce(v, default_value) := false if {
	v == "false"
	is_boolean(default_value)
}

coerce(v, default_value) := json.unmarshal(v) if {
	is_string(v)
	is_array(default_value)
	is_array(json.unmarshal(v))
}

# --- Time -------------------------------------------------------------------------
#
# The window ends at the plan's timestamp (what plantimestamp() returns in the
# configuration) and starts window_days before it, unless window_start (and
# window_end) are set: dates or RFC 3339 times, as in examples/compliance.

window_end_ns := parse_window_time(param("window_end"), true) if {
	param("window_end") != ""
} else := time.parse_rfc3339_ns(input.timestamp)

window_start_ns := parse_window_time(param("window_start"), false) if {
	param("window_start") != ""
} else := window_end_ns - (((param("window_days") * 24) * 3600) * 1000000000)

parse_window_time(s, end_of_day) := ns if {
	count(s) == 10
	day := time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [s]))
	ns := day + ((86399 * 1000000000) * to_number(end_of_day))
} else := time.parse_rfc3339_ns(s)

# Beijing-time "YYYY-MM-DD hh:mm:ss" (CloudAudit, CSIP) to nanoseconds.
cst_ns(s) := time.parse_ns("2006-01-02 15:04:05 -0700", sprintf("%s +0800", [s]))

in_window(ns) if {
	ns >= window_start_ns
	ns <= window_end_ns
}
