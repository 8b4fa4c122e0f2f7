# Cloud Security Center (CSIP) section of the compliance report: where each
# sub-account calls the cloud API from, and which calls deserve a look.
# `terraform output -raw csip_report` prints it.

variable "csip_sub_uins" {
  description = "UINs of the sub-accounts whose API calls are reviewed. The defaults are the simulator's; against a real account list yours (CSIP's DescribeAccessKeyUserList reports them)."
  type        = list(string)
  default     = ["100021372635", "100021372636", "100021372637"]
}

variable "csip_allowed_source_ips" {
  description = "Source IPs calls are expected from, besides those the account has put a remark on."
  type        = list(string)
  default     = ["106.55.0.1", "119.29.0.1"]
}

data "auditlog_csip_user_call_records" "account" {
  for_each = toset(var.csip_sub_uins)

  sub_uin   = each.value
  max_items = 5000
}

locals {
  csip_records = {
    for uin, ds in data.auditlog_csip_user_call_records.account : uin => ds.data
  }
  csip_all = flatten([
    for uin, recs in local.csip_records : [for r in recs : merge(r, { sub_uin = uin })]
  ])

  # An IP is known when it is allow-listed or the account has remarked it.
  csip_unknown = [
    for r in local.csip_all : r
    if r.source_ip_remark == "" && !contains(var.csip_allowed_source_ips, r.source_ip)
  ]
  csip_failed  = [for r in local.csip_all : r if r.code != 0]
  csip_abroad  = [for r in local.csip_all : r if !startswith(r.region, "中国")]
  csip_masked  = [for r in local.csip_all : r if strcontains(r.source_ip, "***")]
  csip_console = [for r in local.csip_all : r if r.event_type == 0]

  # The busiest unknown sources first: sort on a zero-padded call count.
  csip_unknown_top = [
    for s in slice(
      reverse(sort([for r in local.csip_unknown : format("%012d|%s|%s", r.call_count, r.source_ip, r.user_name)])),
      0, min(5, length(local.csip_unknown))
    ) : s
  ]
  csip_unknown_lines = [
    for s in local.csip_unknown_top : format("%s by %s (%d calls)", split("|", s)[1], split("|", s)[2], tonumber(split("|", s)[0]))
  ]

  csip_account_lines = [
    for uin, recs in local.csip_records : format("  %-13s %-16s %4d source IPs %8d calls %4d failed, last call %s",
      uin, try(recs[0].user_name, "-"), length(recs),
      sum(concat([0], [for r in recs : r.call_count])),
      length([for r in recs : r if r.code != 0]),
    length(recs) == 0 ? "never" : reverse(sort([for r in recs : r.last_call_time]))[0])
  ]
}

output "csip_report" {
  value = <<-EOT
    == Cloud Security Center: cloud API calls per sub-account ==
    ${length(local.csip_all)} source IPs across ${length(var.csip_sub_uins)} sub-accounts
    ${join("\n", local.csip_account_lines)}
    Findings:
      ${length(local.csip_unknown) == 0 ? "PASS" : "WARN"} source IPs neither allow-listed nor remarked: ${length(local.csip_unknown)}${length(local.csip_unknown) == 0 ? "" : "; busiest: ${join(", ", local.csip_unknown_lines)}"}
      ${length(local.csip_failed) == 0 ? "PASS" : "WARN"} source IPs with failed calls: ${length(local.csip_failed)}${length(local.csip_failed) == 0 ? "" : " (codes ${join(", ", distinct([for r in local.csip_failed : tostring(r.code)]))})"}
      INFO source IPs outside mainland China: ${length(local.csip_abroad)}${length(local.csip_abroad) == 0 ? "" : " (${join(", ", distinct([for r in local.csip_abroad : r.region]))})"}
      INFO console sources: ${length(local.csip_console)}, masked source IPs: ${length(local.csip_masked)}
  EOT
}
