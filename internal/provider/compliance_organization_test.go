package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The compliance module over a map of accounts, one instance per named
// account with for_each, against the organization scenario: each instance
// judges its own account (the non-compliant member fails the tracking-set
// controls, the compliant one passes), and an instance whose account block
// points at another account fails every Tencent Cloud control, naming it.
func TestAccComplianceOrganization(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	opts, err := cloudsim.OrganizationOptions(cloudsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, opts)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	copyTree(t, filepath.Join(root, "examples", "compliance"), filepath.Join(work, "compliance"))
	dir := filepath.Join(work, "org")
	r := &exampleRun{t: t, root: root, dir: dir, rc: buildProviderForCLI(t, work)}
	members := map[string]string{}
	for _, m := range cloudsim.OrganizationMembers {
		members[m.Name] = m.RoleArn
	}
	writeFile(t, filepath.Join(dir, "main.tf"), `
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {
  tencentcloud {
    account {
      name     = "prod"
      role_arn = "`+members["prod"]+`"
    }
    account {
      name     = "finance"
      role_arn = "`+members["finance"]+`"
    }
    # Named dev, but the role is prod's: the account read is not dev's.
    account {
      name     = "dev"
      role_arn = "`+members["prod"]+`"
    }
  }
}

module "audit" {
  source   = "../compliance"
  for_each = { prod = "100000000002", finance = "100000000003", dev = "100000000004" }

  tencentcloud_account        = each.key
  tencentcloud_accounts       = [each.value]
  allowed_networks            = ["106.55.0.0/16", "119.29.0.0/16", "2402:4e00::/32"]
  csip_sub_uins               = ["100021372635", "100021372636"]
  ucloud_privileged_users     = ["admin", "terraform-ci"]
  ucloud_max_failed           = 3
  cloudaudit_privileged_users = ["admin", "ops-automation"]
  retention_out_of_scope      = ["1001"]
}

output "compliance" {
  value = { for name, m in module.audit : name => m.compliance }
}

output "compliance_report" {
  value = join("\n", [for name in sort(keys(module.audit)) : module.audit[name].compliance_report])
}
`)
	terraformInit(t, r.rc, dir)
	out, code := r.terraform(simEnv(sim, sim.Options().TencentSecretKey), "plan", "-no-color", "-input=false", "-out=org.tfplan")
	if code != 0 {
		t.Fatalf("terraform plan: exit %d\n%s", code, out)
	}
	js, code := r.terraform(nil, "show", "-json", "org.tfplan")
	if code != 0 {
		t.Fatalf("terraform show -json: exit %d\n%s", code, js)
	}
	path := filepath.Join(dir, "org.json")
	writeFile(t, path, js)
	var got map[string]complianceOutput
	readOutput(t, path, "compliance", &got)

	// Merged across the instances, every verdict and finding still names
	// the account it rests on.
	var report string
	readOutput(t, path, "compliance_report", &report)
	for _, want := range []string{"### TRK-01: Every CloudAudit tracking set is enabled (FAIL; account 100000000003)",
		"### NET-01: Sub-accounts call the cloud API only from allow-listed networks (FAIL; account 100000000003"} {
		if !strings.Contains(report, want) {
			t.Errorf("the merged report does not say %q:\n%s", want, report)
		}
	}
	for _, f := range got["finance"].Controls["TRK-01"].Findings {
		if f.Scope != "account 100000000003" {
			t.Errorf("finance TRK-01 finding %s has scope %q, want the account it was read in", f.ID, f.Scope)
		}
	}

	for _, id := range []string{"TRK-01", "TRK-02", "TRK-03", "TRK-04", "RET-01", "NET-01", "EVT-01", "EVT-02"} {
		if c := got["prod"].Controls[id]; c.Status != "pass" {
			t.Errorf("prod %s: %s, want pass (findings %v, incomplete %v)", id, c.Status, c.Findings, c.Incomplete)
		}
	}
	for id, fs := range seededFindings {
		if id == "UC-01" || id == "UC-02" {
			continue // UCloud serves generated data in this scenario
		}
		c := got["finance"].Controls[id]
		for _, f := range fs {
			if _, ok := c.finding(f); !ok || c.Status != "fail" {
				t.Errorf("finance %s: %s without finding %s (findings %v)", id, c.Status, f, c.Findings)
			}
		}
		for _, e := range c.Evidence {
			if e.AccountID != nil && *e.AccountID != "100000000003" {
				t.Errorf("finance %s rests on a read of account %s", id, *e.AccountID)
			}
		}
	}
	for _, id := range []string{"TRK-01", "RET-01", "NET-01", "EVT-01", "EVT-02"} {
		c := got["dev"].Controls[id]
		if c.Status != "fail" || len(c.Incomplete) == 0 {
			b, _ := json.Marshal(c)
			t.Errorf("dev %s read as prod's account: %s, want fail with the account named: %s", id, c.Status, b)
		}
		found := false
		for _, why := range c.Incomplete {
			found = found || containsAll(why, "100000000002", "100000000004")
		}
		if !found {
			t.Errorf("dev %s: incomplete %v does not name the account read and the one expected", id, c.Incomplete)
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
