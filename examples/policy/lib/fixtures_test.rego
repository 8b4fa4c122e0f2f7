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
	"schema_version": 2,
	"required_data_sources": [
		"auditlog_cloudaudit_tracks",
		"auditlog_cloudaudit_track",
		"auditlog_cloudaudit_events",
		"auditlog_csip_user_call_records",
		"auditlog_ucloud_operation_events",
	],
	"controls": {id: {"enabled": true, "allowed_narrowing": ["max_items"]} | some id in ["TRK-01", "TRK-02", "TRK-03", "TRK-04", "NET-01", "EVT-01", "UC-01", "UC-02"]},
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
}

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

good_track := track(1001, "audit-all", 1, "*", "*", ["*"], cos)

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
]

good_plan := plan(good_resources)

# replacing returns the good plan with the data source at address replaced
# (or added).
replacing(r) := plan(array.concat([x | some x in good_resources; x.address != r.address], [r]))

without_type(t) := plan([x | some x in good_resources; x.type != t])

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
