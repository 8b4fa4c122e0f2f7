# The controls of examples/compliance, over the plan JSON. Each deny message
# starts with the control id and names the record:
#   "NET-01: 100021372635/198.51.100.7: ..."
# A plan whose evidence cannot be trusted is denied by the "PLAN:" and
# "CHECK:" rules of the library, so that no control passes on missing data.
package compliance

import data.auditlog.lib

deny contains msg if {
	some msg in lib.plan_violations
}

# --- TRK: CloudAudit tracking sets ------------------------------------------------

tracks contains t if {
	some r in lib.data_sources_of("auditlog_cloudaudit_tracks")
	some t in r.values.tracks
}

# TRK-01: a disabled tracking set records nothing.
deny contains sprintf("TRK-01: %s: tracking set %v is disabled (status %v)", [t.name, t.track_id, t.status]) if {
	some t in tracks
	t.status != 1
}

# TRK-02: every set records read and write actions of every resource type.
deny contains sprintf("TRK-02: %s: records %s actions of %s, not read and write actions of every resource type", [t.name, t.action_type, t.resource_type]) if {
	some t in tracks
	not full_coverage(t)
}

full_coverage(t) if {
	t.action_type == "*"
	t.resource_type == "*"
	"*" in t.event_names
}

# TRK-03: CloudAudit keeps events 90 days; retention needs delivery.
deny contains sprintf("TRK-03: %s: delivers to no storage", [t.name]) if {
	some t in tracks
	not delivers(t.storage)
}

delivers(s) if {
	s.storage_type != ""
	s.storage_name != ""
}

# TRK-04: at least one enabled, full-coverage tracking set ships the logs of
# every organization member (DescribeAuditTrack's TrackForAllMembers).
deny contains "TRK-04: organization: no enabled tracking set records every member of the organization" if {
	count(lib.data_sources_of("auditlog_cloudaudit_track")) > 0
	not some_org_track
}

some_org_track if {
	some r in lib.data_sources_of("auditlog_cloudaudit_track")
	r.values.track_for_all_members == 1
	r.values.status == 1
	some f in r.values.filters.resource_fields
	f.resource_type == "*"
	f.action_type == "*"
}

# --- NET: sub-accounts' source networks ----------------------------------------------

# NET-01: calls from unknown networks are the first sign of a leaked key. A
# masked address (106.55.***.47) cannot be proven inside a network.
deny contains sprintf("NET-01: %s/%s: %v: %v calls from %s, last %s CST: %s", [uin, rec.source_ip, rec.user_name, rec.call_count, rec.source_ip, rec.last_call_time, why]) if {
	some r in lib.data_sources_of("auditlog_csip_user_call_records")
	uin := r.values.sub_uin
	some rec in r.values.data
	lib.cst_ns(rec.last_call_time) >= lib.window_start_ns
	lib.cst_ns(rec.first_call_time) <= lib.window_end_ns
	why := net_violation(rec.source_ip)
}

net_violation(ip) := "address masked by the API, cannot be verified" if {
	contains(ip, "*")
} else := "outside every allowed network" if {
	not allowed_ip(ip)
}

allowed_ip(ip) if {
	some cidr in lib.param("allowed_networks")
	net.cidr_contains(cidr, ip)
}

# --- EVT: CloudAudit events ------------------------------------------------------------

# EVT-01: console logins and deletions are reserved to named users.
deny contains sprintf("EVT-01: %v: %v by %v from %v", [e.event_id, e.event_name, e.username, e.source_ip_address]) if {
	some r in lib.data_sources_of("auditlog_cloudaudit_events")
	some e in r.values.events
	lib.in_window(event_ns(e.event_time))
	watched_event(e.event_name)
	not e.username in lib.param("cloudaudit_privileged_users")
}

watched_event(name) if {
	some p in lib.param("cloudaudit_watched_event_patterns")
	regex.match(p, name)
}

# EventTime is a UNIX time in a string, or a Beijing date-time.
event_ns(s) := to_number(s) * 1000000000 if regex.match(`^[0-9]+$`, s)

event_ns(s) := lib.cst_ns(s) if not regex.match(`^[0-9]+$`, s)

# --- UC: UCloud operations ----------------------------------------------------------------

ucloud_events contains e if {
	some r in lib.data_sources_of("auditlog_ucloud_operation_events")
	some e in r.values.events
	lib.in_window(e.operate_time * 1000000000)
}

ucloud_ref(e) := sprintf("%s/%s/%s", [user(e), e.api, first_resource(e)])

user(e) := e.user_name if {
	is_string(e.user_name)
	e.user_name != ""
} else := "(unknown)"

# related_resource may be null or empty: the id is "-" then, never undefined
# (an undefined id would drop the finding).
first_resource(e) := e.related_resource[0].resource_id if {
	is_array(e.related_resource)
	count(e.related_resource) > 0
} else := "-"

# UC-01: deletions, key and permission changes by unexpected users.
deny contains sprintf("UC-01: %s: %s by %s from %v at %s", [ucloud_ref(e), e.api, user(e), e.remote_ip, time.format(e.operate_time * 1000000000)]) if {
	some e in ucloud_events
	some p in lib.param("ucloud_risky_api_patterns")
	regex.match(p, e.api)
	not user(e) in lib.param("ucloud_privileged_users")
}

# UC-02: too many failed operations in the window.
ucloud_failed := {e | some e in ucloud_events; e.is_success == false}

deny contains sprintf("UC-02: %s: %s by %s failed at %s (%d failures in the window, at most %v allowed)", [ucloud_ref(e), e.api, user(e), time.format(e.operate_time * 1000000000), count(ucloud_failed), lib.param("ucloud_max_failed")]) if {
	count(ucloud_failed) > lib.param("ucloud_max_failed")
	some e in ucloud_failed
}
