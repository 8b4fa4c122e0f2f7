package auditlog.lib_evidence_test

import data.auditlog.fixtures as f
import data.auditlog.lib

# problems_of returns the messages control_evidence gives control id over
# types for a plan, under the fixture policy (or pol).
problems_of(p, id, types) := msgs if {
	msgs := {e.message | some e in lib.control_evidence(id, types)} with input as p with data.auditlog.policy as f.policy
}

problems_with(p, pol, id, types) := msgs if {
	msgs := {e.message | some e in lib.control_evidence(id, types)} with input as p with data.auditlog.policy as pol
}

uc := {"auditlog_ucloud_operation_events"}

csip := {"auditlog_csip_user_call_records"}

events := {"auditlog_cloudaudit_events"}

tracks := {"auditlog_cloudaudit_tracks"}

uc_with(patch) := f.replacing(f.with_evidence(f.uc_ds([]), patch))

events_with(patch) := f.replacing(f.with_evidence(f.events_ds([]), patch))

csip_with(patch) := f.replacing(f.with_evidence(f.csip_ds("100021372635", []), patch))

tracks_with(patch) := f.replacing(f.with_evidence(f.tracks_ds([f.good_track]), patch))

test_good_plan_covers_every_control if {
	every types in [uc, csip, events, tracks, {"auditlog_cloudaudit_track"}] {
		count(problems_of(f.good_plan, "UC-01", types)) == 0
	}
}

# --- Completeness (probe 1) --------------------------------------------------------------

# UCloud cut inside a page: resume_token is null, but the read is not complete.
test_incomplete_read if {
	p := uc_with({"complete": false, "records": 0})
	f.has(problems_of(p, "UC-01", uc), sprintf("UC-01: %s: evidence: incomplete: evidence.complete is false", [f.uc_address]))
}

test_complete_null_or_missing if {
	f.has(problems_of(uc_with({"complete": null}), "UC-01", uc), sprintf("UC-01: %s: evidence: incomplete: evidence.complete is null", [f.uc_address]))
	p := f.replacing(json.patch(f.uc_ds([]), [{"op": "remove", "path": "/values/evidence/complete"}]))
	f.has(problems_of(p, "UC-01", uc), sprintf("UC-01: %s: evidence: incomplete: evidence.complete is null", [f.uc_address]))
}

test_no_evidence_object if {
	for_null := f.replacing(json.patch(f.uc_ds([]), [{"op": "replace", "path": "/values/evidence", "value": null}]))
	f.has(problems_of(for_null, "UC-01", uc), sprintf("UC-01: %s: evidence: no evidence object", [f.uc_address]))
	absent := f.replacing(json.patch(f.uc_ds([]), [{"op": "remove", "path": "/values/evidence"}]))
	f.has(problems_of(absent, "UC-01", uc), sprintf("UC-01: %s: evidence: no evidence object", [f.uc_address]))
}

test_inconsistent_counts if {
	f.has(problems_of(uc_with({"records": 5}), "UC-01", uc), sprintf("UC-01: %s: evidence: evidence.records is 5 but the data source lists 0 records", [f.uc_address]))
	t := f.replacing(json.patch(f.tracks_ds([f.good_track]), [{"op": "replace", "path": "/values/total_count", "value": 5}]))
	f.has(problems_of(t, "TRK-01", tracks), sprintf("TRK-01: %s: evidence: lists 1 of the 5 tracking sets", [f.tracks_address]))
	c := f.replacing(json.patch(f.csip_ds("100021372635", []), [{"op": "replace", "path": "/values/total", "value": 7}]))
	f.has(problems_of(c, "NET-01", csip), sprintf("NET-01: %s: evidence: lists 0 of the 7 records", [f.csip_address("100021372635")]))
}

# --- The window (probe 3) ----------------------------------------------------------------

