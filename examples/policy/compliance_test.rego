package compliance_test

import data.compliance

# --- Fixtures: a small plan whose every control passes ---------------------------

# 2026-06-01T00:00:00Z; the default window is the 28 days before it.
ts := "2026-06-01T00:00:00Z"

now_unix := 1780272000

day := 86400

track(id, name, status, action, res, events, storage) := {
	"track_id": id, "name": name, "status": status, "action_type": action,
	"resource_type": res, "event_names": events, "storage": storage,
}

cos := {"storage_type": "cos", "storage_name": "audit-logs", "storage_region": "ap-guangzhou"}

good_track := track(1001, "audit-all", 1, "*", "*", ["*"], cos)

tracks_ds(ts_list) := {
	"address": "data.auditlog_cloudaudit_tracks.all", "mode": "data", "type": "auditlog_cloudaudit_tracks",
	"name": "all", "values": {"tracks": ts_list, "total_count": count(ts_list)},
}

csip_rec(ip, last) := {
	"source_ip": ip, "user_name": "ops", "call_count": 3, "region": "r", "isp": "i",
	"first_call_time": last, "last_call_time": last,
}

csip_ds(uin, recs) := {
	"address": sprintf("data.auditlog_csip_user_call_records.sub[\"%s\"]", [uin]), "mode": "data",
	"type": "auditlog_csip_user_call_records", "name": "sub", "index": uin,
	"values": {"sub_uin": uin, "data": recs, "total": count(recs)},
}

uc_ev(user, api, ok, days_ago) := {
	"user_name": user, "api": api, "is_success": ok, "operate_time": now_unix - (days_ago * day),
	"remote_ip": "106.75.1.1", "related_resource": [{"resource_id": "uhost-1", "resource_name": "web"}],
}

uc_ds(evs, token) := {
	"address": "data.auditlog_ucloud_operation_events.window", "mode": "data",
	"type": "auditlog_ucloud_operation_events", "name": "window",
	"values": {"events": evs, "resume_token": token},
}

ev(id, user, name, days_ago) := {
	"event_id": id, "username": user, "event_name": name,
	"event_time": sprintf("%d", [now_unix - (days_ago * day)]), "source_ip_address": "106.55.1.1",
}

events_ds(evs, list_over, token) := {
	"address": "data.auditlog_cloudaudit_events.window", "mode": "data", "type": "auditlog_cloudaudit_events",
	"name": "window", "values": {"events": evs, "list_over": list_over, "resume_token": token},
}

track_ds(members, status) := {
	"address": "data.auditlog_cloudaudit_track.each[\"1001\"]", "mode": "data", "type": "auditlog_cloudaudit_track",
	"name": "each", "index": "1001",
	"values": {
		"track_id": 1001, "status": status, "track_for_all_members": members,
		"filters": {"resource_fields": [{"resource_type": "*", "action_type": "*", "event_names": ["*"]}]},
	},
}

# plan puts data sources in a child module, as examples/compliance/root does.
plan(resources) := {
	"format_version": "1.2", "timestamp": ts, "errored": false,
	"variables": {
		"allowed_networks": {"value": ["106.55.0.0/16", "2402:4e00::/32"]},
		"ucloud_privileged_users": {"value": ["admin"]},
		"cloudaudit_privileged_users": {"value": ["admin"]},
	},
	"prior_state": {"values": {"root_module": {"child_modules": [{"address": "module.compliance", "resources": resources}]}}},
	"resource_changes": [],
	"checks": [],
}

good_resources := [
	tracks_ds([good_track]),
	csip_ds("100", [csip_rec("106.55.1.10", "2026-05-30 10:00:00"), csip_rec("2402:4e00:1::5", "2026-05-29 10:00:00")]),
	uc_ds([uc_ev("admin", "DeleteULB", true, 2), uc_ev("bob", "StartUHostInstance", false, 1)], null),
	events_ds([ev("e1", "admin", "ConsoleLogin", 1)], true, null),
	track_ds(1, 1),
]

good_plan := plan(good_resources)

with_resource(p, r) := json.patch(p, [{"op": "add", "path": "/prior_state/values/root_module/child_modules/0/resources/-", "value": r}])

