# The controls of examples/compliance, over the plan JSON, with every
# parameter from the policy data document (data.auditlog.policy).
#
# Each deny message starts with the control id and names the data source by
# its full address, module instance keys included, then the record:
#   NET-01: module.compliance.data.auditlog_csip_user_call_records.sub["100021372635"]: 100021372635/198.51.100.7: ...
# Evidence that does not cover the control is denied the same way
# ("CONTROL: ADDRESS: evidence: ..."). A plan that cannot be judged at all is
# denied by the library's "PLAN:", "POLICY:" and "CHECK:" messages.
package compliance

import data.auditlog.lib

# The controls, from the catalogue of controls (catalogue.json beside this
# file, loaded as data.auditlog.catalogue: opa -d, conftest --data, and
# embedded in auditlog-gate): per control its title, rationale, severity,
# the data source types it rests on and the tags of the requirements it
# serves ("FRAMEWORK:ITEM", such as "MLPS2-L3:8.1.4.3a"), in catalogue
# order. Never from the policy data: what a control is and what it serves
# is the release's word. Empty while the catalogue is missing or broken,
# and then nothing is judged (catalogue_errors).
catalogue[c.id] := {
	"title": c.title,
	"rationale": c.rationale,
	"severity": c.severity,
	"types": {t | some t in c.data_sources},
	"requirements": requirement_tags(c.id),
} if {
	count(catalogue_errors) == 0
	some c in data.auditlog.catalogue.controls
}

# requirement_tags are the tags of the requirements that name the control,
# in catalogue order: the framework key in upper case, a colon and the
# item's id without spaces (package catalogue's Requirement.Tag).
requirement_tags(id) := [sprintf("%s:%s", [upper(r.framework), replace(r.id, " ", "")]) |
	some r in data.auditlog.catalogue.requirements
	id in r.controls
]

# catalogue_errors: the catalogue must be there, of the schema version these
# rules read, with one entry per control id, each serving a requirement.
catalogue_errors contains "POLICY: no catalogue of controls: data.auditlog.catalogue is not defined (or not an object). Load catalogue.json beside the rules (opa -d examples/policy/catalogue.json, conftest --data examples/policy/catalogue.json); auditlog-gate embeds it" if {
	not data.auditlog.catalogue
}

catalogue_errors contains "POLICY: no catalogue of controls: data.auditlog.catalogue is not defined (or not an object). Load catalogue.json beside the rules (opa -d examples/policy/catalogue.json, conftest --data examples/policy/catalogue.json); auditlog-gate embeds it" if {
	cat := data.auditlog.catalogue
	not is_object(cat)
}

catalogue_errors contains sprintf("POLICY: the catalogue of controls has schema_version %v; these rules read 1", [object.get(data.auditlog.catalogue, "schema_version", null)]) if {
	is_object(data.auditlog.catalogue)
	object.get(data.auditlog.catalogue, "schema_version", null) != 1
}

catalogue_errors contains "POLICY: the catalogue of controls has no list of controls" if {
	is_object(data.auditlog.catalogue)
	not is_array(data.auditlog.catalogue.controls)
}

catalogue_errors contains sprintf("POLICY: the catalogue of controls lists %s more than once", [id]) if {
	some i, c in data.auditlog.catalogue.controls
	some j, d in data.auditlog.catalogue.controls
	i < j
	c.id == d.id
	id := c.id
}

catalogue_errors contains sprintf("POLICY: control %v of the catalogue serves no requirement", [c.id]) if {
	some c in data.auditlog.catalogue.controls
	count(requirement_tags(c.id)) == 0
}

# The controls the policy data enables ("enabled": true); none when the
# data is missing or invalid.
enabled contains id if {
	lib.policy_valid
	count(unknown_controls) == 0
	count(unlisted_controls) == 0
	some id, c in data.auditlog.policy.controls
	catalogue[id]
	c.enabled == true
}

# The controls the policy data disables ("enabled": false): SKIP, and the
# reads only they rest on are not judged.
disabled contains id if {
	lib.policy_valid
	some id, c in data.auditlog.policy.controls
	catalogue[id]
	c.enabled == false
}

# --- Verdicts -----------------------------------------------------------------------------

# deny holds every message: the plans that cannot be judged and the violations.
deny contains msg if {
	some msg in cannot_judge
}

