package auditlog.lib_test

import data.auditlog.fixtures as f
import data.auditlog.lib

cannot_judge(p) := msgs if {
	msgs := lib.cannot_judge with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns
}

plan_violations(p) := msgs if {
	msgs := lib.plan_violations with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns
}

# --- Finding data sources ---------------------------------------------------------

test_finds_root_child_and_instances if {
	p := json.patch(f.good_plan, [
		{"op": "add", "path": "/prior_state/values/root_module/resources", "value": [json.patch(f.csip_ds("200", []), [{"op": "replace", "path": "/address", "value": "data.auditlog_csip_user_call_records.sub[\"200\"]"}])]},
		{"op": "add", "path": "/prior_state/values/root_module/child_modules/0/child_modules", "value": [{"resources": [f.csip_ds("300", [])]}]},
	])
	got := {r.values.sub_uin | some r in lib.data_sources_of("auditlog_csip_user_call_records")} with input as p
	got == {"100021372635", "200", "300"}
}

test_ignores_other_types_and_managed_resources if {
	other := {"address": "data.x.y", "mode": "data", "type": "external", "values": {}}
	managed := object.union(f.tracks_ds([]), {"mode": "managed"})
	count(lib.data_sources) == 0 with input as f.plan([other, managed])
}

test_records_and_counts if {
	r := f.csip_ds("1", [f.csip_rec("106.55.1.1", "2026-05-30 10:00:00")])
	lib.records(r) == r.values.data
	lib.record_count(r) == 1
	lib.records({"type": "auditlog_cloudaudit_tracks", "values": {"tracks": null}}) == []
	lib.record_count({"type": "auditlog_cloudaudit_tracks", "values": {"tracks": [1, 2]}}) == 2
	lib.evidence({"values": {"evidence": null}}) == {}
}

# --- Plans that cannot be judged ------------------------------------------------------

test_good_plan_can_be_judged if {
	count(cannot_judge(f.good_plan)) == 0
	count(plan_violations(f.good_plan)) == 0
}

test_errored_plan if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/errored", "value": true}])
	f.has(cannot_judge(p), "PLAN: the plan errored")
}

# An errored plan is "complete": false as well; it is called errored, not
# also "a targeted plan".
test_errored_plan_is_not_called_targeted if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/errored", "value": true}, {"op": "replace", "path": "/complete", "value": false}])
	f.has(cannot_judge(p), "PLAN: the plan errored")
	not f.has(cannot_judge(p), "PLAN: the plan is not complete")
	t := json.patch(f.good_plan, [{"op": "replace", "path": "/complete", "value": false}])
	f.has(cannot_judge(t), "PLAN: the plan is not complete (\"complete\": false): a targeted plan")
}

# A data source nested in a check block is listed in resource_changes with
# "read_because_check_nested" although it was read at plan time: its values
# are evidence, and it is not "deferred to apply".
check_nested_change(address) := {
	"address": address, "mode": "data", "type": "auditlog_ucloud_operation_events",
	"change": {"actions": ["read"], "after": null}, "action_reason": "read_because_check_nested",
}

test_check_nested_read_with_values_is_evidence if {
	p := json.patch(f.good_plan, [{"op": "add", "path": "/resource_changes/-", "value": check_nested_change(f.uc_address)}])
	count(cannot_judge(p)) == 0
	f.uc_address in lib.check_nested_reads with input as p
	not f.has(cannot_judge(p), sprintf("PLAN: %s is deferred", [f.uc_address]))
}

# Without values (its read failed, which a check block only warns of) it is
# named as nested in a check block, not as deferred.
test_check_nested_read_without_values if {
	p := json.patch(f.without_type("auditlog_ucloud_operation_events"), [{"op": "add", "path": "/resource_changes/-", "value": check_nested_change(f.uc_address)}])
	f.has(cannot_judge(p), sprintf("PLAN: %s is nested in a check block and has no values at plan time", [f.uc_address]))
	not f.has(cannot_judge(p), sprintf("PLAN: %s is deferred", [f.uc_address]))
	not f.has(plan_violations(p), "PLAN: no auditlog_ucloud_operation_events")
}

