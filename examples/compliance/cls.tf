# Six months over CLS: the topics CloudAudit tracking sets deliver to keep
# their logs long enough (RET-01), and CLS counts in its engine who did what
# over cls_window_days (EVT-01 beyond DescribeEvents' window, EVT-02). The
# plan holds counts per user and event, never the events.

variable "min_retention_days" {
  description = "RET-01 fails a CLS topic a tracking set delivers to that keeps its logs fewer days than this (`period`; 3640 is kept forever). Null: the policy data's min_retention_days, else 184 (any six calendar months)."
  type        = number
  default     = null

  validation {
    condition     = var.min_retention_days == null || local.from_file.min_retention_days == null
    error_message = "min_retention_days is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for d in [var.min_retention_days != null ? var.min_retention_days : local.from_file.min_retention_days != null ? tonumber(local.from_file.min_retention_days) : 184] :
      d >= 1 && d <= 3640 && floor(d) == d
    ]), false)
    error_message = "min_retention_days (here or in policy_data_file) must be a whole number of days from 1 to 3640."
  }
}

variable "cls_window_days" {
  description = "EVT-01 and EVT-02 count the events of each CLS topic over this many days, ending 15 minutes before the plan (CloudAudit delivers every 5 to 10 minutes). At most min_retention_days. Null: the policy data's cls_window_days, else 180."
  type        = number
  default     = null

  validation {
    condition     = var.cls_window_days == null || local.from_file.cls_window_days == null
    error_message = "cls_window_days is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for d in [var.cls_window_days != null ? var.cls_window_days : local.from_file.cls_window_days != null ? tonumber(local.from_file.cls_window_days) : 180] :
      d >= 1 && d <= 3640 && floor(d) == d && d <= (var.min_retention_days != null ? var.min_retention_days : local.from_file.min_retention_days != null ? tonumber(local.from_file.min_retention_days) : 184)
    ]), false)
    error_message = "cls_window_days (here or in policy_data_file) must be a whole number of days from 1 to 3640, and at most min_retention_days: the analysis cannot reach past what the topics must keep."
  }
}

variable "cls_member_account_field" {
  description = "Field of the CloudAudit event as delivered to CLS that names the member account of an organization tracking set, such as `userIdentity.accountId`: each count is then per account too. Unverified on a real topic, so every finding that uses it says so. Null: the policy data's cls_member_account_field, else none."
  type        = string
  default     = null

  validation {
    condition     = var.cls_member_account_field == null || local.from_file.cls_member_account_field == null
    error_message = "cls_member_account_field is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for f in [var.cls_member_account_field != null ? var.cls_member_account_field : local.from_file.cls_member_account_field != null ? tostring(local.from_file.cls_member_account_field) : ""] :
      f == "" || can(regex("^[A-Za-z0-9_.]+$", f))
    ]), false)
    error_message = "cls_member_account_field (here or in policy_data_file) must be null or a field name of letters, digits, _ and . (such as userIdentity.accountId)."
  }
}

variable "cloudaudit_instance_event_patterns" {
  description = "Regular expressions (RE2) of the CloudAudit event names EVT-02 reserves to cloudaudit_privileged_users: instance deletion and reboot. Null: the policy data's list, else `^TerminateInstances$`, `^RebootInstances$`."
  type        = list(string)
  default     = null

  validation {
    condition     = var.cloudaudit_instance_event_patterns == null || local.from_file.cloudaudit_instance_event_patterns == null
    error_message = "cloudaudit_instance_event_patterns is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for l in [var.cloudaudit_instance_event_patterns != null ? var.cloudaudit_instance_event_patterns : local.from_file.cloudaudit_instance_event_patterns != null ? tolist(local.from_file.cloudaudit_instance_event_patterns) : ["^TerminateInstances$"]] :
      length(l) > 0 && alltrue([for p in l : can(regexall(p, ""))])
    ]), false)
    error_message = "cloudaudit_instance_event_patterns (here or in policy_data_file) must list at least one valid regular expression."
  }
}

