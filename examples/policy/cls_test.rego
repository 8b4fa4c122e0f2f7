package compliance_cls_test

# The controls over CLS (cls.rego, lib/cls.rego): RET-01, EVT-01 over each
# topic's analysis and EVT-02. Each test breaks the good plan one way, as
# the author of a change would to get a pass.

import data.auditlog.fixtures as f
import data.compliance

deny_with(p, pol) := msgs if {
	msgs := compliance.deny with input as p with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

deny(p) := deny_with(p, f.policy)

cannot_with(p, pol) := msgs if {
	msgs := compliance.cannot_judge with input as p with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

cannot(p) := cannot_with(p, f.policy)

violations(p) := msgs if {
	msgs := compliance.violations with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

topics_addr := f.topics_address("1001")

analysis_addr := f.analysis_address("1001")

# with_resources returns the good plan with these data sources replacing
# (or added beside) those of the same address.
with_resources(rs) := f.plan(array.concat([x | some x in f.good_resources; not x.address in {r.address | some r in rs}], rs))

without_address(a) := f.plan([x | some x in f.good_resources; x.address != a])

with_rows(rows) := f.replacing(f.analysis_ds("1001", f.topic_id, rows))

topic_of(period, storage) := f.replacing(f.topics_ds("1001", f.topic_id, [f.topic(f.topic_id, period, storage)]))

cos_track := f.track(1002, "audit-cos", 1, "*", "*", ["*"], f.cos)

# --- Passes ----------------------------------------------------------------------------------

test_good_plan_passes_every_control_over_cls if {
	count(deny(f.good_plan)) == 0
	every id in ["RET-01", "EVT-01", "EVT-02"] {
		compliance.controls[id].status == "pass" with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	}
}

test_kept_forever_passes if {
	count(deny(topic_of(3640, "hot"))) == 0
}

test_exactly_the_minimum_passes if {
	count(deny(topic_of(184, "hot"))) == 0
}

# A read of every topic of the region (nothing narrowed) shows the topic too.
test_unfiltered_topics_read_is_evidence if {
	all := json.patch(f.topics_ds("1001", f.topic_id, [f.topic("other-topic", 30, "hot"), f.good_topic]), [
		{"op": "replace", "path": "/values/filters", "value": []},
		{"op": "replace", "path": "/values/evidence/narrowed_by", "value": []},
	])
	count(deny(f.replacing(all))) == 0
}

# --- RET-01 ----------------------------------------------------------------------------------

test_ret01_topic_kept_90_days if {
	p := topic_of(90, "hot")
	msgs := deny(p)
	f.has(msgs, sprintf("RET-01: %s: %s: tracking set audit-all (1001) of account %s delivers to CLS topic %s (ap-guangzhou), which keeps its logs 90 days (period): less than the 184 days the policy requires (min_retention_days) (read as account %s, in region ap-guangzhou)", [topics_addr, f.topic_id, f.account, f.topic_id, f.account]))

	# Its analysis reaches past what the topic keeps: EVT over it cannot be judged.
	every id in ["EVT-01", "EVT-02"] {
		f.has(cannot(p), sprintf("%s: cannot judge tracking set audit-all (1001) of account %s: its CLS topic %s (ap-guangzhou) keeps logs 90 days, less than the 180 days of the CLS window", [id, f.account, f.topic_id]))
	}
}

# Kept long enough for the window, not for the policy.
test_ret01_topic_between_window_and_minimum if {
	p := topic_of(183, "hot")
	f.has(deny(p), sprintf("RET-01: %s: %s: ", [topics_addr, f.topic_id]))
	count(cannot(p)) == 0
}

test_ret01_null_period_is_a_finding if {
	f.has_all(deny(topic_of(null, "hot")), ["RET-01: ", "keeps its logs null days"])
}

test_ret01_topic_missing_from_its_read if {
	p := f.plan([x | some x in array.concat(f.good_resources, [f.topics_ds("1001", f.topic_id, [])]); x.type != "auditlog_cls_analysis"; x != f.topics_ds("1001", f.topic_id, [f.good_topic])])
	f.has(deny(p), sprintf("RET-01: %s: %s: tracking set audit-all (1001) of account %s delivers to CLS topic %s, which region ap-guangzhou of account %s does not list (missing or deleted)", [topics_addr, f.topic_id, f.account, f.topic_id, f.account]))

	# Nothing to analyse: the EVT controls cannot judge it, and want no analysis.
	every id in ["EVT-01", "EVT-02"] {
		f.has(cannot(p), sprintf("%s: cannot judge tracking set audit-all (1001) of account %s: its CLS topic %s is not in region ap-guangzhou (missing or deleted)", [id, f.account, f.topic_id]))
		not f.has(deny(p), sprintf("%s: tracking set audit-all (1001) of account %s: no auditlog_cls_analysis", [id, f.account]))
	}
}

test_cls_delivery_without_region if {
	unplaced := f.track(1001, "audit-all", 1, "*", "*", ["*"], object.union(f.cls, {"storage_region": ""}))
	msgs := cannot(f.replacing(f.tracks_ds([unplaced])))
	every id in ["RET-01", "EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: cannot judge tracking set audit-all (1001) of account %s: it delivers to CLS topic %s but names no region (storage_region \"\")", [id, f.account, f.topic_id]))
	}
}

test_ret01_topic_not_read if {
	msgs := deny(without_address(topics_addr))
	f.has(msgs, sprintf("RET-01: tracking set audit-all (1001) of account %s: no auditlog_cls_topics data source read its topic %s in region ap-guangzhou as account %s", [f.account, f.topic_id, f.account]))
}

# A topics read in another region lists another region's topics: not the
# tracking set's, so the topic counts as not read.
test_ret01_topics_read_in_another_region if {
	elsewhere := f.with_evidence(f.topics_ds("1001", f.topic_id, [f.good_topic]), {"region": "ap-shanghai"})
	msgs := deny(f.replacing(elsewhere))
	f.has(msgs, sprintf("RET-01: %s: evidence: not the topic of an enabled tracking set of a reviewed account (read as account %s in region ap-shanghai", [topics_addr, f.account]))
	f.has(msgs, sprintf("RET-01: tracking set audit-all (1001) of account %s: no auditlog_cls_topics data source read its topic", [f.account]))
}

# A read of another topic (its filter names it) is not the tracking set's.
test_ret01_topics_read_of_another_topic if {
	other := f.topics_ds("1001", "other-topic", [f.topic("other-topic", 3640, "hot")])
	msgs := deny(f.replacing(other))
	f.has(msgs, sprintf("RET-01: %s: evidence: not the topic of an enabled tracking set", [topics_addr]))
	f.has(msgs, "RET-01: tracking set audit-all (1001) of account 100000000001: no auditlog_cls_topics data source read its topic")
}

# A topics read as another account lists that account's topics.
test_ret01_topics_read_as_another_account if {
	msgs := deny(f.replacing(f.with_evidence(f.topics_ds("1001", f.topic_id, [f.good_topic]), {"account_id": "200000000002"})))
	f.has(msgs, sprintf("RET-01: %s: evidence: account 200000000002 is not one the policy names", [topics_addr]))
	f.has(msgs, "RET-01: tracking set audit-all (1001) of account 100000000001: no auditlog_cls_topics data source read its topic")
}

test_ret01_incomplete_topics_read if {
	f.has(deny(f.replacing(f.with_evidence(f.topics_ds("1001", f.topic_id, [f.good_topic]), {"complete": false}))), sprintf("RET-01: %s: evidence: incomplete", [topics_addr]))
}

# A second topics read that shows the topic kept long enough does not hide
# the first one's finding.
test_ret01_second_topics_read_does_not_hide_a_finding if {
	short := f.topics_ds("1001", f.topic_id, [f.topic(f.topic_id, 90, "hot")])
	long := json.patch(f.topics_ds("1001", f.topic_id, [f.topic(f.topic_id, 3640, "hot")]), [{"op": "replace", "path": "/address", "value": "module.compliance.data.auditlog_cls_topics.again"}])
	f.has(deny(with_resources([short, long])), sprintf("RET-01: %s: %s: ", [topics_addr, f.topic_id]))
}

# A COS delivery's retention is not read: cannot judge, naming it, unless
# the account's retention_out_of_scope lists it.
test_ret01_cos_delivery_cannot_be_judged if {
	p := f.replacing(f.tracks_ds([f.good_track, cos_track]))
	f.has(cannot(p), sprintf("RET-01: cannot judge tracking set audit-cos (1002) of account %s: it delivers to cos \"audit-logs\" (\"ap-guangzhou\"), whose retention the provider does not read; list \"1002\" in tencentcloud.accounts[\"%s\"].retention_out_of_scope", [f.account, f.account]))
	count(cannot_with(p, f.with_account({"retention_out_of_scope": ["1002"]}))) == 0
	count(deny_with(p, f.with_account({"retention_out_of_scope": ["1002"]}))) == 0
}

# The list is the account's: the same id under another account does not
# put this one out of scope.
test_ret01_out_of_scope_of_another_account_does_not_count if {
	p := f.replacing(f.tracks_ds([f.good_track, cos_track]))
	pol := f.with_policy("tencentcloud", {"accounts": {
		f.account: f.policy.tencentcloud.accounts[f.account],
		"200000000002": {"regions": ["ap-guangzhou"], "csip_sub_uins": [], "retention_out_of_scope": ["1002"]},
	}})
	f.has(cannot_with(p, pol), "RET-01: cannot judge tracking set audit-cos (1002) of account 100000000001")
}

test_ret01_ckafka_delivery_cannot_be_judged if {
	kafka := f.track(1003, "audit-kafka", 1, "*", "*", ["*"], {"storage_type": "ckafka", "storage_name": "ckafka-1/audit", "storage_region": "ap-guangzhou"})
	f.has(cannot(f.replacing(f.tracks_ds([f.good_track, kafka]))), "RET-01: cannot judge tracking set audit-kafka (1003) of account 100000000001: it delivers to ckafka \"ckafka-1/audit\"")
}

# A COS-only account: RET-01 cannot judge it (unless out of scope), and
# EVT-02, judged over CLS only, cannot judge the account.
test_cos_only_account if {
	p := f.plan([x | some x in array.concat(f.good_resources, [f.tracks_ds([f.track(1001, "audit-all", 1, "*", "*", ["*"], f.cos)])]); not x.type in {"auditlog_cls_topics", "auditlog_cls_analysis"}; x != f.tracks_ds([f.good_track])])
	msgs := cannot(p)
	f.has(msgs, "RET-01: cannot judge tracking set audit-all (1001) of account 100000000001: it delivers to cos \"audit-logs\"")
	f.has(msgs, "EVT-02: cannot judge account 100000000001: no enabled tracking set delivers to CLS")
	scoped := cannot_with(p, f.with_account({"retention_out_of_scope": ["1001"]}))
	not f.has(scoped, "RET-01: ")
	f.has(scoped, "EVT-02: cannot judge account 100000000001")
}

# A disabled control cannot be "cannot judge".
test_disabled_controls_over_cls_are_not_judged if {
	p := f.replacing(f.tracks_ds([f.track(1001, "audit-all", 1, "*", "*", ["*"], f.cos)]))
	pol := f.with_policy("controls", object.union(f.policy.controls, {"RET-01": {"enabled": false, "allowed_narrowing": []}, "EVT-02": {"enabled": false, "allowed_narrowing": []}}))
	msgs := cannot_with(p, pol)
	not f.has(msgs, "RET-01: ")
	not f.has(msgs, "EVT-02: ")
}

test_ret01_storage_of_another_account if {
	other := f.track(1001, "audit-all", 1, "*", "*", ["*"], object.union(f.cls, {"storage_account_id": "300000000003"}))
	msgs := cannot(f.replacing(f.tracks_ds([other])))
	f.has(msgs, sprintf("RET-01: cannot judge tracking set audit-all (1001) of account %s: it delivers to CLS topic %s (ap-guangzhou) of account 300000000003, which this review does not read", [f.account, f.topic_id]))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: cannot judge tracking set audit-all (1001) of account %s: it delivers to CLS topic %s (ap-guangzhou) of account 300000000003", [id, f.account, f.topic_id]))
	}
}

