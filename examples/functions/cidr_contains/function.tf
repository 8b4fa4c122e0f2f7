variable "allowed_networks" {
  description = "Where API calls may come from."
  type        = list(string)
  default     = ["10.0.0.0/8", "106.55.0.0/16", "2402:4e00::/32"]
}

data "auditlog_ucloud_operation_events" "last_week" {
  begin_time = provider::auditlog::unix_time(plantimestamp()) - 7 * 86400
}

# Operations from outside the allowed networks, IPv4 and IPv6 alike.
output "operations_from_unknown_networks" {
  value = [
    for e in data.auditlog_ucloud_operation_events.last_week.events : e
    if !anytrue([for n in var.allowed_networks : provider::auditlog::cidr_contains(n, e.remote_ip)])
  ]
}

data "auditlog_csip_user_call_records" "ci" {
  sub_uin = "100021372635"
}

# CSIP may mask a source IP ("106.55.***.47"): cidr_contains then fails
# rather than guess, so decide explicitly what a masked address means.
# Here it counts as unknown, hence outside the allow-list.
output "csip_sources_outside_allow_list" {
  value = distinct([
    for r in data.auditlog_csip_user_call_records.ci.data : r.source_ip
    if !try(anytrue([for n in var.allowed_networks : provider::auditlog::cidr_contains(n, r.source_ip)]), false)
  ])
}
