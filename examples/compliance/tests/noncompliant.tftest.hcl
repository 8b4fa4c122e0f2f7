# Against the simulator's noncompliant scenario: every control fails with
# the findings it is seeded with (internal/cloudsim/scenarios/README.md).
#
#   cloudsim -scenario noncompliant
#   terraform test -filter=tests/noncompliant.tftest.hcl -var-file=test/scenario.tfvars

run "seeded_findings" {
  command = plan

  # A failing control is a failing check block.
  expect_failures = [
    check.trk_01, check.trk_02, check.trk_03, check.trk_04, check.ret_01,
    check.net_01, check.evt_01, check.evt_02, check.uc_01, check.uc_02,
  ]

  assert {
    condition = jsonencode({ for id, c in output.compliance.controls : id => sort([for f in c.findings : f.id]) }) == jsonencode({
      "TRK-01" = ["audit-all-paused"]
      "TRK-02" = ["audit-cam-write"]
      "TRK-03" = ["audit-all-nostore"]
      "TRK-04" = ["organization"]
      "RET-01" = ["audit-all-nostore"]
      "EVT-01" = ["0d3b6e1a-0101", "0d3b6e1a-0102", "0d3b6e1a-0103"]
      "EVT-02" = ["no-instance-coverage"]
      "NET-01" = sort(["100021372635/198.51.100.7", "100021372635/2001:db8::bad", "100021372635/106.55.***.47", "100021372636/203.0.113.50"])
      "UC-01"  = sort(["mallory/DeleteUHostInstance/uhost-6c5b4a39", "zhang.wei/CreateAccessKey/-", "li.na/AttachPolicies/-"])
      "UC-02"  = sort(["bob/StartUHostInstance/uhost-2a3b4c5d", "bob/StartUHostInstance/uhost-3b4c5d6e", "li.na/AttachPolicies/-", "alice/CreateUDisk/-"])
    })
    error_message = "Findings: ${jsonencode({ for id, c in output.compliance.controls : id => sort([for f in c.findings : f.id]) })}"
  }
  assert {
    condition     = alltrue([for c in output.compliance.controls : c.status == "fail" && length(c.incomplete) == 0])
    error_message = "Every control fails on its findings, on complete evidence: ${jsonencode({ for id, c in output.compliance.controls : id => c.incomplete })}"
  }
  assert {
    condition     = strcontains(output.compliance_report, "0 of 10 controls pass.") && strcontains(output.compliance_report, "- `audit-all-nostore`: delivers to no storage")
    error_message = "The report:\n${output.compliance_report}"
  }
  # The excerpt the compliance guide shows: each control's requirements, the
  # unverified ones marked, and UC-02's threshold in its findings.
  assert {
    condition = alltrue([for l in [
      "| TRK-03 | FAIL | 4 | 1 | Every tracking set delivers to storage | MLPS2-L3:8.1.4.3c, MLPS2-L3:8.1.5.4d, MLPS2-L3-TEST:L3-CES1-14, ISO27001-2022:A.8.15, CSL:network-logs-6-months |",
      "| UC-02 | FAIL | 9 | 4 | Failed UCloud operations stay at or below the threshold | MLPS2-L3:8.1.5.2b, ISO27001-2022:A.8.16, SOC2:CC7.2 |",
      "Severity high. Requirements: MLPS2-L3:8.1.4.3c (unverified), MLPS2-L3:8.1.5.4d (unverified), MLPS2-L3-TEST:L3-CES1-14 (unverified), ISO27001-2022:A.8.15, CSL:network-logs-6-months.",
      "- `audit-all-nostore`: delivers to no storage (StorageType \"cos\", StorageName \"\")",
      "StartUHostInstance by bob failed (4 failures in the window, at most 3 allowed)",
    ] : strcontains(output.compliance_report, l)])
    error_message = "The report's requirements and thresholds:\n${output.compliance_report}"
  }
}