# The storage account named as the reviewed account is the account itself.
test_storage_account_of_the_account_itself_is_read if {
	own := f.track(1001, "audit-all", 1, "*", "*", ["*"], object.union(f.cls, {"storage_account_id": f.account}))
	count(deny(f.replacing(f.tracks_ds([own])))) == 0
}

test_ret01_no_tracking_set if {
	f.has(deny(f.replacing(f.tracks_ds([]))), sprintf("RET-01: %s: (no tracking set): ", [f.tracks_address]))
}

test_ret01_enabled_set_without_storage if {
	nostore := f.track(1001, "audit-all", 1, "*", "*", ["*"], null)
	f.has(deny(f.replacing(f.tracks_ds([nostore]))), sprintf("RET-01: %s: audit-all: tracking set audit-all (1001) of account %s delivers to no storage", [f.tracks_address, f.account]))
}

# A disabled set delivers nothing: TRK-01's finding, not RET-01's.
test_ret01_ignores_disabled_sets if {
	paused := f.track(1009, "paused", 0, "*", "*", ["*"], f.cos)
	msgs := cannot(f.replacing(f.tracks_ds([f.good_track, paused])))
	not f.has(msgs, "RET-01: ")
}

# --- EVT-01 and EVT-02 over the analysis ----------------------------------------------------------

