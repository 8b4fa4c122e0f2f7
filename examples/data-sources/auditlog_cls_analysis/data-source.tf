# Who did what over six months, counted by CLS in its engine from the topics
# CloudAudit tracking sets deliver to: the plan holds the counts, not the
# events. plantimestamp() is fixed for the whole plan; the window ends 20
# minutes ago, since CloudAudit delivers every 5 to 10 minutes and a window
# ending under 15 minutes ago is never complete.
locals {
  now = plantimestamp()
}

data "auditlog_cloudaudit_tracks" "all" {}

locals {
  # Topics of the provider's own account; a cold (infrequent access) topic
  # has no SQL, so it is left to auditlog_cls_search.
  cls_storage = {
    for t in data.auditlog_cloudaudit_tracks.all.tracks :
    t.name => t.storage if t.storage.storage_type == "cls" && t.storage.storage_account_id == null
  }
}

data "auditlog_cls_topics" "audit" {
  for_each = local.cls_storage
  region   = each.value.storage_region
  filters {
    key    = "topicId"
    values = [each.value.storage_name]
  }
}

data "auditlog_cls_analysis" "writes_by_user" {
  for_each = {
    for name, s in local.cls_storage : name => s
    if alltrue([for t in data.auditlog_cls_topics.audit[name].topics : t.storage_type != "cold"])
  }
  region   = each.value.storage_region
  topic_id = each.value.storage_name
  query    = "actionType:Write"
  # No LIMIT: the provider appends LIMIT max_rows+1 and reports an answer
  # longer than max_rows as incomplete.
  sql      = "SELECT \"userIdentity.userName\" AS user, eventName, count(*) AS n GROUP BY \"userIdentity.userName\", eventName ORDER BY n DESC"
  from     = provider::auditlog::unix_time(timeadd(local.now, "-4416h"))
  to       = provider::auditlog::unix_time(timeadd(local.now, "-20m"))
  max_rows = 5000
}

check "writes_counted_completely" {
  assert {
    condition     = alltrue([for a in data.auditlog_cls_analysis.writes_by_user : a.evidence.complete])
    error_message = "A CLS analysis is incomplete: see analysis_evidence.incomplete_because."
  }
}

output "writes_by_user" {
  value = {
    for name, a in data.auditlog_cls_analysis.writes_by_user : name => [
      for r in a.rows : format("%s %s %s", coalesce(r.user, "?"), r.eventName, r.n)
    ]
  }
}
