# A root configuration around the compliance module: it configures the
# provider (credentials from the environment: TENCENTCLOUD_SECRET_ID,
# TENCENTCLOUD_SECRET_KEY, UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY, ...) and
# passes its own variables through.
#
#   terraform plan -var-file=../test/scenario.tfvars
#   terraform output -json compliance
#   terraform output -raw compliance_report

terraform {
  required_providers {
    auditlog = {
      source = "auditlog/auditlog"
    }
  }
}

provider "auditlog" {}

module "compliance" {
  source = "../"

  enforce                     = var.enforce
  window_days                 = var.window_days
  window_start                = var.window_start
  window_end                  = var.window_end
  allowed_networks            = var.allowed_networks
  csip_sub_uins               = var.csip_sub_uins
  ucloud_privileged_users     = var.ucloud_privileged_users
  ucloud_max_failed           = var.ucloud_max_failed
  ucloud_max_events           = var.ucloud_max_events
  cloudaudit_privileged_users = var.cloudaudit_privileged_users
}

variable "enforce" {
  description = "Fail the plan when a control fails."
  type        = bool
  default     = false
}

variable "window_days" {
  description = "Review the last this many days."
  type        = number
  default     = 28
}

variable "window_start" {
  description = "Start of the review window (date or RFC 3339); null: window_days before the plan."
  type        = string
  default     = null
}

variable "window_end" {
  description = "End of the review window (date or RFC 3339); null: the plan's time."
  type        = string
  default     = null
}

variable "allowed_networks" {
  description = "CIDR blocks sub-accounts may call the cloud API from."
  type        = list(string)
}

variable "csip_sub_uins" {
  description = "Sub-accounts whose API calls are reviewed."
  type        = list(string)
}

variable "ucloud_privileged_users" {
  description = "UCloud users allowed to make risky operations."
  type        = list(string)
  default     = []
}

variable "ucloud_max_failed" {
  description = "Most failed UCloud operations tolerated in the window."
  type        = number
  default     = 3
}

variable "ucloud_max_events" {
  description = "Read at most this many UCloud operations; null reads all."
  type        = number
  default     = null
}

variable "cloudaudit_privileged_users" {
  description = "CloudAudit users allowed to log in to the console and to delete resources."
  type        = list(string)
  default     = []
}

output "compliance" {
  description = "Verdict per control, with findings."
  value       = module.compliance.compliance
}

output "compliance_report" {
  description = "The verdicts as Markdown."
  value       = module.compliance.compliance_report
}