test_evt_findings_name_control_topic_user_and_account if {
	msgs := deny(with_rows([f.row("mallory", "TerminateInstances", 2), f.row("mallory", "RebootInstances", 1), f.row("admin", "RebootInstances", 4)]))
	f.has(msgs, sprintf("EVT-01: %s: %s/mallory/TerminateInstances: 2 TerminateInstances by mallory over 180 days in CLS topic %s (ap-guangzhou) (read as account %s, in region ap-guangzhou)", [analysis_addr, f.topic_id, f.topic_id, f.account]))
	f.has(msgs, sprintf("EVT-02: %s: %s/mallory/TerminateInstances: 2 TerminateInstances by mallory", [analysis_addr, f.topic_id]))
	f.has(msgs, sprintf("EVT-02: %s: %s/mallory/RebootInstances: 1 RebootInstances by mallory", [analysis_addr, f.topic_id]))

	# A reboot is not a watched event of EVT-01; admin is allow-listed.
	not f.has(msgs, sprintf("EVT-01: %s: %s/mallory/RebootInstances", [analysis_addr, f.topic_id]))
	not f.has_all(msgs, ["/admin/"])
}

test_evt_null_user_and_event_name if {
	msgs := deny(with_rows([{"user_name": null, "event_name": "TerminateInstances", "events": "1"}, {"user_name": "admin", "event_name": null, "events": "7"}]))
	f.has(msgs, sprintf("EVT-02: %s: %s/(unknown)/TerminateInstances: 1 TerminateInstances by (unknown)", [analysis_addr, f.topic_id]))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: %s: %s/admin/(no event name: cannot be classified): 7 (no event name: cannot be classified) by admin", [id, analysis_addr, f.topic_id]))
	}
}

