# The CLS reads of the six-month review: which tracking sets deliver to
# CLS, which topics read and which analyses are theirs, and what each
# control over CLS cannot judge.
#
# Only the tracking sets decide what is reviewed: every enabled tracking set
# of a reviewed account (a tracks read as that account) is a delivery, and
# a CLS read is evidence only when it is paired with one: read as the
# tracking set's account, in its storage_region, of its topic
# (storage_name). A read of any other topic, region or account is not
# evidence, and says so; pairs are never flattened into lists of topics or
# regions, where a topic of one account would pass for another's.
package auditlog.lib

cls_types := {"auditlog_cls_topics", "auditlog_cls_analysis"}

# --- The CLS window ------------------------------------------------------------------
#
# It ends 15 minutes (900 s) before the plan's time (CloudAudit delivers to
# CLS every 5 to 10 minutes: a later end is never complete) and starts
# cls_window_days before its end.
cls_window_end_s := plan_time_s - 900

cls_window_start_s := cls_window_end_s - (param("cls_window_days") * 86400)

# --- The statement ------------------------------------------------------------------
#
# cls_sql is the one statement an analysis must send: counts per user and
# event name (and per member account when cls_member_account_field names
# the field of an organization's events). Anything else (a WHERE, another
# grouping) counts other things, so only this string is accepted.
cls_sql := sprintf(`SELECT "%s" AS member_account, "userIdentity.userName" AS user_name, eventName AS event_name, count(*) AS events GROUP BY "%s", "userIdentity.userName", eventName`, [f, f]) if {
	f := param("cls_member_account_field")
	is_string(f)
} else := `SELECT "userIdentity.userName" AS user_name, eventName AS event_name, count(*) AS events GROUP BY "userIdentity.userName", eventName`

# cls_member_text ends a finding whose member account comes from the
# events: the field is not confirmed on a real topic.
cls_member_text(row) := sprintf("; account %s: accounts as the topic's events name them (field %s, unverified)", [member, f]) if {
	f := param("cls_member_account_field")
	is_string(f)
	member := cls_text(object.get(row, "member_account", null))
} else := ""

# cls_text is a row's value, "(unknown)" for SQL NULL or an empty string.
cls_text(v) := v if {
	is_string(v)
	v != ""
} else := "(unknown)"

# --- Deliveries -----------------------------------------------------------------------

# cls_deliveries are the enabled tracking sets of each tracks read that acts
# as a reviewed account, with where they deliver. key is the tracking set's
# id as a string (retention_out_of_scope lists them so).
cls_deliveries contains {
	"account": a,
	"key": sprintf("%v", [object.get(t, "track_id", null)]),
	"name": cls_set_name(t),
	"type": object.get(s, "storage_type", null),
	"topic": object.get(s, "storage_name", null),
	"region": object.get(s, "storage_region", null),
	"storage_account": object.get(s, "storage_account_id", null),
	"resource_type": object.get(t, "resource_type", null),
	"action_type": object.get(t, "action_type", null),
	"event_names": object.get(t, "event_names", null),
	"tracks": r.address,
	"tracks_scope": acting_as_text(r),
} if {
	some r in data_sources_of("auditlog_cloudaudit_tracks")
	a := ev_get(r, "account_id")
	is_string(a)
	org_accounts[a]
	some t in records(r)
	object.get(t, "status", null) == 1
	s := cls_storage(t)
}

cls_storage(t) := t.storage if is_object(t.storage)

else := {}

cls_set_name(t) := t.name if {
	is_string(t.name)
	t.name != ""
} else := sprintf("(track %v)", [object.get(t, "track_id", null)])

cls_set_text(d) := sprintf("tracking set %s (%s) of account %s", [d.name, d.key, d.account])

# A delivery to a topic of the reviewed account itself: the one the review
# reads.
cls_own(d) if {
	d.type == "cls"
	is_string(d.topic)
	d.topic != ""
	is_string(d.region)
	d.region != ""
	not cls_elsewhere(d)
}

