# Every operation in the provider's default project that the API serves (the
# last 365 days), newest first. A year of a busy account is thousands of
# sequential calls: allow the read more than the default 20 minutes, and
# follow it with TF_LOG=DEBUG (one "page read" line per page).
data "auditlog_ucloud_operation_events" "all" {
  timeouts {
    read = "45m"
  }
}

# Failed operations grouped by user:
# { "alice" = ["DeleteUHostInstance in cn-bj2 at 2026-03-02 10:15", ...], ... }
output "failed_operations_by_user" {
  value = {
    for e in data.auditlog_ucloud_operation_events.all.events :
    e.user_name => "${e.api} in ${e.region} at ${formatdate("YYYY-MM-DD hh:mm", provider::auditlog::rfc3339(e.operate_time))}"...
    if e.is_success == false
  }
}

# One resource's history, made with either of two API keys, over the last
# 30 days before the plan (begin_time and end_time are UNIX seconds), in a
# project other than the provider's default one.
variable "web_host_project_id" {
  description = "UCloud project of the web host, such as org-sim001 (the simulator's default project)."
  type        = string
  default     = "org-sim001"
}

data "auditlog_ucloud_operation_events" "web_host" {
  project_id     = var.web_host_project_id
  resource_id    = "uhost-1a2b3c4d"
  access_key_ids = ["4R8pQm2ZkX7bN1cV5yT9wL3sD6fG0hJ", "7Hq3LwX9mB2nV6cZ1kP8rT4yS0dF5gA"]
  begin_time     = provider::auditlog::unix_time(plantimestamp()) - 30 * 86400
}

# A fixed window: a calendar month in Beijing time.
data "auditlog_ucloud_operation_events" "october" {
  begin_time = provider::auditlog::unix_time("2026-10-01T00:00:00+08:00")
  end_time   = provider::auditlog::unix_time("2026-10-31T23:59:59+08:00")
}

# Read a large log in bounded chunks: the newest 500 events, then the next 500
# from exactly where the first read stopped. resume_token is null when the
# first read reached the end (evidence.complete is then true), so the second
# read only exists while there is more to read.
data "auditlog_ucloud_operation_events" "chunk_1" {
  max_items = 500
}

data "auditlog_ucloud_operation_events" "chunk_2" {
  count = data.auditlog_ucloud_operation_events.chunk_1.resume_token == null ? 0 : 1

  next_token = data.auditlog_ucloud_operation_events.chunk_1.resume_token
  max_items  = 500
}

output "first_1000_events" {
  value = concat(
    data.auditlog_ucloud_operation_events.chunk_1.events,
    flatten(data.auditlog_ucloud_operation_events.chunk_2[*].events),
  )
}

# A busy account: keep only the failed deletions and releases of the last 30
# days made from outside the office block. The API filters none of this, so
# the provider applies it to every event read, as each page arrives; only the
# kept events reach the state. An address the API masks is kept, since it
# cannot be shown to be inside.
data "auditlog_ucloud_operation_events" "failed_deletes_outside" {
  begin_time = provider::auditlog::unix_time(plantimestamp()) - 30 * 86400

  select {
    apis             = ["^Delete", "^Release"]
    remote_ip_not_in = ["106.75.0.0/16"]
    failed_only      = true
  }
}

output "failed_deletes_outside" {
  value = {
    scanned = data.auditlog_ucloud_operation_events.failed_deletes_outside.evidence.scanned
    kept    = length(data.auditlog_ucloud_operation_events.failed_deletes_outside.events)
  }
}
