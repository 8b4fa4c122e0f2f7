variable "enforce" {
  description = "When true, a failing control is an error that fails `terraform plan` (for CI gating); when false, `check` blocks only warn."
  type        = bool
  default     = false
  nullable    = false
}

variable "window_days" {
  description = "Review the last this many days, up to the plan's time. Ignored when window_start is set. At most 29: CloudAudit's DescribeEvents accepts windows under 30 days."
  type        = number
  default     = 28
  nullable    = false

  validation {
    condition     = var.window_days >= 1 && var.window_days <= 29 && floor(var.window_days) == var.window_days
    error_message = "window_days must be a whole number of days from 1 to 29."
  }
}

variable "window_start" {
  description = "Start of the review window, a date (`2026-05-01`, midnight UTC) or an RFC 3339 time. Null: window_days before the plan."
  type        = string
  default     = null

  validation {
    condition     = var.window_start == null || can(timecmp(length(coalesce(var.window_start, "x")) == 10 ? "${var.window_start}T00:00:00Z" : var.window_start, "2000-01-01T00:00:00Z"))
    error_message = "window_start must be a date such as 2026-05-01 or an RFC 3339 time such as 2026-05-01T00:00:00Z."
  }
}

variable "window_end" {
  description = "End of the review window, a date (included up to its last second, UTC) or an RFC 3339 time. Null: the plan's time. Needs window_start."
  type        = string
  default     = null

  validation {
    condition     = var.window_end == null || can(timecmp(length(coalesce(var.window_end, "x")) == 10 ? "${var.window_end}T00:00:00Z" : var.window_end, "2000-01-01T00:00:00Z"))
    error_message = "window_end must be a date such as 2026-05-28 or an RFC 3339 time such as 2026-05-28T23:59:59Z."
  }
  validation {
    condition     = var.window_end == null || var.window_start != null
    error_message = "window_end needs window_start: a window given as dates has both ends."
  }
}

variable "allowed_networks" {
  description = "Networks (CIDR, IPv4 or IPv6) that sub-accounts may call the cloud API from, such as `106.55.0.0/16` or `2402:4e00::/32`."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.allowed_networks) > 0 && alltrue([for c in var.allowed_networks : strcontains(c, "/") && can(cidrhost(c, 0))])
    error_message = "allowed_networks must list at least one CIDR block such as 106.55.0.0/16 or 2402:4e00::/32."
  }
}

variable "csip_sub_uins" {
  description = "UINs of the sub-accounts whose API calls NET-01 reviews (Cloud Security Center call records)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.csip_sub_uins) > 0 && alltrue([for u in var.csip_sub_uins : can(regex("^[0-9]+$", u))])
    error_message = "csip_sub_uins must list at least one UIN, digits only."
  }
}

variable "ucloud_privileged_users" {
  description = "UCloud users allowed to make risky operations (UC-01)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "ucloud_risky_api_patterns" {
  description = "Regular expressions (RE2) of the UCloud APIs that UC-01 treats as risky: deletions, key and permission changes."
  type        = list(string)
  default     = ["^Delete", "^Release", "^Terminate", "AccessKey", "Polic(y|ies)", "^CreateUser$", "^UpdateSecurityGroup$"]
  nullable    = false

  validation {
    condition     = length(var.ucloud_risky_api_patterns) > 0 && alltrue([for p in var.ucloud_risky_api_patterns : can(regexall(p, ""))])
    error_message = "ucloud_risky_api_patterns must list at least one valid regular expression."
  }
}

variable "ucloud_max_failed" {
  description = "UC-02 fails when the window has more failed UCloud operations than this."
  type        = number
  default     = 3
  nullable    = false

  validation {
    condition     = var.ucloud_max_failed >= 0 && floor(var.ucloud_max_failed) == var.ucloud_max_failed
    error_message = "ucloud_max_failed must be a whole number, 0 or more."
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