test_window_of_the_last_hour_does_not_cover if {
	p := events_with({"window_start": f.now_unix - 3600})
	f.has(problems_of(p, "EVT-01", events), sprintf("EVT-01: %s: evidence: window 2026-05-31T23:00:00Z to 2026-06-01T00:00:00Z does not cover the policy's window 2026-05-04T00:00:00Z to 2026-06-01T00:00:00Z", [f.events_address]))
}

test_window_one_second_short_does_not_cover if {
	f.has(problems_of(uc_with({"window_start": f.window.start + 1}), "UC-01", uc), sprintf("UC-01: %s: evidence: window", [f.uc_address]))
	f.has(problems_of(uc_with({"window_end": f.window.end - 1}), "UC-01", uc), sprintf("UC-01: %s: evidence: window", [f.uc_address]))
}

test_wider_window_covers if {
	count(problems_of(uc_with({"window_start": f.window.start - f.day, "window_end": f.window.end + 60}), "UC-01", uc)) == 0
}

test_window_in_the_future if {
	p := events_with({"window_start": f.now_unix + f.day, "window_end": f.now_unix + (2 * f.day)})
	msgs := problems_of(p, "EVT-01", events)
	f.has(msgs, sprintf("EVT-01: %s: evidence: window 2026-06-02T00:00:00Z to 2026-06-03T00:00:00Z lies in the future", [f.events_address]))
	not f.has_all(msgs, ["does not cover"])
}

test_window_chosen_by_the_api if {
	p := csip_with({"window_chosen_by_api": true, "window_start": null, "window_end": null})
	msgs := problems_of(p, "NET-01", csip)
	f.has(msgs, sprintf("NET-01: %s: evidence: window chosen by the API", [f.csip_address("100021372635")]))
	not f.has_all(msgs, ["no window shown"])
}

test_window_not_shown if {
	f.has(problems_of(uc_with({"window_start": null}), "UC-01", uc), sprintf("UC-01: %s: evidence: no window shown (evidence.window_start null", [f.uc_address]))
	f.has(problems_of(uc_with({"window_chosen_by_api": null}), "UC-01", uc), sprintf("UC-01: %s: evidence: evidence.window_chosen_by_api is missing", [f.uc_address]))
}

# Tracking sets have no window: a null one is fine there.
test_unwindowed_types_need_no_window if {
	count(problems_of(f.good_plan, "TRK-01", tracks)) == 0
}

test_window_from_policy_dates if {
	pol := object.union(f.policy, {"window_start": "2026-04-01", "window_end": "2026-04-02"})
	msgs := problems_with(f.good_plan, pol, "UC-01", uc)
	f.has(msgs, sprintf("UC-01: %s: evidence: window 2026-05-04T00:00:00Z to 2026-06-01T00:00:00Z does not cover the policy's window 2026-04-01T00:00:00Z to 2026-04-02T23:59:59Z", [f.uc_address]))
}

# --- Narrowing (probe 3) -------------------------------------------------------------------

test_narrowing_not_allowed if {
	every n in ["filter.filters", "filter.offset", "filter.limit"] {
		f.has(problems_of(csip_with({"narrowed_by": [n]}), "NET-01", csip), sprintf("NET-01: %s: evidence: narrowed by %s, which NET-01 does not allow", [f.csip_address("100021372635"), n]))
	}
	f.has(problems_of(events_with({"narrowed_by": ["lookup_attributes"]}), "EVT-01", events), sprintf("EVT-01: %s: evidence: narrowed by lookup_attributes", [f.events_address]))
	f.has(problems_of(events_with({"narrowed_by": ["next_token"]}), "EVT-01", events), sprintf("EVT-01: %s: evidence: narrowed by next_token", [f.events_address]))
	f.has(problems_of(uc_with({"narrowed_by": ["access_key_ids", "resource_id"]}), "UC-01", uc), sprintf("UC-01: %s: evidence: narrowed by resource_id", [f.uc_address]))
}