variable "retention_out_of_scope" {
  description = "Tracking sets (their track_id, as text) whose retention RET-01 does not judge: a COS or CKafka delivery the team verifies elsewhere. Null: the policy data's tencentcloud.accounts[ACCOUNT].retention_out_of_scope, else none."
  type        = list(string)
  default     = null

  validation {
    condition     = var.retention_out_of_scope == null || local.from_file.retention_out_of_scope == null
    error_message = "retention_out_of_scope is set both here and in policy_data_file (tencentcloud.accounts[ACCOUNT].retention_out_of_scope): keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for l in [var.retention_out_of_scope != null ? var.retention_out_of_scope : local.from_file.retention_out_of_scope != null ? tolist(local.from_file.retention_out_of_scope) : []] :
      alltrue([for id in l : can(regex("^[0-9]+$", id))])
    ]), false)
    error_message = "retention_out_of_scope (here or in policy_data_file's tencentcloud.accounts[ACCOUNT].retention_out_of_scope) must list tracking set ids as text, digits only, such as \"1001\"."
  }
}

locals {
  # The analysis window: it ends 15 minutes before the plan, since
  # deliveries of the last minutes may still arrive.
  cls_window = {
    to   = local.plan_unix - 900
    from = local.plan_unix - 900 - local.settings.cls_window_days * 86400
  }
  cls_member_field = local.settings.cls_member_account_field
  # The statement the gate compares with its own, character for character.
  cls_sql = (local.cls_member_field == null ?
    "SELECT \"userIdentity.userName\" AS user_name, eventName AS event_name, count(*) AS events GROUP BY \"userIdentity.userName\", eventName" :
    "SELECT \"${local.cls_member_field}\" AS member_account, \"userIdentity.userName\" AS user_name, eventName AS event_name, count(*) AS events GROUP BY \"${local.cls_member_field}\", \"userIdentity.userName\", eventName"
  )
  cls_member_words = local.cls_member_field == null ? "" : "accounts as the topic's events name them (field ${local.cls_member_field}, unverified)"

  # The account the tracking sets were read in: a delivery to a storage of
  # another account is not read by this instance.
  tracks_account = try(data.auditlog_cloudaudit_tracks.all.evidence.account_id, null)

  # Every enabled tracking set, by track id, with what RET-01 and the
  # analyses need to know of its storage.
  enabled_tracks = {
    for t in local.tracks : tostring(t.track_id) => {
      name         = coalesce(t.name, "(no name)")
      storage_type = try(t.storage.storage_type, null)
      topic        = try(t.storage.storage_name, null)
      region       = try(t.storage.storage_region, null)
      owner        = try(t.storage.storage_account_id, null)
      foreign      = try(length(t.storage.storage_account_id) > 0 && t.storage.storage_account_id != local.tracks_account, false)
      # Whether its topic can hold instance deletions and reboots at all.
      records_instances = contains(["*", "cvm"], coalesce(t.resource_type, "-")) && contains(["*", "Write"], coalesce(t.action_type, "-")) && (
        contains(coalesce(t.event_names, []), "*") ||
        alltrue([for p in local.settings.cloudaudit_instance_event_patterns : anytrue([for n in coalesce(t.event_names, []) : length(regexall(p, n)) > 0])])
      )
    } if t.status == 1 && t.track_id != null
  }
  cls_tracks = { for k, t in local.enabled_tracks : k => t if t.storage_type == "cls" }
  # Deliveries this instance reads: its own account's topic, named, in a
  # named region.
  cls_readable = { for k, t in local.cls_tracks : k => t if !t.foreign && try(length(t.topic) > 0 && length(t.region) > 0, false) }
}

data "auditlog_cls_topics" "delivery" {
  for_each = local.cls_readable

  account = var.tencentcloud_account
  region  = each.value.region
  filters {
    key    = "topicId"
    values = [each.value.topic]
  }
}

locals {
  # The topic each readable delivery names, null when the read does not
  # list it (missing, deleted).
  cls_topic = {
    for k, t in local.cls_readable : k => try([for tp in data.auditlog_cls_topics.delivery[k].topics : tp if tp.topic_id == t.topic][0], null)
  }
  # A cold topic has no SQL, and a missing one cannot be analysed: neither
  # is read (their EVT verdicts say why they cannot be judged).
  cls_analysable = { for k, t in local.cls_readable : k => t if local.cls_topic[k] != null && try(local.cls_topic[k].storage_type, null) != "cold" }
}

data "auditlog_cls_analysis" "events" {
  for_each = local.cls_analysable

  account  = var.tencentcloud_account
  region   = each.value.region
  topic_id = each.value.topic
  query    = "*"
  sql      = local.cls_sql
  from     = local.cls_window.from
  to       = local.cls_window.to
  max_rows = 9999
}