# An allow-listed name in another case is another user.
test_evt_user_names_match_exactly if {
	f.has(deny(with_rows([f.row("Admin", "TerminateInstances", 1)])), sprintf("EVT-02: %s: %s/Admin/TerminateInstances", [analysis_addr, f.topic_id]))
}

test_evt_no_analysis if {
	msgs := deny(without_address(analysis_addr))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: tracking set audit-all (1001) of account %s: no auditlog_cls_analysis data source read its topic %s in region ap-guangzhou as account %s with the policy's statement, query \"*\" and the CLS window (cls_window_days 180)", [id, f.account, f.topic_id, f.account]))
	}
}

# An analysis of a topic no tracking set delivers to: not evidence, its
# rows are not judged, and the tracking set's topic is not analysed.
test_evt_analysis_of_a_foreign_topic if {
	foreign := f.analysis_ds("1001", "0000aaaa-foreign", [f.row("mallory", "TerminateInstances", 9)])
	msgs := deny(f.replacing(foreign))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: %s: evidence: topic 0000aaaa-foreign (read as account %s in region ap-guangzhou) is not the topic of an enabled tracking set of a reviewed account in that region: not evidence", [id, analysis_addr, f.account]))
		f.has(msgs, sprintf("%s: tracking set audit-all (1001) of account %s: no auditlog_cls_analysis data source read its topic %s", [id, f.account, f.topic_id]))
	}
	not f.has_all(msgs, ["0000aaaa-foreign/mallory"])
}