# denies_with(msgs, prefix) holds when some message starts with prefix.
denies_with(msgs, prefix) if {
	some m in msgs
	startswith(m, prefix)
}

# --- A clean plan -------------------------------------------------------------------

test_good_plan_has_no_violation if {
	count(compliance.deny) == 0 with input as good_plan
}

# --- TRK ----------------------------------------------------------------------------------

test_trk01_disabled_set if {
	p := plan([tracks_ds([good_track, track(1003, "paused", 0, "*", "*", ["*"], cos)])])
	msgs := compliance.deny with input as p
	denies_with(msgs, "TRK-01: paused: ")
	not denies_with(msgs, "TRK-01: audit-all")
}

test_trk02_partial_coverage if {
	p := plan([tracks_ds([good_track, track(1002, "cam-write", 1, "Write", "cam", ["CreateUser"], cos)])])
	msgs := compliance.deny with input as p
	denies_with(msgs, "TRK-02: cam-write: ")
	not denies_with(msgs, "TRK-02: audit-all")
}

test_trk02_named_events_are_not_full_coverage if {
	p := plan([tracks_ds([track(1002, "some-events", 1, "*", "*", ["DeleteUser"], cos)])])
	denies_with(compliance.deny, "TRK-02: some-events: ") with input as p
}

test_trk03_no_storage if {
	p := plan([tracks_ds([good_track, track(1004, "nostore", 1, "*", "*", ["*"], {"storage_type": "cos", "storage_name": ""})])])
	msgs := compliance.deny with input as p
	denies_with(msgs, "TRK-03: nostore: ")
	not denies_with(msgs, "TRK-03: audit-all")
}

test_trk03_null_storage if {
	p := plan([tracks_ds([track(1004, "nullstore", 1, "*", "*", ["*"], null)])])
	denies_with(compliance.deny, "TRK-03: nullstore: ") with input as p
}

test_trk04_no_org_track if {
	p := plan([tracks_ds([good_track]), track_ds(0, 1)])
	denies_with(compliance.deny, "TRK-04: organization: ") with input as p
}

test_trk04_disabled_org_track if {
	p := plan([tracks_ds([good_track]), track_ds(1, 0)])
	denies_with(compliance.deny, "TRK-04: organization: ") with input as p
}

test_trk04_passes_with_org_track if {
	not denies_with(compliance.deny, "TRK-04") with input as good_plan
}

# --- NET-01 ----------------------------------------------------------------------------------

net_msgs(recs) := msgs if {
	msgs := compliance.deny with input as plan([csip_ds("100", recs)])
}

test_net01_outside_ipv4 if {
	denies_with(net_msgs([csip_rec("198.51.100.7", "2026-05-30 10:00:00")]), "NET-01: 100/198.51.100.7: ")
}

test_net01_outside_ipv6 if {
	denies_with(net_msgs([csip_rec("2001:db8::bad", "2026-05-30 10:00:00")]), "NET-01: 100/2001:db8::bad: ")
}

test_net01_masked_address_fails_closed if {
	msgs := net_msgs([csip_rec("106.55.***.47", "2026-05-30 10:00:00")])
	some m in msgs
	startswith(m, "NET-01: 100/106.55.***.47: ")
	contains(m, "masked")
}

test_net01_allowed_ipv4_and_ipv6 if {
	msgs := net_msgs([csip_rec("106.55.200.1", "2026-05-30 10:00:00"), csip_rec("2402:4e00:ffff::1", "2026-05-30 10:00:00")])
	not denies_with(msgs, "NET-01")
}

test_net01_outside_window_is_ignored if {
	not denies_with(net_msgs([csip_rec("198.51.100.7", "2026-04-01 10:00:00")]), "NET-01")
}

test_net01_window_from_dates if {
	p := json.patch(plan([csip_ds("100", [csip_rec("198.51.100.7", "2026-04-01 10:00:00")])]), [
		{"op": "add", "path": "/variables/window_start", "value": {"value": "2026-03-25"}},
		{"op": "add", "path": "/variables/window_end", "value": {"value": "2026-04-01"}},
	])
	denies_with(compliance.deny, "NET-01: 100/198.51.100.7") with input as p
}