locals {
  # --- RET-01 --------------------------------------------------------------
  cls_out_of_scope = toset(local.settings.retention_out_of_scope)
  ret01 = concat(local.no_tracks, flatten([
    for k, t in local.enabled_tracks : (
      contains(local.cls_out_of_scope, k) ? [] :
      t.storage_type != "cls" ? [{
        id     = t.name
        detail = "cannot judge RET-01: tracking set ${k} delivers to ${t.storage_type == null ? "no storage type" : t.storage_type} ${jsonencode(t.topic)}, whose retention this module does not read; verify it elsewhere and list ${k} in retention_out_of_scope"
      }] :
      t.foreign ? [{
        id     = t.name
        detail = "cannot judge RET-01: tracking set ${k} delivers to CLS topic ${jsonencode(t.topic)} of account ${t.owner}, which this instance does not read"
      }] :
      !contains(keys(local.cls_readable), k) ? [{
        id     = t.name
        detail = "cannot judge RET-01: tracking set ${k} names no CLS topic or region (StorageName ${jsonencode(t.topic)}, StorageRegion ${jsonencode(t.region)})"
      }] :
      local.cls_topic[k] == null ? [{
        id     = t.name
        detail = "CLS topic ${t.topic} of tracking set ${k} is not in region ${t.region} (DescribeTopics lists no such topic): missing or deleted"
      }] :
      try(local.cls_topic[k].period >= local.settings.min_retention_days, false) ? [] : [{
        id     = t.name
        detail = "CLS topic ${t.topic} (${t.region}) of tracking set ${k} keeps its logs ${jsonencode(try(local.cls_topic[k].period, null))} days, less than the minimum ${local.settings.min_retention_days} days"
      }]
    )
  ]))

  # --- EVT-01 and EVT-02 over the analyses ------------------------------------
  # Deliveries whose events cannot be counted over the window, and why.
  cls_unjudged = merge(
    { for k, t in local.cls_tracks : k => "tracking set ${k} (${t.name}) delivers to CLS topic ${jsonencode(t.topic)} of account ${t.owner}, which this instance does not read" if t.foreign },
    { for k, t in local.cls_tracks : k => "tracking set ${k} (${t.name}) names no CLS topic or region (StorageName ${jsonencode(t.topic)}, StorageRegion ${jsonencode(t.region)})" if !t.foreign && !contains(keys(local.cls_readable), k) },
    { for k, t in local.cls_readable : k => "CLS topic ${t.topic} of tracking set ${k} is not in region ${t.region}" if local.cls_topic[k] == null },
    { for k, t in local.cls_readable : k => "CLS topic ${t.topic} (${t.region}) is in cold storage, which has no SQL analysis" if local.cls_topic[k] != null && !contains(keys(local.cls_analysable), k) },
    {
      for k, t in local.cls_analysable : k => "CLS topic ${t.topic} (${t.region}) keeps its logs ${jsonencode(try(local.cls_topic[k].period, null))} days, less than the ${local.settings.cls_window_days} days of the analysis: the window reaches past what the topic keeps"
      if !try(local.cls_topic[k].period >= local.settings.cls_window_days, false)
    },
  )
  cls_unjudged_findings = [for k, why in local.cls_unjudged : { id = local.enabled_tracks[k].name, detail = "cannot judge: ${why}" }]

  # One row per (member account,) user and event name of each analysed topic.
  cls_rows = flatten([
    for k, a in data.auditlog_cls_analysis.events : [
      for r in a.rows : {
        topic  = local.cls_analysable[k].topic
        region = local.cls_analysable[k].region
        user   = lookup(r, "user_name", null)
        event  = lookup(r, "event_name", null)
        events = lookup(r, "events", null)
        member = lookup(r, "member_account", null)
      }
    ] if !contains(keys(local.cls_unjudged), k)
  ])
  cls_events_counted = sum(concat([0], [for r in local.cls_rows : try(tonumber(r.events), 0)]))

  # A null user is "(unknown)" and never allow-listed; a null event name
  # cannot be classified: both are findings.
  cls_findings = {
    for id, patterns in {
      "EVT-01" = local.settings.cloudaudit_watched_event_patterns
      "EVT-02" = local.settings.cloudaudit_instance_event_patterns
      } : id => [
      for r in local.cls_rows : {
        id = "${r.topic}/${r.user == null ? "(unknown)" : r.user}/${r.event == null ? "(no event name)" : r.event}"
        detail = join("", [
          "${r.events == null ? "?" : r.events} ${r.event == null ? "events whose name is not given (cannot be classified)" : r.event} by ${r.user == null ? "(unknown)" : r.user}",
          " over ${local.settings.cls_window_days} days in CLS topic ${r.topic} (${r.region})",
          local.cls_member_field == null ? "" : ", account ${r.member == null ? "(not named)" : r.member}: ${local.cls_member_words}",
        ])
      }
      if(r.event == null || anytrue([for p in patterns : length(regexall(p, coalesce(r.event, "-"))) > 0])) &&
      (r.user == null || !contains(local.settings.cloudaudit_privileged_users, coalesce(r.user, "-")))
    ]
  }
  # A topic whose tracking set records no instance event (a CAM-only set)
  # shows none whatever happened: EVT-02 needs one judged topic that can.
  no_cls_delivery = length(local.cls_tracks) == 0 ? [{
    id     = "no-cls-delivery"
    detail = "cannot judge: no enabled tracking set delivers to CLS, so no analysis counts instance deletions and reboots"
    }] : anytrue([for k, t in local.cls_analysable : t.records_instances && !contains(keys(local.cls_unjudged), k)]) ? [] : [{
    id     = "no-instance-coverage"
    detail = "cannot judge: no judged CLS delivery records the write actions of cvm (tracking sets ${join(", ", [for k, t in local.cls_tracks : "${k} (${t.name})"])}), so no analysis can show an instance deletion or reboot"
  }]

  cls_reads = {
    topics   = [for k in sort(keys(data.auditlog_cls_topics.delivery)) : "data.auditlog_cls_topics.delivery[\"${k}\"]"]
    analyses = [for k in sort(keys(data.auditlog_cls_analysis.events)) : "data.auditlog_cls_analysis.events[\"${k}\"]"]
  }

  cls_control_defs = {
    "RET-01" = {
      title     = local.catalogue["RET-01"].title
      rationale = local.catalogue["RET-01"].rationale
      reads     = concat(["data.auditlog_cloudaudit_tracks.all"], local.cls_reads.topics)
      windowed  = false
      records   = length(local.enabled_tracks)
      kept      = length(local.enabled_tracks)
      findings  = local.ret01
    }
    "EVT-02" = {
      title     = local.catalogue["EVT-02"].title
      rationale = local.catalogue["EVT-02"].rationale
      reads     = concat(local.cls_reads.topics, local.cls_reads.analyses)
      windowed  = false
      # Every counted event reaches the plan, in its row's count.
      records  = local.cls_events_counted
      kept     = local.cls_events_counted
      findings = concat(local.no_cls_delivery, local.cls_unjudged_findings, local.cls_findings["EVT-02"])
    }
  }

  # What only the CLS reads must show: the region of the delivery, and for
  # an analysis the topic and the window it was asked for.
  cls_read_problems = merge(
    { for k, d in data.auditlog_cls_topics.delivery : "data.auditlog_cls_topics.delivery[\"${k}\"]" => concat(
      try(d.evidence.region == local.cls_readable[k].region, false) ? [] : ["was sent to region ${jsonencode(try(d.evidence.region, null))}, not ${local.cls_readable[k].region} where tracking set ${k} delivers"],
    ) },
    { for k, d in data.auditlog_cls_analysis.events : "data.auditlog_cls_analysis.events[\"${k}\"]" => concat(
      try(d.evidence.region == local.cls_analysable[k].region, false) ? [] : ["was sent to region ${jsonencode(try(d.evidence.region, null))}, not ${local.cls_analysable[k].region} where tracking set ${k} delivers"],
      try(d.analysis_evidence.topic_id == local.cls_analysable[k].topic, false) ? [] : ["analysed topic ${jsonencode(try(d.analysis_evidence.topic_id, null))}, not ${local.cls_analysable[k].topic} that tracking set ${k} delivers to"],
      try(d.evidence.window_start <= local.cls_window.from && d.evidence.window_end >= local.cls_window.to, false) ? [] : [
        "counted from ${try(provider::auditlog::rfc3339(d.evidence.window_start), "an unknown start")} to ${try(provider::auditlog::rfc3339(d.evidence.window_end), "an unknown end")}, not the ${local.settings.cls_window_days} days from ${provider::auditlog::rfc3339(local.cls_window.from)} to ${provider::auditlog::rfc3339(local.cls_window.to)}"
      ],
    ) },
  )
}

check "ret_01" {
  assert {
    condition     = local.verdicts["RET-01"].status == "pass"
    error_message = local.verdicts["RET-01"].message
  }
}

check "evt_02" {
  assert {
    condition     = local.verdicts["EVT-02"].status == "pass"
    error_message = local.verdicts["EVT-02"].message
  }
}
