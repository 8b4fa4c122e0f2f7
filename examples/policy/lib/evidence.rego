# Coverage: does the evidence a control rests on cover what the policy
# reviews? Each data source's `evidence` attribute says how much it read,
# over which window, as which account, in which region or project, and which
# arguments narrowed it. A control passes only on evidence that is complete,
# covers the policy's window, is narrowed only as the control allows, and
# comes from every account, region, project and sub-account the policy
# names, and from no other.
#
# Own policies use control_evidence(ID, TYPES): the set of
# {"address", "message"} problems of the evidence control ID rests on, with
# the narrowing allowed by data.auditlog.policy.controls[ID].allowed_narrowing.
package auditlog.lib

problem(r, reason) := {"address": r.address, "type": r.type, "reason": reason}

ev_get(r, key) := object.get(evidence(r), key, null)

# --- Problems of one data source, whatever control uses it --------------------------

evidence_problems contains problem(r, "no evidence object: a read that does not state its completeness, window and account cannot be trusted (a provider older than the evidence contract?)") if {
	some r in data_sources
	not has_evidence(r)
}

# has_evidence is a function so that "not" sees an absent attribute as false.
has_evidence(r) if is_object(r.values.evidence)

evidence_problems contains problem(r, sprintf("incomplete: evidence.complete is %s with %v records read: the read stopped before every record matching the request (max_items or the API)", [json.marshal(ev_get(r, "complete")), record_count(r)])) if {
	some r in data_sources
	has_evidence(r)
	ev_get(r, "complete") != true
}

evidence_problems contains problem(r, "evidence.narrowed_by is missing: whether arguments narrowed the read cannot be known") if {
	some r in data_sources
	has_evidence(r)
	not is_array(ev_get(r, "narrowed_by"))
}

evidence_problems contains problem(r, sprintf("evidence.records is %v but the data source lists %d records", [ev_get(r, "records"), count(records(r))])) if {
	some r in data_sources
	record_list[r.type]
	is_number(ev_get(r, "records"))
	ev_get(r, "records") != count(records(r))
}

evidence_problems contains problem(r, sprintf("lists %d of the %v tracking sets the API counts (total_count)", [count(records(r)), r.values.total_count])) if {
	some r in data_sources_of("auditlog_cloudaudit_tracks")
	r.values.total_count != count(records(r))
}

evidence_problems contains problem(r, sprintf("lists %d of the %v records the API counts (total)", [count(records(r)), r.values.total])) if {
	some r in data_sources_of("auditlog_csip_user_call_records")
	r.values.total != count(records(r))
}

# --- The window ----------------------------------------------------------------------

evidence_problems contains problem(r, "window chosen by the API (evidence.window_chosen_by_api): no start or end was sent, and what the API's own default covers is not documented; set the window explicitly") if {
	some r in data_sources
	windowed_types[r.type]
	ev_get(r, "window_chosen_by_api") == true
}

evidence_problems contains problem(r, "evidence.window_chosen_by_api is missing: whether the API chose the window cannot be known") if {
	some r in data_sources
	windowed_types[r.type]
	has_evidence(r)
	not is_boolean(ev_get(r, "window_chosen_by_api"))
}

evidence_problems contains problem(r, sprintf("no window shown (evidence.window_start %s, window_end %s): whether the read covers the policy's window cannot be known", [json.marshal(ev_get(r, "window_start")), json.marshal(ev_get(r, "window_end"))])) if {
	some r in data_sources
	windowed_types[r.type]
	ev_get(r, "window_chosen_by_api") == false
	not window_shown(r)
}

evidence_problems contains problem(r, sprintf("window %s to %s lies in the future: it starts after the plan's time %s, so it holds none of the records under review", [rfc3339(ws), rfc3339(we), rfc3339(plan_time_s)])) if {
	some r in data_sources
	windowed_types[r.type]
	window_shown(r)
	ws := ev_get(r, "window_start")
	we := ev_get(r, "window_end")
	ws > plan_time_s
}

evidence_problems contains problem(r, sprintf("window %s to %s does not cover the policy's window %s to %s", [rfc3339(ws), rfc3339(we), rfc3339(window_start_s), rfc3339(window_end_s)])) if {
	some r in data_sources
	windowed_types[r.type]
	window_shown(r)
	ws := ev_get(r, "window_start")
	we := ev_get(r, "window_end")
	ws <= plan_time_s
	not covers(ws, we)
}

window_shown(r) if {
	is_number(ev_get(r, "window_start"))
	is_number(ev_get(r, "window_end"))
}