test_narrowing_allowed_by_the_control if {
	count(problems_of(uc_with({"narrowed_by": ["max_items"]}), "UC-01", uc)) == 0
	pol := f.with_policy("controls", {"UC-01": {"allowed_narrowing": ["max_items", "resource_id"]}})
	count(problems_with(uc_with({"narrowed_by": ["max_items", "resource_id"]}), pol, "UC-01", uc)) == 0
	f.has(problems_with(uc_with({"narrowed_by": ["max_items"]}), f.with_policy("controls", {"UC-01": {"allowed_narrowing": []}}), "UC-01", uc), "UC-01: module.compliance.data.auditlog_ucloud_operation_events.window: evidence: narrowed by max_items")
}

# A control the policy data does not name allows no narrowing at all.
test_unknown_control_allows_no_narrowing if {
	f.has(problems_of(uc_with({"narrowed_by": ["max_items"]}), "MY-01", uc), "MY-01: module.compliance.data.auditlog_ucloud_operation_events.window: evidence: narrowed by max_items")
}

test_narrowed_by_missing if {
	f.has(problems_of(uc_with({"narrowed_by": null}), "UC-01", uc), sprintf("UC-01: %s: evidence: evidence.narrowed_by is missing", [f.uc_address]))
}

# --- The organization: accounts, their regions and sub-accounts; projects ------------------

# org returns the fixture policy with the accounts map given.
org(accounts) := f.with_policy("tencentcloud", {"accounts": accounts})

acct(regions, subs) := {"regions": regions, "csip_sub_uins": subs}

test_other_account if {
	msgs := problems_of(events_with({"account_id": "200000000002"}), "EVT-01", events)
	f.has(msgs, sprintf("EVT-01: %s: evidence: account 200000000002 is not one the policy names (tencentcloud.accounts: 100000000001) (read as account 200000000002, in region ap-guangzhou)", [f.events_address]))
	f.has(msgs, "EVT-01: account 100000000001, region ap-guangzhou: no auditlog_cloudaudit_events data source read it (tencentcloud.accounts[\"100000000001\"].regions)")
}

test_null_account if {
	msgs := problems_of(tracks_with({"account_id": null}), "TRK-01", tracks)
	f.has(msgs, sprintf("TRK-01: %s: evidence: account not known (evidence.account_id is null", [f.tracks_address]))
}

# Version 2 names every account: an empty map is no account, never any.
test_no_account_named if {
	msgs := problems_with(f.good_plan, org({}), "TRK-01", tracks)
	f.has(msgs, sprintf("TRK-01: %s: evidence: account 100000000001 is not one the policy names (tencentcloud.accounts: none)", [f.tracks_address]))
}

test_second_account_required if {
	pol := org({f.account: acct(["ap-guangzhou"], ["100021372635"]), "200000000002": acct(["ap-guangzhou"], ["100021372699"])})
	f.has(problems_with(f.good_plan, pol, "NET-01", csip), "NET-01: sub-account 100021372699 of account 200000000002: no auditlog_csip_user_call_records data source read it under account 200000000002 (tencentcloud.accounts[\"200000000002\"].csip_sub_uins)")
	f.has(problems_with(f.good_plan, pol, "EVT-01", events), "EVT-01: account 200000000002, region ap-guangzhou: no auditlog_cloudaudit_events data source read it")
	f.has(problems_with(f.good_plan, pol, "TRK-01", tracks), "TRK-01: account 200000000002, region ap-guangzhou: no auditlog_cloudaudit_tracks data source read it")
}

# An account without sub-accounts needs no CSIP read.
test_account_without_sub_accounts if {
	pol := org({f.account: acct(["ap-guangzhou"], ["100021372635"]), "200000000002": acct(["ap-guangzhou"], [])})
	count(problems_with(f.good_plan, pol, "NET-01", csip)) == 0
}

