# The settings the gate's policy data holds as well. With policy_data_file
# set they are read from that file ({"auditlog": {"policy": {...}}}, as
# examples/policy/policy.json, schema_version 3), so that this report and
# the gate judge by one copy of the allow-lists; a setting given both there
# and as a variable is an error (see variables.tf). Keys the file leaves out,
# or sets to null, fall back to the variable's default. The expected
# account, its regions and CSIP sub-accounts come from the file's
# tencentcloud.accounts entry of the account this instance reviews
# (account_id), the projects from ucloud.projects.

locals {
  # try: no file (null) or no policy object is {}; variables.tf reports the
  # latter, and a file that is not schema_version 3.
  policy = try(jsondecode(file(var.policy_data_file)).auditlog.policy, {})

  # The organization of the file (schema_version 2 and 3): a map of accounts
  # (owner UINs), each with its regions and CSIP sub-accounts. An instance
  # reviews one account: account_id, else the file's only one (under
  # for_each over the accounts, account_id = each.key).
  file_accounts = try(tomap(local.policy.tencentcloud.accounts), null)
  file_account = var.account_id != null ? var.account_id : (
    local.file_accounts != null ? (length(local.file_accounts) == 1 ? one(keys(local.file_accounts)) : null) : null
  )
  file_account_part = try(local.file_accounts[local.file_account], null)

  # What the file says of each setting the module reads; null when it says
  # nothing.
  from_file = merge(
    {
      for k in [
        "window_days", "window_start", "window_end", "allowed_networks",
        "ucloud_privileged_users", "ucloud_risky_api_patterns", "ucloud_max_failed",
        "cloudaudit_privileged_users", "cloudaudit_watched_event_patterns",
        "min_retention_days", "cls_window_days", "cls_member_account_field", "cloudaudit_instance_event_patterns",
      ] : k => try(local.policy[k], null)
    },
    {
      tencentcloud_accounts = local.file_account_part != null ? [local.file_account] : null
      tencentcloud_regions  = try(tolist(local.file_account_part.regions), null)
      csip_sub_uins         = try(tolist(local.file_account_part.csip_sub_uins), null)
      # Paired with its account: the tracking sets RET-01 leaves to others.
      retention_out_of_scope = try(tolist(local.file_account_part.retention_out_of_scope), null)
      ucloud_projects        = try(tolist(local.policy.ucloud.projects), null)
    },
  )

  # The sha256 of the policy data file this instance read, which the gate
  # compares with its own (the root module outputs it as
  # auditlog_policy_sha256); null without a file.
  policy_sha256 = var.policy_data_file != null ? filesha256(var.policy_data_file) : null

  defaults = {
    window_days                       = 28
    ucloud_privileged_users           = []
    ucloud_risky_api_patterns         = ["^Delete", "^Release", "^Terminate", "AccessKey", "Polic(y|ies)", "^CreateUser$", "^UpdateSecurityGroup$"]
    ucloud_max_failed                 = 3
    cloudaudit_privileged_users       = []
    cloudaudit_watched_event_patterns = ["^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$"]
    # Six months on CLS (cls.tf).
    min_retention_days                 = 184
    cls_window_days                    = 180
    cloudaudit_instance_event_patterns = ["^TerminateInstances$", "^RebootInstances$"]
    # Narrowing a control accepts: max_items only, whose effect complete
    # reports.
    allowed_narrowing = ["max_items"]
  }

  # Each setting: the variable, else the policy data, else the default.
  settings = {
    window_days                        = var.window_days != null ? var.window_days : local.from_file.window_days != null ? tonumber(local.from_file.window_days) : local.defaults.window_days
    window_start                       = var.window_start != null ? var.window_start : local.from_file.window_start != null ? tostring(local.from_file.window_start) : null
    window_end                         = var.window_end != null ? var.window_end : local.from_file.window_end != null ? tostring(local.from_file.window_end) : null
    allowed_networks                   = var.allowed_networks != null ? var.allowed_networks : tolist(local.from_file.allowed_networks)
    csip_sub_uins                      = var.csip_sub_uins != null ? var.csip_sub_uins : tolist(local.from_file.csip_sub_uins)
    ucloud_privileged_users            = var.ucloud_privileged_users != null ? var.ucloud_privileged_users : local.from_file.ucloud_privileged_users != null ? tolist(local.from_file.ucloud_privileged_users) : local.defaults.ucloud_privileged_users
    ucloud_risky_api_patterns          = var.ucloud_risky_api_patterns != null ? var.ucloud_risky_api_patterns : local.from_file.ucloud_risky_api_patterns != null ? tolist(local.from_file.ucloud_risky_api_patterns) : local.defaults.ucloud_risky_api_patterns
    ucloud_max_failed                  = var.ucloud_max_failed != null ? var.ucloud_max_failed : local.from_file.ucloud_max_failed != null ? tonumber(local.from_file.ucloud_max_failed) : local.defaults.ucloud_max_failed
    cloudaudit_privileged_users        = var.cloudaudit_privileged_users != null ? var.cloudaudit_privileged_users : local.from_file.cloudaudit_privileged_users != null ? tolist(local.from_file.cloudaudit_privileged_users) : local.defaults.cloudaudit_privileged_users
    cloudaudit_watched_event_patterns  = var.cloudaudit_watched_event_patterns != null ? var.cloudaudit_watched_event_patterns : local.from_file.cloudaudit_watched_event_patterns != null ? tolist(local.from_file.cloudaudit_watched_event_patterns) : local.defaults.cloudaudit_watched_event_patterns
    min_retention_days                 = var.min_retention_days != null ? var.min_retention_days : local.from_file.min_retention_days != null ? tonumber(local.from_file.min_retention_days) : local.defaults.min_retention_days
    cls_window_days                    = var.cls_window_days != null ? var.cls_window_days : local.from_file.cls_window_days != null ? tonumber(local.from_file.cls_window_days) : local.defaults.cls_window_days
    cls_member_account_field           = var.cls_member_account_field != null ? var.cls_member_account_field : local.from_file.cls_member_account_field != null ? tostring(local.from_file.cls_member_account_field) : null
    cloudaudit_instance_event_patterns = var.cloudaudit_instance_event_patterns != null ? var.cloudaudit_instance_event_patterns : local.from_file.cloudaudit_instance_event_patterns != null ? tolist(local.from_file.cloudaudit_instance_event_patterns) : local.defaults.cloudaudit_instance_event_patterns
    retention_out_of_scope             = var.retention_out_of_scope != null ? var.retention_out_of_scope : local.from_file.retention_out_of_scope != null ? [for id in local.from_file.retention_out_of_scope : tostring(id)] : []
    # Empty: any account, region or project.
    tencentcloud_accounts = var.tencentcloud_accounts != null ? var.tencentcloud_accounts : local.from_file.tencentcloud_accounts != null ? tolist(local.from_file.tencentcloud_accounts) : []
    tencentcloud_regions  = var.tencentcloud_regions != null ? var.tencentcloud_regions : local.from_file.tencentcloud_regions != null ? tolist(local.from_file.tencentcloud_regions) : []
    ucloud_projects       = var.ucloud_projects != null ? var.ucloud_projects : local.from_file.ucloud_projects != null ? tolist(local.from_file.ucloud_projects) : []
  }

  # The narrowing each control accepts: the policy data's
  # controls[ID].allowed_narrowing, else max_items.
  allowed_narrowing = {
    for id in ["TRK-01", "TRK-02", "TRK-03", "TRK-04", "RET-01", "NET-01", "EVT-01", "EVT-02", "UC-01", "UC-02"] :
    id => try(tolist(local.policy.controls[id].allowed_narrowing), local.defaults.allowed_narrowing)
  }
}

