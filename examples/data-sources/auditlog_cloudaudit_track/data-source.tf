# Every tracking set of the account, in detail: the list does not say whether
# a set covers the organization's member accounts, nor how it filters events.
data "auditlog_cloudaudit_tracks" "all" {}

data "auditlog_cloudaudit_track" "each" {
  for_each = toset([for t in data.auditlog_cloudaudit_tracks.all.tracks : tostring(t.track_id)])

  track_id = tonumber(each.value)
}

# Enabled tracking sets that do not cover every member account: member
# accounts' operations are missing from what they deliver.
output "tracks_not_covering_all_members" {
  value = [
    for id, t in data.auditlog_cloudaudit_track.each : "${t.name} (${id})"
    if t.status == 1 && t.track_for_all_members != 1
  ]
}

# What each tracking set delivers, product by product.
output "track_filters" {
  value = {
    for id, t in data.auditlog_cloudaudit_track.each : t.name => [
      for f in try(t.filters.resource_fields, []) : "${f.resource_type}:${f.action_type}:${join(",", f.event_names)}"
    ]
  }
}