test_region if {
	f.has(problems_of(events_with({"region": "ap-shanghai"}), "EVT-01", events), sprintf("EVT-01: %s: evidence: region ap-shanghai is not one of account 100000000001's regions (tencentcloud.accounts[\"100000000001\"].regions: ap-guangzhou)", [f.events_address]))
	f.has(problems_of(events_with({"region": null}), "EVT-01", events), sprintf("EVT-01: %s: evidence: region not known", [f.events_address]))
	pol := org({f.account: acct(["ap-guangzhou", "ap-singapore"], ["100021372635"])})
	f.has(problems_with(f.good_plan, pol, "EVT-01", events), "EVT-01: account 100000000001, region ap-singapore: no auditlog_cloudaudit_events data source read it")
}

# CSIP sends no region: its null region is never a problem.
test_csip_has_no_region if {
	count(problems_of(f.good_plan, "NET-01", csip)) == 0
}

test_project if {
	f.has(problems_of(uc_with({"project_id": "org-other"}), "UC-01", uc), sprintf("UC-01: %s: evidence: project org-other is not one the policy names (ucloud.projects: org-sim001)", [f.uc_address]))
	f.has(problems_of(uc_with({"project_id": null}), "UC-01", uc), sprintf("UC-01: %s: evidence: project not known", [f.uc_address]))
	f.has(problems_of(uc_with({"project_id": "org-other"}), "UC-01", uc), "UC-01: project org-sim001: no auditlog_ucloud_operation_events data source read it")
}

# Probe 3: fewer sub-accounts read than the policy names.
test_sub_account_not_read if {
	pol := org({f.account: acct(["ap-guangzhou"], ["100021372635", "100021372636"])})
	f.has(problems_with(f.good_plan, pol, "NET-01", csip), "NET-01: sub-account 100021372636 of account 100000000001: no auditlog_csip_user_call_records data source read it under account 100000000001")
}

# --- Probe 8: the organization pairs what belongs together -------------------------------

# Two accounts, each with its own region and sub-account.
org_policy := org({
	"100000000001": acct(["ap-guangzhou"], ["100021372635"]),
	"200000000002": acct(["ap-singapore"], ["200021372635"]),
})

# reads_as returns a data source acting as account in region, at an address
# with that key.
reads_as(r, account, region) := json.patch(f.with_evidence(r, {"account_id": account, "region": region}), [{"op": "replace", "path": "/address", "value": sprintf("%s[\"%s-%s\"]", [r.address, account, region])}])

org_plan(resources) := f.plan(array.concat([x | some x in f.good_resources; not x.type in {"auditlog_cloudaudit_events", "auditlog_csip_user_call_records"}], resources))

org_events_ok := [reads_as(f.events_ds([]), "100000000001", "ap-guangzhou"), reads_as(f.events_ds([]), "200000000002", "ap-singapore")]

org_csip_ok := [
	f.with_evidence(f.csip_ds("100021372635", []), {"account_id": "100000000001"}),
	json.patch(f.with_evidence(f.csip_ds("200021372635", []), {"account_id": "200000000002"}), [{"op": "replace", "path": "/address", "value": f.csip_address("200021372635")}]),
]

test_probe8_organization_paired_passes if {
	p := org_plan(array.concat(org_events_ok, org_csip_ok))
	count(problems_with(p, org_policy, "EVT-01", events)) == 0
	count(problems_with(p, org_policy, "NET-01", csip)) == 0
}

# Variant 1: a CSIP sub-account read under the wrong owner account. The
# read's evidence.account_id is the owner the call was made as.
test_probe8_sub_account_under_the_wrong_owner if {
	wrong := f.with_evidence(f.csip_ds("200021372635", []), {"account_id": "100000000001"})
	p := org_plan(array.concat(org_events_ok, [org_csip_ok[0], json.patch(wrong, [{"op": "replace", "path": "/address", "value": f.csip_address("200021372635")}])]))
	msgs := problems_with(p, org_policy, "NET-01", csip)
	f.has(msgs, sprintf("NET-01: %s: evidence: sub-account 200021372635 was read under account 100000000001, which the policy does not name as its owner (tencentcloud.accounts[\"100000000001\"].csip_sub_uins: 100021372635); the policy names it under 200000000002 (read as account 100000000001, sub-account 200021372635)", [f.csip_address("200021372635")]))
	f.has(msgs, "NET-01: sub-account 200021372635 of account 200000000002: no auditlog_csip_user_call_records data source read it under account 200000000002")
}

