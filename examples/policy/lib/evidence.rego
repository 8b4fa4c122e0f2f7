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
# tencentcloud.protocol, ucloud.base_url), the environment of the run
# (TENCENTCLOUD_ENDPOINT, TENCENTCLOUD_DOMAIN, TENCENTCLOUD_PROTOCOL,
# UCLOUD_API_BASE_URL) or a UCloud profile file chooses the server a read
# calls: a server of someone's choosing, or any party on the path of plain
# HTTP, can answer compliant records for any account. evidence.endpoint says
# which server answered; it must match one of the policy's origins on all
# three of scheme, host and port: HTTPS unless the origin says "http", the
# exact host or the whole host matching its host_pattern, the origin's port
# or else its scheme's (443, 80). evidence.endpoint_source says where it was
# set, and the message names that place: it judges nothing.

evidence_problems contains problem(r, "API server not known (evidence.endpoint is null or not a URL with a scheme, host and port): whether the records come from the cloud's API cannot be known (a provider older than evidence.endpoint?)") if {
	some r in data_sources
	has_evidence(r)
	not endpoint_parts(r)
}

evidence_problems contains problem(r, sprintf("API server %s (%s) is not one the policy trusts (origins: %s): %s, and its answers are not the cloud's", [ev_get(r, "endpoint"), origin_text(e), concat(", ", [origin_text(o) | some o in origins_list]), endpoint_source_text(r)])) if {
	some r in data_sources
	e := endpoint_parts(r)
	not endpoint_allowed(e)
}

# endpoint_source_text says who chose a read's server, from
# evidence.endpoint_source, with the settings of that place for the read's
# cloud: "set by the environment (TENCENTCLOUD_ENDPOINT, ...)". A value this
# library does not know (or none, from a provider older than the attribute)
# is quoted, and every place is named.
endpoint_source_text(r) := sprintf("set by %s (%s)", [endpoint_source_places[src], endpoint_settings[endpoint_cloud(r)][src]]) if {
	src := ev_get(r, "endpoint_source")
	is_string(src)
	endpoint_settings[endpoint_cloud(r)][src]
} else := "it is the provider's default (nothing set tencentcloud.endpoint, domain or protocol, nor their environment variables)" if {
	ev_get(r, "endpoint_source") == "default"
	endpoint_cloud(r) == "tencentcloud"
} else := "it is the provider's default (nothing set ucloud.base_url, UCLOUD_API_BASE_URL or a profile's base_url)" if {
	ev_get(r, "endpoint_source") == "default"
} else := sprintf("where it was set is not shown (evidence.endpoint_source is %s): the provider block, the environment or a profile file chose it", [json.marshal(ev_get(r, "endpoint_source"))])

endpoint_cloud(r) := "ucloud" if startswith(r.type, "auditlog_ucloud_")

else := "tencentcloud"

endpoint_source_places := {
	"provider_block": "the provider block",
	"environment": "the environment",
	"provider_block_and_environment": "the provider block and the environment together",
	"profile_file": "a profile file",
}

endpoint_settings := {
	"tencentcloud": {
		"provider_block": "tencentcloud.endpoint, tencentcloud.domain or tencentcloud.protocol",
		"environment": "TENCENTCLOUD_ENDPOINT, TENCENTCLOUD_DOMAIN or TENCENTCLOUD_PROTOCOL",
		"provider_block_and_environment": "tencentcloud.domain or TENCENTCLOUD_DOMAIN, with tencentcloud.protocol or TENCENTCLOUD_PROTOCOL",
	},
	"ucloud": {
		"provider_block": "ucloud.base_url",
		"environment": "UCLOUD_API_BASE_URL",
		"profile_file": "base_url of the profile in ~/.ucloud/config.json",
	},
}

default_port := {"https": 443, "http": 80}

# endpoint_parts is {"scheme", "host", "port"} of evidence.endpoint, scheme
# and host in lower case, the port the scheme's when the URL has none.
endpoint_parts(r) := {"scheme": scheme, "host": lower(m[0][2]), "port": url_port(scheme, m[0][3])} if {
	e := ev_get(r, "endpoint")
	is_string(e)
	m := regex.find_all_string_submatch_n(`^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@]*@)?(\[[^\]/?#]*\]|[^/:?#@\[\]]+)(?::([0-9]{0,5}))?(?:[/?#].*)?$`, e, 1)
	count(m) == 1
	scheme := lower(m[0][1])
	url_port(scheme, m[0][3]) <= 65535
}

url_port(scheme, "") := default_port[scheme]

url_port(_, p) := to_number(p) if p != ""

# endpoint_host is the host of evidence.endpoint, lower case.
endpoint_host(r) := endpoint_parts(r).host

