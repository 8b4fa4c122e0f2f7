# Six months of deletions, from the CLS topics CloudAudit tracking sets
# deliver to: past the 90 days auditlog_cloudaudit_events can read.
# plantimestamp() is fixed for the whole plan; the window ends 20 minutes
# ago, since CloudAudit delivers every 5 to 10 minutes and a window ending
# under 15 minutes ago is never complete.
locals {
  now = plantimestamp()
}

data "auditlog_cloudaudit_tracks" "all" {}

locals {
  cls_storage = {
    for t in data.auditlog_cloudaudit_tracks.all.tracks :
    t.name => t.storage if t.storage.storage_type == "cls" && t.storage.storage_account_id == null
  }
}

data "auditlog_cls_search" "deletions" {
  for_each = local.cls_storage
  region   = each.value.storage_region
  topic_id = each.value.storage_name
  # Full text: allowed on cold (infrequent access) storage and past the
  # topic's hot_period, where a key-value query such as eventName:DeleteUser
  # is not sent.
  query             = "DeleteUser"
  from              = provider::auditlog::unix_time(timeadd(local.now, "-4320h"))
  to                = provider::auditlog::unix_time(timeadd(local.now, "-20m"))
  decode_cloudaudit = true
  max_items         = 100000
}

# A read is evidence only when complete: the end reached, equal to the
# histogram's count, the window settled.
check "deletions_read_completely" {
  assert {
    condition     = alltrue([for d in data.auditlog_cls_search.deletions : d.evidence.complete])
    error_message = "A CLS read is incomplete: see search_evidence.incomplete_because."
  }
}

output "deletions" {
  value = flatten([
    for name, d in data.auditlog_cls_search.deletions : [
      for l in d.logs : format("%s %s %s %s", name, l.cloudaudit.event_time,
      coalesce(l.cloudaudit.principal_id, "?"), coalesce(l.cloudaudit.resource_name, "?"))
    ]
  ])
}
