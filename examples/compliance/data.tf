# The reads the controls rest on. Each read is exact or fails the plan, and
# reports in `evidence` whether it read every matching record, over which
# window, narrowed by what, as which account (evidence.tf judges it).

data "auditlog_cloudaudit_tracks" "all" {}

# The review window is sent, in CSIP's time zone (Beijing time, UTC+8):
# without it the API picks a window of its own, which it does not document.
data "auditlog_csip_user_call_records" "sub" {
  for_each = toset(local.settings.csip_sub_uins)

  sub_uin = each.value
  filter {
    start_time = local.window_csip.start
    end_time   = local.window_csip.end
  }
}

# The window is sent to the API, so only its operations are read.
data "auditlog_ucloud_operation_events" "window" {
  project_id = var.ucloud_project_id
  begin_time = local.window_unix.start
  end_time   = local.window_unix.end
  max_items  = var.ucloud_max_events
}
