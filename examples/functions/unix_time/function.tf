# The UCloud operation log of the last 7 days before the plan.
data "auditlog_ucloud_operation_events" "last_week" {
  begin_time = provider::auditlog::unix_time(plantimestamp()) - 7 * 86400
}

# A fixed date, with its UTC offset.
output "audit_start" {
  value = provider::auditlog::unix_time("2026-11-01T00:00:00+08:00") # 1793462400
}

# A leap second is the UNIX second after 23:59:59, as POSIX counts it.
output "leap_second" {
  value = provider::auditlog::unix_time("2016-12-31T23:59:60Z") # 1483228800
}