# An errored plan with no prior_state at all (the read failed) still fails.
test_errored_plan_without_state if {
	p := {"format_version": "1.2", "timestamp": f.ts, "errored": true, "checks": [
		{"address": {"kind": "check", "to_display": "module.compliance.check.trk_01"}, "status": "unknown"},
	]}
	f.has(cannot_judge(p), "PLAN: the plan errored")
	f.has(cannot_judge(p), "CHECK: module.compliance.check.trk_01 is unknown")
	f.has(plan_violations(p), "PLAN: no auditlog_cloudaudit_tracks data source was read")
}

test_not_a_plan if {
	f.has(cannot_judge({"resources": []}), "PLAN: the input is not a plan")
}

# Probe 6: a read deferred to apply has no values; with enforce = true its
# preconditions wait for apply, so terraform plan exits 0.
test_deferred_read if {
	p := json.patch(f.without_type("auditlog_ucloud_operation_events"), [{"op": "add", "path": "/resource_changes/-", "value": {
		"address": f.uc_address, "mode": "data",
		"type": "auditlog_ucloud_operation_events", "change": {"actions": ["read"], "after": null},
		"action_reason": "read_because_config_unknown",
	}}])
	f.has(cannot_judge(p), sprintf("PLAN: %s is deferred to apply", [f.uc_address]))

	# Reported as deferred, not also as missing.
	not f.has(plan_violations(p), "PLAN: no auditlog_ucloud_operation_events")
}

test_checks if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/checks", "value": [
		{"address": {"kind": "check", "to_display": "module.compliance.check.net_01"}, "status": "fail"},
		{"address": {"kind": "check", "to_display": "module.compliance.check.uc_01"}, "status": "unknown"},
		{"address": {"kind": "check", "to_display": "module.compliance.check.uc_02"}, "status": "error"},
		{"address": {"kind": "check", "to_display": "module.compliance.check.trk_01"}, "status": "pass"},
		{"address": {"kind": "var", "to_display": "var.x"}, "status": "unknown"},
	]}])
	f.has(plan_violations(p), "CHECK: module.compliance.check.net_01 is fail")
	f.has(cannot_judge(p), "CHECK: module.compliance.check.uc_01 is unknown")
	f.has(cannot_judge(p), "CHECK: module.compliance.check.uc_02 is error")
	not f.has(cannot_judge(p) | plan_violations(p), "CHECK: module.compliance.check.trk_01")
	not f.has(cannot_judge(p) | plan_violations(p), "CHECK: var.x")
}

test_plan_without_timestamp if {
	f.has(cannot_judge(object.remove(f.good_plan, ["timestamp"])), "PLAN: the plan has no timestamp")
}

# A plan older than max_plan_age_seconds (3600) is stale; one at the limit is not.
test_stale_plan if {
	msgs := lib.cannot_judge with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as (f.now_unix + 3601) * 1000000000
	f.has(msgs, "PLAN: the plan was made at 2026-06-01T00:00:00Z, 3601 s ago: older than the 3600 s")
	ok := lib.cannot_judge with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as (f.now_unix + 3600) * 1000000000
	count(ok) == 0
}

test_plan_from_the_future if {
	msgs := lib.cannot_judge with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as (f.now_unix - 600) * 1000000000
	f.has(msgs, "PLAN: the plan's timestamp 2026-06-01T00:00:00Z is 600 s in the future")
}

test_missing_required_data_source if {
	msgs := plan_violations(f.plan([f.tracks_ds([f.good_track])]))
	f.has(msgs, "PLAN: no auditlog_csip_user_call_records data source was read")
	f.has(msgs, "PLAN: no auditlog_ucloud_operation_events data source was read")
	not f.has(msgs, "PLAN: no auditlog_cloudaudit_tracks")
}

