# The last day of events (the API serves the last 90 days, under 30 days per
# query). plantimestamp() is fixed for the whole plan.
locals {
  now = plantimestamp()
}

data "auditlog_cloudaudit_events" "last_day" {
  start_time = provider::auditlog::unix_time(timeadd(local.now, "-24h"))
  end_time   = provider::auditlog::unix_time(local.now)
}

# Deletions in the last day: who deleted what, and whether it worked. A call
# fails at CAM (error_code, such as 4102) or, after CAM let it through, in the
# service: error_code is then 0 and only the event document's apiErrorCode
# (0 when the call succeeded) says so.
output "deletions_last_day" {
  value = [
    for e in data.auditlog_cloudaudit_events.last_day.events :
    format("%s %s %s %s (%s)", e.event_time, e.username, e.event_name,
      coalesce(e.resources.resource_name, e.resources.resource_type),
      e.error_code != 0 ? "denied by CAM: ${coalesce(e.error_code, "?")}" : (
        coalesce(try(tostring(jsondecode(e.cloud_audit_event).apiErrorCode), null), "0") == "0" ? "ok" :
    "failed: ${jsondecode(e.cloud_audit_event).apiErrorCode}"))
    if startswith(e.event_name, "Delete")
  ]
}

# Console logins of the last week, per user, with their source addresses.
data "auditlog_cloudaudit_events" "logins" {
  start_time = provider::auditlog::unix_time(timeadd(local.now, "-168h"))
  end_time   = provider::auditlog::unix_time(local.now)

  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = "ConsoleLogin"
  }
}

output "console_logins_per_user" {
  value = {
    for e in data.auditlog_cloudaudit_events.logins.events :
    e.username => e.source_ip_address...
  }
}

# Write calls CAM refused in the last week. Conditions on different keys must
# all hold; repeating a key (two EventName blocks, say) matches either value.
data "auditlog_cloudaudit_events" "denied_writes" {
  start_time = provider::auditlog::unix_time(timeadd(local.now, "-168h"))
  end_time   = provider::auditlog::unix_time(local.now)

  lookup_attributes {
    attribute_key   = "ActionType"
    attribute_value = "Write"
  }
  lookup_attributes {
    attribute_key   = "CamErrorCode"
    attribute_value = "4102"
  }
}

# Every write call CAM refused, with the reason from the event document.
output "failed_writes" {
  value = [
    for e in data.auditlog_cloudaudit_events.denied_writes.events : {
      who    = e.username
      what   = e.event_name
      when   = e.event_time
      from   = e.source_ip_address
      reason = try(jsondecode(e.cloud_audit_event).errorMessage, null)
    }
  ]
}

# A large window in bounded chunks: the newest 1000 events, then the next
# 1000 from exactly where the first read stopped. resume_token is null when
# the first read reached the end, so the second read exists only while there
# is more to read.
data "auditlog_cloudaudit_events" "chunk_1" {
  start_time = provider::auditlog::unix_time(timeadd(local.now, "-720h"))
  end_time   = provider::auditlog::unix_time(timeadd(local.now, "-1h"))
  max_items  = 1000

  timeouts {
    read = "10m"
  }
}

data "auditlog_cloudaudit_events" "chunk_2" {
  count = data.auditlog_cloudaudit_events.chunk_1.resume_token == null ? 0 : 1

  start_time = data.auditlog_cloudaudit_events.chunk_1.start_time
  end_time   = data.auditlog_cloudaudit_events.chunk_1.end_time
  max_items  = 1000
  next_token = data.auditlog_cloudaudit_events.chunk_1.resume_token
}

# A busy account: keep only the failed deletions of the last week that came
# from outside the office blocks, so that only they reach the state. The API
# selects the write events (ActionType); the provider applies the rest to
# every event the API returns, as each page arrives. evidence.scanned counts
# the events read, evidence.records the ones kept, and evidence.selection
# states both parts. Without the raw JSON document, each event is about half
# the size.
data "auditlog_cloudaudit_events" "failed_deletes_outside" {
  start_time                = provider::auditlog::unix_time(timeadd(local.now, "-168h"))
  end_time                  = provider::auditlog::unix_time(local.now)
  include_cloud_audit_event = false

  select {
    action_type      = "Write"
    event_names      = ["^Delete", "^Terminate"]
    source_ip_not_in = ["203.0.113.0/24", "2001:db8:85a3::/48"]
    failed_only      = true
  }
}

output "failed_deletes_outside" {
  value = {
    scanned = data.auditlog_cloudaudit_events.failed_deletes_outside.evidence.scanned
    kept    = [for e in data.auditlog_cloudaudit_events.failed_deletes_outside.events : "${e.username} ${e.event_name} ${e.source_ip_address}"]
  }
}

# The same day of every named account, one read per account: each reads as
# its account, evidence.account_id says which. The accounts are the
# provider's named account blocks (the key pair comes from the environment,
# TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, and assumes each role).
provider "auditlog" {
  tencentcloud {
    account {
      name     = "prod"
      role_arn = "qcs::cam::uin/100000000002:roleName/auditor"
    }
    account {
      name     = "finance"
      role_arn = "qcs::cam::uin/100000000003:roleName/auditor"
    }
  }
}

data "auditlog_cloudaudit_events" "per_account" {
  for_each = toset(["prod", "finance"])

  account    = each.key
  start_time = provider::auditlog::unix_time(timeadd(local.now, "-24h"))
  end_time   = provider::auditlog::unix_time(local.now)
}

output "events_per_account" {
  value = { for name, d in data.auditlog_cloudaudit_events.per_account : name => d.evidence.records }
}
