# A root configuration around the compliance module: it configures the
# provider (credentials from the environment: TENCENTCLOUD_SECRET_ID,
# TENCENTCLOUD_SECRET_KEY, UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY, ...) and
# passes its own variables through.
#
#   terraform get                                   # installs the module (../)
#   terraform plan -var-file=../test/scenario.tfvars
#   terraform output -json compliance
#   terraform output -raw compliance_report
#
# The allow-lists may instead come from the policy data file the gate reads:
#   terraform plan -var auditlog_policy_data_file=PATH
# auditlog-gate sets TF_VAR_auditlog_policy_data_file to the policy data it
# judges by, and requires the output auditlog_policy_sha256 to be its sha256.

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
  policy_data_file            = var.auditlog_policy_data_file
  account_id                  = var.account_id
  window_days                 = var.window_days
  window_start                = var.window_start
  window_end                  = var.window_end
  allowed_networks            = var.allowed_networks
  csip_sub_uins               = var.csip_sub_uins
  ucloud_privileged_users     = var.ucloud_privileged_users
  ucloud_max_failed           = var.ucloud_max_failed
  ucloud_max_events           = var.ucloud_max_events
  select_at_provider          = var.select_at_provider
  cloudaudit_privileged_users = var.cloudaudit_privileged_users
  fail_on_no_records          = var.fail_on_no_records
  tencentcloud_accounts       = var.tencentcloud_accounts
  tencentcloud_regions        = var.tencentcloud_regions
  ucloud_projects             = var.ucloud_projects
  retention_out_of_scope      = var.retention_out_of_scope
  min_retention_days          = var.min_retention_days
  cls_window_days             = var.cls_window_days
}

variable "enforce" {
  description = "Fail the plan when a control fails."
  type        = bool
  default     = false
}

variable "auditlog_policy_data_file" {
  description = "Policy data JSON of the gate (schema_version 3), to read the allow-lists and the organization from (one copy for both); null: the variables below. auditlog-gate sets it (TF_VAR_auditlog_policy_data_file)."
  type        = string
  default     = null
}

variable "account_id" {
  description = "The account of the policy data's tencentcloud.accounts this configuration reviews; null: its only account."
  type        = string
  default     = null
}

variable "window_days" {
  description = "Review the last this many days; null: the policy data's, else 28."
  type        = number
  default     = null
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
  description = "CIDR blocks sub-accounts may call the cloud API from (or in the policy data)."
  type        = list(string)
  default     = null
}

variable "csip_sub_uins" {
  description = "Sub-accounts whose API calls are reviewed (or in the policy data)."
  type        = list(string)
  default     = null
}

variable "ucloud_privileged_users" {
  description = "UCloud users allowed to make risky operations (or in the policy data)."
  type        = list(string)
  default     = null
}

variable "ucloud_max_failed" {
  description = "Most failed UCloud operations tolerated in the window (or in the policy data)."
  type        = number
  default     = null
}

variable "ucloud_max_events" {
  description = "Read at most this many UCloud operations; null reads all."
  type        = number
  default     = null
}

variable "cloudaudit_privileged_users" {
  description = "CloudAudit users allowed to log in to the console and to delete resources (or in the policy data)."
  type        = list(string)
  default     = null
}

variable "fail_on_no_records" {
  description = "Fail a control over activity that reviewed no record."
  type        = bool
  default     = false
}

variable "tencentcloud_accounts" {
  description = "Tencent Cloud accounts the reads must act as (or in the policy data); null: any."
  type        = list(string)
  default     = null
}

variable "tencentcloud_regions" {
  description = "Regions the CloudAudit reads must be sent to (or in the policy data); null: any."
  type        = list(string)
  default     = null
}

variable "ucloud_projects" {
  description = "UCloud projects the operation log may come from (or in the policy data); null: any."
  type        = list(string)
  default     = null
}

output "compliance" {
  description = "Verdict per control, with its records, findings and evidence."
  value       = module.compliance.compliance
}

output "auditlog_policy_sha256" {
  description = "The sha256 of the policy data file the compliance module read (null without one): auditlog-gate requires it to equal the sha256 of the policy data it judges by."
  value       = module.compliance.policy_sha256
}

output "compliance_report" {
  description = "The verdicts as Markdown."
  value       = module.compliance.compliance_report
}

variable "select_at_provider" {
  description = "Have the provider keep only the records EVT-01, UC-01 and UC-02 may find (see the module's variable)."
  type        = bool
  default     = true
  nullable    = false
}

variable "retention_out_of_scope" {
  description = "Tracking sets (track_id as text) whose retention RET-01 does not judge (or in the policy data's account entry); null: none."
  type        = list(string)
  default     = null
}

variable "min_retention_days" {
  description = "Fewest days a CLS topic a tracking set delivers to must keep its logs (RET-01; or in the policy data); null: 184."
  type        = number
  default     = null
}

variable "cls_window_days" {
  description = "Days the CLS analyses count over, ending 15 minutes before the plan (or in the policy data); null: 180."
  type        = number
  default     = null
}