# Variant 2: each account read in a region, but not in its own: account 1 in
# ap-singapore, account 2 in ap-guangzhou. Every account and every region is
# read, no pair is.
test_probe8_accounts_read_in_each_others_regions if {
	swapped := [reads_as(f.events_ds([]), "100000000001", "ap-singapore"), reads_as(f.events_ds([]), "200000000002", "ap-guangzhou")]
	msgs := problems_with(org_plan(array.concat(swapped, org_csip_ok)), org_policy, "EVT-01", events)
	f.has(msgs, "EVT-01: account 100000000001, region ap-guangzhou: no auditlog_cloudaudit_events data source read it")
	f.has(msgs, "EVT-01: account 200000000002, region ap-singapore: no auditlog_cloudaudit_events data source read it")
	f.has_all(msgs, ["evidence: region ap-singapore is not one of account 100000000001's regions"])
}

# Variant 2b: an account named with two regions, read in one only.
test_probe8_account_read_in_one_of_its_regions if {
	pol := org({"100000000001": acct(["ap-guangzhou", "ap-singapore"], ["100021372635"])})
	msgs := problems_with(f.good_plan, pol, "EVT-01", events)
	f.has(msgs, "EVT-01: account 100000000001, region ap-singapore: no auditlog_cloudaudit_events data source read it")
	not f.has(msgs, "EVT-01: account 100000000001, region ap-guangzhou")
}

test_type_not_read if {
	f.has(problems_of(f.without_type("auditlog_csip_user_call_records"), "NET-01", csip), "NET-01: no auditlog_csip_user_call_records data source was read")
}

test_problems_name_the_address if {
	got := lib.control_evidence("UC-01", uc) with input as uc_with({"complete": false}) with data.auditlog.policy as f.policy
	count(got) > 0
	every e in got {
		e.address == f.uc_address
		startswith(e.message, sprintf("UC-01: %s: ", [f.uc_address]))
	}
}

# --- Selection ---------------------------------------------------------------------------

uc01_selection := {"api": [], "provider": ["apis=[\"^Delete\"]", "users_not_in=[\"admin\"]"]}

uc02_selection := {"api": [], "provider": ["failed_only=true"]}

selection_policy := f.with_policy("controls", {
	"UC-01": {"allowed_narrowing": ["max_items"], "selection": uc01_selection},
	"UC-02": {"allowed_narrowing": ["max_items"], "selection": uc02_selection},
})

# A read selected exactly as the control declares is its own read: accepted.
test_selection_of_the_control_accepted if {
	count(problems_with(uc_with({"narrowed_by": ["select"], "selection": uc01_selection}), selection_policy, "UC-01", uc)) == 0
}

# A narrower selection (one more condition) is narrowing: denied.
test_narrower_selection_denied if {
	narrower := {"api": [], "provider": ["apis=[\"^Delete\"]", "failed_only=true", "users_not_in=[\"admin\"]"]}
	f.has(
		problems_with(uc_with({"narrowed_by": ["select"], "selection": narrower}), selection_policy, "UC-01", uc),
		sprintf("UC-01: %s: evidence: narrowed by select (evidence.selection %s), which is not UC-01's selection", [f.uc_address, json.marshal(narrower)]),
	)
}

# Without a declared selection, a control accepts no selected read.
test_selection_without_declaration_denied if {
	f.has(problems_of(uc_with({"narrowed_by": ["select"], "selection": uc01_selection}), "UC-01", uc), sprintf("UC-01: %s: evidence: narrowed by select", [f.uc_address]))
}

