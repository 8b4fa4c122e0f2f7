# The reads the controls rest on. Each read is exact or fails the plan, and
# reports in `evidence` whether it read every matching record, over which
# window, narrowed by what, as which account (evidence.tf judges it).

data "auditlog_cloudaudit_tracks" "all" {
  account = var.tencentcloud_account
}

# The review window is sent, in CSIP's time zone (Beijing time, UTC+8):
# without it the API picks a window of its own, which it does not document.
data "auditlog_csip_user_call_records" "sub" {
  for_each = toset(local.settings.csip_sub_uins)

  account = var.tencentcloud_account
  sub_uin = each.value
  filter {
    start_time = local.window_csip.start
    end_time   = local.window_csip.end
  }
}

# The window is sent to the API, so only its operations are read. With
# select_at_provider, the provider keeps only what UC-01 may find (this read)
# and what UC-02 counts (the next one): the API filters neither, so both
# reads scan the window, and only the kept operations reach the state.
data "auditlog_ucloud_operation_events" "window" {
  project_id = var.ucloud_project_id
  begin_time = local.window_unix.start
  end_time   = local.window_unix.end
  max_items  = var.ucloud_max_events

  dynamic "select" {
    for_each = var.select_at_provider ? [local.selections["UC-01"].block] : []
    content {
      apis         = select.value.apis
      users_not_in = select.value.users_not_in
    }
  }
}

data "auditlog_ucloud_operation_events" "failed" {
  count = var.select_at_provider ? 1 : 0

  project_id = var.ucloud_project_id
  begin_time = local.window_unix.start
  end_time   = local.window_unix.end
  max_items  = var.ucloud_max_events

  select {
    failed_only = true
  }
}