# A delivery to a topic of another account (storage_account_id): not read.
cls_elsewhere(d) if {
	d.type == "cls"
	is_string(d.storage_account)
	d.storage_account != ""
	d.storage_account != d.account
}

cls_out_of_scope(d) if d.key in object.get(org_accounts[d.account], "retention_out_of_scope", [])

# --- The topics reads -------------------------------------------------------------------

# cls_topic_reads(d) are the topics reads of delivery d: as its account, in
# its region, and either of its topic alone (one filter topicId = [topic])
# or of every topic of the region (nothing narrowed).
cls_topic_reads(d) := {r |
	some r in data_sources_of("auditlog_cls_topics")
	ev_get(r, "account_id") == d.account
	ev_get(r, "region") == d.region
	cls_lists_topic(r, d.topic)
}

cls_lists_topic(r, _) if {
	is_array(ev_get(r, "narrowed_by"))
	count(narrowing(r)) == 0
}

cls_lists_topic(r, topic) if {
	narrowing(r) == {"filters"}
	r.values.filters == [{"key": "topicId", "values": [topic]}]
}

cls_topics_named(r, topic) := [t | some t in records(r); object.get(t, "topic_id", null) == topic]

# cls_topic_shown(d) are the topic records of d's topic in its reads.
cls_topic_shown(d) := {t | some r in cls_topic_reads(d); some t in cls_topics_named(r, d.topic)}

evidence_problems contains problem(r, sprintf("lists %d of the %v topics the API counts (total_count)", [count(records(r)), r.values.total_count])) if {
	some r in data_sources_of("auditlog_cls_topics")
	r.values.total_count != count(records(r))
}

# --- The analyses -------------------------------------------------------------------------

# An analysis is delivery d's when it was read as d's account, in d's
# region, of d's topic (the topic_id sent, and the one its evidence names).
cls_analysis_of(r, d) if {
	ev_get(r, "account_id") == d.account
	ev_get(r, "region") == d.region
	r.values.topic_id == d.topic
	r.values.analysis_evidence.topic_id == d.topic
}

cls_analyses(d) := {r | some r in data_sources_of("auditlog_cls_analysis"); cls_analysis_of(r, d)}

# cls_analysis_problems are {"address", "reason"}: what keeps an analysis
# from covering what the controls review: another statement, another
# search, a window that does not cover the CLS window, an argument that
# narrows it.
cls_analysis_problems contains {"address": r.address, "reason": sprintf("sql is %s, not the policy's statement %s (built from cls_member_account_field): it may count other things", [json.marshal(object.get(r.values, "sql", null)), json.marshal(cls_sql)])} if {
	some r in data_sources_of("auditlog_cls_analysis")
	object.get(r.values, "sql", null) != cls_sql
}

cls_analysis_problems contains {"address": r.address, "reason": sprintf("query is %s, not \"*\": the search part leaves out events before the statement counts them", [json.marshal(object.get(r.values, "query", null))])} if {
	some r in data_sources_of("auditlog_cls_analysis")
	object.get(r.values, "query", null) != "*"
}

cls_analysis_problems contains {"address": r.address, "reason": sprintf("narrowed by %s: an analysis of the review reads every event of its window", [concat(", ", sort(narrowing(r)))])} if {
	some r in data_sources_of("auditlog_cls_analysis")
	count(narrowing(r)) > 0
}

cls_analysis_problems contains {"address": r.address, "reason": sprintf("no window shown (evidence.window_start %s, window_end %s): whether the analysis covers the CLS window cannot be known", [json.marshal(ev_get(r, "window_start")), json.marshal(ev_get(r, "window_end"))])} if {
	some r in data_sources_of("auditlog_cls_analysis")
	not window_shown(r)
}