# The topic id sent and the one the evidence names must both be the set's.
test_evt_analysis_evidence_of_another_topic if {
	odd := json.patch(f.analysis_ds("1001", f.topic_id, f.good_rows), [{"op": "replace", "path": "/values/analysis_evidence/topic_id", "value": "0000aaaa-foreign"}])
	f.has(deny(f.replacing(odd)), sprintf("EVT-02: %s: evidence: topic %s (read as account %s in region ap-guangzhou) is not the topic of an enabled tracking set", [analysis_addr, f.topic_id, f.account]))
}

test_evt_analysis_in_another_region if {
	msgs := deny(f.replacing(f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"region": "ap-shanghai"})))
	f.has(msgs, sprintf("EVT-01: %s: evidence: topic %s (read as account %s in region ap-shanghai) is not the topic", [analysis_addr, f.topic_id, f.account]))
}

test_evt_analysis_as_another_account if {
	msgs := deny(f.replacing(f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"account_id": "200000000002"})))
	f.has(msgs, sprintf("EVT-02: %s: evidence: account 200000000002 is not one the policy names", [analysis_addr]))
	f.has(msgs, "EVT-02: tracking set audit-all (1001) of account 100000000001: no auditlog_cls_analysis data source read its topic")
}

test_evt_narrower_window if {
	narrow := f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"window_start": f.cls_window.start + f.day})
	msgs := deny(f.replacing(narrow))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: %s: evidence: window 2025-12-03T23:45:00Z to 2026-05-31T23:45:00Z does not cover the CLS window 2025-12-02T23:45:00Z to 2026-05-31T23:45:00Z (cls_window_days 180, ending 15 minutes before the plan's time 2026-06-01T00:00:00Z)", [id, analysis_addr]))
		f.has(msgs, sprintf("%s: tracking set audit-all (1001) of account %s: no auditlog_cls_analysis data source read its topic", [id, f.account]))
	}
}

test_evt_window_ending_early if {
	early := f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"window_end": f.cls_window.end - 3600})
	f.has(deny(f.replacing(early)), sprintf("EVT-02: %s: evidence: window ", [analysis_addr]))
}

test_evt_no_window_shown if {
	f.has(deny(f.replacing(f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"window_start": null}))), sprintf("EVT-01: %s: evidence: no window shown", [analysis_addr]))
}

# Another statement counts other things (a WHERE that leaves mallory out).
test_evt_different_sql if {
	sql := `SELECT "userIdentity.userName" AS user_name, eventName AS event_name, count(*) AS events WHERE "userIdentity.userName" != 'mallory' GROUP BY "userIdentity.userName", eventName`
	msgs := deny(f.replacing(f.with_values(f.analysis_ds("1001", f.topic_id, f.good_rows), {"sql": sql})))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: %s: evidence: sql is %s, not the policy's statement %s", [id, analysis_addr, json.marshal(sql), json.marshal(f.cls_sql)]))
	}
}

