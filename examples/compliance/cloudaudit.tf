# Controls over DescribeAuditTrack (one tracking set's full answer) and
# DescribeEvents (CloudAudit's operation log).

variable "cloudaudit_privileged_users" {
  description = "CloudAudit users (the events' Username) allowed to log in to the console and to delete resources (EVT-01). Null: the policy data's list, else none."
  type        = list(string)
  default     = null

  validation {
    condition     = var.cloudaudit_privileged_users == null || local.from_file.cloudaudit_privileged_users == null
    error_message = "cloudaudit_privileged_users is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition     = var.cloudaudit_privileged_users != null || local.from_file.cloudaudit_privileged_users == null || can(tolist([for u in local.from_file.cloudaudit_privileged_users : tostring(u)]))
    error_message = "cloudaudit_privileged_users in policy_data_file must be a list of user names."
  }
}

variable "cloudaudit_watched_event_patterns" {
  description = "Regular expressions (RE2) of the CloudAudit event names EVT-01 reserves to cloudaudit_privileged_users. Null: the policy data's list, else console logins and deletions (`^ConsoleLogin$`, `^Delete`, `^Terminate`, `^ScheduleKeyDeletion$`)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.cloudaudit_watched_event_patterns == null || local.from_file.cloudaudit_watched_event_patterns == null
    error_message = "cloudaudit_watched_event_patterns is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for l in [var.cloudaudit_watched_event_patterns != null ? var.cloudaudit_watched_event_patterns : local.from_file.cloudaudit_watched_event_patterns != null ? tolist(local.from_file.cloudaudit_watched_event_patterns) : ["^ConsoleLogin$"]] :
      length(l) > 0 && alltrue([for p in l : can(regexall(p, ""))])
    ]), false)
    error_message = "cloudaudit_watched_event_patterns (here or in policy_data_file) must list at least one valid regular expression."
  }
}

# Only DescribeAuditTrack tells whether a set covers the organization's
# members, so every set of the list is read once more.
data "auditlog_cloudaudit_track" "each" {
  for_each = { for t in data.auditlog_cloudaudit_tracks.all.tracks : tostring(t.track_id) => t.track_id }

  account  = var.tencentcloud_account
  track_id = each.value
}

# With select_at_provider, the provider keeps only the events EVT-01 may
# find (watched names by users outside the allow-list; an event without a
# name or user is kept), without their raw JSON, which no control reads.
data "auditlog_cloudaudit_events" "window" {
  account                   = var.tencentcloud_account
  start_time                = local.window_unix.start
  end_time                  = local.window_unix.end
  include_cloud_audit_event = var.select_at_provider ? false : null

  dynamic "select" {
    for_each = var.select_at_provider ? [local.selections["EVT-01"].block] : []
    content {
      event_names  = select.value.event_names
      users_not_in = select.value.users_not_in
    }
  }
}

locals {
  org_tracks = [
    for id, t in data.auditlog_cloudaudit_track.each : id
    if t.status == 1 && t.track_for_all_members == 1 && anytrue([
      for f in try(t.filters.resource_fields, []) : f.resource_type == "*" && f.action_type == "*"
    ])
  ]
  trk04 = length(local.tracks) == 0 ? local.no_tracks : length(local.org_tracks) > 0 ? [] : [{
    id     = "organization"
    detail = "no enabled tracking set records read and write actions of every member of the organization (TrackForAllMembers)"
  }]

  # EventTime is a string: UNIX seconds in current answers, Beijing time
  # (YYYY-MM-DD hh:mm:ss) in older ones; null when the API gives none or an
  # unreadable one.
  events = [
    for e in data.auditlog_cloudaudit_events.window.events : merge(e, {
      unix = try(tonumber(e.event_time), provider::auditlog::unix_time("${replace(e.event_time, " ", "T")}+08:00"), null)
      user = e.username == null ? "(unknown)" : e.username
    })
  ]
  events_in_window = [
    for e in local.events : merge(e, {
      when = e.unix == null ? "(time not given by the API)" : provider::auditlog::rfc3339(e.unix)
    })
    if coalesce(e.unix, local.window_unix.start) >= local.window_unix.start && coalesce(e.unix, local.window_unix.end) <= local.window_unix.end
  ]
  # An event whose name is not given cannot be classified: a finding.
  evt01 = [
    for e in local.events_in_window : {
      id     = e.event_id == null ? "(no event id)" : e.event_id
      detail = "${e.event_name == null ? "an event whose name is not given (cannot be classified)" : e.event_name} by ${e.user} from ${e.source_ip_address == null ? "(no address)" : e.source_ip_address} at ${e.when}"
    }
    if(e.event_name == null || anytrue([for p in local.settings.cloudaudit_watched_event_patterns : length(regexall(p, coalesce(e.event_name, "-"))) > 0])) &&
    !contains(local.settings.cloudaudit_privileged_users, e.user)
  ]

  cloudaudit_control_defs = {
    "TRK-04" = {
      title     = local.catalogue["TRK-04"].title
      rationale = local.catalogue["TRK-04"].rationale
      reads     = concat(["data.auditlog_cloudaudit_tracks.all"], [for k in sort(keys(data.auditlog_cloudaudit_track.each)) : "data.auditlog_cloudaudit_track.each[\"${k}\"]"])
      windowed  = false
      records   = length(data.auditlog_cloudaudit_track.each)
      kept      = length(data.auditlog_cloudaudit_track.each)
      findings  = local.trk04
    }
    "EVT-01" = {
      title     = local.catalogue["EVT-01"].title
      rationale = local.catalogue["EVT-01"].rationale
      # DescribeEvents' window, and each CLS topic's analysis over
      # cls_window_days (cls.tf).
      reads    = concat(["data.auditlog_cloudaudit_events.window"], local.cls_reads.topics, local.cls_reads.analyses)
      windowed = true
      records  = (var.select_at_provider ? try(coalesce(data.auditlog_cloudaudit_events.window.evidence.scanned, 0), 0) : length(local.events_in_window)) + local.cls_events_counted
      kept     = length(local.events_in_window) + local.cls_events_counted
      findings = concat(local.evt01, local.cls_unjudged_findings, local.cls_findings["EVT-01"])
    }
  }
}

check "trk_04" {
  assert {
    condition     = local.verdicts["TRK-04"].status == "pass"
    error_message = local.verdicts["TRK-04"].message
  }
}

check "evt_01" {
  assert {
    condition     = local.verdicts["EVT-01"].status == "pass"
    error_message = local.verdicts["EVT-01"].message
  }
}