# "select" is not a narrowing a control can allow by name.
test_select_not_an_allowed_narrowing_name if {
	pol := f.with_policy("controls", {"UC-01": {"allowed_narrowing": ["max_items", "select"]}})
	count(lib.policy_errors) > 0 with data.auditlog.policy as pol
}

# A read selected for another control is not this control's evidence: UC-02
# has no read when the only one is UC-01's.
test_read_of_another_control_is_not_evidence if {
	p := uc_with({"narrowed_by": ["select"], "selection": uc01_selection})
	msgs := problems_with(p, selection_policy, "UC-02", uc)
	f.has(msgs, "UC-02: no auditlog_ucloud_operation_events data source was read")
	every m in msgs {
		not contains(m, "narrowed by select")
	}
}

# Review finding 4: scope is counted per control. With two projects, UC-01's
# read of org-sim002 does not cover UC-02, whose only read is of org-sim001.
test_scope_of_another_controls_read_does_not_count if {
	pol := object.union(selection_policy, {"ucloud": {"projects": ["org-sim001", "org-sim002"]}})
	uc01_other := json.patch(f.with_evidence(f.uc_ds([]), {"narrowed_by": ["select"], "selection": uc01_selection, "project_id": "org-sim002"}), [{"op": "replace", "path": "/address", "value": "module.compliance.data.auditlog_ucloud_operation_events.uc01_other"}])
	uc02 := f.with_evidence(f.uc_ds([]), {"narrowed_by": ["select"], "selection": uc02_selection})
	p := f.plan(array.concat([x | some x in f.good_resources; x.type != "auditlog_ucloud_operation_events"], [uc02, uc01_other]))
	f.has(problems_with(p, pol, "UC-02", uc), "UC-02: project org-sim002: no auditlog_ucloud_operation_events data source read it (ucloud.projects)")
	not f.has(problems_with(p, pol, "UC-01", uc), "UC-01: project org-sim002")
	f.has(problems_with(p, pol, "UC-01", uc), "UC-01: project org-sim001: no auditlog_ucloud_operation_events data source read it")
}

# The same for accounts, regions and CSIP sub-accounts: a read selected for
# another control covers none of this control's scope.
test_accounts_regions_sub_accounts_per_control if {
	ev01 := {"api": [], "provider": ["event_names=[\"^Delete\"]"]}
	pol := f.with_policy("controls", {"EVT-01": {"allowed_narrowing": ["max_items"], "selection": ev01}, "UC-02": {"allowed_narrowing": [], "selection": ev01}})
	p := f.replacing(f.with_evidence(f.events_ds([]), {"narrowed_by": ["select"], "selection": ev01}))
	count(problems_with(p, pol, "EVT-01", events)) == 0
	other := f.with_policy("controls", {"EVT-01": {"allowed_narrowing": ["max_items"]}, "UC-02": {"allowed_narrowing": [], "selection": ev01}})
	msgs := problems_with(p, other, "EVT-01", events)
	f.has(msgs, "EVT-01: account 100000000001, region ap-guangzhou: no auditlog_cloudaudit_events data source read it")
	c := f.replacing(f.with_evidence(f.csip_ds("100021372635", []), {"narrowed_by": ["select"], "selection": ev01}))
	f.has(problems_with(c, other, "NET-01", csip), "NET-01: sub-account 100021372635 of account 100000000001: no auditlog_csip_user_call_records data source read it")
}

# --- The API server: origins (review finding 3, probes 4 and 5) ------------------------------

