# Against the simulator's compliant scenario, with the inputs it is written
# for. Start the simulator, export the environment it prints, then:
#
#   cloudsim -scenario compliant
#   terraform test -filter=tests/compliant.tftest.hcl -var-file=test/scenario.tfvars

run "every_control_passes" {
  command = plan

  assert {
    condition     = output.compliance.passed && length(output.compliance.controls) == 10
    error_message = "Every control must pass: ${jsonencode({ for id, c in output.compliance.controls : id => { status = c.status, findings = c.findings, incomplete = c.incomplete } })}"
  }
  assert {
    condition     = alltrue([for c in output.compliance.controls : c.records > 0])
    error_message = "Every control of the compliant scenario reviews records: ${jsonencode({ for id, c in output.compliance.controls : id => c.records })}"
  }
  assert {
    condition = alltrue(flatten([for c in output.compliance.controls : [
      for e in c.evidence : e.complete == true && (startswith(e.data_source, "data.auditlog_ucloud") ? e.project_id == "org-sim001" : e.account_id == "100000000001")
    ]]))
    error_message = "Every read is complete and names the simulator's account or project: ${jsonencode(output.compliance.controls["UC-01"].evidence)}"
  }
  assert {
    condition     = strcontains(output.compliance_report, "10 of 10 controls pass.") && !strcontains(output.compliance_report, "no records")
    error_message = "The report:\n${output.compliance_report}"
  }
}
