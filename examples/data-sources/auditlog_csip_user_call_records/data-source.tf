# Source IPs the account is expected to call the cloud API from.
locals {
  allowed_source_ips = ["106.55.0.1", "119.29.0.1", "42.193.0.1"]
}

# Every call record of one sub-account over the last 30 days, all pages.
# CSIP times carry no zone and are Beijing time (UTC+8): 30 days before the
# plan is timeadd(plantimestamp(), "8h") minus 30 days.
data "auditlog_csip_user_call_records" "deployer" {
  sub_uin = "100021372635"

  filter {
    start_time = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(plantimestamp(), "${8 - 30 * 24}h"))
  }
}

# Calls from anywhere outside the allow-list. Masked addresses such as
# "106.55.***.47" never match the list, so they are reported too.
output "calls_from_unknown_ips" {
  value = [
    for r in data.auditlog_csip_user_call_records.deployer.data :
    format("%s (%s, %s): %d calls, last %s", r.source_ip, r.region, r.isp, r.call_count, r.last_call_time)
    if !contains(local.allowed_source_ips, r.source_ip)
  ]
}

# Exactly one page with exactly this filter: the 10 source IPs with the most
# failed API calls.
data "auditlog_csip_user_call_records" "top_failures" {
  sub_uin = "100021372635"

  filter {
    limit = 10
    order = "desc"
    by    = "CallCount"

    filters { # API calls, not console
      name   = "EventType"
      values = ["1"]
    }
    filters { # that failed
      name          = "Code"
      values        = ["0"]
      operator_type = 6
    }
    filters { # IPv4 sources only
      name          = "SourceIP"
      values        = [":"]
      operator_type = 13
    }
  }
}