covers(ws, we) if {
	ws <= window_start_s
	we >= window_end_s
}

# --- The API server ---------------------------------------------------------------------
#
# The provider block (tencentcloud.endpoint, tencentcloud.domain,
# ucloud.base_url) chooses the server a read calls, and the configuration's
# author writes it: a server of theirs can answer compliant records for any
# account. evidence.endpoint says which server answered; its host must match
# one of the policy's allowed_endpoint_hosts (RE2, matched against the host
# alone, without scheme, port or path).

evidence_problems contains problem(r, "API server not known (evidence.endpoint is null or not a URL): whether the records come from the cloud's API cannot be known (a provider older than evidence.endpoint?)") if {
	some r in data_sources
	has_evidence(r)
	not endpoint_host(r)
}

evidence_problems contains problem(r, sprintf("API server %s is not one the policy trusts (allowed_endpoint_hosts: %s): the configuration chose it (tencentcloud.endpoint, tencentcloud.domain or ucloud.base_url), and its answers are not the cloud's", [ev_get(r, "endpoint"), concat(", ", param("allowed_endpoint_hosts"))])) if {
	some r in data_sources
	host := endpoint_host(r)
	not endpoint_allowed(host)
}

# endpoint_host is the host of evidence.endpoint, lower case.
endpoint_host(r) := lower(m[0][1]) if {
	e := ev_get(r, "endpoint")
	is_string(e)
	m := regex.find_all_string_submatch_n(`^[A-Za-z][A-Za-z0-9+.-]*://(\[[^\]]*\]|[^/:?#]+)`, e, 1)
	count(m) == 1
}

endpoint_allowed(host) if {
	some p in param("allowed_endpoint_hosts")
	regex.match(p, host)
}

# --- Account, region, project -----------------------------------------------------------

evidence_problems contains problem(r, sprintf("account not known (evidence.account_id is null: the identity could not be learned), but the policy expects %s (tencentcloud_accounts)", [concat(", ", param("tencentcloud_accounts"))])) if {
	some r in data_sources
	tencent_types[r.type]
	count(param("tencentcloud_accounts")) > 0
	not is_string(ev_get(r, "account_id"))
}

evidence_problems contains problem(r, sprintf("account %s is not one the policy expects (tencentcloud_accounts: %s)", [a, concat(", ", param("tencentcloud_accounts"))])) if {
	some r in data_sources
	tencent_types[r.type]
	count(param("tencentcloud_accounts")) > 0
	a := ev_get(r, "account_id")
	is_string(a)
	not a in param("tencentcloud_accounts")
}

evidence_problems contains problem(r, sprintf("region not known (evidence.region is null), but the policy expects %s (tencentcloud_regions)", [concat(", ", param("tencentcloud_regions"))])) if {
	some r in data_sources
	regional_types[r.type]
	count(param("tencentcloud_regions")) > 0
	not is_string(ev_get(r, "region"))
}

evidence_problems contains problem(r, sprintf("region %s is not one the policy expects (tencentcloud_regions: %s)", [g, concat(", ", param("tencentcloud_regions"))])) if {
	some r in data_sources
	regional_types[r.type]
	count(param("tencentcloud_regions")) > 0
	g := ev_get(r, "region")
	is_string(g)
	not g in param("tencentcloud_regions")
}

evidence_problems contains problem(r, sprintf("project not known (evidence.project_id is null), but the policy expects %s (ucloud_projects)", [concat(", ", param("ucloud_projects"))])) if {
	some r in data_sources_of("auditlog_ucloud_operation_events")
	count(param("ucloud_projects")) > 0
	not is_string(ev_get(r, "project_id"))
}

evidence_problems contains problem(r, sprintf("project %s is not one the policy expects (ucloud_projects: %s)", [p, concat(", ", param("ucloud_projects"))])) if {
	some r in data_sources_of("auditlog_ucloud_operation_events")
	count(param("ucloud_projects")) > 0
	p := ev_get(r, "project_id")
	is_string(p)
	not p in param("ucloud_projects")
}

# --- What one control may accept ---------------------------------------------------------

# narrowing returns the narrowed_by entries of a data source.
narrowing(r) := {n | some n in ev_get(r, "narrowed_by")} if is_array(ev_get(r, "narrowed_by"))

else := set()

allowed_narrowing(control) := {n | some n in data.auditlog.policy.controls[control].allowed_narrowing}

# --- Selection ------------------------------------------------------------------------