# cannot_judge: the library's reasons, and policy data naming a control
# this policy does not have (a typo must not silently drop a control).
cannot_judge := (((lib.cannot_judge | catalogue_errors) | controls_cannot_judge) | {sprintf("POLICY: controls[\"%s\"] is not a control of this policy (%s)", [id, concat(", ", sort([c | some c, _ in catalogue]))]) | some id in unknown_controls}) | {sprintf("POLICY: controls has no \"%s\" (%s): list every control of the policy, with \"enabled\": false for one it skips", [id, catalogue[id].title]) | some id in unlisted_controls}

unknown_controls contains id if {
	count(catalogue_errors) == 0 # without a catalogue no id is known
	some id, _ in data.auditlog.policy.controls
	not catalogue[id]
}

# A control left out of the policy data is an error, never a silent skip.
unlisted_controls contains id if {
	lib.has_document
	not lib.old_document
	is_object(data.auditlog.policy.controls)
	some id, _ in catalogue
	not data.auditlog.policy.controls[id]
}

deny contains msg if {
	some msg in violations
}

# violations are the messages of a plan that was judged and failed.
violations contains msg if {
	some msg in lib.plan_violations
}

violations contains p.message if {
	some p in problems
}

# problems are the findings and evidence problems of each enabled control,
# as {"control", "address" (null when no data source is at fault), "message"}.
problems contains {"control": f.control, "address": f.address, "message": sprintf("%s: %s: %s: %s%s", [f.control, f.address, f.record, f.detail, f.scope])} if {
	count(enabled) > 0
	some f in findings
	f.control in enabled
}

problems contains object.union(e, {"control": id}) if {
	some id in enabled
	some e in lib.control_evidence(id, catalogue[id].types)
}

# judged_by is the set of enabled controls that rest on a data source; a read
# no enabled control rests on is "not judged".
judged_by(r) := {id | some id in enabled; r.type in catalogue[id].types; r in lib.reads_for(id, catalogue[id].types)}

# A failed check block of the configuration counts against the control of
# its name (check.net_01 is NET-01), and against the plan in any case. Each
# check instance is named with its module instance keys.
problems contains {"control": id, "address": null, "message": sprintf("CHECK: %s is %s", [c.address, c.status])} if {
	some c in lib.check_instances
	c.status == "fail"
	some m in regex.find_all_string_submatch_n(`check\.([A-Za-z0-9_-]+)$`, c.address, 1)
	some id in enabled
	lower(replace(id, "-", "_")) == lower(replace(m[1], "-", "_"))
}

# --- TRK: CloudAudit tracking sets ------------------------------------------------

tracks_lists := lib.data_sources_of("auditlog_cloudaudit_tracks")

# at reads a field, null when absent: a missing field must not drop a finding.
at(o, k) := object.get(o, k, null)

# A finding names the data source by its full address and the account,
# region or project its read acted as (evidence), since the module instance
# key is the author's word and the evidence is the read's.
finding(control, r, record, detail) := {"control": control, "address": r.address, "scope": lib.acting_as_text(r), "record": record, "detail": detail}

# An account without tracking sets records nothing: the tracking-set
# controls cannot pass on zero sets.
findings contains finding(id, r, "(no tracking set)", "the account has no CloudAudit tracking set: nothing is recorded beyond the console's 90 days") if {
	some r in tracks_lists
	count(lib.records(r)) == 0
	some id in ["TRK-01", "TRK-02", "TRK-03", "RET-01", "EVT-02"]
}

# EVT-02: an account whose tracking sets are all disabled records no
# instance deletion or reboot anywhere.
findings contains finding("EVT-02", r, "(no enabled tracking set)", "no CloudAudit tracking set of the account is enabled: nothing records its instance deletions and reboots") if {
	some r in tracks_lists
	count(lib.records(r)) > 0
	a := lib.ev_get(r, "account_id")
	not lib.cls_tracking(a)
}

# TRK-01: a disabled tracking set records nothing.
findings contains finding("TRK-01", r, name_of(t), sprintf("tracking set %v is disabled (status %v)", [at(t, "track_id"), at(t, "status")])) if {
	some r in tracks_lists
	some t in lib.records(r)
	at(t, "status") != 1
}

# TRK-02: every set records read and write actions of every resource type.
findings contains finding("TRK-02", r, name_of(t), sprintf("records %v actions of %v (events %s), not read and write actions of every resource type", [at(t, "action_type"), at(t, "resource_type"), json.marshal(at(t, "event_names"))])) if {
	some r in tracks_lists
	some t in lib.records(r)
	not full_coverage(t)
}

full_coverage(t) if {
	t.action_type == "*"
	t.resource_type == "*"
	"*" in t.event_names
}