# --- Time -------------------------------------------------------------------------------

test_times if {
	lib.cst_s("2026-06-01 08:00:00") == f.now_unix
	lib.event_s("1780272000") == f.now_unix
	lib.event_s("2026-06-01 08:00:00") == f.now_unix
	not lib.event_s(null)
	not lib.event_s("")
	not lib.event_s("yesterday")
	not lib.cst_s(null)
	not lib.cst_s("2026-05-31T08:00:00Z")
	lib.rfc3339(f.now_unix) == f.ts
}

# --- Forged reads (review finding 1, 8) -----------------------------------------------

# The objects of a compliant plan nested in another value (here the defaults of
# a terraform_remote_state, as jsondecode(file(...)) makes them) are no reads.
test_nested_values_are_not_reads if {
	remote_state := {
		"address": "data.terraform_remote_state.e", "mode": "data", "type": "terraform_remote_state", "name": "e",
		"provider_name": "terraform.io/builtin/terraform",
		"values": {"backend": "local", "defaults": {"reads": f.good_resources}, "outputs": {"reads": f.good_resources}},
	}
	p := {
		"format_version": "1.2", "timestamp": f.ts, "errored": false, "complete": true,
		"prior_state": {"values": {"root_module": {"resources": [remote_state]}}},
		"resource_changes": [], "checks": [],
	}
	count(lib.data_sources) == 0 with input as p
	msgs := plan_violations(p)
	f.has(msgs, "PLAN: no auditlog_cloudaudit_tracks data source was read")
	f.has(msgs, "PLAN: no auditlog_ucloud_operation_events data source was read")
}

# A child module's resources list, at any depth, is read; a "resources" key
# anywhere else is not.
test_only_module_resource_lists if {
	nested := {"child_modules": [{"address": "module.a", "resources": [], "child_modules": [{"address": "module.a.module.b", "resources": [f.csip_ds("400", [])]}]}]}
	got := {r.values.sub_uin | some r in lib.data_sources_of("auditlog_csip_user_call_records")} with input as f.plan([]) with input.prior_state.values.root_module as nested
	got == {"400"}
	elsewhere := {"resources": [{"address": "data.x.y", "mode": "data", "type": "x", "provider_name": f.provider, "values": {"resources": [f.csip_ds("500", [])]}}]}
	count(lib.data_sources) == 0 with input as f.plan([]) with input.prior_state.values.root_module as elsewhere
}

# Modules nested as deep as the rules follow are read; one level more and
# the plan cannot be judged: a read there is never silently left out.
nest(depth, leaf) := json.unmarshal(concat("", [
	concat("", [`{"resources": [], "child_modules": [` | some _ in numbers.range(1, depth)]),
	json.marshal(leaf),
	concat("", ["]}" | some _ in numbers.range(1, depth)]),
]))

test_deeply_nested_modules if {
	read := {"resources": [f.csip_ds("600", [])]}
	deepest := nest(lib.max_module_depth, read)
	got := {r.values.sub_uin | some r in lib.data_sources_of("auditlog_csip_user_call_records")} with input as f.plan([]) with input.prior_state.values.root_module as deepest
	got == {"600"}
	msg := sprintf("PLAN: modules are nested more than %d levels deep: their reads are not looked for, so the plan cannot be judged", [lib.max_module_depth])
	not msg in cannot_judge(json.patch(f.plan([]), [{"op": "add", "path": "/prior_state/values/root_module", "value": deepest}]))
	too_deep := nest(lib.max_module_depth + 1, read)
	msg in cannot_judge(json.patch(f.plan([]), [{"op": "add", "path": "/prior_state/values/root_module", "value": too_deep}]))
}