test_evt_different_query if {
	narrowed := f.with_evidence(f.with_values(f.analysis_ds("1001", f.topic_id, f.good_rows), {"query": "NOT userIdentity.userName:mallory"}), {"narrowed_by": ["query"]})
	msgs := deny(f.replacing(narrowed))
	f.has(msgs, sprintf("EVT-02: %s: evidence: query is \"NOT userIdentity.userName:mallory\", not \"*\"", [analysis_addr]))
	f.has(msgs, sprintf("EVT-02: %s: evidence: narrowed by query", [analysis_addr]))
}

test_evt_incomplete_analysis if {
	cut := f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"complete": false})
	msgs := deny(f.replacing(cut))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: %s: evidence: incomplete: evidence.complete is false with 3 records read", [id, analysis_addr]))
	}
}

test_evt_rows_not_matching_the_record_count if {
	f.has(deny(f.replacing(f.with_evidence(f.analysis_ds("1001", f.topic_id, f.good_rows), {"records": 2}))), sprintf("EVT-02: %s: evidence: evidence.records is 2 but the data source lists 3 records", [analysis_addr]))
}

# A second analysis of the same topic that shows nothing does not hide the
# first one's rows, and its narrower window is its own problem.
test_evt_second_analysis_does_not_hide_findings if {
	bad := f.analysis_ds("1001", f.topic_id, [f.row("mallory", "TerminateInstances", 2)])
	quiet := json.patch(f.with_evidence(f.analysis_ds("1001", f.topic_id, []), {"window_start": f.now_unix - f.day}), [{"op": "replace", "path": "/address", "value": "module.compliance.data.auditlog_cls_analysis.quiet"}])
	msgs := deny(with_resources([bad, quiet]))
	f.has(msgs, sprintf("EVT-02: %s: %s/mallory/TerminateInstances", [analysis_addr, f.topic_id]))
	f.has(msgs, "EVT-02: module.compliance.data.auditlog_cls_analysis.quiet: evidence: window ")
}

# An analysis read while the topics read shows it cold: CLS runs no SQL on
# it, so the EVT controls cannot judge it and no analysis is required.
test_evt_cold_topic if {
	p := f.plan([x | some x in array.concat(f.good_resources, [f.topics_ds("1001", f.topic_id, [f.topic(f.topic_id, 365, "cold")])]); x.type != "auditlog_cls_analysis"; x != f.topics_ds("1001", f.topic_id, [f.good_topic])])
	every id in ["EVT-01", "EVT-02"] {
		f.has(cannot(p), sprintf("%s: cannot judge tracking set audit-all (1001) of account %s: its CLS topic %s (ap-guangzhou) is in cold storage (infrequent access)", [id, f.account, f.topic_id]))
		not f.has(deny(p), sprintf("%s: tracking set audit-all (1001) of account %s: no auditlog_cls_analysis", [id, f.account]))
	}
}

# The tracks read says which deliveries there are: an incomplete one fails
# the controls judged from the analyses too.
test_evt_incomplete_tracks_read if {
	p := f.replacing(f.with_evidence(f.tracks_ds([f.good_track]), {"complete": false}))
	f.has(deny(p), sprintf("EVT-02: %s: evidence: incomplete", [f.tracks_address]))
}

# --- The member account field ---------------------------------------------------------------------

member_sql := `SELECT "userIdentity.accountId" AS member_account, "userIdentity.userName" AS user_name, eventName AS event_name, count(*) AS events GROUP BY "userIdentity.accountId", "userIdentity.userName", eventName`

member_policy := f.with_policy("cls_member_account_field", "userIdentity.accountId")

