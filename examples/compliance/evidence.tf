# What each read says about itself (its `evidence` attribute), and why a
# control cannot rest on it. A control passes only on reads that read every
# record matching their request, unnarrowed, over a window that covers the
# review window.

locals {
  # --- The review window ---------------------------------------------------
  window_end = (local.settings.window_end == null ? plantimestamp() :
  length(local.settings.window_end) == 10 ? timeadd("${local.settings.window_end}T00:00:00Z", "86399s") : local.settings.window_end)
  window_start = (local.settings.window_start == null ? timeadd(local.window_end, "-${local.settings.window_days * 24}h") :
  length(local.settings.window_start) == 10 ? "${local.settings.window_start}T00:00:00Z" : local.settings.window_start)

  window_unix = {
    start = provider::auditlog::unix_time(local.window_start)
    end   = provider::auditlog::unix_time(local.window_end)
  }
  plan_unix = provider::auditlog::unix_time(plantimestamp())
  # CSIP reads and writes times in Beijing time, without a zone.
  window_csip = {
    start = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(provider::auditlog::rfc3339(local.window_unix.start), "8h"))
    end   = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(provider::auditlog::rfc3339(local.window_unix.end), "8h"))
  }

  # Why no control over activity can pass in this window, whatever was read.
  window_problems = concat(
    local.window_unix.start <= local.window_unix.end ? [] : ["the review window starts (${local.window_start}) after it ends (${local.window_end})"],
    local.window_unix.end <= local.plan_unix ? [] : ["the review window ends at ${local.window_end}, after the plan (${plantimestamp()}): the rest of it has no records yet"],
  )

  # --- Every read, by its address in this module ---------------------------
  # cloud: which scope applies (tencent: account; regional: account and
  # region; ucloud: project).
  reads = merge(
    { "data.auditlog_cloudaudit_tracks.all" = { windowed = false, cloud = "regional", evidence = data.auditlog_cloudaudit_tracks.all.evidence } },
    { for k, d in data.auditlog_cloudaudit_track.each : "data.auditlog_cloudaudit_track.each[\"${k}\"]" => { windowed = false, cloud = "regional", evidence = d.evidence } },
    { for k, d in data.auditlog_csip_user_call_records.sub : "data.auditlog_csip_user_call_records.sub[\"${k}\"]" => { windowed = true, cloud = "tencent", evidence = d.evidence } },
    { "data.auditlog_cloudaudit_events.window" = { windowed = true, cloud = "regional", evidence = data.auditlog_cloudaudit_events.window.evidence } },
    { "data.auditlog_ucloud_operation_events.window" = { windowed = true, cloud = "ucloud", evidence = data.auditlog_ucloud_operation_events.window.evidence } },
    { for i, d in data.auditlog_ucloud_operation_events.failed : "data.auditlog_ucloud_operation_events.failed[${i}]" => { windowed = true, cloud = "ucloud", evidence = d.evidence } },
    # CLS: the account is checked here, the region (the delivery's) and
    # the analysis window in cls.tf (cls_read_problems).
    { for k, d in data.auditlog_cls_topics.delivery : "data.auditlog_cls_topics.delivery[\"${k}\"]" => { windowed = false, cloud = "cls", evidence = d.evidence } },
    { for k, d in data.auditlog_cls_analysis.events : "data.auditlog_cls_analysis.events[\"${k}\"]" => { windowed = false, cloud = "cls", evidence = d.evidence } },
  )

  # The evidence as the compliance output reports it: null where the read
  # reported none.
  read_evidence = { for a, r in local.reads : a => {
    data_source          = a
    complete             = try(r.evidence.complete, null)
    records              = try(r.evidence.records, null)
    scanned              = try(r.evidence.scanned, null)
    selection            = try(r.evidence.selection, null)
    window_start         = try(r.evidence.window_start, null)
    window_end           = try(r.evidence.window_end, null)
    window_chosen_by_api = try(r.evidence.window_chosen_by_api, null)
    narrowed_by          = try(r.evidence.narrowed_by, null)
    account_id           = try(r.evidence.account_id, null)
    principal_arn        = try(r.evidence.principal_arn, null)
    region               = try(r.evidence.region, null)
    project_id           = try(r.evidence.project_id, null)
  } }

  accounts_text = join(", ", local.settings.tencentcloud_accounts)
  regions_text  = join(", ", local.settings.tencentcloud_regions)
  projects_text = join(", ", local.settings.ucloud_projects)

  # Why a read cannot be trusted, whatever control rests on it: one sentence
  # each, to follow the read's address.
  read_problems = { for a, r in local.reads : a => concat(
    r.evidence == null ? ["reports no evidence: a read that does not state its completeness, window and account cannot be trusted"] : [],
    r.evidence != null && try(r.evidence.complete, null) != true ? [
      "is incomplete: evidence.complete is ${jsonencode(try(r.evidence.complete, null))} with ${jsonencode(try(coalesce(r.evidence.scanned, r.evidence.records), r.evidence.records, null))} records read, so the read stopped before every record matching its request"
    ] : [],
    r.evidence != null && try(r.evidence.narrowed_by, null) == null ? ["does not say what narrowed it (evidence.narrowed_by is null)"] : [],
    # The window: sent by the module, so the API chose none; it must cover
    # the review window.
    r.windowed && try(r.evidence.window_chosen_by_api, false) == true ? ["read a window the API chose (evidence.window_chosen_by_api), not the review window"] : [],
    r.windowed && r.evidence != null && try(r.evidence.window_start <= local.window_unix.start, false) != true ? [
      "read from ${try(provider::auditlog::rfc3339(r.evidence.window_start), "an unknown start")}, after the review window's start ${provider::auditlog::rfc3339(local.window_unix.start)}"
    ] : [],
    r.windowed && r.evidence != null && try(r.evidence.window_end >= local.window_unix.end, false) != true ? [
      "read up to ${try(provider::auditlog::rfc3339(r.evidence.window_end), "an unknown end")}, before the review window's end ${provider::auditlog::rfc3339(local.window_unix.end)}"
    ] : [],
    # The scope: the account, region and project the review expects.
    r.cloud != "ucloud" && length(local.settings.tencentcloud_accounts) > 0 && r.evidence != null && !contains(local.settings.tencentcloud_accounts, try(coalesce(r.evidence.account_id, "-"), "-")) ? [
      try(r.evidence.account_id, null) == null ? "acts as an account that could not be learned (evidence.account_id is null); the review expects ${local.accounts_text}" :
      "acts as account ${r.evidence.account_id}, not one the review expects (${local.accounts_text})"
    ] : [],
    r.cloud == "regional" && length(local.settings.tencentcloud_regions) > 0 && r.evidence != null && !contains(local.settings.tencentcloud_regions, try(coalesce(r.evidence.region, "-"), "-")) ? [
      "was sent to region ${jsonencode(try(r.evidence.region, null))}, not one the review expects (${local.regions_text})"
    ] : [],
    r.cloud == "ucloud" && length(local.settings.ucloud_projects) > 0 && r.evidence != null && !contains(local.settings.ucloud_projects, try(coalesce(r.evidence.project_id, "-"), "-")) ? [
      "read project ${jsonencode(try(r.evidence.project_id, null))}, not one the review expects (${local.projects_text})"
    ] : [],
    try(local.cls_read_problems[a], []),
  ) }

  # What narrowed a read, for the controls to compare with what they accept.
  # A CLS topics read is narrowed by its one filter, topicId = the
  # delivery's topic, which cls.tf writes: that is its request, not a
  # narrowing.
  read_narrowing = { for a, r in local.reads : a => [for n in try(tolist(r.evidence.narrowed_by), []) : n if !(r.cloud == "cls" && n == "filters")] }
}
