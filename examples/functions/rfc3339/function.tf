data "auditlog_ucloud_operation_events" "recent" {
  max_items = 20
}

# Event times as readable timestamps in UTC.
output "recent_operations" {
  value = [
    for e in data.auditlog_ucloud_operation_events.recent.events :
    "${provider::auditlog::rfc3339(e.operate_time)} ${e.user_name} ${e.api}"
  ]
}

# Terraform's own time functions take the result.
output "last_operation_day" {
  value = formatdate("YYYY-MM-DD", provider::auditlog::rfc3339(data.auditlog_ucloud_operation_events.recent.events[0].operate_time))
}
