package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// orgAccounts are three member accounts of distinct UINs and data sets,
// each with a role "auditor" that trusts the simulator's own account, and
// "stage" also a role "locked" that trusts someone else.
var orgAccounts = []struct {
	name, uin     string
	events, track int
}{
	{"prod", "100000000002", 30, 2},
	{"stage", "100000000003", 41, 3},
	{"dev", "100000000004", 17, 1},
}

func startOrgSim(t *testing.T) *testSim {
	t.Helper()
	var accounts []cloudsim.Account
	for _, a := range orgAccounts {
		accounts = append(accounts, cloudsim.Account{Uin: a.uin, CloudAuditEvents: a.events, Tracks: a.track,
			Roles: map[string][]string{"auditor": {cloudsim.DefaultTencentOwnerUin}, "locked": {"100000000099"}}})
	}
	return startSim(t, cloudsim.Options{Accounts: accounts})
}

func roleOf(uin, role string) string { return "qcs::cam::uin/" + uin + ":roleName/" + role }

// orgProviderConfig is a provider block with one account block per
// orgAccounts entry (role "auditor"), plus extra blocks.
func (s *testSim) orgProviderConfig(extra string, site string) string {
	var b strings.Builder
	for _, a := range orgAccounts {
		fmt.Fprintf(&b, "account {\n  name     = %q\n  role_arn = %q\n}\n", a.name, roleOf(a.uin, "auditor"))
	}
	return s.providerBlock(without(ucloudBlock), withTencentBlocks(site, b.String(), extra))
}

// orgWindow covers every event of every member account.
func orgWindow(sim *testSim) (start, end int64) {
	for _, a := range orgAccounts {
		ev := sim.Account(a.uin).CloudAuditEvents()
		if s := ev[len(ev)-1].Unix(); start == 0 || s < start {
			start = s
		}
		end = max(end, ev[0].Unix())
	}
	return start, end
}

// for_each over the accounts reads each account's own records, field for
// field, as that account (evidence.account_id), with one AssumeRole per
// account in one plan however many data sources read it. Terraform itself
// runs the plan: the test framework's state shim does not take data
// sources with for_each keys.
func TestAccNamedAccounts_forEach(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	sim := startOrgSim(t)
	start, end := orgWindow(sim)
	work := t.TempDir()
	r := &exampleRun{t: t, dir: work, rc: buildProviderForCLI(t, work)}
	writeFile(t, filepath.Join(work, "main.tf"), `
terraform {
  required_providers {
    auditlog = {
      source = "auditlog/auditlog"
    }
  }
}
`+sim.orgProviderConfig("", "")+fmt.Sprintf(`
locals {
  accounts = toset(["prod", "stage", "dev"])
}

data "auditlog_cloudaudit_events" "org" {
  for_each   = local.accounts
  account    = each.key
  start_time = %d
  end_time   = %d
}

data "auditlog_cloudaudit_tracks" "org" {
  for_each = local.accounts
  account  = each.key
}

data "auditlog_cloudaudit_tracks" "own" {}
`, start, end))
	terraformInit(t, r.rc, work)
	out, code := r.terraform(nil, "plan", "-no-color", "-input=false", "-out=org.tfplan")
	if code != 0 {
		t.Fatalf("terraform plan: exit %d\n%s", code, out)
	}
	js, code := r.terraform(nil, "show", "-json", "org.tfplan")
	if code != 0 {
		t.Fatalf("terraform show -json: exit %d\n%s", code, js)
	}
	read := priorDataSources(t, js)

	ids := map[any]string{}
	for _, a := range orgAccounts {
		ev := read[fmt.Sprintf("data.auditlog_cloudaudit_events.org[%q]", a.name)]
		if other, dup := ids[ev["id"]]; dup {
			t.Errorf("accounts %s and %s read with the same arguments have the same id %v", other, a.name, ev["id"])
		}
		ids[ev["id"]] = a.name
		tr := read[fmt.Sprintf("data.auditlog_cloudaudit_tracks.org[%q]", a.name)]
		if ev == nil || tr == nil {
			t.Fatalf("account %s: the plan has no reads of it", a.name)
		}
		checkValue(t, a.name+" events", ev["events"], caEventsExact(sim.Account(a.uin).CloudAuditEvents(), false))
		checkValue(t, a.name+" account", ev["account"], knownvalue.StringExact(a.name))
		checkValue(t, a.name+" region", ev["region"], knownvalue.StringExact("ap-guangzhou"))
		checkValue(t, a.name+" evidence", ev["evidence"], knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"account_id":    knownvalue.StringExact(a.uin),
			"principal_arn": knownvalue.StringRegexp(regexp.MustCompile(`^qcs::sts:` + a.uin + `:assumed-role/[0-9]+$`)),
			"records":       knownvalue.Int64Exact(int64(a.events)),
			"complete":      knownvalue.Bool(true),
		}))
		checkValue(t, a.name+" tracks", tr["tracks"], knownvalue.ListSizeExact(a.track))
		checkValue(t, a.name+" tracks evidence", tr["evidence"], knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"account_id": knownvalue.StringExact(a.uin),
		}))
		if n := sim.AssumeRoleCount(roleOf(a.uin, "auditor")); n != 1 {
			t.Errorf("account %s: %d AssumeRole calls in one plan, want 1", a.name, n)
		}
	}
	// The provider's own credentials still read the simulator's own account.
	own := read["data.auditlog_cloudaudit_tracks.own"]
	checkValue(t, "own tracks", own["tracks"], knownvalue.ListSizeExact(7))
	checkValue(t, "own evidence", own["evidence"], knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"account_id": knownvalue.StringExact(cloudsim.DefaultTencentOwnerUin),
	}))
	if n := sim.ThrottledCount(); n != 0 {
		t.Errorf("%d calls throttled", n)
	}
}