# A data source of a known type from another provider (vendored under
# another source in terraform.d/plugins) is no evidence, and says so.
test_other_provider_is_not_evidence if {
	forged := object.union(f.uc_ds([]), {"provider_name": "example.com/x/auditlog"})
	p := f.replacing(forged)
	count(lib.data_sources_of("auditlog_ucloud_operation_events")) == 0 with input as p
	f.has(plan_violations(p), sprintf("PLAN: %s: read by the provider \"example.com/x/auditlog\", not the auditlog provider (registry.opentofu.org/auditlog/auditlog or registry.terraform.io/auditlog/auditlog): not evidence", [f.uc_address]))
	f.has(plan_violations(p), "PLAN: no auditlog_ucloud_operation_events data source was read")
	no_name := f.replacing(object.remove(f.uc_ds([]), ["provider_name"]))
	f.has(plan_violations(no_name), sprintf("PLAN: %s: read by the provider null, not the auditlog provider", [f.uc_address]))
}

# OpenTofu names the provider registry.opentofu.org/auditlog/auditlog.
test_opentofu_provider_is_the_auditlog_provider if {
	p := f.replacing(object.union(f.uc_ds([]), {"provider_name": "registry.opentofu.org/auditlog/auditlog"}))
	count(lib.data_sources_of("auditlog_ucloud_operation_events")) == 1 with input as p
	count(plan_violations(p)) == 0
}

# --- Targeted plans (review finding 2) --------------------------------------------------

# terraform plan -target=terraform_data.marker: the untargeted data sources
# keep the values of a state the configuration's author can edit.
test_targeted_plan_cannot_be_judged if {
	p := json.patch(f.good_plan, [{"op": "replace", "path": "/complete", "value": false}])
	f.has(cannot_judge(p), "PLAN: the plan is not complete (\"complete\": false): a targeted plan (-target or -exclude)")
	not f.has(cannot_judge(f.good_plan), "PLAN: the plan is not complete")
}

# --- Keys a verdict rests on (review finding 7) ----------------------------------------

# A plan JSON with neither "errored" nor "checks" (nor "complete") is not judged.
test_plan_without_errored_or_complete if {
	bare := object.remove(f.good_plan, ["errored", "checks", "complete"])
	f.has(cannot_judge(bare), "PLAN: the plan does not say whether it errored (no boolean \"errored\")")
	f.has(cannot_judge(bare), "PLAN: the plan does not say whether it is complete (no boolean \"complete\")")
	f.has(cannot_judge(object.remove(f.good_plan, ["complete"])), "PLAN: the plan does not say whether it is complete")
	f.has(cannot_judge(json.patch(f.good_plan, [{"op": "replace", "path": "/errored", "value": null}])), "PLAN: the plan does not say whether it errored")
	f.has(cannot_judge(json.patch(f.good_plan, [{"op": "replace", "path": "/complete", "value": "true"}])), "PLAN: the plan does not say whether it is complete")
}

# OpenTofu writes no "complete": its plans, read by its provider address, are judged without it.
test_opentofu_plan_without_complete if {
	tofu := [object.union(r, {"provider_name": "registry.opentofu.org/auditlog/auditlog"}) | some r in f.good_resources]
	p := object.remove(f.plan(tofu), ["complete"])
	count(cannot_judge(p)) == 0
	f.has(cannot_judge(object.remove(f.good_plan, ["complete"])), "PLAN: the plan does not say whether it is complete")
}

# An OpenTofu plan without any read still names OpenTofu's registry in its
# provider configuration: it is judged (and fails for the missing reads).
test_opentofu_plan_without_reads if {
	p := object.union(object.remove(f.plan([]), ["complete"]), {"configuration": {"provider_config": {"auditlog": {"name": "auditlog", "full_name": "registry.opentofu.org/auditlog/auditlog"}}}})
	count(cannot_judge(p)) == 0
	f.has(plan_violations(p), "PLAN: no auditlog_cloudaudit_tracks data source was read")
	tf := object.union(object.remove(f.plan([]), ["complete"]), {"configuration": {"provider_config": {"auditlog": {"name": "auditlog", "full_name": "registry.terraform.io/auditlog/auditlog"}}}})
	f.has(cannot_judge(tf), "PLAN: the plan does not say whether it is complete")
}
