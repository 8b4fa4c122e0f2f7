# Several accounts audited from one configuration with OpenTofu 1.9 or later:
# one provider instance per account (provider for_each), each with that
# account's own credentials, and each data source read once per account.
#
#   (edit accounts.auto.tfvars: the accounts and the profiles of their keys)
#   tofu init
#   tofu apply
#   tofu output -json accounts
#
# The accounts must be known when OpenTofu reads the configuration, before
# any plan (a provider's for_each is evaluated at init): set them in a
# *.auto.tfvars file, a -var-file given to init as well, or a local value.
#
# Terraform has no for_each on provider blocks: there, write one aliased
# provider block per account, or call the examples/compliance module once
# per account with its own provider.

terraform {
  required_version = ">= 1.9"

  required_providers {
    auditlog = {
      source = "auditlog/auditlog"
    }
  }
}

variable "accounts" {
  description = "The accounts to audit, by a name of your choice, with the profiles holding their keys."
  type = map(object({
    # ~/.tccli/<profile>.credential: the account's Tencent Cloud keys.
    tccli_profile = string
    # ~/.ucloud/credential.json and config.json: keys, project and base URL.
    ucloud_profile = string
    # null: the public Tencent Cloud API.
    tencentcloud_endpoint = optional(string)
  }))
}

variable "days" {
  description = "Review the UCloud operations of the last this many days."
  type        = number
  default     = 30
}

provider "auditlog" {
  alias    = "account"
  for_each = var.accounts

  tencentcloud {
    profile  = each.value.tccli_profile
    endpoint = each.value.tencentcloud_endpoint
  }
  ucloud {
    profile = each.value.ucloud_profile
  }
}

data "auditlog_cloudaudit_tracks" "all" {
  for_each = var.accounts
  provider = auditlog.account[each.key]
}

data "auditlog_ucloud_operation_events" "recent" {
  for_each = var.accounts
  provider = auditlog.account[each.key]

  begin_time = provider::auditlog::unix_time(plantimestamp()) - var.days * 86400
}

output "accounts" {
  description = "Per account: its tracking sets, those not enabled, its UCloud project and the failed operations of the window."
  value = {
    for name in keys(var.accounts) : name => {
      tracking_sets          = data.auditlog_cloudaudit_tracks.all[name].tracks[*].name
      disabled_tracking_sets = [for t in data.auditlog_cloudaudit_tracks.all[name].tracks : t.name if t.status != 1]
      ucloud_project         = data.auditlog_ucloud_operation_events.recent[name].project_id
      ucloud_operations      = length(data.auditlog_ucloud_operation_events.recent[name].events)
      failed_operations = [
        for e in data.auditlog_ucloud_operation_events.recent[name].events :
        "${e.user_name}: ${e.api} at ${provider::auditlog::rfc3339(e.operate_time)}" if e.is_success == false
      ]
    }
  }
}
