# Fixtures for the unit tests: a small plan, in the shape of
# terraform show -json, whose every control passes under policy, and helpers
# to break it one way at a time.
package auditlog.fixtures

# 2026-06-01T00:00:00Z; the policy's window is the 28 days before it.
ts := "2026-06-01T00:00:00Z"

now_unix := 1780272000

day := 86400

# The tests run a minute after the plan.
now_ns := (now_unix + 60) * 1000000000

window := {"start": now_unix - (28 * day), "end": now_unix}

account := "100000000001"

# The provider every auditlog_* data source of a plan must come from.
provider := "registry.terraform.io/auditlog/auditlog"

policy := {
	"schema_version": 3,
	"required_data_sources": [
		"auditlog_cloudaudit_tracks",
		"auditlog_cloudaudit_track",
		"auditlog_cloudaudit_events",
		"auditlog_csip_user_call_records",
		"auditlog_ucloud_operation_events",
		"auditlog_cls_topics",
		"auditlog_cls_analysis",
	],
	"controls": {id: {"enabled": true, "allowed_narrowing": ["max_items"]} | some id in ["TRK-01", "TRK-02", "TRK-03", "TRK-04", "NET-01", "EVT-01", "UC-01", "UC-02", "RET-01", "EVT-02"]},
	"window_days": 28,
	"window_start": null,
	"window_end": null,
	"max_plan_age_seconds": 3600,
	"accept_unsealed_plans": false,
	"providers": [{"address": provider, "version": "0.1.0", "hashes": {"linux_amd64": ["h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]}}],
	"origins": [
		{"scheme": "https", "host_pattern": `^[a-z0-9-]+(\.[a-z0-9-]+)*\.tencentcloudapi\.com$`},
		{"host": "api.ucloud.cn"},
	],
	"tencentcloud": {"accounts": {account: {"regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"]}}},
	"ucloud": {"projects": ["org-sim001"]},
	"allowed_networks": ["106.55.0.0/16", "2402:4e00::/32"],
	"cloudaudit_privileged_users": ["admin"],
	"cloudaudit_watched_event_patterns": ["^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$"],
	"ucloud_privileged_users": ["admin"],
	"ucloud_risky_api_patterns": ["^Delete", "^Release", "^Terminate", "AccessKey", "Polic(y|ies)", "^CreateUser$", "^UpdateSecurityGroup$"],
	"ucloud_max_failed": 3,
	"min_retention_days": 184,
	"cls_window_days": 180,
	"cls_member_account_field": null,
	"cloudaudit_instance_event_patterns": ["^TerminateInstances$", "^RebootInstances$"],
}

# with_account returns the policy with the account's part patched.
with_account(patch) := with_policy("tencentcloud", {"accounts": {account: object.union(policy.tencentcloud.accounts[account], patch)}})

# with_policy returns the policy with one key replaced.
with_policy(key, value) := object.union(object.remove(policy, [key]), {key: value})

# --- Evidence, as the provider reports it ---------------------------------------------

tencent_evidence(records) := {
	"complete": true, "records": records, "window_start": null, "window_end": null,
	"window_chosen_by_api": false, "narrowed_by": [], "account_id": account,
	"principal_arn": "qcs::cam::uin/100000000001:uin/100000000001", "region": "ap-guangzhou", "project_id": null,
	"endpoint": "https://cloudaudit.tencentcloudapi.com", "endpoint_source": "default",
}

windowed_evidence(records) := object.union(tencent_evidence(records), {"window_start": window.start, "window_end": window.end})

csip_evidence(records) := object.union(windowed_evidence(records), {"region": null, "endpoint": "https://csip.tencentcloudapi.com"})

ucloud_evidence(records) := object.union(windowed_evidence(records), {"account_id": null, "principal_arn": null, "region": null, "project_id": "org-sim001", "endpoint": "https://api.ucloud.cn"})

# --- Data sources -----------------------------------------------------------------------

track(id, name, status, action, res, events, storage) := {
	"track_id": id, "name": name, "status": status, "action_type": action,
	"resource_type": res, "event_names": events, "storage": storage,
}

cos := {"storage_type": "cos", "storage_name": "audit-logs", "storage_region": "ap-guangzhou"}

# The topic the good tracking set delivers to, in its region.
topic_id := "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"

cls_region := "ap-guangzhou"

cls := {"storage_type": "cls", "storage_name": topic_id, "storage_region": cls_region, "storage_account_id": null}

good_track := track(1001, "audit-all", 1, "*", "*", ["*"], cls)

tracks_address := "module.compliance.data.auditlog_cloudaudit_tracks.all"

tracks_ds(list) := {
	"address": tracks_address, "mode": "data", "provider_name": provider, "type": "auditlog_cloudaudit_tracks", "name": "all",
	"values": {"tracks": list, "total_count": count(list), "evidence": tencent_evidence(count(list))},
}

track_ds(id, members, status) := {
	"address": sprintf("module.compliance.data.auditlog_cloudaudit_track.each[\"%d\"]", [id]), "mode": "data", "provider_name": provider,
	"type": "auditlog_cloudaudit_track", "name": "each", "index": sprintf("%d", [id]),
	"values": {
		"track_id": id, "status": status, "track_for_all_members": members,
		"filters": {"resource_fields": [{"resource_type": "*", "action_type": "*", "event_names": ["*"]}]},
		"evidence": tencent_evidence(1),
	},
}

csip_rec(ip, last) := {
	"source_ip": ip, "user_name": "ops", "call_count": 3, "region": "r", "isp": "i",
	"first_call_time": last, "last_call_time": last,
}

csip_address(uin) := sprintf("module.compliance.data.auditlog_csip_user_call_records.sub[\"%s\"]", [uin])

csip_ds(uin, recs) := {
	"address": csip_address(uin), "mode": "data", "provider_name": provider,
	"type": "auditlog_csip_user_call_records", "name": "sub", "index": uin,
	"values": {"sub_uin": uin, "data": recs, "total": count(recs), "evidence": csip_evidence(count(recs))},
}

uc_ev(user, api, ok, days_ago) := {
	"user_name": user, "api": api, "is_success": ok, "operate_time": now_unix - (days_ago * day),
	"remote_ip": "106.75.1.1", "related_resource": [{"resource_id": "uhost-1", "resource_name": "web"}],
}

uc_address := "module.compliance.data.auditlog_ucloud_operation_events.window"

uc_ds(evs) := {
	"address": uc_address, "mode": "data", "provider_name": provider,
	"type": "auditlog_ucloud_operation_events", "name": "window",
	"values": {"events": evs, "resume_token": null, "evidence": ucloud_evidence(count(evs))},
}

ev(id, user, name, days_ago) := {
	"event_id": id, "username": user, "event_name": name,
	"event_time": sprintf("%d", [now_unix - (days_ago * day)]), "source_ip_address": "106.55.1.1",
}

events_address := "module.compliance.data.auditlog_cloudaudit_events.window"

events_ds(evs) := {
	"address": events_address, "mode": "data", "provider_name": provider, "type": "auditlog_cloudaudit_events", "name": "window",
	"values": {"events": evs, "list_over": true, "resume_token": null, "evidence": windowed_evidence(count(evs))},
}

# --- CLS ----------------------------------------------------------------------------------

# The CLS window: the 180 days (cls_window_days) ending 15 minutes before
# the plan.
cls_window := {"start": (now_unix - 900) - (180 * day), "end": now_unix - 900}

cls_evidence(records) := object.union(tencent_evidence(records), {"region": cls_region, "endpoint": "https://cls.tencentcloudapi.com"})

topic(id, period, storage) := {
	"topic_id": id, "topic_name": "cloudaudit_audit-all", "period": period, "hot_period": 0,
	"storage_type": storage, "status": true, "assumer_name": "CloudAudit", "logset_id": "ls-1",
}

good_topic := topic(topic_id, 184, "hot")

topics_address(key) := sprintf("module.compliance.data.auditlog_cls_topics.delivery[\"%s\"]", [key])

# topics_ds is the topics read of tracking set key: one filter topicId.
topics_ds(key, topic_filter, list) := {
	"address": topics_address(key), "mode": "data", "provider_name": provider, "type": "auditlog_cls_topics", "name": "delivery", "index": key,
	"values": {
		"region": cls_region, "filters": [{"key": "topicId", "values": [topic_filter]}], "topics": list, "total_count": count(list),
		"evidence": object.union(cls_evidence(count(list)), {"narrowed_by": ["filters"]}),
	},
}

cls_sql := `SELECT "userIdentity.userName" AS user_name, eventName AS event_name, count(*) AS events GROUP BY "userIdentity.userName", eventName`

row(user, event, n) := {"user_name": user, "event_name": event, "events": sprintf("%d", [n])}

good_rows := [row("admin", "TerminateInstances", 3), row("bob", "DescribeInstances", 12), row("admin", "ConsoleLogin", 5)]

analysis_address(key) := sprintf("module.compliance.data.auditlog_cls_analysis.events[\"%s\"]", [key])

# analysis_ds is the analysis of tracking set key's topic with the policy's
# statement over the CLS window.
analysis_ds(key, topic, rows) := {
	"address": analysis_address(key), "mode": "data", "provider_name": provider, "type": "auditlog_cls_analysis", "name": "events", "index": key,
	"values": {
		"region": cls_region, "topic_id": topic, "query": "*", "sql": cls_sql, "max_rows": 9999,
		"from": cls_window.start, "to": cls_window.end,
		"columns": [{"name": "user_name", "type": "varchar"}, {"name": "event_name", "type": "varchar"}, {"name": "events", "type": "bigint"}],
		"rows": rows,
		"analysis_evidence": {
			"topic_id": topic, "region": cls_region, "sampling_rate": "1", "max_rows": 9999, "rows_returned": count(rows),
			"from_ms": cls_window.start * 1000, "to_ms": cls_window.end * 1000, "query_syntax": "CQL", "incomplete_because": [],
			"query_string": sprintf("* | %s LIMIT 10000", [cls_sql]),
		},
		"evidence": object.union(cls_evidence(count(rows)), {"window_start": cls_window.start, "window_end": cls_window.end}),
	},
}

# with_values returns a data source with some values replaced.
with_values(r, patch) := json.patch(r, [{"op": "replace", "path": "/values", "value": object.union(r.values, patch)}])

# with_evidence returns a data source whose evidence has some keys replaced.
with_evidence(r, patch) := json.patch(r, [{"op": "replace", "path": "/values/evidence", "value": object.union(r.values.evidence, patch)}])

# --- Plans ------------------------------------------------------------------------------

# plan puts data sources in a child module, as examples/compliance/root does.
plan(resources) := {
	"format_version": "1.2", "timestamp": ts, "errored": false, "complete": true,
	"variables": {},
	"prior_state": {"values": {"root_module": {"child_modules": [{"address": "module.compliance", "resources": resources}]}}},
	"resource_changes": [],
	"checks": [],
}

good_resources := [
	tracks_ds([good_track]),
	track_ds(1001, 1, 1),
	csip_ds("100021372635", [csip_rec("106.55.1.10", "2026-05-30 10:00:00"), csip_rec("2402:4e00:1::5", "2026-05-29 10:00:00")]),
	uc_ds([uc_ev("admin", "DeleteULB", true, 2), uc_ev("bob", "StartUHostInstance", false, 1)]),
	events_ds([ev("e1", "admin", "ConsoleLogin", 1)]),
	topics_ds("1001", topic_id, [good_topic]),
	analysis_ds("1001", topic_id, good_rows),
]

good_plan := plan(good_resources)

# replacing returns the good plan with the data source at address replaced
# (or added).
replacing(r) := plan(array.concat([x | some x in good_resources; x.address != r.address], [r]))

without_type(t) := plan([x | some x in good_resources; x.type != t])

# --- The catalogue -------------------------------------------------------------------------

# catalogue is the shipped catalogue with RET-01 and EVT-02 (and EVT-01 over
# CLS analyses) when it does not have them yet.
cls_catalogue_controls := [
	{"id": "RET-01", "title": "Every topic a tracking set delivers to keeps its logs at least min_retention_days", "rationale": "Six months of logs.", "severity": "high", "data_sources": ["auditlog_cloudaudit_tracks", "auditlog_cls_topics"]},
	{"id": "EVT-02", "title": "Instances are deleted and rebooted only by allow-listed users (MLPS cloud extension)", "rationale": "Instance operations.", "severity": "high", "data_sources": ["auditlog_cls_analysis"]},
]

cls_catalogue_requirements := [
	{"framework": "csl", "id": "network-logs-6-months-ret", "text": "Network logs kept six months.", "source": "", "verified": false, "controls": ["RET-01"]},
	{"framework": "iso27001-2022", "id": "A.8.15-evt", "text": "Logging.", "source": "", "verified": false, "controls": ["EVT-02"]},
]

catalogue := data.auditlog.catalogue if {
	every id in ["RET-01", "EVT-02"] {
		some c in data.auditlog.catalogue.controls
		c.id == id
	}
} else := object.union(data.auditlog.catalogue, {
	"controls": array.concat([evt01_over_cls(c) | some c in data.auditlog.catalogue.controls], cls_catalogue_controls),
	"requirements": array.concat(data.auditlog.catalogue.requirements, cls_catalogue_requirements),
})

evt01_over_cls(c) := object.union(c, {"data_sources": array.concat(c.data_sources, ["auditlog_cls_analysis"])}) if {
	c.id == "EVT-01"
} else := c

# has holds when some message starts with prefix.
has(msgs, prefix) if {
	some m in msgs
	startswith(m, prefix)
}

# has_all holds when some message contains every one of parts.
has_all(msgs, parts) if {
	some m in msgs
	every p in parts {
		contains(m, p)
	}
}
