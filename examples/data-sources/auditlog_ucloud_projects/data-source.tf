# Every project of the UCloud account, in one call.
data "auditlog_ucloud_projects" "all" {}

# The projects the compliance team audits, each with its own
# auditlog_ucloud_operation_events (project_id = each.key).
variable "audited_projects" {
  type    = set(string)
  default = ["org-abc123"]
}

check "every_project_is_audited" {
  assert {
    condition = data.auditlog_ucloud_projects.all.evidence.complete && alltrue([
      for p in data.auditlog_ucloud_projects.all.project_set : contains(var.audited_projects, p.project_id)
    ])
    error_message = "Projects not audited: ${join(", ", [
      for p in data.auditlog_ucloud_projects.all.project_set : p.project_id if !contains(var.audited_projects, p.project_id)
    ])}."
  }
}

output "default_project" {
  value = one([for p in data.auditlog_ucloud_projects.all.project_set : p.project_id if p.is_default])
}
