# A compliance report over the audit configuration of two clouds.
#
# `make demo` runs this against the local simulator. Against real clouds, set
# the same environment variables to real credentials (and leave out the
# endpoint/base URL ones):
#   TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_REGION
#   UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY, UCLOUD_PROJECT_ID
# then run `terraform apply` and `terraform output -raw cloudaudit_report`.

terraform {
  required_providers {
    auditlog = {
      source = "auditlog/auditlog"
    }
  }
}

provider "auditlog" {}

data "auditlog_cloudaudit_tracks" "all" {}

locals {
  tracks = data.auditlog_cloudaudit_tracks.all.tracks

  disabled_tracks = [for t in local.tracks : t.name if t.status != 1]
  # A tracking set that records every product's write operations is the
  # baseline most audit frameworks ask for.
  full_write_coverage = [
    for t in local.tracks : t.name
    if t.status == 1 && t.resource_type == "*" && contains(["*", "Write"], t.action_type) && contains(t.event_names, "*")
  ]
  track_lines = [
    for t in local.tracks : format("  %s %-16s %-5s %-4s -> %s://%s (%s)",
      t.status == 1 ? "[on] " : "[OFF]", t.name, t.action_type, t.resource_type,
    t.storage.storage_type, t.storage.storage_name, t.storage.storage_region)
  ]
  cross_account = [for t in local.tracks : "${t.name} -> account ${t.storage.storage_account_id}" if t.storage.storage_account_id != null]
}

output "cloudaudit_report" {
  value = <<-EOT
    == CloudAudit tracking sets (${data.auditlog_cloudaudit_tracks.all.region}) ==
    ${data.auditlog_cloudaudit_tracks.all.total_count} tracking sets, ${length(local.tracks) - length(local.disabled_tracks)} enabled
    ${join("\n", local.track_lines)}
    Findings:
      ${length(local.full_write_coverage) > 0 ? "PASS" : "FAIL"} all write operations of all products are recorded by an enabled set: ${length(local.full_write_coverage) > 0 ? join(", ", local.full_write_coverage) : "none"}
      ${length(local.disabled_tracks) == 0 ? "PASS" : "WARN"} disabled tracking sets: ${length(local.disabled_tracks) == 0 ? "none" : join(", ", local.disabled_tracks)}
      INFO cross-account delivery: ${length(local.cross_account) == 0 ? "none" : join("; ", local.cross_account)}
  EOT
}
