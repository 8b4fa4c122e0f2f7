# Every tracking set of the account, all pages.
data "auditlog_cloudaudit_tracks" "all" {
  region = "ap-guangzhou"
}

# Fail the plan when no enabled tracking set records all write operations.
check "write_operations_are_audited" {
  assert {
    condition = anytrue([
      for t in data.auditlog_cloudaudit_tracks.all.tracks :
      t.status == 1 && t.resource_type == "*" && contains(["*", "Write"], t.action_type)
    ])
    error_message = "No enabled CloudAudit tracking set records all write operations."
  }
}

output "tracking_sets_delivering_to_cos" {
  value = [for t in data.auditlog_cloudaudit_tracks.all.tracks : t.name if t.storage.storage_type == "cos"]
}

# Exactly one page, as the API serves it.
data "auditlog_cloudaudit_tracks" "first_page" {
  page_number = 1
  page_size   = 10
}