endpoint_allowed(e) if {
	some o in origins_list
	origin_matches(o, e)
}

origin_scheme(o) := object.get(o, "scheme", "https")

origin_port(o) := object.get(o, "port", default_port[origin_scheme(o)])

origin_matches(o, e) if {
	origin_scheme(o) == e.scheme
	origin_port(o) == e.port
	origin_host_matches(o, e.host)
}

origin_host_matches(o, host) if {
	is_string(o.host)
	lower(o.host) == host
}

# A pattern matches the whole host, whatever its own anchors say (^a|b$ is
# anchored on one side of each branch only).
origin_host_matches(o, host) if {
	is_string(o.host_pattern)
	regex.is_valid(o.host_pattern)
	regex.match(sprintf("^(?:%s)$", [o.host_pattern]), host)
}

# origin_text shows an origin (or the parts of an endpoint) as
# scheme://host:port, a pattern between slashes.
origin_text(o) := sprintf("%s://%s:%d", [origin_scheme(o), origin_host_text(o), origin_port(o)])

origin_host_text(o) := o.host if is_string(o.host)

else := sprintf("/%s/", [o.host_pattern]) if is_string(o.host_pattern)

else := sprintf("%v", [o.host])

# acting_as_text names what a read acted as, from its evidence (never from
# the module instance key the author chose): " (read as account A in region
# G)", " (read as account A, sub-account U)", " (read in project P)"; "" when
# the evidence names none.
acting_as_text(r) := sprintf(" (read %s)", [concat(", ", parts)]) if {
	parts := [s |
		some s in [
			acting_part("as account %s", ev_get(r, "account_id")),
			acting_part("in region %s", ev_get(r, "region")),
			acting_part("sub-account %s", csip_sub_uin(r)),
			acting_part("in project %s", ev_get(r, "project_id")),
		]
		s != ""
	]
	count(parts) > 0
} else := ""

acting_part(format, value) := sprintf(format, [value]) if is_string(value)

else := ""

csip_sub_uin(r) := r.values.sub_uin if r.type == "auditlog_csip_user_call_records"

else := null

# --- The organization: accounts, their regions and sub-accounts; projects -----------
#
# tencentcloud.accounts maps each account (owner UIN) to the regions its
# CloudAudit reads are sent to and the CSIP sub-accounts read under it. A
# read must act as an account the policy names, in one of that account's
# regions, and a CSIP read must read a sub-account of the account it acts as
# (evidence.account_id is the owner the call was made as).

org_accounts := data.auditlog.policy.tencentcloud.accounts if is_object(data.auditlog.policy.tencentcloud.accounts)

else := {}

account_ids := sort([a | some a, _ in org_accounts])

regions_of(a) := org_accounts[a].regions

sub_uins_of(a) := object.get(org_accounts[a], "csip_sub_uins", [])

ucloud_projects := data.auditlog.policy.ucloud.projects if is_array(data.auditlog.policy.ucloud.projects)

else := []

evidence_problems contains problem(r, sprintf("account not known (evidence.account_id is null: the identity could not be learned), but the policy names the accounts %s (tencentcloud.accounts)", [names_text(account_ids)])) if {
	some r in data_sources
	tencent_types[r.type]
	not is_string(ev_get(r, "account_id"))
}

evidence_problems contains problem(r, sprintf("account %s is not one the policy names (tencentcloud.accounts: %s)", [a, names_text(account_ids)])) if {
	some r in data_sources
	tencent_types[r.type]
	a := ev_get(r, "account_id")
	is_string(a)
	not org_accounts[a]
}

evidence_problems contains problem(r, "region not known (evidence.region is null), but the policy names the regions each account is read in (tencentcloud.accounts[ACCOUNT].regions)") if {
	some r in data_sources
	regional_types[r.type]
	not is_string(ev_get(r, "region"))
}

evidence_problems contains problem(r, sprintf("region %s is not one of account %s's regions (tencentcloud.accounts[\"%s\"].regions: %s)", [g, a, a, names_text(regions_of(a))])) if {
	some r in data_sources
	regional_types[r.type]
	a := ev_get(r, "account_id")
	org_accounts[a]
	g := ev_get(r, "region")
	is_string(g)
	not g in regions_of(a)
}

evidence_problems contains problem(r, sprintf("sub-account %v was read under account %s, which the policy does not name as its owner (tencentcloud.accounts[\"%s\"].csip_sub_uins: %s)%s", [u, a, a, names_text(sub_uins_of(a)), owners_text(u)])) if {
	some r in data_sources_of("auditlog_csip_user_call_records")
	a := ev_get(r, "account_id")
	org_accounts[a]
	u := r.values.sub_uin
	not u in sub_uins_of(a)
}

