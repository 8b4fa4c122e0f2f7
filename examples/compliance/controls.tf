# The controls. Each is a list of findings (id + detail) computed from the
# records in data.tf and cloudaudit.tf; a control passes when it has no
# finding and every read it rests on passes the checks of evidence.tf.
#
# A field the API leaves out is null. A record whose time is null (or
# unreadable) cannot be placed outside the review window, so it is reviewed
# as inside it; any other null field that a control needs makes the record a
# finding, never a pass.

locals {
  # --- TRK: CloudAudit tracking sets --------------------------------------------
  tracks = data.auditlog_cloudaudit_tracks.all.tracks
  # An account without a tracking set records nothing: every tracking-set
  # control fails on it.
  no_tracks = length(local.tracks) > 0 ? [] : [{
    id     = "no-tracking-set"
    detail = "the account has no CloudAudit tracking set: nothing delivers its API activity anywhere"
  }]
  trk01 = concat(local.no_tracks, [
    for t in local.tracks : { id = coalesce(t.name, "(no name)"), detail = "tracking set ${jsonencode(t.track_id)} is disabled (Status ${jsonencode(t.status)})" } if t.status != 1
  ])
  trk02 = concat(local.no_tracks, [
    for t in local.tracks : {
      id     = coalesce(t.name, "(no name)")
      detail = "records ${jsonencode(t.action_type)} actions of ${jsonencode(t.resource_type)} (events ${jsonencode(t.event_names)}), not read and write actions of every resource type"
    } if !(t.action_type == "*" && t.resource_type == "*" && contains(t.event_names == null ? [] : t.event_names, "*"))
  ])
  # "No storage" has no documented shape: Storage null, or a StorageType or
  # StorageName that is null or empty. Each is a finding.
  trk03 = concat(local.no_tracks, [
    for t in local.tracks : {
      id = coalesce(t.name, "(no name)")
      detail = (t.storage == null ? "delivers to no storage (Storage is null)" :
      "delivers to no storage (StorageType ${jsonencode(t.storage.storage_type)}, StorageName ${jsonencode(t.storage.storage_name)})")
    }
    if try(length(t.storage.storage_type), 0) == 0 || try(length(t.storage.storage_name), 0) == 0
  ])

  # --- NET: where sub-accounts call the cloud API from --------------------------
  csip_records = flatten([
    for uin, ds in data.auditlog_csip_user_call_records.sub : [
      for r in ds.data : merge(r, {
        sub_uin = uin
        ip      = r.source_ip == null ? "" : r.source_ip
        # CSIP writes Beijing time; null when the API gives none or an
        # unreadable one.
        first = try(provider::auditlog::unix_time("${replace(r.first_call_time, " ", "T")}+08:00"), null)
        last  = try(provider::auditlog::unix_time("${replace(r.last_call_time, " ", "T")}+08:00"), null)
        label = "${r.user_name == null ? "(no user name)" : r.user_name}: ${r.call_count == null ? "?" : r.call_count} calls from ${r.source_ip == null ? "(no address)" : r.source_ip} (${r.region == null ? "?" : r.region}, ${r.isp == null ? "?" : r.isp})"
      })
    ]
  ])
  # A record is in the window when its calls overlap it; a record whose
  # call times are missing cannot be proven outside the window.
  csip_in_window = [
    for r in local.csip_records : merge(r, {
      when = r.first == null || r.last == null ? "call times not given by the API (first ${jsonencode(r.first_call_time)}, last ${jsonencode(r.last_call_time)}), so counted as inside the window" : "last ${r.last_call_time} CST"
    })
    if r.first == null || r.last == null || (coalesce(r.last, 0) >= local.window_unix.start && coalesce(r.first, 0) <= local.window_unix.end)
  ]
  # An address cidr_contains cannot read (masked as 106.55.***.47, missing
  # or malformed) cannot be proven to be inside a network: a finding, never a
  # pass. cidr_contains is an error for it, so such records are set apart
  # before the allow-list is applied.
  net01 = concat(
    [
      for r in local.csip_in_window : {
        id     = "${r.sub_uin}/${r.ip == "" ? "(no address)" : r.ip}"
        detail = "${r.label}, ${r.when}: ${r.ip == "" ? "no source address given by the API" : strcontains(r.ip, "*") ? "address masked by the API" : "not an IP address"}, cannot be verified"
      } if !can(provider::auditlog::cidr_contains("0.0.0.0/0", r.ip))
    ],
    [
      # HCL's && evaluates both sides: unreadable addresses are left out
      # before the condition that calls cidr_contains.
      for r in [for x in local.csip_in_window : x if can(provider::auditlog::cidr_contains("0.0.0.0/0", x.ip))] : {
        id     = "${r.sub_uin}/${r.ip}"
        detail = "${r.label}, ${r.when}: outside every allowed network"
      }
      if !anytrue([
        for c in local.settings.allowed_networks : provider::auditlog::cidr_contains(c, r.ip)
      ])
    ],
  )

  # --- UC: UCloud operations -----------------------------------------------------
  # The operations of a UCloud read inside the window, with what the
  # findings say of them.
  ucloud_in_window_of = { for k, events in merge(
    { window = data.auditlog_ucloud_operation_events.window.events },
    var.select_at_provider ? { failed = data.auditlog_ucloud_operation_events.failed[0].events } : {},
    ) : k => [
    for e in events : merge(e, {
      user = e.user_name == null ? "(unknown)" : e.user_name
      when = e.operate_time == null ? "(time not given by the API)" : provider::auditlog::rfc3339(e.operate_time)
      ref  = "${e.user_name == null ? "(unknown)" : e.user_name}/${e.api == null ? "(no api)" : e.api}/${try(e.related_resource[0].resource_id, null) == null ? "-" : e.related_resource[0].resource_id}"
      how  = "from ${e.remote_ip == null ? "(no address)" : e.remote_ip} (${e.access_key_id == null ? "console" : "API key"}, ${e.is_success == null ? "outcome not given" : e.is_success ? "succeeded" : "failed"})"
    })
    if coalesce(e.operate_time, local.window_unix.start) >= local.window_unix.start && coalesce(e.operate_time, local.window_unix.end) <= local.window_unix.end
  ] }
  ucloud_in_window = local.ucloud_in_window_of.window
  # UC-02 counts failures over the whole window: the read of the failed
  # operations when the provider selects, else the full read.
  ucloud_failed_source = var.select_at_provider ? local.ucloud_in_window_of.failed : local.ucloud_in_window
  ucloud_uc02_read     = var.select_at_provider ? "data.auditlog_ucloud_operation_events.failed[0]" : "data.auditlog_ucloud_operation_events.window"
  uc01 = [
    for e in local.ucloud_in_window : {
      id     = e.ref
      detail = "${e.when} ${e.api == null ? "an operation whose API is not given (cannot be classified)" : e.api} by ${e.user} ${e.how}"
    }
    if(e.api == null || anytrue([for p in local.settings.ucloud_risky_api_patterns : length(regexall(p, coalesce(e.api, "-"))) > 0])) && !contains(local.settings.ucloud_privileged_users, e.user)
  ]
  # An operation whose outcome is not given counts as failed.
  ucloud_failed = [
    for e in local.ucloud_failed_source : {
      id     = e.ref
      detail = "${e.when} ${e.api == null ? "(no api)" : e.api} by ${e.user} ${e.is_success == null ? "has no outcome given by the API" : "failed"}"
    } if e.is_success != true
  ]

  # --- The controls ----------------------------------------------------------------
  control_defs = {
    "TRK-01" = {
      title     = local.catalogue["TRK-01"].title
      rationale = local.catalogue["TRK-01"].rationale
      reads     = ["data.auditlog_cloudaudit_tracks.all"]
      windowed  = false
      records   = length(local.tracks)
      kept      = length(local.tracks)
      findings  = local.trk01
    }
    "TRK-02" = {
      title     = local.catalogue["TRK-02"].title
      rationale = local.catalogue["TRK-02"].rationale
      reads     = ["data.auditlog_cloudaudit_tracks.all"]
      windowed  = false
      records   = length(local.tracks)
      kept      = length(local.tracks)
      findings  = local.trk02
    }
    "TRK-03" = {
      title     = local.catalogue["TRK-03"].title
      rationale = local.catalogue["TRK-03"].rationale
      reads     = ["data.auditlog_cloudaudit_tracks.all"]
      windowed  = false
      records   = length(local.tracks)
      kept      = length(local.tracks)
      findings  = local.trk03
    }
    "NET-01" = {
      title     = local.catalogue["NET-01"].title
      rationale = local.catalogue["NET-01"].rationale
      reads     = [for uin in sort(keys(data.auditlog_csip_user_call_records.sub)) : "data.auditlog_csip_user_call_records.sub[\"${uin}\"]"]
      windowed  = true
      records   = length(local.csip_in_window)
      kept      = length(local.csip_in_window)
      findings  = local.net01
    }
    "UC-01" = {
      title     = local.catalogue["UC-01"].title
      rationale = local.catalogue["UC-01"].rationale
      reads     = ["data.auditlog_ucloud_operation_events.window"]
      windowed  = true
      records   = var.select_at_provider ? try(coalesce(data.auditlog_ucloud_operation_events.window.evidence.scanned, 0), 0) : length(local.ucloud_in_window)
      kept      = length(local.ucloud_in_window)
      findings  = local.uc01
    }
    "UC-02" = {
      title     = local.catalogue["UC-02"].title
      rationale = local.catalogue["UC-02"].rationale
      reads     = [local.ucloud_uc02_read]
      windowed  = true
      records   = var.select_at_provider ? try(coalesce(data.auditlog_ucloud_operation_events.failed[0].evidence.scanned, 0), 0) : length(local.ucloud_in_window)
      kept      = length(local.ucloud_failed_source)
      # The threshold is the policy's, so each finding names it (the title is
      # the catalogue's, the same for every policy).
      findings = length(local.ucloud_failed) > local.settings.ucloud_max_failed ? [
        for f in local.ucloud_failed : merge(f, { detail = "${f.detail} (${length(local.ucloud_failed)} failures in the window, at most ${local.settings.ucloud_max_failed} allowed)" })
      ] : []
    }
  }

  # --- The verdicts ----------------------------------------------------------------
  controls = {
    # One verdict per control of the catalogue, in its words (catalogue.tf).
    for id, c in { for id in keys(local.catalogue) : id => merge(local.control_defs, local.cloudaudit_control_defs, local.cls_control_defs)[id] } : id => merge(c, {
      id           = id
      severity     = local.catalogue[id].severity
      requirements = local.catalogue[id].requirements
      evidence     = [for a in c.reads : local.read_evidence[a]]
      incomplete = concat(
        flatten([for a in c.reads : [for p in local.read_problems[a] : "${a} ${p}"]]),
        flatten([for a in c.reads : [
          for n in local.read_narrowing[a] : (n == "select" ?
            "${a} is narrowed by select (evidence.selection ${jsonencode(try(local.reads[a].evidence.selection, null))}), which is not ${id}'s selection ${jsonencode(try(local.selections[id].evidence, null))}: the read may hold fewer records than ${id} reviews" :
            "${a} is narrowed by ${n}, which ${id} does not accept: the read may hold fewer records than the window"
          ) if !contains(local.allowed_narrowing[id], n) && !(n == "select" && contains(keys(local.selections), id) && jsonencode(try(local.reads[a].evidence.selection, null)) == jsonencode(try(local.selections[id].evidence, "-")))
        ]]),
        c.windowed ? local.window_problems : [],
        c.windowed && var.fail_on_no_records && c.records == 0 ? ["no record of the window was reviewed (fail_on_no_records)"] : [],
      )
    })
  }
  verdicts = {
    for id, c in local.controls : id => merge(c, {
      status = length(c.findings) == 0 && length(c.incomplete) == 0 ? "pass" : "fail"
      message = (length(c.findings) == 0 && length(c.incomplete) == 0 ? "${id} passed on ${c.records} records: ${c.title}." :
        "${id} failed: ${c.title}. ${length(c.incomplete) > 0 ? "Evidence incomplete: ${join("; ", c.incomplete)}. " : ""}${length(c.findings) > 0 ? "Findings: ${join("; ", [for f in c.findings : "${f.id} (${f.detail})"])}" : ""}"
      )
    })
  }
}
