# The controls. Each is a list of findings (id + detail) computed from the
# evidence in data.tf; a control passes when it has no finding and its
# evidence is complete.

locals {
  # --- The review window, as RFC 3339 times --------------------------------
  window_start = (var.window_start == null ? timeadd(plantimestamp(), "-${var.window_days * 24}h") :
  length(var.window_start) == 10 ? "${var.window_start}T00:00:00Z" : var.window_start)
  window_end = (var.window_end == null ? plantimestamp() :
  length(var.window_end) == 10 ? timeadd("${var.window_end}T00:00:00Z", "86399s") : var.window_end)

  window_unix = {
    start = provider::auditlog::unix_time(local.window_start)
    end   = provider::auditlog::unix_time(local.window_end)
  }

  # --- Evidence completeness ---------------------------------------------------
  tracks          = data.auditlog_cloudaudit_tracks.all.tracks
  tracks_complete = length(local.tracks) == data.auditlog_cloudaudit_tracks.all.total_count
  csip_incomplete = [
    for uin, ds in data.auditlog_csip_user_call_records.sub : uin if length(ds.data) != ds.total
  ]
  ucloud_complete = try(data.auditlog_ucloud_operation_events.window.resume_token, null) == null || try(data.auditlog_ucloud_operation_events.window.resume_token, "") == ""

  # --- TRK: CloudAudit tracking sets --------------------------------------------
  trk01 = [
    for t in local.tracks : { id = t.name, detail = "tracking set ${t.track_id} is disabled (Status ${t.status})" } if t.status != 1
  ]
  trk02 = [
    for t in local.tracks : {
      id     = t.name
      detail = "records ${t.action_type} actions of ${t.resource_type} (events ${join(",", t.event_names)}), not read and write actions of every resource type"
    } if !(t.action_type == "*" && t.resource_type == "*" && contains(t.event_names, "*"))
  ]
  trk03 = [
    for t in local.tracks : { id = t.name, detail = "delivers to no storage" }
    if try(t.storage.storage_type, "") == "" || try(t.storage.storage_name, "") == ""
  ]

  # --- NET: where sub-accounts call the cloud API from --------------------------
  csip_in_window = flatten([
    for uin, ds in data.auditlog_csip_user_call_records.sub : [
      for r in ds.data : merge(r, { sub_uin = uin })
      # CSIP writes Beijing time; a record is in the window when its calls
      # overlap it.
      if timecmp("${replace(r.last_call_time, " ", "T")}+08:00", local.window_start) >= 0 &&
      timecmp("${replace(r.first_call_time, " ", "T")}+08:00", local.window_end) <= 0
    ]
  ])
  # A masked address (106.55.***.47) cannot be proven to be inside a network:
  # it is a finding, never a pass. cidr_contains is an error for it, so
  # masked addresses are set apart before it is called.
  net01 = concat(
    [
      for r in local.csip_in_window : {
        id     = "${r.sub_uin}/${r.source_ip}"
        detail = "${r.user_name}: ${r.call_count} calls from ${r.source_ip} (${r.region}, ${r.isp}), last ${r.last_call_time} CST: address masked by the API, cannot be verified"
      } if strcontains(r.source_ip, "*")
    ],
    [
      # HCL's && evaluates both sides: masked addresses are left out before
      # the condition that calls cidr_contains.
      for r in [for x in local.csip_in_window : x if !strcontains(x.source_ip, "*")] : {
        id     = "${r.sub_uin}/${r.source_ip}"
        detail = "${r.user_name}: ${r.call_count} calls from ${r.source_ip} (${r.region}, ${r.isp}), last ${r.last_call_time} CST: outside every allowed network"
      }
      if !anytrue([
        for c in var.allowed_networks : provider::auditlog::cidr_contains(c, r.source_ip)
      ])
    ],
  )

  # --- UC: UCloud operations -----------------------------------------------------
  ucloud_in_window = [
    for e in data.auditlog_ucloud_operation_events.window.events : merge(e, {
      when = provider::auditlog::rfc3339(e.operate_time)
      ref  = "${coalesce(e.user_name, "(unknown)")}/${e.api}/${length(coalesce(e.related_resource, [])) == 0 ? "-" : e.related_resource[0].resource_id}"
    })
    if timecmp(timeadd("1970-01-01T00:00:00Z", "${e.operate_time}s"), local.window_start) >= 0 &&
    timecmp(timeadd("1970-01-01T00:00:00Z", "${e.operate_time}s"), local.window_end) <= 0
  ]
  uc01 = [
    for e in local.ucloud_in_window : {
      id     = e.ref
      detail = "${e.when} ${e.api} by ${coalesce(e.user_name, "(unknown)")} from ${e.remote_ip} (${e.access_key_id == null ? "console" : "API key"}, ${e.is_success ? "succeeded" : "failed"})"
    }
    if anytrue([for p in var.ucloud_risky_api_patterns : length(regexall(p, e.api)) > 0]) && !contains(var.ucloud_privileged_users, coalesce(e.user_name, "(unknown)"))
  ]
  ucloud_failed = [
    for e in local.ucloud_in_window : {
      id     = e.ref
      detail = "${e.when} ${e.api} by ${coalesce(e.user_name, "(unknown)")} failed"
    } if e.is_success == false
  ]

  # --- The verdicts ----------------------------------------------------------------
  control_defs = {
    "TRK-01" = {
      title      = "Every CloudAudit tracking set is enabled"
      rationale  = "A disabled tracking set records nothing: the audit trail has a gap nobody sees."
      findings   = local.trk01
      incomplete = local.tracks_complete ? [] : ["auditlog_cloudaudit_tracks read ${length(local.tracks)} of ${data.auditlog_cloudaudit_tracks.all.total_count} tracking sets"]
    }
    "TRK-02" = {
      title      = "Every tracking set records read and write actions of all resource types"
      rationale  = "Partial tracking sets miss the events an investigation needs; coverage must not depend on a product list."
      findings   = local.trk02
      incomplete = local.tracks_complete ? [] : ["auditlog_cloudaudit_tracks read ${length(local.tracks)} of ${data.auditlog_cloudaudit_tracks.all.total_count} tracking sets"]
    }
    "TRK-03" = {
      title      = "Every tracking set delivers to storage"
      rationale  = "CloudAudit keeps events for 90 days only; retention beyond that needs delivery to COS, CLS or CKafka."
      findings   = local.trk03
      incomplete = local.tracks_complete ? [] : ["auditlog_cloudaudit_tracks read ${length(local.tracks)} of ${data.auditlog_cloudaudit_tracks.all.total_count} tracking sets"]
    }
    "NET-01" = {
      title      = "Sub-accounts call the cloud API only from allow-listed networks"
      rationale  = "Calls from unknown networks are the first sign of a leaked key."
      findings   = local.net01
      incomplete = [for uin in local.csip_incomplete : "auditlog_csip_user_call_records of ${uin} read ${length(data.auditlog_csip_user_call_records.sub[uin].data)} of ${data.auditlog_csip_user_call_records.sub[uin].total} records"]
    }
    "UC-01" = {
      title      = "No risky UCloud operation by an unexpected user"
      rationale  = "Deletions, key and permission changes are reserved to named administrators and automation."
      findings   = local.uc01
      incomplete = local.ucloud_complete ? [] : ["auditlog_ucloud_operation_events stopped at max_items ${coalesce(var.ucloud_max_events, 0)}: older operations not read"]
    }
    "UC-02" = {
      title      = "Failed UCloud operations stay at or below ${var.ucloud_max_failed}"
      rationale  = "Repeated failures point at probing with a stolen key or at broken automation."
      findings   = length(local.ucloud_failed) > var.ucloud_max_failed ? local.ucloud_failed : []
      incomplete = local.ucloud_complete ? [] : ["auditlog_ucloud_operation_events stopped at max_items ${coalesce(var.ucloud_max_events, 0)}: older operations not read"]
    }
  }

  controls = {
    for id, c in merge(local.control_defs, local.cloudaudit_control_defs) : id => {
      id         = id
      title      = c.title
      rationale  = c.rationale
      status     = length(c.findings) == 0 && length(c.incomplete) == 0 ? "pass" : "fail"
      findings   = c.findings
      incomplete = c.incomplete
      message = (length(c.findings) == 0 && length(c.incomplete) == 0 ? "${id} passed: ${c.title}." :
        "${id} failed: ${c.title}. ${length(c.incomplete) > 0 ? "Evidence incomplete: ${join("; ", c.incomplete)}. " : ""}${length(c.findings) > 0 ? "Findings: ${join("; ", [for f in c.findings : "${f.id} (${f.detail})"])}" : ""}"
      )
    }
  }
}