# A configuration that points the provider at a server of its own
# (tencentcloud.endpoint, ucloud.base_url) gets no pass from its answers.
test_endpoint_not_trusted if {
	p := uc_with({"endpoint": "http://fake-audit.example:8080/v1"})
	f.has(problems_of(p, "UC-01", uc), sprintf("UC-01: %s: evidence: API server http://fake-audit.example:8080/v1 (http://fake-audit.example:8080) is not one the policy trusts (origins: https:///^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.tencentcloudapi\\.com$/:443, https://api.ucloud.cn:443)", [f.uc_address]))
	c := csip_with({"endpoint": "https://csip.tencentcloudapi.com.evil.example"})
	f.has(problems_of(c, "NET-01", csip), sprintf("NET-01: %s: evidence: API server https://csip.tencentcloudapi.com.evil.example (https://csip.tencentcloudapi.com.evil.example:443) is not one", [f.csip_address("100021372635")]))
	count(problems_of(events_with({"endpoint": "https://cloudaudit.ap-guangzhou.tencentcloudapi.com"}), "EVT-01", events)) == 0
	count(problems_of(uc_with({"endpoint": "HTTPS://API.UCLOUD.CN/"}), "UC-01", uc)) == 0
	count(problems_of(uc_with({"endpoint": "https://api.ucloud.cn:443/"}), "UC-01", uc)) == 0
}

# Probe 4: plain HTTP to a trusted host name (tencentcloud.protocol = "HTTP",
# an http:// UCloud gateway): any party on the path answers.
test_probe4_plain_http_to_a_trusted_host if {
	e := events_with({"endpoint": "http://cloudaudit.tencentcloudapi.com"})
	f.has(problems_of(e, "EVT-01", events), sprintf("EVT-01: %s: evidence: API server http://cloudaudit.tencentcloudapi.com (http://cloudaudit.tencentcloudapi.com:80) is not one the policy trusts", [f.events_address]))
	u := uc_with({"endpoint": "http://api.ucloud.cn"})
	f.has(problems_of(u, "UC-01", uc), sprintf("UC-01: %s: evidence: API server http://api.ucloud.cn (http://api.ucloud.cn:80) is not one", [f.uc_address]))

	# Plain HTTP on the HTTPS port is HTTP all the same.
	f.has(problems_of(uc_with({"endpoint": "http://api.ucloud.cn:443"}), "UC-01", uc), sprintf("UC-01: %s: evidence: API server http://api.ucloud.cn:443 ", [f.uc_address]))
}

# Probe 5: another server on a trusted host, through a second provider alias
# on another port.
test_probe5_another_port_on_a_trusted_host if {
	second := json.patch(f.with_evidence(f.uc_ds([]), {"endpoint": "https://api.ucloud.cn:8443"}), [{"op": "replace", "path": "/address", "value": "module.compliance.data.auditlog_ucloud_operation_events.second"}])
	p := f.plan(array.concat(f.good_resources, [second]))
	f.has(problems_of(p, "UC-01", uc), "UC-01: module.compliance.data.auditlog_ucloud_operation_events.second: evidence: API server https://api.ucloud.cn:8443 (https://api.ucloud.cn:8443) is not one the policy trusts")
	not f.has(problems_of(p, "UC-01", uc), sprintf("UC-01: %s: evidence: API server", [f.uc_address]))
	t := events_with({"endpoint": "https://cloudaudit.tencentcloudapi.com:4443"})
	f.has(problems_of(t, "EVT-01", events), sprintf("EVT-01: %s: evidence: API server https://cloudaudit.tencentcloudapi.com:4443 ", [f.events_address]))
}

# The host must match the whole pattern, whatever the pattern's own anchors:
# ^a|b$ is anchored on one side of each branch only.
test_host_pattern_matches_the_whole_host if {
	pol := f.with_policy("origins", [{"host_pattern": `^api\.ucloud\.cn|evil$`}])
	count(problems_with(uc_with({"endpoint": "https://api.ucloud.cn"}), pol, "UC-01", uc)) == 0
	f.has(problems_with(uc_with({"endpoint": "https://api.ucloud.cn.example.net"}), pol, "UC-01", uc), sprintf("UC-01: %s: evidence: API server https://api.ucloud.cn.example.net ", [f.uc_address]))
}

# User information before the host does not hide the server that is called.
test_endpoint_with_user_information if {
	f.has(problems_of(uc_with({"endpoint": "https://api.ucloud.cn@evil.example/"}), "UC-01", uc), sprintf("UC-01: %s: evidence: API server https://api.ucloud.cn@evil.example/ (https://evil.example:443)", [f.uc_address]))
}

