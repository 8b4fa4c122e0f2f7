# The CLS topics CloudAudit tracking sets deliver to, found from the tracking
# sets themselves: storage_name is the topic id, storage_region its region.
# (A set with a storage_account_id delivers to another account's topic: read
# it with that account's `account` block.)
data "auditlog_cloudaudit_tracks" "all" {}

locals {
  cls_storage = {
    for t in data.auditlog_cloudaudit_tracks.all.tracks :
    t.name => t.storage if t.storage.storage_type == "cls" && t.storage.storage_account_id == null
  }
}

# Each topic with its index: retention, storage class, who created it.
data "auditlog_cls_topics" "delivered" {
  for_each      = local.cls_storage
  region        = each.value.storage_region
  include_index = true

  filters {
    key    = "topicId"
    values = [each.value.storage_name]
  }
}

# Six months of retention (Cybersecurity Law, art. 21) on every topic an
# audit trail is delivered to; a topic missing from its region fails too.
check "audit_topics_keep_six_months" {
  assert {
    condition = alltrue([
      for name, d in data.auditlog_cls_topics.delivered :
      length(d.topics) == 1 && alltrue([for t in d.topics : t.period >= 180])
    ])
    error_message = "A CLS topic receiving CloudAudit events keeps them less than 180 days, or is missing."
  }
}

# Every log topic of a region, all pages.
data "auditlog_cls_topics" "guangzhou" {
  region = "ap-guangzhou"
}

output "cold_topics" {
  value = [for t in data.auditlog_cls_topics.guangzhou.topics : t.topic_name if t.storage_type == "cold"]
}