test_member_field_names_the_account_unverified if {
	rows := [{"member_account": "200000000002", "user_name": "mallory", "event_name": "RebootInstances", "events": "4"}]
	p := f.replacing(f.with_values(f.analysis_ds("1001", f.topic_id, rows), {"sql": member_sql}))
	msgs := deny_with(p, member_policy)
	f.has(msgs, sprintf("EVT-02: %s: %s/mallory/RebootInstances: 4 RebootInstances by mallory over 180 days in CLS topic %s (ap-guangzhou); account 200000000002: accounts as the topic's events name them (field userIdentity.accountId, unverified)", [analysis_addr, f.topic_id, f.topic_id]))
}

# With the field set, the statement without it is not the policy's, and
# the other way round.
test_member_field_changes_the_statement if {
	f.has(deny_with(f.good_plan, member_policy), sprintf("EVT-01: %s: evidence: sql is ", [analysis_addr]))
	f.has(deny(f.replacing(f.with_values(f.analysis_ds("1001", f.topic_id, f.good_rows), {"sql": member_sql}))), sprintf("EVT-01: %s: evidence: sql is ", [analysis_addr]))
}

# A tracking set of CAM writes shows no instance operation whatever
# happened: zero rows of its topic are no evidence for EVT-02.
test_evt02_needs_a_delivery_that_records_instances if {
	cam := f.track(1001, "audit-all", 1, "Write", "cam", ["*"], f.cls)
	msgs := deny(f.replacing(f.tracks_ds([cam])))
	f.has(msgs, sprintf("EVT-02: %s: account %s: no tracking set analysed in CLS records the write actions of cvm (audit-all (1001) records Write actions of cam)", [f.tracks_address, f.account]))
	cvm := f.track(1001, "audit-all", 1, "Write", "cvm", ["TerminateInstances", "RebootInstances"], f.cls)
	not f.has_all(deny(f.replacing(f.tracks_ds([cvm]))), ["EVT-02: ", "no tracking set analysed in CLS"])
	some_events := f.track(1001, "audit-all", 1, "*", "*", ["TerminateInstances"], f.cls)
	f.has(deny(f.replacing(f.tracks_ds([some_events]))), sprintf("EVT-02: %s: account %s: no tracking set analysed in CLS records", [f.tracks_address, f.account]))
}

# Without a tracks read of the account, its deliveries are not known: no
# evidence, never a pass.
test_evt_without_tracks_read if {
	msgs := deny(f.plan([x | some x in f.good_resources; x.type != "auditlog_cloudaudit_tracks"]))
	every id in ["EVT-01", "EVT-02"] {
		f.has(msgs, sprintf("%s: account %s: no auditlog_cloudaudit_tracks data source read it as the account: which tracking sets deliver to CLS is not known", [id, f.account]))
	}
	not f.has(cannot(f.plan([x | some x in f.good_resources; x.type != "auditlog_cloudaudit_tracks"])), "EVT-02: ")
}

# An account with no tracking set, or none enabled, records no instance
# deletion or reboot anywhere: EVT-02 fails on it; there is nothing to
# be unsure of.
test_evt02_fails_on_an_account_without_tracking_sets if {
	p2 := f.plan(array.concat([x | some x in f.good_resources; not x.type in {"auditlog_cls_topics", "auditlog_cls_analysis"}; x != f.tracks_ds([f.good_track])], [f.tracks_ds([])]))
	not f.has(cannot(p2), "EVT-02: ")
	some m in violations(p2)
	startswith(m, "EVT-02: module.compliance.data.auditlog_cloudaudit_tracks.all: (no tracking set): ")
}

test_evt02_fails_on_an_account_whose_tracking_sets_are_disabled if {
	p := f.replacing(f.tracks_ds([f.track(1001, "audit-all", 2, "*", "*", ["*"], f.cos)]))
	not f.has(cannot(p), "EVT-02: ")
	some m in violations(p)
	startswith(m, "EVT-02: module.compliance.data.auditlog_cloudaudit_tracks.all: (no enabled tracking set): ")
	contains(m, "nothing records its instance deletions and reboots")
}
