# Runs anywhere the provider is installed, with no credentials and no
# simulator: mock_provider answers every read with the values below and
# generates the rest.
#
#   terraform test -filter=tests/mock.tftest.hcl
#
# Terraform 1.11 cannot mock list-nested attributes (tracks, data, events:
# hashicorp/terraform#38369): mock_data and override_data refuse any value
# for them, even [] (and null for a nested attribute such as evidence), and
# a mock provider returns them empty. So every run
# here is an empty account, and what it tests is the evidence: records
# counted, incomplete, narrowed, mis-windowed or foreign reads failing the
# controls that rest on them. Controls over records are tested against the
# simulator (compliant.tftest.hcl, noncompliant.tftest.hcl).
#
# Every evidence object below gives every attribute: OpenTofu refuses a
# mocked object with one left out, and Terraform refuses a null for the
# nested `selection`, so an unselected read shows empty lists there.

mock_provider "auditlog" {
  mock_data "auditlog_cloudaudit_tracks" {
    defaults = {
      total_count = 0
      evidence    = { complete = true, records = 0, scanned = 0, window_start = null, window_end = null, window_chosen_by_api = false, narrowed_by = [], account_id = "100000000001", principal_arn = "qcs::cam::uin/100000000001:uin/100000000001", region = "ap-guangzhou", project_id = null, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }
  mock_data "auditlog_csip_user_call_records" {
    defaults = {
      total    = 0
      evidence = { complete = true, records = 0, scanned = 0, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = [], account_id = "100000000001", principal_arn = "qcs::cam::uin/100000000001:uin/100000000001", region = null, project_id = null, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }
  mock_data "auditlog_cloudaudit_events" {
    defaults = {
      list_over    = true
      resume_token = null
      evidence     = { complete = true, records = 0, scanned = 0, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = [], account_id = "100000000001", principal_arn = "qcs::cam::uin/100000000001:uin/100000000001", region = "ap-guangzhou", project_id = null, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }
  mock_data "auditlog_ucloud_operation_events" {
    defaults = {
      resume_token = null
      evidence     = { complete = true, records = 0, scanned = 0, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = [], account_id = null, principal_arn = null, region = null, project_id = "org-sim001", selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }
}

variables {
  allowed_networks = ["106.55.0.0/16"]
  csip_sub_uins    = ["100021372635"]
}

run "empty_account" {
  command = plan

  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02]

  assert {
    condition     = alltrue([for id in ["TRK-01", "TRK-02", "TRK-03", "TRK-04", "RET-01"] : output.compliance.controls[id].status == "fail" && output.compliance.controls[id].findings[0].id == "no-tracking-set"])
    error_message = "An account without tracking sets must fail every tracking-set control: ${jsonencode({ for id, c in output.compliance.controls : id => c.findings })}"
  }
  assert {
    condition     = output.compliance.controls["EVT-02"].status == "fail" && output.compliance.controls["EVT-02"].findings[0].id == "no-cls-delivery"
    error_message = "Without a CLS delivery, EVT-02 cannot be judged: ${jsonencode(output.compliance.controls["EVT-02"].findings)}"
  }
  assert {
    condition     = alltrue([for id in ["NET-01", "EVT-01", "UC-01", "UC-02"] : output.compliance.controls[id].status == "pass" && output.compliance.controls[id].records == 0])
    error_message = "Controls over activity in an empty window pass on 0 records: ${jsonencode({ for id, c in output.compliance.controls : id => [c.status, c.records] })}"
  }
  assert {
    condition     = strcontains(output.compliance_report, "| NET-01 | PASS, no records | 0 | 0 |") && strcontains(output.compliance_report, "- **No record reviewed**")
    error_message = "The report must say that NET-01 reviewed no record:\n${output.compliance_report}"
  }
  assert {
    condition     = output.compliance.controls["UC-01"].evidence[0].project_id == "org-sim001" && output.compliance.controls["TRK-01"].evidence[0].account_id == "100000000001"
    error_message = "Each control reports the account or project of its evidence: ${jsonencode(output.compliance.controls["UC-01"].evidence)}"
  }
  assert {
    condition     = !output.compliance.passed
    error_message = "An empty account passed."
  }
}

# The module's view of the catalogue of controls: per control the title,
# rationale, severity and requirement tags its output shows are exactly
# tests/catalogue_view.json, which a Go test of examples/policy holds to the
# catalogue the gate embeds and the Rego rules read. The report names the
# requirements of every control, and marks those never checked against a
# public source.
run "catalogue" {
  command = plan

  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02]

  assert {
    condition     = jsonencode({ for id, c in output.compliance.controls : id => { title = c.title, rationale = c.rationale, severity = c.severity, requirements = c.requirements } }) == jsonencode(jsondecode(file("tests/catalogue_view.json")))
    error_message = "The module's view of the catalogue differs from tests/catalogue_view.json: ${jsonencode({ for id, c in output.compliance.controls : id => { title = c.title, severity = c.severity, requirements = c.requirements } })}"
  }
  assert {
    condition     = alltrue([for id, c in output.compliance.controls : length(c.requirements) > 0 && strcontains(output.compliance_report, "| ${id} | ") && strcontains(output.compliance_report, " | ${join(", ", c.requirements)} |")])
    error_message = "The report must name the requirement tags of every control:\n${output.compliance_report}"
  }
  assert {
    condition     = strcontains(output.compliance_report, "| TRK-03 | FAIL, no records | 0 | 1 | Every tracking set delivers to storage | MLPS2-L3:8.1.4.3c, MLPS2-L3:8.1.5.4d, MLPS2-L3-TEST:L3-CES1-14, ISO27001-2022:A.8.15, CSL:network-logs-6-months |")
    error_message = "The report's TRK-03 row:\n${output.compliance_report}"
  }
  assert {
    condition     = strcontains(output.compliance_report, "Severity high. Requirements: MLPS2-L3:8.1.4.3c (unverified), MLPS2-L3:8.1.5.4d (unverified), MLPS2-L3-TEST:L3-CES1-14 (unverified), ISO27001-2022:A.8.15, CSL:network-logs-6-months.")
    error_message = "The report must mark the requirements not checked against a public source:\n${output.compliance_report}"
  }
  assert {
    condition     = alltrue([for id, rs in output.compliance.requirement_details : alltrue([for r in rs : r.verified ? startswith(r.source, "https://") : r.source == ""])])
    error_message = "Every requirement is verified against a public source or published unverified: ${jsonencode(output.compliance.requirement_details)}"
  }
}

run "fail_on_no_records" {
  command = plan

  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.net_01, check.evt_01, check.uc_01, check.uc_02]

  variables {
    fail_on_no_records = true
  }

  assert {
    condition     = alltrue([for id in ["NET-01", "EVT-01", "UC-01", "UC-02"] : output.compliance.controls[id].status == "fail" && anytrue([for s in output.compliance.controls[id].incomplete : strcontains(s, "no record of the window")])])
    error_message = "fail_on_no_records must fail the controls that reviewed no record: ${jsonencode({ for id, c in output.compliance.controls : id => c.incomplete })}"
  }
}

run "incomplete_read" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.uc_01, check.uc_02]

  override_data {
    target = data.auditlog_ucloud_operation_events.window
    values = {
      evidence = { complete = false, records = 2, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = ["max_items"], account_id = null, principal_arn = null, region = null, project_id = "org-sim001", scanned = 2, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  override_data {
    target = data.auditlog_ucloud_operation_events.failed # every instance: OpenTofu refuses an instance address here
    values = {
      evidence = { complete = false, records = 2, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = ["max_items"], account_id = null, principal_arn = null, region = null, project_id = "org-sim001", scanned = 2, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  assert {
    condition     = alltrue([for id in ["UC-01", "UC-02"] : output.compliance.controls[id].status == "fail" && strcontains(join(" ", output.compliance.controls[id].incomplete), "evidence.complete is false")])
    error_message = "A read that stopped early must fail the controls on it: ${jsonencode(output.compliance.controls["UC-01"])}"
  }
  assert {
    condition     = output.compliance.controls["NET-01"].status == "pass"
    error_message = "An incomplete UCloud read must not fail NET-01."
  }
}

run "narrowed_read" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.net_01]

  # The whole resource, not sub["100021372635"]: OpenTofu refuses instance
  # keys in a target (and so cannot init this directory), and with the one
  # sub-account of these runs it is the same read.
  override_data {
    target = data.auditlog_csip_user_call_records.sub
    values = {
      evidence = { complete = true, records = 0, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = ["filter.filters"], account_id = "100000000001", principal_arn = null, region = null, project_id = null, scanned = 0, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  assert {
    condition     = output.compliance.controls["NET-01"].status == "fail" && strcontains(join(" ", output.compliance.controls["NET-01"].incomplete), "narrowed by filter.filters")
    error_message = "A read narrowed by a filter must fail NET-01: ${jsonencode(output.compliance.controls["NET-01"].incomplete)}"
  }
}

run "window_chosen_by_api" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.evt_01]

  override_data {
    target = data.auditlog_cloudaudit_events.window
    values = {
      evidence = { complete = true, records = 0, window_start = null, window_end = null, window_chosen_by_api = true, narrowed_by = [], account_id = "100000000001", principal_arn = null, region = "ap-guangzhou", project_id = null, scanned = 0, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  assert {
    condition     = output.compliance.controls["EVT-01"].status == "fail" && strcontains(join(" ", output.compliance.controls["EVT-01"].incomplete), "a window the API chose")
    error_message = "A window the API chose must fail EVT-01: ${jsonencode(output.compliance.controls["EVT-01"].incomplete)}"
  }
}

run "narrower_window" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.uc_01, check.uc_02]

  # A read that starts in 2100 covers none of the review window.
  override_data {
    target = data.auditlog_ucloud_operation_events.window
    values = {
      evidence = { complete = true, records = 0, window_start = 4102444800, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = [], account_id = null, principal_arn = null, region = null, project_id = "org-sim001", scanned = 0, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  override_data {
    target = data.auditlog_ucloud_operation_events.failed # every instance: OpenTofu refuses an instance address here
    values = {
      evidence = { complete = true, records = 0, window_start = 4102444800, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = [], account_id = null, principal_arn = null, region = null, project_id = "org-sim001", scanned = 0, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  assert {
    condition     = output.compliance.controls["UC-01"].status == "fail" && strcontains(join(" ", output.compliance.controls["UC-01"].incomplete), "after the review window's start")
    error_message = "A read narrower than the review window must fail UC-01: ${jsonencode(output.compliance.controls["UC-01"].incomplete)}"
  }
}

run "other_account" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.net_01, check.evt_01, check.uc_01, check.uc_02]

  variables {
    tencentcloud_accounts = ["200000000002"]
    ucloud_projects       = ["org-other"]
  }

  assert {
    condition     = strcontains(join(" ", output.compliance.controls["EVT-01"].incomplete), "acts as account 100000000001, not one the review expects (200000000002)")
    error_message = "A read of another account must fail: ${jsonencode(output.compliance.controls["EVT-01"].incomplete)}"
  }
  assert {
    condition     = strcontains(join(" ", output.compliance.controls["UC-01"].incomplete), "read project \"org-sim001\", not one the review expects (org-other)")
    error_message = "A read of another project must fail: ${jsonencode(output.compliance.controls["UC-01"].incomplete)}"
  }
}

run "unknown_account" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.evt_01]

  variables {
    tencentcloud_accounts = ["100000000001"]
  }

  override_data {
    target = data.auditlog_cloudaudit_events.window
    values = {
      evidence = { complete = true, records = 0, window_start = 0, window_end = 4102444800, window_chosen_by_api = false, narrowed_by = [], account_id = null, principal_arn = null, region = "ap-guangzhou", project_id = null, scanned = 0, selection = { api = [], provider = [] }, endpoint = null, endpoint_source = null }
    }
  }

  assert {
    condition     = output.compliance.controls["EVT-01"].status == "fail" && strcontains(join(" ", output.compliance.controls["EVT-01"].incomplete), "could not be learned")
    error_message = "A read whose account is unknown must fail when accounts are expected: ${jsonencode(output.compliance.controls["EVT-01"].incomplete)}"
  }
  assert {
    condition     = output.compliance.controls["NET-01"].status == "pass"
    error_message = "NET-01 rests on reads of the expected account: ${jsonencode(output.compliance.controls["NET-01"].incomplete)}"
  }
}

run "policy_data_file" {
  command = plan

  # Every run is an account without tracking sets (see above).
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.net_01, check.evt_01]

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy.json"
  }

  assert {
    condition     = length(output.compliance.controls["NET-01"].evidence) == 2
    error_message = "The settings must come from the policy data file: ${length(output.compliance.controls["NET-01"].evidence)} CSIP reads."
  }
  assert {
    condition     = strcontains(join(" ", output.compliance.controls["TRK-01"].incomplete), "not one the review expects (100000000009)")
    error_message = "The expected account must come from the policy data file's only account: ${jsonencode(output.compliance.controls["TRK-01"].incomplete)}"
  }
  assert {
    condition     = output.policy_sha256 == filesha256("tests/policy.json")
    error_message = "policy_sha256 must be the sha256 of the file read: ${jsonencode(output.policy_sha256)}"
  }
}

run "no_policy_data_file_no_sha256" {
  command = plan

  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02]

  assert {
    condition     = output.policy_sha256 == null
    error_message = "Without a policy data file, policy_sha256 is null: ${jsonencode(output.policy_sha256)}"
  }
}

# A version 2 file is refused, naming the migration note.
run "policy_data_file_version_2" {
  command = plan

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy-v2.json"
  }

  expect_failures = [var.policy_data_file]
}

# A version 3 file without a version 3 key is refused: the keys are
# required, as the gate requires them.
run "policy_data_file_version_3_key_missing" {
  command = plan

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy-v3-incomplete.json"
  }

  expect_failures = [var.policy_data_file]
}

# cls_window_days longer than min_retention_days is refused.
run "cls_window_past_retention" {
  command = plan

  variables {
    min_retention_days = 90
    cls_window_days    = 180
  }

  expect_failures = [var.cls_window_days]
}

# A version 1 file is refused, with the way to convert it.
run "policy_data_file_version_1" {
  command = plan

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy-v1.json"
  }

  expect_failures = [var.policy_data_file]
}

# An organization of several accounts: each instance takes its account's
# part by account_id (under for_each, account_id = each.key): its regions
# and sub-accounts, and the reads must act as it.
run "policy_data_file_account_id" {
  command = plan

  # Every run is an account without tracking sets (see above); the reads
  # act as 100000000001, not 100000000002, in ap-guangzhou, not ap-singapore.
  expect_failures = [check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01, check.evt_02, check.net_01, check.evt_01]

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy-org.json"
    account_id       = "100000000002"
  }

  assert {
    condition     = length(output.compliance.controls["NET-01"].evidence) == 2 && strcontains(join(" ", output.compliance.controls["EVT-01"].incomplete), "acts as account 100000000001, not one the review expects (100000000002)")
    error_message = "The instance must take account 100000000002's part: ${length(output.compliance.controls["NET-01"].evidence)} CSIP reads, ${jsonencode(output.compliance.controls["EVT-01"].incomplete)}"
  }
  assert {
    condition     = strcontains(join(" ", output.compliance.controls["EVT-01"].incomplete), "not one the review expects (ap-singapore)")
    error_message = "The account's regions must come from its part: ${jsonencode(output.compliance.controls["EVT-01"].incomplete)}"
  }
}

run "policy_data_file_several_accounts_without_account_id" {
  command = plan

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy-org.json"
  }

  expect_failures = [var.account_id]
}

run "account_id_not_in_the_file" {
  command = plan

  variables {
    allowed_networks = null
    csip_sub_uins    = null
    policy_data_file = "tests/policy-org.json"
    account_id       = "100000000099"
  }

  expect_failures = [var.account_id]
}

run "policy_data_file_and_variable" {
  command = plan

  variables {
    policy_data_file = "tests/policy.json"
  }

  # allowed_networks and csip_sub_uins are set both as variables and in
  # the file.
  expect_failures = [var.allowed_networks, var.csip_sub_uins]
}