test_net01_no_allowed_networks_denies_everything if {
	p := json.patch(plan([csip_ds("100", [csip_rec("106.55.1.1", "2026-05-30 10:00:00")])]), [{"op": "remove", "path": "/variables/allowed_networks"}])
	denies_with(compliance.deny, "NET-01: 100/106.55.1.1") with input as p
}

# --- EVT-01 ------------------------------------------------------------------------------

evt_msgs(evs) := msgs if {
	msgs := compliance.deny with input as plan([events_ds(evs, true, null)])
}

test_evt01_console_login_by_other_user if {
	denies_with(evt_msgs([ev("e9", "mallory", "ConsoleLogin", 1)]), "EVT-01: e9: ConsoleLogin by mallory")
}

test_evt01_deletion_by_other_user if {
	denies_with(evt_msgs([ev("e8", "ci", "DeleteBucket", 3)]), "EVT-01: e8: ")
}

test_evt01_allowed_user_and_unwatched_event if {
	msgs := evt_msgs([ev("e1", "admin", "ConsoleLogin", 1), ev("e2", "mallory", "DescribeInstances", 1)])
	not denies_with(msgs, "EVT-01")
}

test_evt01_outside_window if {
	not denies_with(evt_msgs([ev("e7", "mallory", "ConsoleLogin", 40)]), "EVT-01")
}

test_evt01_beijing_time_event if {
	e := object.union(ev("e6", "mallory", "ConsoleLogin", 0), {"event_time": "2026-05-30 12:00:00"})
	denies_with(evt_msgs([e]), "EVT-01: e6: ")
}

# --- UC-01, UC-02 --------------------------------------------------------------------------

uc_msgs(evs) := msgs if {
	msgs := compliance.deny with input as plan([uc_ds(evs, null)])
}

test_uc01_risky_by_unexpected_user if {
	msgs := uc_msgs([uc_ev("mallory", "DeleteUHostInstance", true, 2), uc_ev("zhang", "CreateAccessKey", false, 3)])
	denies_with(msgs, "UC-01: mallory/DeleteUHostInstance/uhost-1: ")
	denies_with(msgs, "UC-01: zhang/CreateAccessKey/uhost-1: ")
}

test_uc01_privileged_or_harmless if {
	msgs := uc_msgs([uc_ev("admin", "DeleteULB", true, 2), uc_ev("bob", "CreateUHostInstance", true, 2)])
	not denies_with(msgs, "UC-01")
}

test_uc01_outside_window if {
	not denies_with(uc_msgs([uc_ev("eve", "DeleteUHostInstance", true, 45)]), "UC-01")
}

test_uc01_event_without_resource_or_user if {
	e := object.union(uc_ev("x", "CreateAccessKey", true, 1), {"user_name": null, "related_resource": []})
	denies_with(uc_msgs([e]), "UC-01: (unknown)/CreateAccessKey/-: ")
}

test_uc02_at_threshold_passes if {
	evs := [uc_ev("bob", "StartUHostInstance", false, i) | some i in numbers.range(1, 3)]
	not denies_with(uc_msgs(evs), "UC-02")
}

test_uc02_above_threshold_names_every_failure if {
	evs := [uc_ev(sprintf("u%d", [i]), "StartUHostInstance", false, i) | some i in numbers.range(1, 4)]
	msgs := uc_msgs(evs)
	count({m | some m in msgs; startswith(m, "UC-02: ")}) == 4
	denies_with(msgs, "UC-02: u4/StartUHostInstance/uhost-1: ")
}

test_uc02_failures_outside_window_do_not_count if {
	evs := array.concat([uc_ev("bob", "StartUHostInstance", false, 1)], [uc_ev("eve", "StopUHostInstance", false, i) | some i in numbers.range(40, 45)])
	not denies_with(uc_msgs(evs), "UC-02")
}

# A threshold given with -var arrives as the string "10".
test_uc02_threshold_from_var_string if {
	evs := [uc_ev("bob", "StartUHostInstance", false, i) | some i in numbers.range(1, 4)]
	p := json.patch(plan([uc_ds(evs, null)]), [{"op": "add", "path": "/variables/ucloud_max_failed", "value": {"value": "10"}}])
	not denies_with(compliance.deny, "UC-02") with input as p
}