cls_analysis_problems contains {"address": r.address, "reason": sprintf("window %s to %s does not cover the CLS window %s to %s (cls_window_days %v, ending 15 minutes before the plan's time %s)", [rfc3339(ws), rfc3339(we), rfc3339(cls_window_start_s), rfc3339(cls_window_end_s), param("cls_window_days"), rfc3339(plan_time_s)])} if {
	some r in data_sources_of("auditlog_cls_analysis")
	window_shown(r)
	ws := ev_get(r, "window_start")
	we := ev_get(r, "window_end")
	not cls_covers(ws, we)
}

cls_covers(ws, we) if {
	ws <= cls_window_start_s
	we >= cls_window_end_s
}

cls_analysis_ok(r) if {
	r.type == "auditlog_cls_analysis"
	not cls_analysis_faulted(r.address)
}

cls_analysis_faulted(address) if {
	some p in cls_analysis_problems
	p.address == address
}

# cls_rows are the analyses whose rows the controls judge: paired with a
# delivery and sent with the policy's statement (whose columns they name),
# whatever else is wrong with them (that is a problem of its own, and rows
# already read are never left out).
cls_rows contains {"read": r, "topic": d.topic, "region": d.region} if {
	some d in cls_deliveries
	cls_own(d)
	some r in cls_analyses(d)
	object.get(r.values, "sql", null) == cls_sql
}

# --- Cannot judge -----------------------------------------------------------------------

# cls_cannot_judge are {"control", "message"}: what a control over CLS
# cannot judge. compliance.rego keeps those of the enabled controls.
cls_cannot_judge contains {"control": "RET-01", "message": sprintf("RET-01: cannot judge %s: it delivers to CLS topic %v (%v) of account %s, which this review does not read; list \"%s\" in tencentcloud.accounts[\"%s\"].retention_out_of_scope once that account's retention is verified", [cls_set_text(d), d.topic, d.region, d.storage_account, d.key, d.account])} if {
	some d in cls_deliveries
	cls_elsewhere(d)
	not cls_out_of_scope(d)
}

cls_cannot_judge contains {"control": "RET-01", "message": sprintf("RET-01: cannot judge %s: it delivers to %s %s (%s), whose retention the provider does not read; list \"%s\" in tencentcloud.accounts[\"%s\"].retention_out_of_scope once it is verified elsewhere", [cls_set_text(d), d.type, json.marshal(d.topic), json.marshal(d.region), d.key, d.account])} if {
	some d in cls_deliveries
	is_string(d.type)
	d.type != "cls"
	d.type != ""
	is_string(d.topic)
	d.topic != ""
	not cls_out_of_scope(d)
}

cls_cannot_judge contains {"control": id, "message": sprintf("%s: cannot judge %s: it delivers to CLS topic %v (%v) of account %s, whose events this review does not read", [id, cls_set_text(d), d.topic, d.region, d.storage_account])} if {
	some d in cls_deliveries
	cls_elsewhere(d)
	some id in ["EVT-01", "EVT-02"]
}

cls_cannot_judge contains {"control": id, "message": sprintf("%s: cannot judge %s: its CLS topic %s (%s) is in cold storage (infrequent access), where CLS runs no analysis", [id, cls_set_text(d), d.topic, d.region])} if {
	some d in cls_deliveries
	cls_own(d)
	some t in cls_topic_shown(d)
	t.storage_type == "cold"
	some id in ["EVT-01", "EVT-02"]
}

cls_cannot_judge contains {"control": id, "message": sprintf("%s: cannot judge %s: its CLS topic %s (%s) keeps logs %v days, less than the %v days of the CLS window (cls_window_days): the window reaches past what the topic keeps", [id, cls_set_text(d), d.topic, d.region, t.period, param("cls_window_days")])} if {
	some d in cls_deliveries
	cls_own(d)
	some t in cls_topic_shown(d)
	is_number(t.period)
	t.period < param("cls_window_days")
	some id in ["EVT-01", "EVT-02"]
}

# A topic its read does not list (missing, deleted) holds nothing to
# analyse: RET-01 fails it, and the EVT controls cannot judge it.
cls_cannot_judge contains {"control": id, "message": sprintf("%s: cannot judge %s: its CLS topic %s is not in region %s (missing or deleted), so nothing of its events can be analysed", [id, cls_set_text(d), d.topic, d.region])} if {
	some d in cls_deliveries
	cls_missing(d)
	some id in ["EVT-01", "EVT-02"]
}