# The selection each activity control reads with (select_at_provider): the
# read's select block, and the evidence.selection the provider reports for
# it, in the provider's canonical form (lists sorted, each value once, as
# JSON). An event-name pattern that is one whole name (^DeleteUser$), alone,
# goes to the API.
locals {
  evt01_patterns = local.settings.cloudaudit_watched_event_patterns
  evt01_exact    = length(local.evt01_patterns) == 1 && can(regex("^\\^[^\\\\.+*?()|\\[\\]{}^$]+\\$$", local.evt01_patterns[0]))
  evt01_users    = local.settings.cloudaudit_privileged_users
  uc01_users     = local.settings.ucloud_privileged_users

  selections = {
    "EVT-01" = {
      block = {
        event_names  = local.evt01_patterns
        users_not_in = length(local.evt01_users) > 0 ? local.evt01_users : null
      }
      evidence = {
        api = local.evt01_exact ? ["event_names=${jsonencode(local.evt01_patterns)}"] : []
        provider = sort(concat(
          local.evt01_exact ? [] : ["event_names=${jsonencode(sort(distinct(local.evt01_patterns)))}"],
          length(local.evt01_users) > 0 ? ["users_not_in=${jsonencode(sort(distinct(local.evt01_users)))}"] : [],
        ))
      }
    }
    "UC-01" = {
      block = {
        apis         = local.settings.ucloud_risky_api_patterns
        users_not_in = length(local.uc01_users) > 0 ? local.uc01_users : null
      }
      evidence = {
        api = []
        provider = sort(concat(
          ["apis=${jsonencode(sort(distinct(local.settings.ucloud_risky_api_patterns)))}"],
          length(local.uc01_users) > 0 ? ["users_not_in=${jsonencode(sort(distinct(local.uc01_users)))}"] : [],
        ))
      }
    }
    "UC-02" = {
      block    = { failed_only = true }
      evidence = { api = [], provider = ["failed_only=true"] }
    }
  }
}
