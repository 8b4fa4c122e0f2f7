# The controls over CLS: RET-01 (retention of the topics tracking sets
# deliver to), EVT-01 over each topic's analysis and EVT-02 (instance
# deletion and reboot), from the reads lib/cls.rego pairs with the tracking
# sets. Findings name the control, the data source, the topic and the
# account as the topic names it.
package compliance

import data.auditlog.lib

# controls_cannot_judge: what an enabled control over CLS cannot judge (a
# COS or CKafka delivery, a topic of another account, a cold topic, a topic
# kept less than the CLS window, an account without CLS delivery).
controls_cannot_judge contains c.message if {
	some c in lib.cls_cannot_judge
	c.control in enabled
}

# --- RET-01 ----------------------------------------------------------------------------

# A delivery finding names the tracks read that lists the tracking set.
delivery_finding(control, d, record, detail) := {"control": control, "address": d.tracks, "scope": d.tracks_scope, "record": record, "detail": detail}

findings contains delivery_finding("RET-01", d, d.name, sprintf("%s delivers to no storage: nothing keeps its logs beyond CloudAudit's 90 days", [lib.cls_set_text(d)])) if {
	some d in lib.cls_deliveries
	not delivers_somewhere(d)
}

delivers_somewhere(d) if {
	is_string(d.type)
	d.type != ""
	is_string(d.topic)
	d.topic != ""
}

findings contains finding("RET-01", r, d.topic, sprintf("%s delivers to CLS topic %s, which region %s of account %s does not list (missing or deleted): its logs are kept nowhere this review sees", [lib.cls_set_text(d), d.topic, d.region, d.account])) if {
	some d in lib.cls_deliveries
	lib.cls_own(d)
	some r in lib.cls_topic_reads(d)
	count(lib.cls_topics_named(r, d.topic)) == 0
}

findings contains finding("RET-01", r, d.topic, sprintf("%s delivers to CLS topic %s (%s), which keeps its logs %s days (period): less than the %d days the policy requires (min_retention_days)", [lib.cls_set_text(d), d.topic, d.region, json.marshal(at(t, "period")), lib.param("min_retention_days")])) if {
	some d in lib.cls_deliveries
	lib.cls_own(d)
	some r in lib.cls_topic_reads(d)
	some t in lib.cls_topics_named(r, d.topic)
	not kept_long_enough(at(t, "period"))
}

kept_long_enough(period) if {
	is_number(period)
	period >= lib.param("min_retention_days")
}

# --- EVT-01 and EVT-02 over the analyses ---------------------------------------------------
#
# Each row counts the events of one name by one user (and member account)
# over the CLS window. A null user is "(unknown)" and never allow-listed; a
# null event name cannot be classified, so it is a finding of both.

cls_finding(control, x, row) := finding(control, x.read, sprintf("%s/%s/%s", [x.topic, lib.cls_text(at(row, "user_name")), cls_event_text(row)]), sprintf("%s %s by %s over %d days in CLS topic %s (%s)%s", [cls_events_text(row), cls_event_text(row), lib.cls_text(at(row, "user_name")), lib.param("cls_window_days"), x.topic, x.region, lib.cls_member_text(row)]))

cls_event_text(row) := row.event_name if {
	is_string(row.event_name)
} else := "(no event name: cannot be classified)"

cls_events_text(row) := sprintf("%v", [row.events]) if {
	row.events != null
} else := "(uncounted)"

cls_allowed(row) if {
	is_string(row.user_name)
	row.user_name in lib.param("cloudaudit_privileged_users")
}

findings contains cls_finding(id, x, row) if {
	some x in lib.cls_rows
	some row in lib.records(x.read)
	some id in ["EVT-01", "EVT-02"]
	cls_judged(id, row)
}

# A row is a finding of a control when its event is one the control
# watches and its user is not allow-listed; and, whoever its user, when it
# has no event name: what it counts cannot be classified.
cls_judged(_, row) if not is_string(at(row, "event_name"))

cls_judged("EVT-01", row) if {
	is_string(row.event_name)
	watched_event(row.event_name)
	not cls_allowed(row)
}

cls_judged("EVT-02", row) if {
	is_string(row.event_name)
	instance_event(row.event_name)
	not cls_allowed(row)
}

instance_event(name) if {
	some p in lib.param("cloudaudit_instance_event_patterns")
	regex.is_valid(p)
	regex.match(p, name)
}
