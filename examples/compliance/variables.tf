# Every setting that the gate's policy data also holds (allow-lists,
# thresholds, the window, the expected accounts, regions and projects) may
# instead be read from that file: policy_data_file. Each is then either a
# variable or a key of the file, never both (policy.tf).

variable "enforce" {
  description = "When true, a failing control is an error that fails `terraform plan`; when false, `check` blocks only warn. A verdict that rests on evidence known only after apply is unknown at plan time, and Terraform 1.11 then defers the error to apply: the plan's exit code is no gate, the gate command of examples/policy is."
  type        = bool
  default     = false
  nullable    = false
}

variable "policy_data_file" {
  description = "Path of the policy data JSON file the gate judges by (`{\"auditlog\": {\"policy\": {...}}}`, such as examples/policy/policy.json). When set, every setting the compliance guide lists as read from it comes from the file, and setting one of them here as well is an error: one copy of each. A relative path is relative to the directory Terraform runs in: write `\"$${path.root}/...\"`."
  type        = string
  default     = null

  validation {
    condition     = var.policy_data_file == null || can(jsondecode(file(var.policy_data_file)))
    error_message = "policy_data_file must name a readable JSON file (a path relative to the directory Terraform runs in, or absolute)."
  }
  validation {
    condition     = var.policy_data_file == null || can(keys(jsondecode(file(var.policy_data_file)).auditlog.policy))
    error_message = "policy_data_file holds no policy object at auditlog.policy: the file the gate reads is {\"auditlog\": {\"policy\": {...}}}."
  }
  validation {
    condition     = var.policy_data_file == null || try(jsondecode(file(var.policy_data_file)).auditlog.policy.schema_version == 3, false)
    error_message = "policy_data_file is not policy data of schema_version 3 (\"schema_version\": 3): see the migration note \"Policy data v3\" in examples/policy/README.md. A version 2 file gains min_retention_days, cls_window_days, cls_member_account_field, cloudaudit_instance_event_patterns and the controls RET-01 and EVT-02; a version 1 file (tencentcloud_accounts, tencentcloud_regions, csip_sub_uins, ucloud_projects, allowed_endpoint_hosts) is first converted to version 2 by `auditlog-gate convert-v1 FILE` or `opa eval --fail --format pretty -d examples/policy/lib -d FILE data.auditlog.lib.convert_v1`."
  }
  validation {
    # Strict, as the gate: version 3 keys are required (null where null is
    # meant), so that a file cannot leave a control on a default unseen.
    condition = var.policy_data_file == null || try(jsondecode(file(var.policy_data_file)).auditlog.policy.schema_version != 3, true) || try(alltrue([
      for k in ["min_retention_days", "cls_window_days", "cls_member_account_field", "cloudaudit_instance_event_patterns"] :
      contains(keys(jsondecode(file(var.policy_data_file)).auditlog.policy), k)
    ]), false)
    error_message = "policy_data_file (schema_version 3) must hold min_retention_days, cls_window_days, cls_member_account_field (null for none) and cloudaudit_instance_event_patterns: see the migration note \"Policy data v3\" in examples/policy/README.md."
  }
}

variable "account_id" {
  description = "The Tencent Cloud account (owner UIN) this instance reviews: it selects the account's entry of the policy data file's `tencentcloud.accounts`, whose regions and CSIP sub-accounts the instance reads and expects, and the reads must act as it. Null: the file's only account. Needs policy_data_file; without it, set tencentcloud_accounts, tencentcloud_regions and csip_sub_uins."
  type        = string
  default     = null

  validation {
    condition     = var.account_id == null || var.policy_data_file != null
    error_message = "account_id selects an account of policy_data_file's tencentcloud.accounts: set policy_data_file, or, without one, tencentcloud_accounts."
  }
  validation {
    condition     = var.account_id == null || var.policy_data_file == null || can(jsondecode(file(var.policy_data_file)).auditlog.policy.tencentcloud.accounts[var.account_id])
    error_message = "account_id is not an account of policy_data_file's tencentcloud.accounts."
  }
  validation {
    condition     = var.account_id != null || var.policy_data_file == null || try(length(jsondecode(file(var.policy_data_file)).auditlog.policy.tencentcloud.accounts) <= 1, true)
    error_message = "policy_data_file names several accounts (tencentcloud.accounts): set account_id to the one this instance reviews (with for_each over the accounts, account_id = each.key)."
  }
}

variable "window_days" {
  description = "Review the last this many days, up to the plan's time (DescribeEvents' reads: NET-01, EVT-01, UC-01, UC-02; the CLS analyses count over cls_window_days). Ignored when window_start is set. At most 29: CloudAudit's DescribeEvents accepts windows under 30 days. Null: the policy data's window_days, else 28."
  type        = number
  default     = null

  validation {
    condition     = var.window_days == null || local.from_file.window_days == null
    error_message = "window_days is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for d in [var.window_days != null ? var.window_days : local.from_file.window_days != null ? tonumber(local.from_file.window_days) : 28] :
      d >= 1 && d <= 29 && floor(d) == d
    ]), false)
    error_message = "window_days (here or in policy_data_file) must be a whole number of days from 1 to 29."
  }
}

