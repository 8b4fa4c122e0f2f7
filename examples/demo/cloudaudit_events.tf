# CloudAudit events section of the compliance report: who signed in to the
# console, which write calls failed, what was deleted, and which tracking
# sets leave member accounts out. `terraform output -raw cloudaudit_events_report`
# prints it.

variable "audit_now" {
  description = "Required: the report's \"now\", UNIX seconds, such as the output of `date +%s` (`-var audit_now=$(date +%s)` or `TF_VAR_audit_now`; make demo sets it). The events section covers audit_days days before it; the API serves the last 90 days, under 30 days per query."
  type        = number
}

variable "audit_days" {
  description = "How many days back the events section looks (under 30)."
  type        = number
  default     = 7
}

data "auditlog_cloudaudit_events" "recent" {
  start_time = var.audit_now - var.audit_days * 86400
  end_time   = var.audit_now
}

data "auditlog_cloudaudit_track" "each" {
  for_each = toset([for t in data.auditlog_cloudaudit_tracks.all.tracks : tostring(t.track_id)])

  track_id = tonumber(each.value)
}

locals {
  # A call fails at CAM (error_code, such as 4102) or, after CAM let it
  # through, in the service: error_code is then 0 and only the document's
  # apiErrorCode (0 when the call succeeded) says so.
  ca_events = [
    for e in data.auditlog_cloudaudit_events.recent.events : merge(e, {
      when      = formatdate("YYYY-MM-DD hh:mm", timeadd("1970-01-01T00:00:00Z", "${e.event_time}s"))
      doc       = jsondecode(e.cloud_audit_event)
      api_error = coalesce(try(tostring(jsondecode(e.cloud_audit_event).apiErrorCode), null), "0")
      failed    = e.error_code != 0 || coalesce(try(tostring(jsondecode(e.cloud_audit_event).apiErrorCode), null), "0") != "0"
    })
  ]
  ca_logins      = [for e in local.ca_events : e if e.event_name == "ConsoleLogin"]
  ca_login_users = distinct([for e in local.ca_logins : e.username])
  # Not every event document carries actionType; one without it is not
  # counted as a write.
  ca_failed_writes = [for e in local.ca_events : e if e.failed && try(e.doc.actionType, null) == "Write" && e.event_name != "ConsoleLogin"]
  ca_deletions_day = [
    for e in local.ca_events : e
    if(startswith(e.event_name, "Delete") || e.event_name == "TerminateInstances") && tonumber(e.event_time) >= var.audit_now - 86400
  ]
  ca_partial_tracks = [
    for id, t in data.auditlog_cloudaudit_track.each : format("%s (%s, %s)", t.name, id, t.status == 1 ? "enabled" : "disabled")
    if t.track_for_all_members != 1
  ]

  ca_login_lines = [
    for u in local.ca_login_users : format("  %-12s %3d logins, %d failed, from %s", u,
      length([for e in local.ca_logins : e if e.username == u]),
      length([for e in local.ca_logins : e if e.username == u && e.failed]),
    join(", ", distinct([for e in local.ca_logins : e.source_ip_address if e.username == u])))
  ]
  ca_failed_lines = [
    for e in slice(local.ca_failed_writes, 0, min(10, length(local.ca_failed_writes))) :
    format("  %s %-12s %-28s %-10s %s", e.when, e.username, e.event_name, e.error_code != 0 ? "CAM denied" : "API error", e.api_error == "0" ? "" : e.api_error)
  ]
  ca_deletion_lines = [
    for e in local.ca_deletions_day :
    format("  %s %-12s %-22s %s %s", e.when, e.username, e.event_name, coalesce(e.resources.resource_name, "-"), e.failed ? "(failed)" : "")
  ]
}

output "cloudaudit_events_report" {
  value = <<-EOT
    == CloudAudit events, last ${var.audit_days} days ==
    ${length(local.ca_events)} events, ${length(distinct([for e in local.ca_events : e.username]))} identities, ${length([for e in local.ca_events : e if e.secret_id == null])} without an API key
    Console logins per user:
    ${join("\n", local.ca_login_lines)}
    Failed write calls: ${length(local.ca_failed_writes)} (${length([for e in local.ca_failed_writes : e if e.error_code != 0])} denied by CAM, the others failed in the service); the newest:
    ${join("\n", local.ca_failed_lines)}
    Deletions in the last day: ${length(local.ca_deletions_day)}
    ${join("\n", local.ca_deletion_lines)}
    Findings:
      ${length(local.ca_partial_tracks) == 0 ? "PASS" : "WARN"} tracking sets not covering every member account: ${length(local.ca_partial_tracks) == 0 ? "none" : join(", ", local.ca_partial_tracks)}
      ${length([for e in local.ca_logins : e if e.failed]) == 0 ? "PASS" : "WARN"} failed console logins: ${length([for e in local.ca_logins : e if e.failed])}
  EOT
}
