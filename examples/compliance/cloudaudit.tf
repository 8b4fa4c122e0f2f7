# Controls over DescribeAuditTrack (one tracking set's full answer) and
# DescribeEvents (CloudAudit's operation log).

variable "cloudaudit_privileged_users" {
  description = "CloudAudit users (the events' Username) allowed to log in to the console and to delete resources (EVT-01)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "cloudaudit_watched_event_patterns" {
  description = "Regular expressions (RE2) of the CloudAudit event names EVT-01 reserves to cloudaudit_privileged_users: console logins and deletions."
  type        = list(string)
  default     = ["^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$"]
  nullable    = false

  validation {
    condition     = length(var.cloudaudit_watched_event_patterns) > 0 && alltrue([for p in var.cloudaudit_watched_event_patterns : can(regexall(p, ""))])
    error_message = "cloudaudit_watched_event_patterns must list at least one valid regular expression."
  }
}

# Only DescribeAuditTrack tells whether a set covers the organization's
# members, so every set of the list is read once more.
data "auditlog_cloudaudit_track" "each" {
  for_each = { for t in data.auditlog_cloudaudit_tracks.all.tracks : tostring(t.track_id) => t.track_id }

  track_id = each.value
}

data "auditlog_cloudaudit_events" "window" {
  start_time = local.window_unix.start
  end_time   = local.window_unix.end
}

locals {
  org_tracks = [
    for id, t in data.auditlog_cloudaudit_track.each : id
    if t.status == 1 && t.track_for_all_members == 1 && anytrue([
      for f in try(t.filters.resource_fields, []) : f.resource_type == "*" && f.action_type == "*"
    ])
  ]
  trk04 = length(local.org_tracks) > 0 ? [] : [{
    id     = "organization"
    detail = "no enabled tracking set records read and write actions of every member of the organization (TrackForAllMembers)"
  }]

  events          = data.auditlog_cloudaudit_events.window.events
  events_complete = data.auditlog_cloudaudit_events.window.list_over == true && data.auditlog_cloudaudit_events.window.resume_token == null
  evt01 = [
    for e in local.events : {
      id     = e.event_id
      detail = "${e.event_name} by ${e.username} from ${e.source_ip_address} at ${try(provider::auditlog::rfc3339(tonumber(e.event_time)), "${e.event_time} CST")}"
    }
    if anytrue([for p in var.cloudaudit_watched_event_patterns : length(regexall(p, e.event_name)) > 0]) &&
    !contains(var.cloudaudit_privileged_users, e.username)
  ]

  cloudaudit_control_defs = {
    "TRK-04" = {
      title      = "An enabled tracking set records every member of the organization"
      rationale  = "A member account outside every tracking set can act without a trace in the administrator's logs."
      findings   = local.trk04
      incomplete = local.tracks_complete ? [] : ["auditlog_cloudaudit_tracks read ${length(local.tracks)} of ${data.auditlog_cloudaudit_tracks.all.total_count} tracking sets"]
    }
    "EVT-01" = {
      title      = "No console login or deletion by a user outside the allow-list"
      rationale  = "Interactive logins and destructive calls are reserved to named people and automation."
      findings   = local.evt01
      incomplete = local.events_complete ? [] : ["auditlog_cloudaudit_events stopped before the last page (list_over ${jsonencode(data.auditlog_cloudaudit_events.window.list_over)})"]
    }
  }
}

check "trk_04" {
  assert {
    condition     = local.controls["TRK-04"].status == "pass"
    error_message = local.controls["TRK-04"].message
  }
}

check "evt_01" {
  assert {
    condition     = local.controls["EVT-01"].status == "pass"
    error_message = local.controls["EVT-01"].message
  }
}
