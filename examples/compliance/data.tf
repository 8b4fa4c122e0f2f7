# The evidence: every record the controls look at. Each read is exact or
# fails the plan; a read that max_items stopped early is reported as
# incomplete evidence by the controls that use it.

data "auditlog_cloudaudit_tracks" "all" {}

data "auditlog_csip_user_call_records" "sub" {
  for_each = toset(var.csip_sub_uins)

  sub_uin = each.value
}

# The window is sent to the API, so only its operations are read.
data "auditlog_ucloud_operation_events" "window" {
  project_id = var.ucloud_project_id
  begin_time = local.window_unix.start
  end_time   = local.window_unix.end
  max_items  = var.ucloud_max_events
}