test_endpoint_unknown if {
	f.has(problems_of(uc_with({"endpoint": null}), "UC-01", uc), sprintf("UC-01: %s: evidence: API server not known (evidence.endpoint is null", [f.uc_address]))
	f.has(problems_of(tracks_with({"endpoint": "127.0.0.1:8080"}), "TRK-01", tracks), sprintf("TRK-01: %s: evidence: API server not known", [f.tracks_address]))
	p := f.replacing(json.patch(f.uc_ds([]), [{"op": "remove", "path": "/values/evidence/endpoint"}]))
	f.has(problems_of(p, "UC-01", uc), sprintf("UC-01: %s: evidence: API server not known", [f.uc_address]))
}

# The policy data names the servers it trusts: the simulator's loopback
# address passes only when an origin names its scheme, host and port.
test_endpoint_allowed_by_policy_data if {
	p := uc_with({"endpoint": "http://127.0.0.1:41234"})
	f.has(problems_of(p, "UC-01", uc), sprintf("UC-01: %s: evidence: API server http://127.0.0.1:41234 (http://127.0.0.1:41234) is not one the policy trusts", [f.uc_address]))
	pol := f.with_policy("origins", [{"scheme": "http", "host": "127.0.0.1", "port": 41234}])
	count(problems_with(p, pol, "UC-01", uc)) == 0
	f.has(problems_with(p, f.with_policy("origins", [{"scheme": "http", "host": "127.0.0.1"}]), "UC-01", uc), sprintf("UC-01: %s: evidence: API server http://127.0.0.1:41234", [f.uc_address]))
	f.has(problems_with(p, f.with_policy("origins", [{"host": "127.0.0.1", "port": 41234}]), "UC-01", uc), sprintf("UC-01: %s: evidence: API server http://127.0.0.1:41234", [f.uc_address]))
	count(problems_with(p, f.with_policy("origins", [{"scheme": "http", "host_pattern": `^127\.0\.0\.[0-9]+$`, "port": 41234}]), "UC-01", uc)) == 0
}

# Who chose an untrusted server: the message says what evidence.endpoint_source
# names (the provider block, the environment, a profile file), and blames no
# one when the evidence does not say.
test_endpoint_untrusted_names_who_chose_it if {
	base := sprintf("UC-01: %s: evidence: API server http://127.0.0.1:41234 (http://127.0.0.1:41234) is not one the policy trusts (origins: https:///^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.tencentcloudapi\\.com$/:443, https://api.ucloud.cn:443): ", [f.uc_address])
	f.has(problems_of(uc_with({"endpoint": "http://127.0.0.1:41234", "endpoint_source": "environment"}), "UC-01", uc), concat("", [base, "the environment chose it (TENCENTCLOUD_ENDPOINT, TENCENTCLOUD_DOMAIN or UCLOUD_API_BASE_URL)"]))
	f.has(problems_of(uc_with({"endpoint": "http://127.0.0.1:41234", "endpoint_source": "provider_block"}), "UC-01", uc), concat("", [base, "the provider block chose it (tencentcloud.endpoint, tencentcloud.domain, tencentcloud.protocol or ucloud.base_url)"]))
	f.has(problems_of(uc_with({"endpoint": "http://127.0.0.1:41234", "endpoint_source": "profile_file"}), "UC-01", uc), concat("", [base, "a profile file chose it (tccli or UCloud profile)"]))
	f.has(problems_of(uc_with({"endpoint": "http://127.0.0.1:41234"}), "UC-01", uc), concat("", [base, "the provider block, the environment or a profile file chose it (evidence.endpoint_source does not say which)"]))
	not f.has(problems_of(uc_with({"endpoint": "http://127.0.0.1:41234", "endpoint_source": "environment"}), "UC-01", uc), concat("", [base, "the configuration chose it"]))
}
