# UCloud section of the compliance report: who operated the account, how
# (console or API key), which operations failed, and which sensitive ones
# deserve a look. `terraform output -raw ucloud_report` prints it.

variable "ucloud_max_events" {
  description = "How many operations to review, newest first. The API serves the last 365 days; a busy account has many more."
  type        = number
  default     = 500
}

variable "ucloud_sensitive_apis" {
  description = "APIs whose every call is listed in the report: deletions, releases, permission and key changes."
  type        = list(string)
  default     = ["DeleteUHostInstance", "DeleteULB", "ReleaseEIP", "UpdateSecurityGroup", "AttachPolicies", "CreateUser", "CreateAccessKey"]
}

data "auditlog_ucloud_operation_events" "recent" {
  max_items = var.ucloud_max_events
}

locals {
  ucloud_events = [
    for e in data.auditlog_ucloud_operation_events.recent.events : merge(e, {
      user = coalesce(e.user_name, "(unknown)")
      when = e.operate_time == null ? "?" : formatdate("YYYY-MM-DD hh:mm", timeadd("1970-01-01T00:00:00Z", "${e.operate_time}s"))
    })
  ]
  ucloud_by_user = { for e in local.ucloud_events : e.user => e... }

  ucloud_failed    = [for e in local.ucloud_events : e if e.is_success == false]
  ucloud_console   = [for e in local.ucloud_events : e if e.access_key_id == null]
  ucloud_keys      = distinct([for e in local.ucloud_events : e.access_key_id if e.access_key_id != null])
  ucloud_sensitive = [for e in local.ucloud_events : e if contains(var.ucloud_sensitive_apis, e.api)]

  # Most frequent first: sort on a zero-padded count.
  ucloud_top_apis = [
    for s in slice(
      reverse(sort([
        for api in distinct([for e in local.ucloud_events : e.api]) :
        format("%06d|%s", length([for e in local.ucloud_events : e if e.api == api]), api)
      ])),
      0, min(5, length(distinct([for e in local.ucloud_events : e.api])))
    ) : format("%s (%d)", split("|", s)[1], tonumber(split("|", s)[0]))
  ]
  ucloud_failed_by_user = [
    for s in reverse(sort([
      for user, evs in local.ucloud_by_user :
      format("%06d|%s", length([for e in evs : e if e.is_success == false]), user)
      if length([for e in evs : e if e.is_success == false]) > 0
    ])) : format("%s (%d)", split("|", s)[1], tonumber(split("|", s)[0]))
  ]

  ucloud_user_lines = [
    for user, evs in local.ucloud_by_user : format("  %-14s %4d operations %3d failed %3d in the console, last %s",
      user, length(evs),
      length([for e in evs : e if e.is_success == false]),
      length([for e in evs : e if e.access_key_id == null]),
    evs[0].when)
  ]
  ucloud_sensitive_lines = [
    for e in slice(local.ucloud_sensitive, 0, min(8, length(local.ucloud_sensitive))) :
    format("        %s %-20s %-10s %-7s %s from %s%s", e.when, e.api, e.user, e.region,
      e.is_success == false ? "FAILED" : "ok",
      e.access_key_id == null ? "the console" : "an API key",
    length(e.related_resource == null ? [] : e.related_resource) == 0 ? "" : " on ${join(", ", [for r in e.related_resource : r.resource_id])}")
  ]
}

output "ucloud_report" {
  value = <<-EOT
    == UCloud operation log (${coalesce(data.auditlog_ucloud_operation_events.recent.project_id, "default project")}) ==
    ${length(local.ucloud_events)} operations by ${length(local.ucloud_by_user)} users${length(local.ucloud_events) == 0 ? "" : ", ${local.ucloud_events[length(local.ucloud_events) - 1].when} to ${local.ucloud_events[0].when}"}${data.auditlog_ucloud_operation_events.recent.evidence.complete ? "" : " (the newest ${var.ucloud_max_events}; older ones not read)"}
    ${join("\n", local.ucloud_user_lines)}
    Top APIs: ${length(local.ucloud_top_apis) == 0 ? "none" : join(", ", local.ucloud_top_apis)}
    Findings:
      ${length(local.ucloud_failed) == 0 ? "PASS" : "WARN"} failed operations: ${length(local.ucloud_failed)}${length(local.ucloud_failed) == 0 ? "" : "; by user: ${join(", ", local.ucloud_failed_by_user)}"}
      ${length(local.ucloud_sensitive) == 0 ? "PASS" : "WARN"} sensitive operations: ${length(local.ucloud_sensitive)}${length(local.ucloud_sensitive) == 0 ? "" : ", ${length([for e in local.ucloud_sensitive : e if e.access_key_id == null])} from the console; newest:"}
    ${join("\n", local.ucloud_sensitive_lines)}
      INFO console operations: ${length(local.ucloud_console)}, API-key operations: ${length(local.ucloud_events) - length(local.ucloud_console)} with ${length(local.ucloud_keys)} distinct keys
  EOT
}