cls_missing(d) if {
	cls_own(d)
	some r in cls_topic_reads(d)
	count(cls_topics_named(r, d.topic)) == 0
}

# A CLS delivery that names its topic but no region cannot be read.
cls_cannot_judge contains {"control": id, "message": sprintf("%s: cannot judge %s: it delivers to CLS topic %s but names no region (storage_region %s), so the topic cannot be read", [id, cls_set_text(d), d.topic, json.marshal(d.region)])} if {
	some d in cls_deliveries
	cls_unplaced(d)
	some id in ["RET-01", "EVT-01", "EVT-02"]
}

cls_unplaced(d) if {
	d.type == "cls"
	is_string(d.topic)
	d.topic != ""
	not cls_elsewhere(d)
	not cls_own(d)
}

# EVT-02 is judged over CLS only: an account whose enabled tracking sets
# deliver elsewhere (COS, CKafka) keeps its instance deletions and reboots
# where this review cannot read them. An account with no enabled tracking
# set at all keeps them nowhere: that is a finding (compliance.rego), not a
# question.
cls_cannot_judge contains {"control": "EVT-02", "message": sprintf("EVT-02: cannot judge account %s: no enabled tracking set delivers to CLS (read by auditlog_cloudaudit_tracks as the account), so its instance deletions and reboots are read nowhere", [a])} if {
	some a, _ in org_accounts
	cls_tracks_read(a)
	cls_tracking(a)
	not cls_delivers(a)
}

# cls_tracking holds when account a has an enabled tracking set, whatever
# it delivers to.
cls_tracking(a) if {
	some d in cls_deliveries
	d.account == a
}

# cls_tracks_read holds when a tracks read acts as account a: without one,
# which tracking sets deliver to CLS is not known (of_cls says so).
cls_tracks_read(a) if {
	some r in data_sources_of("auditlog_cloudaudit_tracks")
	ev_get(r, "account_id") == a
}

cls_delivers(a) if {
	some d in cls_deliveries
	d.account == a
	d.type == "cls"
}

# --- Evidence of the controls over CLS -----------------------------------------------------

# of_cls returns the problems of the CLS evidence of a control: each
# delivery without its reads, each read that is no delivery's, each paired
# analysis that does not cover the review; and, for the controls judged
# from analyses, the problems of the tracks reads that say which
# deliveries there are.
of_cls(control, types) := (((cls_topics_missing(control, types) | cls_topics_foreign(control, types)) | (cls_analyses_missing(control, types) | cls_analyses_foreign(control, types))) | (cls_analyses_wrong(control, types) | cls_tracks_problems(control, types))) | (cls_tracks_unread(control, types) | cls_no_instance_coverage(control))

# The controls judged from the analyses need the tracks read of each
# account to know its deliveries.
cls_tracks_unread(control, types) := {{"address": null, "message": sprintf("%s: account %s: no auditlog_cloudaudit_tracks data source read it as the account: which tracking sets deliver to CLS is not known, so no topic of its is analysed", [control, a])} |
	"auditlog_cls_analysis" in types
	some a, _ in org_accounts
	not cls_tracks_read(a)
}

# EVT-02 needs a judged CLS delivery that records instance operations: a
# tracking set of CAM writes only shows no instance deletion whatever
# happened. Zero rows of such a topic are no evidence.
cls_no_instance_coverage(control) := {{"address": r.address, "message": sprintf("EVT-02: %s: account %s: no tracking set analysed in CLS records the write actions of cvm (%s): no analysis can show an instance deletion or reboot%s", [r.address, a, concat(", ", sort([sprintf("%s (%s) records %v actions of %v", [d.name, d.key, d.action_type, d.resource_type]) | some d in cls_deliveries; d.account == a; d.type == "cls"])), acting_as_text(r)])} |
	control == "EVT-02"
	some a, _ in org_accounts
	cls_delivers(a)
	not cls_instances_covered(a)
	some r in data_sources_of("auditlog_cloudaudit_tracks")
	ev_get(r, "account_id") == a
}