owners_text(u) := sprintf("; the policy names it under %s", [concat(", ", owners)]) if {
	owners := sort([a | some a, _ in org_accounts; u in sub_uins_of(a)])
	count(owners) > 0
} else := ""

evidence_problems contains problem(r, sprintf("project not known (evidence.project_id is null), but the policy names the projects %s (ucloud.projects)", [names_text(ucloud_projects)])) if {
	some r in data_sources_of("auditlog_ucloud_operation_events")
	not is_string(ev_get(r, "project_id"))
}

evidence_problems contains problem(r, sprintf("project %s is not one the policy names (ucloud.projects: %s)", [p, names_text(ucloud_projects)])) if {
	some r in data_sources_of("auditlog_ucloud_operation_events")
	p := ev_get(r, "project_id")
	is_string(p)
	not p in ucloud_projects
}

names_text(list) := concat(", ", list) if count(list) > 0

else := "none"

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
control_evidence(control, types) := (((of_data_sources(control, types) | of_narrowing(control, types)) | of_selection(control, types)) | of_scope(control, types)) | of_cls(control, types)

of_data_sources(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: %s%s", [control, r.address, p.reason, acting_as_text(r)])} |
	some r in reads_for(control, types)
	some p in evidence_problems
	p.address == r.address
}

of_narrowing(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: narrowed by %s, which %s does not allow (controls[\"%s\"].allowed_narrowing): the read may hold fewer records than the window%s", [control, r.address, n, control, control, acting_as_text(r)])} |
	some r in reads_for(control, types)
	not cls_types[r.type] # cls.rego: a topic's filter, the analysis' query
	some n in narrowing(r)
	n != "select"
	not n in allowed_narrowing(control)
}

of_selection(control, types) := {{"address": r.address, "message": sprintf("%s: %s: evidence: narrowed by select (evidence.selection %s), which is not %s's selection (controls[\"%s\"].selection %s): the read may hold fewer records than %s reviews%s", [control, r.address, json.marshal(ev_get(r, "selection")), control, control, json.marshal(object.get(object.get(data.auditlog.policy.controls, control, {}), "selection", null)), control, acting_as_text(r)])} |
	some r in reads_for(control, types)
	selected(r)
	not selection_is(r, control)
}

of_scope(control, types) := {{"address": null, "message": m} | some m in scope_messages(control, types)}

scope_messages(control, types) := ((not_read(control, types) | account_regions_not_read(control, types)) | projects_not_read(control, types)) | sub_accounts_not_read(control, types)

not_read(control, types) := {sprintf("%s: no %s data source was read: the control has no evidence", [control, t]) |
	some t in types
	not cls_types[t] # cls.rego: one per tracking set that delivers to CLS
	count(reads_for(control, {t})) == 0
	not deferred_type(t)
}

# Per-set reads (auditlog_cloudaudit_track) follow the list; the lists and
# the events are what must come from every (account, region) pair.
paired_types := {"auditlog_cloudaudit_tracks", "auditlog_cloudaudit_events"}

account_regions_not_read(control, types) := {sprintf("%s: account %s, region %s: no %s data source read it (tencentcloud.accounts[\"%s\"].regions)", [control, a, g, t, a]) |
	some t in types
	paired_types[t]
	some a, acct in org_accounts
	some g in acct.regions
	not read_pair(control, t, a, g)
}

projects_not_read(control, types) := {sprintf("%s: project %s: no auditlog_ucloud_operation_events data source read it (ucloud.projects)", [control, p]) |
	"auditlog_ucloud_operation_events" in types
	some p in ucloud_projects
	not read_by(control, "auditlog_ucloud_operation_events", "project_id", p)
}

sub_accounts_not_read(control, types) := {sprintf("%s: sub-account %s of account %s: no auditlog_csip_user_call_records data source read it under account %s (tencentcloud.accounts[\"%s\"].csip_sub_uins)", [control, u, a, a, a]) |
	"auditlog_csip_user_call_records" in types
	some a, _ in org_accounts
	some u in sub_uins_of(a)
	not csip_read(control, a, u)
}

# read_by holds when one of the reads control rests on (reads_for: not a read
# selected for another control) has evidence key = value: a read that is
# another control's evidence covers no scope of this one.
read_by(control, t, key, value) if {
	some r in reads_for(control, {t})
	ev_get(r, key) == value
}

read_pair(control, t, account, region) if {
	some r in reads_for(control, {t})
	ev_get(r, "account_id") == account
	ev_get(r, "region") == region
}

csip_read(control, account, uin) if {
	some r in reads_for(control, {"auditlog_csip_user_call_records"})
	ev_get(r, "account_id") == account
	r.values.sub_uin == uin
}
