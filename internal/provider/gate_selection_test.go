package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// selectedHCL is auditHCL with the activity controls' reads selected at the
// provider as the shipped policy data declares their selections
// (controls[ID].selection): EVT-01 and UC-01 on the window reads, UC-02 on
// a read of the failed operations. uc01Users replaces UC-01's allow-list,
// to try a narrower selection.
func selectedHCL(uc01Users string) string {
	full := `
data "auditlog_cloudaudit_events" "window" {
  start_time = local.start
  end_time   = local.end
}

data "auditlog_ucloud_operation_events" "window" {
  begin_time = local.start
  end_time   = local.end
}
`
	if !strings.Contains(auditHCL, full) {
		panic("auditHCL changed: update selectedHCL")
	}
	return strings.Replace(auditHCL, full, fmt.Sprintf(`
data "auditlog_cloudaudit_events" "window" {
  start_time                = local.start
  end_time                  = local.end
  include_cloud_audit_event = false
  select {
    event_names  = ["^ConsoleLogin$", "^Delete", "^Terminate", "^ScheduleKeyDeletion$"]
    users_not_in = ["admin", "ops-automation"]
  }
}

data "auditlog_ucloud_operation_events" "window" {
  begin_time = local.start
  end_time   = local.end
  select {
    apis         = ["^Delete", "^Release", "^Terminate", "AccessKey", "Polic(y|ies)", "^CreateUser$", "^UpdateSecurityGroup$"]
    users_not_in = %s
  }
}

data "auditlog_ucloud_operation_events" "failed" {
  begin_time = local.start
  end_time   = local.end
  select {
    failed_only = true
  }
}
`, uc01Users), 1)
}

// The gate accepts reads selected as each control declares (they are not
// narrowing), finds with them what it finds on full reads, and denies a
// selection narrower than the control's.
func TestAccGateSelection(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	s := newGateSuite(t)
	good, bad := scenarioSim(t, "compliant", cloudsim.Options{}), scenarioSim(t, "noncompliant", cloudsim.Options{})
	s.trust(t, good, bad)
	goodEnv, badEnv := simEnv(good, good.Options().TencentSecretKey), simEnv(bad, bad.Options().TencentSecretKey)
	const failedAddr = "data.auditlog_ucloud_operation_events.failed"
	own := `["admin", "terraform-ci"]`

	t.Run("the controls' own selections pass", func(t *testing.T) {
		dir := s.config(t, "selected-compliant", map[string]string{"main.tf": providerHCL + selectedHCL(own)})
		out, code := s.run(t, goodEnv, dir)
		expectGate(t, "selected compliant", out, code, 0, "gate: PASS: 10 controls evaluated")
		if strings.Contains(out, ": evidence: narrowed by") {
			t.Errorf("a control's own selection reported as narrowing:\n%s", out)
		}
	})

	t.Run("the same findings as full reads", func(t *testing.T) {
		dir := s.config(t, "selected-noncompliant", map[string]string{"main.tf": providerHCL + selectedHCL(own)})
		out, code := s.run(t, badEnv, dir)
		var want []string
		for id, fs := range seededFindings {
			for _, f := range fs {
				addr := findingAddr(id, f)
				if id == "UC-02" {
					addr = failedAddr
				}
				want = append(want, gateFinding(id, f, addr))
			}
		}
		expectGate(t, "selected noncompliant", out, code, 1, want...)
		if strings.Contains(out, ": evidence: narrowed by") {
			t.Errorf("a control's own selection reported as narrowing:\n%s", out)
		}
	})

	t.Run("a narrower selection is denied", func(t *testing.T) {
		// One more allowed user: fewer operations kept than UC-01 reviews.
		dir := s.config(t, "selected-narrower", map[string]string{"main.tf": providerHCL + selectedHCL(`["admin", "terraform-ci", "mallory"]`)})
		out, code := s.run(t, goodEnv, dir)
		expectGate(t, "narrower selection", out, code, 1,
			"UC-01: "+gateUCloudAddr+": evidence: narrowed by select (evidence.selection ", "which is not UC-01's selection")
	})
}
