package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// orgAuditHCL reads everything the shipped policy requires from every
// account of var.accounts (names of account blocks), one read per account
// and data source, with for_each.
const orgAuditHCL = `
variable "accounts" {
  type = set(string)
}

locals {
  end   = provider::auditlog::unix_time(plantimestamp())
  start = local.end - 28 * 86400
  # CSIP reads Beijing time (UTC+8).
  csip_start = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(plantimestamp(), "-664h"))
  csip_end   = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(plantimestamp(), "8h"))
  csip_reads = { for p in setproduct(var.accounts, ["100021372635", "100021372636"]) : "${p[0]}/${p[1]}" => { account = p[0], sub_uin = p[1] } }
}

data "auditlog_cloudaudit_tracks" "all" {
  for_each = var.accounts
  account  = each.key
}

data "auditlog_cloudaudit_track" "each" {
  for_each = merge([for a, d in data.auditlog_cloudaudit_tracks.all : { for t in d.tracks : "${a}/${t.track_id}" => { account = a, id = t.track_id } }]...)
  account  = each.value.account
  track_id = each.value.id
}

data "auditlog_csip_user_call_records" "sub" {
  for_each = local.csip_reads
  account  = each.value.account
  sub_uin  = each.value.sub_uin
  filter {
    start_time = local.csip_start
    end_time   = local.csip_end
  }
}

data "auditlog_cloudaudit_events" "window" {
  for_each   = var.accounts
  account    = each.key
  start_time = local.start
  end_time   = local.end
}

data "auditlog_ucloud_operation_events" "window" {
  begin_time = local.start
  end_time   = local.end
}

# The six-month review of each account's CLS deliveries, as auditHCL's.
locals {
  cls_sets = merge([for a, d in data.auditlog_cloudaudit_tracks.all : {
    for t in d.tracks : "${a}/${t.track_id}" => { account = a, storage = t.storage }
    if t.status == 1 && try(t.storage.storage_type, null) == "cls"
  }]...)
  cls_to = local.end - 900
}

data "auditlog_cls_topics" "delivery" {
  for_each = local.cls_sets
  account  = each.value.account
  region   = each.value.storage.storage_region
  filters {
    key    = "topicId"
    values = [each.value.storage.storage_name]
  }
}

data "auditlog_cls_analysis" "events" {
  for_each = local.cls_sets
  account  = each.value.account
  region   = each.value.storage.storage_region
  topic_id = each.value.storage.storage_name
  query    = "*"
  sql      = ` + clsReviewSQL + `
  from     = local.cls_to - 180 * 86400
  to       = local.cls_to
  max_rows = 9999
}
`

// orgProviderHCL names the accounts of the organization scenario.
func orgProviderHCL(accounts map[string]string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    auditlog = { source = \"auditlog/auditlog\" }\n  }\n}\n\nprovider \"auditlog\" {\n  tencentcloud {\n")
	for name, role := range accounts {
		fmt.Fprintf(&b, "    account {\n      name     = %q\n      role_arn = %q\n    }\n", name, role)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// The organization scenario through the gate: with the policy data naming
// the three members, auditing prod and finance fails, naming the
// non-compliant member's findings and the member that was not audited; a
// role pointing at the wrong account fails naming it, one that cannot be
// assumed leaves the gate unable to judge; with every member
// audited and the non-compliant one fixed, the gate passes.
func TestAccGateOrganization(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	s := newGateSuite(t)
	opts, err := cloudsim.OrganizationOptions(cloudsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	org := startSim(t, opts)
	fixedOpts, _ := cloudsim.OrganizationOptions(cloudsim.Options{})
	fixedOpts.Accounts[1].Data = fixedOpts.Accounts[0].Data // finance now serves the compliant data set
	fixed := startSim(t, fixedOpts)
	s.trust(t, org, fixed)

	roles := map[string]string{}
	// Each member read in ap-guangzhou, with the sub-accounts orgAuditHCL
	// reads under it.
	accounts := map[string]any{}
	for _, m := range cloudsim.OrganizationMembers {
		roles[m.Name] = m.RoleArn
		// Each account's COS delivery (tracking set 1001) is verified
		// elsewhere: out of RET-01's scope.
		accounts[m.Uin] = map[string]any{"regions": []string{"ap-guangzhou"}, "csip_sub_uins": []string{"100021372635", "100021372636"}, "retention_out_of_scope": []string{"1001"}}
	}
	data := writePolicyData(t, s, "org-policy.json", func(p map[string]any) { p["tencentcloud"] = map[string]any{"accounts": accounts} })
	config := func(name string, accounts map[string]string, audited string) string {
		return s.config(t, name, map[string]string{
			"main.tf":         orgProviderHCL(accounts) + orgAuditHCL,
			"org.auto.tfvars": "accounts = " + audited + "\n",
		})
	}
	two := map[string]string{"prod": roles["prod"], "finance": roles["finance"]}

	t.Run("a non-compliant member and one not audited fail", func(t *testing.T) {
		out, code := s.run(t, simEnv(org, org.Options().TencentSecretKey), "--data", data, config("org-two", two, `["prod", "finance"]`))
		expectGate(t, "organization", out, code, 1,
			`data.auditlog_cloudaudit_tracks.all["finance"]`, "audit-all-paused", "audit-cam-write", "audit-all-nostore",
			"account 100000000004, region ap-guangzhou: no auditlog_cloudaudit_tracks data source read it",
			"account 100000000004, region ap-guangzhou: no auditlog_cloudaudit_events data source read it",
			"sub-account 100021372635 of account 100000000004: no auditlog_csip_user_call_records data source read it under account 100000000004")
		if strings.Contains(out, "account 100000000002, region ap-guangzhou: no ") || strings.Contains(out, "account 100000000003, region ap-guangzhou: no ") {
			t.Errorf("the gate says an audited member was not read:\n%s", out)
		}
	})

	t.Run("a role of the wrong account fails", func(t *testing.T) {
		wrong := map[string]string{"prod": roles["prod"], "finance": roles["finance"], "dev": roles["prod"]}
		out, code := s.run(t, simEnv(fixed, fixed.Options().TencentSecretKey), "--data", data, config("org-wrong", wrong, `["prod", "finance", "dev"]`))
		expectGate(t, "wrong account", out, code, 1, "account 100000000004, region ap-guangzhou: no auditlog_cloudaudit_tracks data source read it")
	})

	t.Run("a member whose role cannot be assumed cannot pass", func(t *testing.T) {
		unreadable := map[string]string{"prod": roles["prod"], "finance": roles["finance"], "dev": "qcs::cam::uin/100000000004:roleName/missing"}
		out, code := s.run(t, simEnv(fixed, fixed.Options().TencentSecretKey), "--data", data, config("org-unreadable", unreadable, `["prod", "finance", "dev"]`))
		expectGate(t, "unreadable account", out, code, 2, `account "dev"`, "ResourceNotFound.RoleNotFound", "qcs::cam::uin/100000000004:roleName/missing")
	})

	t.Run("every member audited and compliant passes", func(t *testing.T) {
		out, code := s.run(t, simEnv(fixed, fixed.Options().TencentSecretKey), "--data", data, config("org-all", roles, `["prod", "finance", "dev"]`))
		expectGate(t, "organization fixed", out, code, 0, "gate: PASS: 10 controls evaluated", "account_id 100000000004")
	})
}