cls_instances_covered(a) if {
	some d in cls_deliveries
	d.account == a
	cls_own(d)
	not cls_cold(d)
	not cls_missing(d)
	cls_records_instances(d)
}

cls_records_instances(d) if {
	d.resource_type in {"*", "cvm"}
	d.action_type in {"*", "Write"}
	cls_records_instance_events(d.event_names)
}

cls_records_instance_events(names) if "*" in names

cls_records_instance_events(names) if {
	is_array(names)
	every p in param("cloudaudit_instance_event_patterns") {
		some n in names
		is_string(n)
		regex.is_valid(p)
		regex.match(p, n)
	}
}

cls_topics_missing(control, types) := {{"address": null, "message": sprintf("%s: %s: no auditlog_cls_topics data source read its topic %s in region %s as account %s (one filter topicId = [\"%s\"], or every topic of the region): its retention is not shown", [control, cls_set_text(d), d.topic, d.region, d.account, d.topic])} |
	"auditlog_cls_topics" in types
	some d in cls_deliveries
	cls_own(d)
	count(cls_topic_reads(d)) == 0
}

cls_topics_foreign(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: not the topic of an enabled tracking set of a reviewed account (read as account %v in region %v, narrowed by %s, filters %s): not evidence%s", [control, r.address, ev_get(r, "account_id"), ev_get(r, "region"), names_text(sort(narrowing(r))), json.marshal(object.get(r.values, "filters", null)), acting_as_text(r)])} |
	"auditlog_cls_topics" in types
	some r in data_sources_of("auditlog_cls_topics")
	not cls_topics_paired(r)
}

cls_topics_paired(r) if {
	some d in cls_deliveries
	cls_own(d)
	r in cls_topic_reads(d)
}

cls_analyses_missing(control, types) := {{"address": null, "message": sprintf("%s: %s: no auditlog_cls_analysis data source read its topic %s in region %s as account %s with the policy's statement, query \"*\" and the CLS window (cls_window_days %v): the topic's events are not reviewed", [control, cls_set_text(d), d.topic, d.region, d.account, param("cls_window_days")])} |
	"auditlog_cls_analysis" in types
	some d in cls_deliveries
	cls_own(d)
	not cls_cold(d)
	not cls_missing(d)
	not cls_analysed(d)
}

cls_cold(d) if {
	some t in cls_topic_shown(d)
	t.storage_type == "cold"
}

cls_analysed(d) if {
	some r in cls_analyses(d)
	cls_analysis_ok(r)
}

cls_analyses_foreign(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: topic %v (read as account %v in region %v) is not the topic of an enabled tracking set of a reviewed account in that region: not evidence, and its rows are not judged", [control, r.address, object.get(r.values, "topic_id", null), ev_get(r, "account_id"), ev_get(r, "region")])} |
	"auditlog_cls_analysis" in types
	some r in data_sources_of("auditlog_cls_analysis")
	not cls_analysis_paired(r)
}

cls_analysis_paired(r) if {
	some d in cls_deliveries
	cls_own(d)
	cls_analysis_of(r, d)
}

cls_analyses_wrong(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: %s%s", [control, r.address, p.reason, acting_as_text(r)])} |
	"auditlog_cls_analysis" in types
	some r in data_sources_of("auditlog_cls_analysis")
	cls_analysis_paired(r)
	some p in cls_analysis_problems
	p.address == r.address
}

cls_tracks_problems(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: %s%s", [control, r.address, p.reason, acting_as_text(r)])} |
	"auditlog_cls_analysis" in types
	not "auditlog_cloudaudit_tracks" in types
	some r in data_sources_of("auditlog_cloudaudit_tracks")
	some p in evidence_problems
	p.address == r.address
}