# A read narrowed by its select block (evidence.narrowed_by lists "select")
# holds only the records its evidence.selection keeps. A control whose policy
# data declares that selection (controls[ID].selection, the object the
# provider reports: {"api": [...], "provider": [...]}) accepts it: it is the
# control's own read, not a narrowing. A read selected as another control
# declares belongs to that control and is not evidence for this one; any
# other selection is narrowing, which no control accepts.
selected(r) if "select" in narrowing(r)

selection_is(r, control) if {
	selected(r)
	ev_get(r, "selection") == data.auditlog.policy.controls[control].selection
}

belongs_elsewhere(r, control) if {
	selected(r)
	not selection_is(r, control)
	some other, c in data.auditlog.policy.controls
	other != control
	ev_get(r, "selection") == c.selection
}

# reads_for returns the data sources of these types that control rests on.
reads_for(control, types) := {r |
	some r in data_sources
	r.type in types
	not belongs_elsewhere(r, control)
}

# control_evidence returns every problem of the evidence a control rests on,
# as {"address": ADDRESS or null, "message": "CONTROL: ADDRESS: evidence: ..."}.
control_evidence(control, types) := ((of_data_sources(control, types) | of_narrowing(control, types)) | of_selection(control, types)) | of_scope(control, types)

of_data_sources(control, types) := {{"address": p.address, "message": sprintf("%s: %s: evidence: %s", [control, p.address, p.reason])} |
	some p in evidence_problems
	p.type in types
	p.address in {r.address | some r in reads_for(control, types)}
}

of_narrowing(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: narrowed by %s, which %s does not allow (controls[\"%s\"].allowed_narrowing): the read may hold fewer records than the window", [control, r.address, n, control, control])} |
	some r in reads_for(control, types)
	some n in narrowing(r)
	n != "select"
	not n in allowed_narrowing(control)
}

of_selection(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: narrowed by select (evidence.selection %s), which is not %s's selection (controls[\"%s\"].selection %s): the read may hold fewer records than %s reviews", [control, r.address, json.marshal(ev_get(r, "selection")), control, control, json.marshal(object.get(object.get(data.auditlog.policy.controls, control, {}), "selection", null)), control])} |
	some r in reads_for(control, types)
	selected(r)
	not selection_is(r, control)
}

of_scope(control, types) := {{"address": null, "message": m} | some m in scope_messages(control, types)}

scope_messages(control, types) := (((not_read(control, types) | accounts_not_read(control, types)) | regions_not_read(control, types)) | projects_not_read(control, types)) | sub_accounts_not_read(control, types)

not_read(control, types) := {sprintf("%s: no %s data source was read: the control has no evidence", [control, t]) |
	some t in types
	count(reads_for(control, {t})) == 0
	not deferred_type(t)
}

# Per-set reads (auditlog_cloudaudit_track) follow the list; the list is what
# must come from every account and region.
scoped_types := {"auditlog_cloudaudit_tracks", "auditlog_cloudaudit_events", "auditlog_csip_user_call_records"}

accounts_not_read(control, types) := {sprintf("%s: account %s: no %s data source read it (tencentcloud_accounts)", [control, a, t]) |
	some t in types
	scoped_types[t]
	some a in param("tencentcloud_accounts")
	not read_by(control, t, "account_id", a)
}

regions_not_read(control, types) := {sprintf("%s: region %s: no %s data source read it (tencentcloud_regions)", [control, g, t]) |
	some t in types
	scoped_types[t]
	regional_types[t]
	some g in param("tencentcloud_regions")
	not read_by(control, t, "region", g)
}

projects_not_read(control, types) := {sprintf("%s: project %s: no auditlog_ucloud_operation_events data source read it (ucloud_projects)", [control, p]) |
	"auditlog_ucloud_operation_events" in types
	some p in param("ucloud_projects")
	not read_by(control, "auditlog_ucloud_operation_events", "project_id", p)
}

sub_accounts_not_read(control, types) := {sprintf("%s: sub-account %s: no auditlog_csip_user_call_records data source read it (csip_sub_uins)", [control, u]) |
	"auditlog_csip_user_call_records" in types
	some u in param("csip_sub_uins")
	not csip_read(control, u)
}

# read_by holds when one of the reads control rests on (reads_for: not a read
# selected for another control) has evidence key = value: a read that is
# another control's evidence covers no scope of this one.
read_by(control, t, key, value) if {
	some r in reads_for(control, {t})
	ev_get(r, key) == value
}

csip_read(control, uin) if {
	some r in reads_for(control, {"auditlog_csip_user_call_records"})
	r.values.sub_uin == uin
}