variable "window_start" {
  description = "Start of the review window, a date (`2026-05-01`, midnight UTC) or an RFC 3339 time. Null: the policy data's window_start, else window_days before the plan."
  type        = string
  default     = null

  validation {
    condition     = var.window_start == null || local.from_file.window_start == null
    error_message = "window_start is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for w in [var.window_start != null ? var.window_start : local.from_file.window_start != null ? tostring(local.from_file.window_start) : null] :
      w == null || can(timecmp(length(coalesce(w, "x")) == 10 ? "${w}T00:00:00Z" : w, "2000-01-01T00:00:00Z"))
    ]), false)
    error_message = "window_start (here or in policy_data_file) must be a date such as 2026-05-01 or an RFC 3339 time such as 2026-05-01T00:00:00Z."
  }
}

variable "window_end" {
  description = "End of the review window, a date (included up to its last second, UTC) or an RFC 3339 time. Null: the policy data's window_end, else the plan's time. Needs window_start. A window that ends after the plan fails the controls over activity: the rest of it has no records yet."
  type        = string
  default     = null

  validation {
    condition     = var.window_end == null || local.from_file.window_end == null
    error_message = "window_end is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for w in [var.window_end != null ? var.window_end : local.from_file.window_end != null ? tostring(local.from_file.window_end) : null] :
      w == null || can(timecmp(length(coalesce(w, "x")) == 10 ? "${w}T00:00:00Z" : w, "2000-01-01T00:00:00Z"))
    ]), false)
    error_message = "window_end (here or in policy_data_file) must be a date such as 2026-05-28 or an RFC 3339 time such as 2026-05-28T23:59:59Z."
  }
  validation {
    condition     = (var.window_end == null && local.from_file.window_end == null) || var.window_start != null || local.from_file.window_start != null
    error_message = "window_end needs window_start: a window given as dates has both ends."
  }
}

variable "allowed_networks" {
  description = "Networks (CIDR, IPv4 or IPv6) that sub-accounts may call the cloud API from, such as `106.55.0.0/16` or `2402:4e00::/32`. Required, here or as allowed_networks in policy_data_file."
  type        = list(string)
  default     = null

  validation {
    condition     = var.allowed_networks == null || local.from_file.allowed_networks == null
    error_message = "allowed_networks is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for l in [var.allowed_networks != null ? var.allowed_networks : tolist(local.from_file.allowed_networks)] :
      length(l) > 0 && alltrue([for c in l : strcontains(c, "/") && can(cidrhost(c, 0))])
    ]), false)
    error_message = "allowed_networks (here or in policy_data_file) must list at least one CIDR block such as 106.55.0.0/16 or 2402:4e00::/32."
  }
}

variable "csip_sub_uins" {
  description = "UINs of the sub-accounts whose API calls NET-01 reviews (Cloud Security Center call records), read under the instance's account. Required, here or in policy_data_file (tencentcloud.accounts[ACCOUNT].csip_sub_uins)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.csip_sub_uins == null || local.from_file.csip_sub_uins == null
    error_message = "csip_sub_uins is set both here and in policy_data_file (tencentcloud.accounts[ACCOUNT].csip_sub_uins): keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for l in [var.csip_sub_uins != null ? var.csip_sub_uins : tolist(local.from_file.csip_sub_uins)] :
      length(l) > 0 && alltrue([for u in l : can(regex("^[0-9]+$", u))])
    ]), false)
    error_message = "csip_sub_uins (here or in policy_data_file's tencentcloud.accounts[ACCOUNT].csip_sub_uins) must list at least one UIN, digits only."
  }
}

variable "ucloud_privileged_users" {
  description = "UCloud users allowed to make risky operations (UC-01). Null: the policy data's ucloud_privileged_users, else none."
  type        = list(string)
  default     = null

  validation {
    condition     = var.ucloud_privileged_users == null || local.from_file.ucloud_privileged_users == null
    error_message = "ucloud_privileged_users is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition     = var.ucloud_privileged_users != null || local.from_file.ucloud_privileged_users == null || can(tolist([for u in local.from_file.ucloud_privileged_users : tostring(u)]))
    error_message = "ucloud_privileged_users in policy_data_file must be a list of user names."
  }
}