# TRK-03: CloudAudit keeps events 90 days; retention needs delivery.
findings contains finding("TRK-03", r, name_of(t), "delivers to no storage") if {
	some r in tracks_lists
	some t in lib.records(r)
	not delivers(at(t, "storage"))
}

delivers(s) if {
	is_string(s.storage_type)
	is_string(s.storage_name)
	s.storage_type != ""
	s.storage_name != ""
}

name_of(t) := t.name if {
	is_string(t.name)
	t.name != ""
} else := sprintf("(track %v)", [at(t, "track_id")])

# TRK-04: among the tracking sets of each list, at least one enabled,
# full-coverage set ships the logs of every organization member
# (DescribeAuditTrack's TrackForAllMembers). The set's details must be read
# as the same account as the list (track ids repeat across accounts), and be
# one of the account's tracking_sets when the policy names them. An account
# without sets, or whose sets were not read one by one, fails.
findings contains finding("TRK-04", r, "organization", sprintf("no enabled tracking set of account %v records every member of the organization (TrackForAllMembers, read by auditlog_cloudaudit_track as the same account%s)", [lib.ev_get(r, "account_id"), tracking_sets_text(lib.ev_get(r, "account_id"))])) if {
	some r in tracks_lists
	not org_track_in(r)
}

org_track_in(r) if {
	account := lib.ev_get(r, "account_id")
	is_string(account)
	ids := {t.track_id | some t in lib.records(r)}
	some d in lib.data_sources_of("auditlog_cloudaudit_track")
	lib.ev_get(d, "account_id") == account
	d.values.track_id in ids
	tracking_set_allowed(account, d.values.track_id)
	d.values.track_for_all_members == 1
	d.values.status == 1
	some f in d.values.filters.resource_fields
	f.resource_type == "*"
	f.action_type == "*"
}

tracking_set_allowed(account, _) if not lib.org_accounts[account].tracking_sets

tracking_set_allowed(account, id) if id in lib.org_accounts[account].tracking_sets

tracking_sets_text(account) := sprintf(", one of tencentcloud.accounts[\"%s\"].tracking_sets: %s", [account, concat(", ", [sprintf("%v", [i]) | some i in lib.org_accounts[account].tracking_sets])]) if {
	lib.org_accounts[account].tracking_sets
} else := ""

# --- NET: sub-accounts' source networks ----------------------------------------------

# NET-01: calls from unknown networks are the first sign of a leaked key. A
# masked address (106.55.***.47) cannot be proven inside a network; a record
# whose call times are missing cannot be proven outside the window.
findings contains finding("NET-01", r, sprintf("%v/%v", [at(r.values, "sub_uin"), at(rec, "source_ip")]), sprintf("%v: %v calls from %v, last %s: %s", [at(rec, "user_name"), at(rec, "call_count"), at(rec, "source_ip"), csip_when(rec), why])) if {
	some r in lib.data_sources_of("auditlog_csip_user_call_records")
	some rec in lib.records(r)
	csip_considered(rec)
	why := net_violation(at(rec, "source_ip"))
}

csip_considered(rec) if {
	not csip_times_known(rec)
}

csip_considered(rec) if {
	lib.cst_s(rec.last_call_time) >= lib.window_start_s
	lib.cst_s(rec.first_call_time) <= lib.window_end_s
}

csip_times_known(rec) if {
	lib.cst_s(rec.first_call_time)
	lib.cst_s(rec.last_call_time)
}

csip_when(rec) := sprintf("%s CST", [rec.last_call_time]) if {
	csip_times_known(rec)
} else := sprintf("unknown (first_call_time %s, last_call_time %s: not a time, so the record counts as inside the window)", [json.marshal(at(rec, "first_call_time")), json.marshal(at(rec, "last_call_time"))])

net_violation(ip) := "no source address" if {
	not is_string(ip)
} else := "address masked by the API, cannot be verified" if {
	contains(ip, "*")
} else := "not an IP address, cannot be verified" if {
	not valid_ip(ip)
} else := "outside every allowed network" if {
	not allowed_ip(ip)
}

allowed_ip(ip) if {
	some cidr in lib.param("allowed_networks")
	lib.valid_cidr(cidr)
	net.cidr_contains(cidr, ip)
}

# An address that is not one (a value the API never documented) cannot be
# proven inside a network.
valid_ip(ip) if net.cidr_is_valid(sprintf("%s/32", [ip]))

valid_ip(ip) if net.cidr_is_valid(sprintf("%s/128", [ip]))

# --- EVT: CloudAudit events ------------------------------------------------------------

