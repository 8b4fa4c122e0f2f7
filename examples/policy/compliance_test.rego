package compliance_test

import data.auditlog.fixtures as f
import data.compliance

deny(p) := msgs if {
	msgs := compliance.deny with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

deny_with(p, pol) := msgs if {
	msgs := compliance.deny with input as p with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

# control_msgs returns the messages of one control.
control_msgs(msgs, id) := {m | some m in msgs; startswith(m, sprintf("%s: ", [id]))}

# --- A clean plan -------------------------------------------------------------------

test_good_plan_has_no_violation if {
	count(deny(f.good_plan)) == 0
	count(compliance.enabled) == 10 with data.auditlog.policy as f.policy with data.auditlog.catalogue as f.catalogue
}

# Every message of a failing plan names the data source's full address (or,
# for evidence that was never read, what is missing).
test_every_finding_names_its_address if {
	p := f.plan([
		f.tracks_ds([f.track(1003, "paused", 0, "*", "*", ["*"], f.cos)]),
		f.csip_ds("100021372635", [f.csip_rec("198.51.100.7", "2026-05-30 10:00:00")]),
		f.uc_ds([f.uc_ev("mallory", "DeleteUHostInstance", true, 2)]),
		f.events_ds([f.ev("e9", "mallory", "ConsoleLogin", 1)]),
	])
	msgs := deny(p)
	every id in ["TRK-01", "NET-01", "UC-01", "EVT-01"] {
		some m in control_msgs(msgs, id)
		regex.match(`^[A-Z]+-[0-9]+: module\.compliance\.data\.auditlog_[a-z_]+\.[a-z]+(\["[^"]+"\])?: `, m)
	}
}

# --- TRK ----------------------------------------------------------------------------------

test_trk01_disabled_set if {
	msgs := deny(f.replacing(f.tracks_ds([f.good_track, f.track(1003, "paused", 0, "*", "*", ["*"], f.cos)])))
	f.has(msgs, sprintf("TRK-01: %s: paused: tracking set 1003 is disabled (status 0)", [f.tracks_address]))
	not f.has(msgs, sprintf("TRK-01: %s: audit-all", [f.tracks_address]))
}

test_trk02_partial_coverage if {
	msgs := deny(f.replacing(f.tracks_ds([f.good_track, f.track(1002, "cam-write", 1, "Write", "cam", ["CreateUser"], f.cos)])))
	f.has(msgs, sprintf("TRK-02: %s: cam-write: records Write actions of cam", [f.tracks_address]))
	not f.has(msgs, sprintf("TRK-02: %s: audit-all", [f.tracks_address]))
}

test_trk02_named_events_are_not_full_coverage if {
	f.has(deny(f.replacing(f.tracks_ds([f.good_track, f.track(1002, "some-events", 1, "*", "*", ["DeleteUser"], f.cos)]))), sprintf("TRK-02: %s: some-events: ", [f.tracks_address]))
}

test_trk03_no_storage if {
	msgs := deny(f.replacing(f.tracks_ds([f.good_track, f.track(1004, "nostore", 1, "*", "*", ["*"], {"storage_type": "cos", "storage_name": ""})])))
	f.has(msgs, sprintf("TRK-03: %s: nostore: delivers to no storage", [f.tracks_address]))
	not f.has(msgs, sprintf("TRK-03: %s: audit-all", [f.tracks_address]))
}

test_trk03_null_storage if {
	f.has(deny(f.replacing(f.tracks_ds([f.good_track, f.track(1004, "nullstore", 1, "*", "*", ["*"], null)]))), sprintf("TRK-03: %s: nullstore: ", [f.tracks_address]))
}

test_trk04_no_org_track if {
	f.has(deny(f.replacing(f.track_ds(1001, 0, 1))), sprintf("TRK-04: %s: organization: no enabled tracking set", [f.tracks_address]))
}

test_trk04_disabled_org_track if {
	f.has(deny(f.replacing(f.track_ds(1001, 1, 0))), sprintf("TRK-04: %s: organization: ", [f.tracks_address]))
}

# An organization-wide set of another account's list does not count.
test_trk04_track_of_another_list if {
	p := f.plan(array.concat([x | some x in f.good_resources; x.type != "auditlog_cloudaudit_track"], [f.track_ds(2002, 1, 1)]))
	f.has(deny(p), sprintf("TRK-04: %s: organization: ", [f.tracks_address]))
}

test_trk04_without_track_reads if {
	msgs := deny(f.without_type("auditlog_cloudaudit_track"))
	f.has(msgs, sprintf("TRK-04: %s: organization: ", [f.tracks_address]))
	f.has(msgs, "TRK-04: no auditlog_cloudaudit_track data source was read")
}

# Probe 8: an account without tracking sets fails every tracking-set control.
test_zero_tracking_sets_fail if {
	p := f.plan(array.concat([x | some x in f.good_resources; not x.type in {"auditlog_cloudaudit_tracks", "auditlog_cloudaudit_track"}], [f.tracks_ds([])]))
	msgs := deny(p)
	every id in ["TRK-01", "TRK-02", "TRK-03"] {
		f.has(msgs, sprintf("%s: %s: (no tracking set): the account has no CloudAudit tracking set", [id, f.tracks_address]))
	}
	f.has(msgs, sprintf("TRK-04: %s: organization: ", [f.tracks_address]))
}

# --- NET-01 ----------------------------------------------------------------------------------

net_msgs(recs) := control_msgs(deny(f.replacing(f.csip_ds("100021372635", recs))), "NET-01")

csip_prefix(ip) := sprintf("NET-01: %s: 100021372635/%s: ", [f.csip_address("100021372635"), ip])

test_net01_outside_ipv4 if {
	f.has(net_msgs([f.csip_rec("198.51.100.7", "2026-05-30 10:00:00")]), csip_prefix("198.51.100.7"))
}

test_net01_outside_ipv6 if {
	f.has(net_msgs([f.csip_rec("2001:db8::bad", "2026-05-30 10:00:00")]), csip_prefix("2001:db8::bad"))
}

test_net01_masked_address_fails_closed if {
	f.has_all(net_msgs([f.csip_rec("106.55.***.47", "2026-05-30 10:00:00")]), [csip_prefix("106.55.***.47"), "masked"])
}

test_net01_no_address_fails_closed if {
	f.has_all(net_msgs([object.union(f.csip_rec("x", "2026-05-30 10:00:00"), {"source_ip": null})]), ["no source address"])
}

test_net01_allowed_ipv4_and_ipv6 if {
	count(net_msgs([f.csip_rec("106.55.200.1", "2026-05-30 10:00:00"), f.csip_rec("2402:4e00:ffff::1", "2026-05-30 10:00:00")])) == 0
}

test_net01_outside_window_is_ignored if {
	count(net_msgs([f.csip_rec("198.51.100.7", "2026-04-01 10:00:00")])) == 0
}

# A period that overlaps the window's start counts.
test_net01_period_overlapping_the_window if {
	rec := object.union(f.csip_rec("198.51.100.7", "2026-05-05 10:00:00"), {"first_call_time": "2026-04-20 10:00:00"})
	f.has(net_msgs([rec]), csip_prefix("198.51.100.7"))
}

test_net01_window_from_policy_dates if {
	p := f.replacing(f.with_evidence(f.csip_ds("100021372635", [f.csip_rec("198.51.100.7", "2026-04-01 10:00:00")]), {"window_start": 1774137600}))
	pol := object.union(f.policy, {"window_start": "2026-03-25", "window_end": "2026-04-01"})
	f.has(deny_with(p, pol), csip_prefix("198.51.100.7"))
}

# Probe 7: a record whose time is null is a finding, not a skip.
test_net01_null_times_are_findings if {
	rec := object.union(f.csip_rec("198.51.100.7", null), {"first_call_time": null})
	f.has_all(net_msgs([rec]), [csip_prefix("198.51.100.7"), "last unknown", "outside every allowed network"])
	one := object.union(f.csip_rec("198.51.100.8", "2026-05-30 10:00:00"), {"last_call_time": ""})
	f.has(net_msgs([one]), csip_prefix("198.51.100.8"))
	allowed := object.union(f.csip_rec("106.55.1.1", null), {"first_call_time": null})
	count(net_msgs([allowed])) == 0
}

# --- EVT-01 ------------------------------------------------------------------------------

evt_msgs(evs) := control_msgs(deny(f.replacing(f.events_ds(evs))), "EVT-01")

evt_prefix(id) := sprintf("EVT-01: %s: %s: ", [f.events_address, id])

test_evt01_console_login_by_other_user if {
	f.has(evt_msgs([f.ev("e9", "mallory", "ConsoleLogin", 1)]), sprintf("%sConsoleLogin by mallory from 106.55.1.1 at 2026-05-31T00:00:00Z", [evt_prefix("e9")]))
}

test_evt01_deletion_by_other_user if {
	f.has(evt_msgs([f.ev("e8", "ci", "DeleteBucket", 3)]), evt_prefix("e8"))
}

test_evt01_allowed_user_and_unwatched_event if {
	count(evt_msgs([f.ev("e1", "admin", "ConsoleLogin", 1), f.ev("e2", "mallory", "DescribeInstances", 1)])) == 0
}

test_evt01_outside_window if {
	count(evt_msgs([f.ev("e7", "mallory", "ConsoleLogin", 40)])) == 0
}

test_evt01_beijing_time_event if {
	e := object.union(f.ev("e6", "mallory", "ConsoleLogin", 0), {"event_time": "2026-05-30 12:00:00"})
	f.has(evt_msgs([e]), sprintf("%sConsoleLogin by mallory from 106.55.1.1 at 2026-05-30T04:00:00Z", [evt_prefix("e6")]))
}

# Probe 7: a console login by an unprivileged user with no time.
test_evt01_null_time_is_a_finding if {
	e := object.union(f.ev("e5", "mallory", "ConsoleLogin", 0), {"event_time": null})
	f.has_all(evt_msgs([e]), [evt_prefix("e5"), "an unknown time"])
	f.has(evt_msgs([object.remove(f.ev("e4", "mallory", "ConsoleLogin", 0), ["event_time"])]), evt_prefix("e4"))
	f.has(evt_msgs([object.union(f.ev("e3", "mallory", "ConsoleLogin", 0), {"event_time": "soon"})]), evt_prefix("e3"))
	count(evt_msgs([object.union(f.ev("e2", "admin", "ConsoleLogin", 0), {"event_time": null})])) == 0
}

test_evt01_event_without_name_or_user if {
	f.has(evt_msgs([object.union(f.ev("e1", "mallory", "x", 1), {"event_name": null})]), evt_prefix("e1"))
	f.has(evt_msgs([object.union(f.ev("e0", null, "ConsoleLogin", 1), {"username": null})]), evt_prefix("e0"))
}

# --- UC-01, UC-02 --------------------------------------------------------------------------

uc_msgs(evs) := deny(f.replacing(f.uc_ds(evs)))

uc_prefix(id, ref) := sprintf("%s: %s: %s: ", [id, f.uc_address, ref])

test_uc01_risky_by_unexpected_user if {
	msgs := uc_msgs([f.uc_ev("mallory", "DeleteUHostInstance", true, 2), f.uc_ev("zhang", "CreateAccessKey", false, 3)])
	f.has(msgs, sprintf("%sDeleteUHostInstance by mallory from 106.75.1.1 at 2026-05-30T00:00:00Z", [uc_prefix("UC-01", "mallory/DeleteUHostInstance/uhost-1")]))
	f.has(msgs, uc_prefix("UC-01", "zhang/CreateAccessKey/uhost-1"))
}

test_uc01_privileged_or_harmless if {
	count(control_msgs(uc_msgs([f.uc_ev("admin", "DeleteULB", true, 2), f.uc_ev("bob", "CreateUHostInstance", true, 2)]), "UC-01")) == 0
}

test_uc01_outside_window if {
	count(control_msgs(uc_msgs([f.uc_ev("eve", "DeleteUHostInstance", true, 45)]), "UC-01")) == 0
}

test_uc01_event_without_resource_or_user if {
	e := object.union(f.uc_ev("x", "CreateAccessKey", true, 1), {"user_name": null, "related_resource": []})
	f.has(uc_msgs([e]), uc_prefix("UC-01", "(unknown)/CreateAccessKey/-"))
	e2 := object.union(f.uc_ev("x", "CreateAccessKey", true, 1), {"related_resource": null})
	f.has(uc_msgs([e2]), uc_prefix("UC-01", "x/CreateAccessKey/-"))
}

# Probe 7: a deletion by an unlisted user whose operate_time is null.
test_uc01_null_time_is_a_finding if {
	e := object.union(f.uc_ev("mallory", "DeleteUHostInstance", true, 0), {"operate_time": null})
	f.has_all(uc_msgs([e]), [uc_prefix("UC-01", "mallory/DeleteUHostInstance/uhost-1"), "an unknown time"])
	f.has(uc_msgs([object.union(f.uc_ev("mallory", "x", true, 0), {"api": null})]), uc_prefix("UC-01", "mallory/null/uhost-1"))
}

test_uc02_at_threshold_passes if {
	evs := [f.uc_ev("bob", "StartUHostInstance", false, i) | some i in numbers.range(1, 3)]
	count(control_msgs(uc_msgs(evs), "UC-02")) == 0
}

test_uc02_above_threshold_names_every_failure if {
	evs := [f.uc_ev(sprintf("u%d", [i]), "StartUHostInstance", false, i) | some i in numbers.range(1, 4)]
	msgs := control_msgs(uc_msgs(evs), "UC-02")
	count(msgs) == 4
	f.has(msgs, sprintf("%sStartUHostInstance by u4 failed at 2026-05-28T00:00:00Z (4 failures in the window, at most 3 allowed)", [uc_prefix("UC-02", "u4/StartUHostInstance/uhost-1")]))
}

test_uc02_failures_outside_window_do_not_count if {
	evs := array.concat([f.uc_ev("bob", "StartUHostInstance", false, 1)], [f.uc_ev("eve", "StopUHostInstance", false, i) | some i in numbers.range(40, 45)])
	count(control_msgs(uc_msgs(evs), "UC-02")) == 0
}

test_uc02_unknown_times_and_outcomes_count if {
	evs := [
		f.uc_ev("a", "StartUHostInstance", false, 1),
		object.union(f.uc_ev("b", "StartUHostInstance", false, 1), {"operate_time": null}),
		object.union(f.uc_ev("c", "StartUHostInstance", true, 1), {"is_success": null}),
		f.uc_ev("d", "StartUHostInstance", false, 2),
	]
	count(control_msgs(uc_msgs(evs), "UC-02")) == 4
}

test_uc02_threshold_from_policy if {
	evs := [f.uc_ev("bob", "StartUHostInstance", false, i) | some i in numbers.range(1, 4)]
	count(control_msgs(deny_with(f.replacing(f.uc_ds(evs)), f.with_policy("ucloud_max_failed", 10)), "UC-02")) == 0
}

# --- Probes ------------------------------------------------------------------------------------

# Probe 1: a UCloud read cut inside a page has a null resume_token but is
# not complete: both UCloud controls fail, naming the data source.
test_probe1_read_cut_inside_a_page if {
	p := f.replacing(f.with_evidence(f.uc_ds([f.uc_ev("admin", "DescribeUHostInstance", true, 1), f.uc_ev("admin", "DescribeUHostInstance", true, 1)]), {"complete": false, "narrowed_by": ["max_items"]}))
	p.prior_state.values.root_module.child_modules[0].resources[6].values.resume_token == null
	msgs := deny(p)
	every id in ["UC-01", "UC-02"] {
		f.has(msgs, sprintf("%s: %s: evidence: incomplete: evidence.complete is false with 2 records read", [id, f.uc_address]))
	}
}

# Probe 2: the plan's variables cannot set the policy's rules.
test_probe2_variables_do_not_widen_the_policy if {
	p := json.patch(f.replacing(f.csip_ds("100021372635", [f.csip_rec("198.51.100.7", "2026-05-30 10:00:00")])), [{"op": "replace", "path": "/variables", "value": {
		"allowed_networks": {"value": ["0.0.0.0/0"]},
		"required_data_sources": {"value": []},
		"csip_sub_uins": {"value": []},
	}}])
	f.has(deny(p), csip_prefix("198.51.100.7"))
}

test_probe2_no_data_source_and_an_empty_required_list if {
	p := json.patch(f.plan([]), [{"op": "replace", "path": "/variables", "value": {"required_data_sources": {"value": []}}}])
	msgs := deny(p)
	f.has(msgs, "PLAN: no auditlog_cloudaudit_tracks data source was read")
	pairs := {[id, t] | some id, c in compliance.catalogue with data.auditlog.catalogue as f.catalogue; some t in c.types; not t in {"auditlog_cls_topics", "auditlog_cls_analysis"}}
	count(pairs) > 8
	every pair in pairs {
		f.has(msgs, sprintf("%s: no %s data source was read", pair))
	}

	# The CLS reads are one per tracking set that delivers to CLS: without
	# a tracks read, which those are is not known.
	f.has(msgs, sprintf("EVT-02: account %s: no auditlog_cloudaudit_tracks data source read it as the account", [f.account]))
}

# Probe 3: evidence narrower than the control.
test_probe3_narrow_evidence if {
	csip := f.csip_ds("100021372635", [])
	f.has(deny(f.replacing(f.with_evidence(csip, {"narrowed_by": ["filter.filters"]}))), sprintf("NET-01: %s: evidence: narrowed by filter.filters", [csip.address]))
	f.has(deny(f.replacing(f.with_evidence(f.events_ds([]), {"narrowed_by": ["lookup_attributes"]}))), sprintf("EVT-01: %s: evidence: narrowed by lookup_attributes", [f.events_address]))
	f.has(deny(f.replacing(f.with_evidence(f.events_ds([]), {"narrowed_by": ["next_token"]}))), sprintf("EVT-01: %s: evidence: narrowed by next_token", [f.events_address]))
	f.has(deny(f.replacing(f.with_evidence(f.events_ds([]), {"window_start": f.now_unix - 3600}))), sprintf("EVT-01: %s: evidence: window 2026-05-31T23:00:00Z to 2026-06-01T00:00:00Z does not cover", [f.events_address]))
	f.has(deny(f.replacing(f.with_evidence(f.events_ds([]), {"window_start": f.now_unix + 3600, "window_end": f.now_unix + 7200}))), sprintf("EVT-01: %s: evidence: window 2026-06-01T01:00:00Z to 2026-06-01T02:00:00Z lies in the future", [f.events_address]))
	f.has(deny_with(f.good_plan, f.with_policy("tencentcloud", {"accounts": {f.account: {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635", "100021372636"]}}})), "NET-01: sub-account 100021372636 of account 100000000001: no auditlog_csip_user_call_records data source read it under account 100000000001")
}

# Probe 6: a deferred read cannot pass, whatever the plan's exit code.
test_probe6_deferred_read if {
	p := json.patch(f.without_type("auditlog_ucloud_operation_events"), [
		{"op": "add", "path": "/resource_changes/-", "value": {"address": f.uc_address, "mode": "data", "type": "auditlog_ucloud_operation_events", "change": {"actions": ["read"]}}},
		{"op": "replace", "path": "/checks", "value": [{"address": {"kind": "check", "to_display": "module.compliance.check.uc_01"}, "status": "unknown"}]},
	])
	msgs := deny(p)
	f.has(msgs, sprintf("PLAN: %s is deferred to apply", [f.uc_address]))
	f.has(msgs, "CHECK: module.compliance.check.uc_01 is unknown")
}

inst(key, r) := json.patch(r, [{"op": "replace", "path": "/address", "value": replace(r.address, "module.compliance.", sprintf("module.compliance[\"%s\"].", [key]))}])

two_accounts := f.with_policy("tencentcloud", {"accounts": {
	f.account: {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"]},
	"200000000002": {"regions": ["ap-guangzhou"], "csip_sub_uins": ["200021372635"]},
}})

# Probe 8: two module instances, two accounts: each finding says which
# account its read acted as (evidence.account_id), not only the author's key.
test_probe8_module_instances_are_named if {
	prod := [inst("prod", r) | some r in f.good_resources]
	dev := [inst("dev", f.with_evidence(json.patch(f.csip_ds("200021372635", [f.csip_rec("198.51.100.7", "2026-05-30 10:00:00")]), [{"op": "replace", "path": "/address", "value": f.csip_address("200021372635")}]), {"account_id": "200000000002"}))]
	p := f.plan(array.concat(prod, dev))
	msgs := deny_with(p, two_accounts)
	f.has(msgs, "NET-01: module.compliance[\"dev\"].data.auditlog_csip_user_call_records.sub[\"200021372635\"]: 200021372635/198.51.100.7: ")
	f.has_all(msgs, ["NET-01: module.compliance[\"dev\"]", "outside every allowed network (read as account 200000000002, sub-account 200021372635)"])
	not f.has(msgs, "NET-01: module.compliance[\"prod\"]")
}

# The instance key is the author's word: an instance keyed "prod" whose read
# acted as another account is named by that account.
test_findings_named_by_the_account_read if {
	r := inst("prod", f.with_evidence(f.tracks_ds([f.track(1001, "off", 0, "*", "*", ["*"], f.cos)]), {"account_id": "200000000002"}))
	msgs := deny_with(f.plan([r]), two_accounts)
	f.has_all(msgs, ["TRK-01: module.compliance[\"prod\"].data.auditlog_cloudaudit_tracks.all: off: tracking set 1001 is disabled (status 0) (read as account 200000000002, in region ap-guangzhou)"])
}

# Probe 8, variant 3: TRK-04 satisfied by another account's tracking set with
# the same id (ids repeat across accounts). The detail read must act as the
# account whose list names the set.
test_probe8_tracking_set_of_another_account if {
	tracks_b := json.patch(f.with_evidence(f.tracks_ds([f.good_track]), {"account_id": "200000000002"}), [{"op": "replace", "path": "/address", "value": "module.compliance.data.auditlog_cloudaudit_tracks.b"}])

	# Account 1's set 1001 records every member; account 2's set 1001 is not read.
	p := f.plan(array.concat(f.good_resources, [tracks_b]))
	msgs := deny_with(p, two_accounts)
	f.has(msgs, "TRK-04: module.compliance.data.auditlog_cloudaudit_tracks.b: organization: no enabled tracking set of account 200000000002 records every member of the organization")
	not f.has(msgs, sprintf("TRK-04: %s: organization", [f.tracks_address]))

	# Read as account 2 too: both pass.
	detail_b := json.patch(f.with_evidence(f.track_ds(1001, 1, 1), {"account_id": "200000000002"}), [{"op": "replace", "path": "/address", "value": "module.compliance.data.auditlog_cloudaudit_track.b[\"1001\"]"}])
	ok := deny_with(f.plan(array.concat(f.good_resources, [tracks_b, detail_b])), two_accounts)
	not f.has(ok, "TRK-04: module.compliance.data.auditlog_cloudaudit_tracks.b: organization")
}

# tracking_sets names the sets that may satisfy TRK-04 in an account.
test_tracking_sets_of_an_account if {
	pol := f.with_policy("tencentcloud", {"accounts": {f.account: {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"], "tracking_sets": [2002]}}})
	f.has(deny_with(f.good_plan, pol), sprintf("TRK-04: %s: organization: no enabled tracking set of account 100000000001 records every member of the organization (TrackForAllMembers, read by auditlog_cloudaudit_track as the same account, one of tencentcloud.accounts[\"100000000001\"].tracking_sets: 2002)", [f.tracks_address]))
	ok := f.with_policy("tencentcloud", {"accounts": {f.account: {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"], "tracking_sets": [1001]}}})
	count(deny_with(f.good_plan, ok)) == 0
}

# Probe 8: a null account when the policy names one.
test_probe8_unknown_account if {
	p := f.replacing(f.with_evidence(f.tracks_ds([f.good_track]), {"account_id": null}))
	f.has(deny(p), sprintf("TRK-01: %s: evidence: account not known", [f.tracks_address]))
}

# --- The controls the policy data enables -----------------------------------------------------

test_disabled_control_is_not_judged if {
	pol := f.with_policy("controls", object.union(f.policy.controls, {"UC-01": {"enabled": false, "allowed_narrowing": []}}))
	msgs := deny_with(f.replacing(f.uc_ds([f.uc_ev("mallory", "DeleteUHostInstance", true, 2)])), pol)
	count(control_msgs(msgs, "UC-01")) == 0
	count(msgs) == 0
	not compliance.controls["UC-01"] with data.auditlog.policy as pol with input as f.good_plan with data.auditlog.catalogue as f.catalogue
	"UC-01" in compliance.disabled with data.auditlog.policy as pol with data.auditlog.catalogue as f.catalogue
}

# Every control of the policy is listed: one left out is not silently skipped.
test_unlisted_control if {
	pol := f.with_policy("controls", object.remove(f.policy.controls, ["UC-01"]))
	f.has(deny_with(f.good_plan, pol), "POLICY: controls has no \"UC-01\" (No risky UCloud operation by an unexpected user): list every control of the policy, with \"enabled\": false for one it skips")
	count(compliance.enabled) == 0 with data.auditlog.policy as pol with data.auditlog.catalogue as f.catalogue
}

test_unknown_control_in_the_policy if {
	pol := f.with_policy("controls", object.union(f.policy.controls, {"NET-99": {"enabled": true, "allowed_narrowing": []}}))
	f.has(deny_with(f.good_plan, pol), "POLICY: controls[\"NET-99\"] is not a control of this policy")
}

test_invalid_policy_enables_nothing if {
	count(compliance.enabled) == 0 with data.auditlog.policy as f.with_policy("ucloud_max_failed", -1) with data.auditlog.catalogue as f.catalogue
	f.has(deny_with(f.good_plan, f.with_policy("ucloud_max_failed", -1)), "POLICY: data.auditlog.policy does not match its schema: ucloud_max_failed")
}

# CHECK: lines name each instance of a check, module instance keys kept.
test_check_instances_keep_their_keys if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/checks", "value": [{
		"address": {"kind": "check", "to_display": "module.compliance.check.net_01", "module": "module.compliance", "name": "net_01"},
		"status": "fail",
		"instances": [
			{"address": {"to_display": "module.compliance[\"prod\"].check.net_01", "module": "module.compliance[\"prod\"]"}, "status": "fail"},
			{"address": {"to_display": "module.compliance[\"dev\"].check.net_01", "module": "module.compliance[\"dev\"]"}, "status": "pass"},
		],
	}]}])
	msgs := deny(p)
	"CHECK: module.compliance[\"prod\"].check.net_01 is fail" in msgs
	not f.has(msgs, "CHECK: module.compliance.check.net_01")
	not f.has(msgs, "CHECK: module.compliance[\"dev\"]")
	c := compliance.controls["NET-01"] with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	"CHECK: module.compliance[\"prod\"].check.net_01 is fail" in c.problems
}

test_failed_check_counts_against_its_control if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/checks", "value": [{"address": {"kind": "check", "to_display": "module.compliance[\"prod\"].check.net_01"}, "status": "fail"}]}])
	c := compliance.controls["NET-01"] with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	c.status == "fail"
	"CHECK: module.compliance[\"prod\"].check.net_01 is fail" in c.problems
}

test_controls_report_their_evidence if {
	c := compliance.controls with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	c["NET-01"] == {
		"title": "Sub-accounts call the cloud API only from allow-listed networks", "status": "pass", "findings": 0, "problems": [],
		"severity": "high", "requirements": ["MLPS2-L3:8.1.3.5d", "MLPS2-L3:8.1.5.2b", "ISO27001-2022:A.8.16", "SOC2:CC7.2"],
		"data_sources": [f.csip_address("100021372635")], "records": 2, "scanned": 2,
	}
	c["TRK-04"].data_sources == ["module.compliance.data.auditlog_cloudaudit_track.each[\"1001\"]", f.tracks_address]
}

test_control_status_unknown_when_the_plan_cannot_be_judged if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/errored", "value": true}])
	c := compliance.controls with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	every _, x in c {
		x.status == "unknown"
	}
}
