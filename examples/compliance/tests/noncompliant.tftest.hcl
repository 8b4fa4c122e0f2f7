# Against the simulator's noncompliant scenario: every control fails with
# the findings it is seeded with (internal/cloudsim/scenarios/README.md).
#
#   cloudsim -scenario noncompliant
#   terraform test -filter=tests/noncompliant.tftest.hcl -var-file=test/scenario.tfvars

run "seeded_findings" {
  command = plan

  # A failing control is a failing check block.
  expect_failures = [
    check.trk_01, check.trk_02, check.trk_03, check.trk_04,
    check.net_01, check.evt_01, check.uc_01, check.uc_02,
  ]

  assert {
    condition = jsonencode({ for id, c in output.compliance.controls : id => sort([for f in c.findings : f.id]) }) == jsonencode({
      "TRK-01" = ["audit-all-paused"]
      "TRK-02" = ["audit-cam-write"]
      "TRK-03" = ["audit-all-nostore"]
      "TRK-04" = ["organization"]
      "EVT-01" = ["0d3b6e1a-0101", "0d3b6e1a-0102", "0d3b6e1a-0103"]
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
    condition     = strcontains(output.compliance_report, "0 of 8 controls pass.") && strcontains(output.compliance_report, "- `audit-all-nostore`: delivers to no storage")
    error_message = "The report:\n${output.compliance_report}"
  }
}