variable "ucloud_risky_api_patterns" {
  description = "Regular expressions (RE2) of the UCloud APIs that UC-01 treats as risky. Null: the policy data's ucloud_risky_api_patterns, else deletions, releases, terminations, access keys, policies, CreateUser and UpdateSecurityGroup."
  type        = list(string)
  default     = null

  validation {
    condition     = var.ucloud_risky_api_patterns == null || local.from_file.ucloud_risky_api_patterns == null
    error_message = "ucloud_risky_api_patterns is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for l in [var.ucloud_risky_api_patterns != null ? var.ucloud_risky_api_patterns : local.from_file.ucloud_risky_api_patterns != null ? tolist(local.from_file.ucloud_risky_api_patterns) : ["^Delete"]] :
      length(l) > 0 && alltrue([for p in l : can(regexall(p, ""))])
    ]), false)
    error_message = "ucloud_risky_api_patterns (here or in policy_data_file) must list at least one valid regular expression."
  }
}

variable "ucloud_max_failed" {
  description = "UC-02 fails when the window has more failed UCloud operations than this. Null: the policy data's ucloud_max_failed, else 3."
  type        = number
  default     = null

  validation {
    condition     = var.ucloud_max_failed == null || local.from_file.ucloud_max_failed == null
    error_message = "ucloud_max_failed is set both here and in policy_data_file: keep one copy, in the file."
  }
  validation {
    condition = try(alltrue([
      for n in [var.ucloud_max_failed != null ? var.ucloud_max_failed : local.from_file.ucloud_max_failed != null ? tonumber(local.from_file.ucloud_max_failed) : 3] :
      n >= 0 && floor(n) == n
    ]), false)
    error_message = "ucloud_max_failed (here or in policy_data_file) must be a whole number, 0 or more."
  }
}

variable "ucloud_max_events" {
  description = "Read at most this many UCloud operations, newest first (the data source's max_items). Null reads every one. A read that stops early fails UC-01 and UC-02: their evidence is incomplete."
  type        = number
  default     = null

  validation {
    condition     = var.ucloud_max_events == null || try(var.ucloud_max_events >= 1, false)
    error_message = "ucloud_max_events must be at least 1, or null to read every operation."
  }
}

variable "ucloud_project_id" {
  description = "UCloud project whose operations are reviewed. Null: the provider's project."
  type        = string
  default     = null
}

variable "tencentcloud_account" {
  description = "Name of the provider's `tencentcloud.account` block whose account the Tencent Cloud reads act as (every Tencent Cloud data source's `account`). Null: the provider's own credentials. With `for_each` over a map of names to UINs, one module instance per account, set `account_id = each.value` (with policy_data_file) or `tencentcloud_accounts = [each.value]` too, so that each instance proves it read the account it names."
  type        = string
  default     = null
}

variable "tencentcloud_accounts" {
  description = "Tencent Cloud accounts (owner UINs) the reads must act as: a read whose `evidence.account_id` is another account, or null, cannot pass a control. Null: the account policy_data_file names (account_id, or its only account in tencentcloud.accounts), else any account."
  type        = list(string)
  default     = null

  validation {
    condition     = var.tencentcloud_accounts == null || local.from_file.tencentcloud_accounts == null
    error_message = "tencentcloud_accounts is set both here and in policy_data_file (tencentcloud.accounts): keep one copy, in the file."
  }
}

variable "tencentcloud_regions" {
  description = "Regions the CloudAudit reads must be sent to (`evidence.region`). Null: the regions of the instance's account in policy_data_file (tencentcloud.accounts[ACCOUNT].regions), else any region."
  type        = list(string)
  default     = null

  validation {
    condition     = var.tencentcloud_regions == null || local.from_file.tencentcloud_regions == null
    error_message = "tencentcloud_regions is set both here and in policy_data_file (tencentcloud.accounts[ACCOUNT].regions): keep one copy, in the file."
  }
}

variable "ucloud_projects" {
  description = "UCloud projects the operation log may be read from (`evidence.project_id`). Null: the policy data's ucloud.projects, else any project."
  type        = list(string)
  default     = null

  validation {
    condition     = var.ucloud_projects == null || local.from_file.ucloud_projects == null
    error_message = "ucloud_projects is set both here and in policy_data_file (ucloud.projects): keep one copy, in the file."
  }
}

variable "fail_on_no_records" {
  description = "When true, a control over activity (NET-01, EVT-01, UC-01, UC-02) that reviewed no record fails instead of passing on nothing. Either way the `compliance` output and the report show how many records each control reviewed; the tracking-set controls always fail when the account has no tracking set."
  type        = bool
  default     = false
  nullable    = false
}

variable "select_at_provider" {
  description = "When true (the default), EVT-01, UC-01 and UC-02 have the provider keep only the records they may find (each read's `select` block: watched event names or risky APIs by users outside the allow-list; failed UCloud operations), so a busy account's state holds those alone; each control reports how many records the provider scanned and how many it kept, and its verdict and findings are those of a full read. False reads every event of the window into the state and filters it here."
  type        = bool
  default     = true
  nullable    = false
}