// priorDataSources are the data sources a plan read, by address, with their
// values as JSON decodes them (numbers as json.Number).
func priorDataSources(t *testing.T, planJSON string) map[string]map[string]any {
	t.Helper()
	var plan struct {
		PriorState struct {
			Values struct {
				RootModule struct {
					Resources []struct {
						Address string         `json:"address"`
						Mode    string         `json:"mode"`
						Values  map[string]any `json:"values"`
					} `json:"resources"`
				} `json:"root_module"`
			} `json:"values"`
		} `json:"prior_state"`
	}
	dec := json.NewDecoder(strings.NewReader(planJSON))
	dec.UseNumber()
	if err := dec.Decode(&plan); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	out := map[string]map[string]any{}
	for _, r := range plan.PriorState.Values.RootModule.Resources {
		if r.Mode == "data" {
			out[r.Address] = r.Values
		}
	}
	return out
}

func checkValue(t *testing.T, what string, v any, check knownvalue.Check) {
	t.Helper()
	if err := check.CheckValue(v); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// An unknown account name fails naming the configured ones; a role the
// account does not trust fails that account's reads only, naming the
// account, the role and the API's code; a region the international site
// does not serve fails naming it; duplicate account names fail at plan time.
func TestAccNamedAccounts_errors(t *testing.T) {
	sim := startOrgSim(t)
	start, end := orgWindow(sim)
	events := func(args string) string {
		return fmt.Sprintf("data \"auditlog_cloudaudit_events\" \"test\" {\n  start_time = %d\n  end_time = %d\n  %s\n}\n", start, end, args)
	}
	locked := fmt.Sprintf("    account {\n      name     = \"locked\"\n      role_arn = %q\n    }\n", roleOf("100000000003", "locked"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      sim.orgProviderConfig("", "") + events(`account = "qa"`),
				ExpectError: regexp.MustCompile(`(?s)Unknown account.*account = "qa".*configured accounts are: "dev", "prod",\s+"stage"`),
			},
			{
				Config: sim.orgProviderConfig(locked, "") + events(`account = "locked"`) + `
data "auditlog_cloudaudit_tracks" "fine" {
  account = "prod"
}
`,
				ExpectError: regexp.MustCompile(`(?s)qcs::cam::uin/100000000003:roleName/locked.*of\s+account\s+"locked".*UnauthorizedOperation.*RequestId`),
			},
			{
				Config:      sim.orgProviderConfig("", `domain = "intl.tencentcloudapi.com"`) + events(`account = "prod"`+"\n  region = \"ap-beijing\""),
				ExpectError: regexp.MustCompile(`(?s)international site.*"ap-beijing".*ap-guangzhou, ap-hongkong`),
			},
			{
				Config: sim.orgProviderConfig(`    account {
      name     = "prod"
      role_arn = "qcs::cam::uin/100000000009:roleName/auditor"
    }
`, "") + events(""),
				ExpectError: regexp.MustCompile(`(?s)Duplicate account name.*"prod"`),
			},
		},
	})
	// The account that trusts the provider was read although another
	// account's role was refused.
	if n := sim.Account("100000000002").CallCount("DescribeAuditTracks"); n == 0 {
		t.Error("account prod was not read while account locked failed")
	}
}