# EVT-01: console logins and deletions are reserved to named users. An event
# without a name or a time is a finding unless its user is allowed.
findings contains finding("EVT-01", r, sprintf("%v", [at(e, "event_id")]), sprintf("%v by %v from %v at %s", [at(e, "event_name"), at(e, "username"), at(e, "source_ip_address"), event_when(e)])) if {
	some r in lib.reads_for("EVT-01", {"auditlog_cloudaudit_events"})
	some e in lib.records(r)
	event_considered(e)
	watched_event(at(e, "event_name"))
	not at(e, "username") in lib.param("cloudaudit_privileged_users")
}

event_considered(e) if {
	not lib.event_s(at(e, "event_time"))
}

event_considered(e) if {
	lib.in_window(lib.event_s(at(e, "event_time")))
}

event_when(e) := lib.rfc3339(lib.event_s(at(e, "event_time"))) if {
	lib.event_s(at(e, "event_time"))
} else := sprintf("an unknown time (event_time %s: not a time, so the event counts as inside the window)", [json.marshal(at(e, "event_time"))])

watched_event(name) if {
	not is_string(name)
}

watched_event(name) if {
	some p in lib.param("cloudaudit_watched_event_patterns")
	regex.is_valid(p)
	regex.match(p, name)
}

# --- UC: UCloud operations ----------------------------------------------------------------

# ucloud_considered holds the operations inside the window, and those whose
# operate_time is missing (they may be inside it).
ucloud_considered(e) if {
	not is_number(at(e, "operate_time"))
}

ucloud_considered(e) if {
	lib.in_window(e.operate_time)
}

ucloud_when(e) := lib.rfc3339(e.operate_time) if {
	is_number(e.operate_time)
} else := "an unknown time (operate_time null: the operation counts as inside the window)"

ucloud_ref(e) := sprintf("%s/%v/%s", [user(e), at(e, "api"), first_resource(e)])

user(e) := e.user_name if {
	is_string(e.user_name)
	e.user_name != ""
} else := "(unknown)"

# related_resource may be null or empty: the id is "-" then, never undefined
# (an undefined id would drop the finding).
first_resource(e) := e.related_resource[0].resource_id if {
	is_array(e.related_resource)
	count(e.related_resource) > 0
	is_string(e.related_resource[0].resource_id)
} else := "-"

risky_api(api) if {
	not is_string(api)
}

risky_api(api) if {
	some p in lib.param("ucloud_risky_api_patterns")
	regex.is_valid(p)
	regex.match(p, api)
}

# UC-01: deletions, key and permission changes by unexpected users.
findings contains finding("UC-01", r, ucloud_ref(e), sprintf("%v by %s from %v at %s", [at(e, "api"), user(e), at(e, "remote_ip"), ucloud_when(e)])) if {
	some r in lib.reads_for("UC-01", {"auditlog_ucloud_operation_events"})
	some e in lib.records(r)
	ucloud_considered(e)
	risky_api(at(e, "api"))
	not user(e) in lib.param("ucloud_privileged_users")
}

# UC-02: too many failed operations in the window, per data source (one
# project of one account). An operation not shown as a success counts.
ucloud_failed(r) := [e | some e in lib.records(r); ucloud_considered(e); at(e, "is_success") != true]

findings contains finding("UC-02", r, ucloud_ref(e), sprintf("%v by %s failed at %s (%d failures in the window, at most %v allowed)", [at(e, "api"), user(e), ucloud_when(e), count(failed), lib.param("ucloud_max_failed")])) if {
	some r in lib.reads_for("UC-02", {"auditlog_ucloud_operation_events"})
	failed := ucloud_failed(r)
	count(failed) > lib.param("ucloud_max_failed")
	some e in failed
}

# --- What each verdict rests on ----------------------------------------------------------

# controls reports each enabled control: its title, severity, the tags of
# the requirements it serves, status, findings, the data sources and
# records it reviewed.
controls[id] := {
	"title": catalogue[id].title,
	"severity": catalogue[id].severity,
	"requirements": catalogue[id].requirements,
	"status": status(id),
	"findings": count([f | some f in findings; f.control == id]),
	"problems": sort([p.message | some p in problems; p.control == id]),
	"data_sources": sort([r.address | some r in lib.reads_for(id, catalogue[id].types)]),
	"records": sum([lib.record_count(r) | some r in lib.reads_for(id, catalogue[id].types)]),
	"scanned": sum([lib.scanned_count(r) | some r in lib.reads_for(id, catalogue[id].types)]),
} if {
	some id in enabled
}

status(id) := "unknown" if {
	count(cannot_judge) > 0
} else := "fail" if {
	some p in problems
	p.control == id
} else := "pass"
