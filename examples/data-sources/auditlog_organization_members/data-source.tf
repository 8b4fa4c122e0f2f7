# Every member account of the organization, all pages. Read it with the
# credentials of the organization's administrator account.
data "auditlog_organization_members" "all" {}

# The accounts the compliance team expects to audit.
variable "audited_accounts" {
  type    = set(string)
  default = ["100000000001", "100000000002"]
}

# Fail the plan when the listing is incomplete, or when a member of the
# organization is not among the audited accounts: UINs are numbers in the
# listing and strings in evidence.account_id, hence tostring().
check "every_member_is_audited" {
  assert {
    condition     = data.auditlog_organization_members.all.evidence.complete
    error_message = "The member listing is incomplete: nothing can be proven about coverage."
  }
  assert {
    condition = alltrue([
      for m in data.auditlog_organization_members.all.items :
      contains(var.audited_accounts, tostring(m.member_uin))
    ])
    error_message = "Members not audited: ${join(", ", [
      for m in data.auditlog_organization_members.all.items :
      "${m.name} (${m.member_uin})" if !contains(var.audited_accounts, tostring(m.member_uin))
    ])}."
  }
}

# The production members, by tag. narrowed_by then lists "tags": this read
# proves nothing about the other members.
data "auditlog_organization_members" "production" {
  tags {
    tag_key   = "env"
    tag_value = "prod"
  }
}

output "production_members" {
  value = { for m in data.auditlog_organization_members.production.items : tostring(m.member_uin) => m.name }
}
