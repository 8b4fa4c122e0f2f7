package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The runner's own files never reach the engine: its HOME (~/.terraformrc,
// ~/.tofurc, ~/.terraform.d with its *.tfrc files, credentials and implied
// plugin mirrors, ~/.netrc and ~/.gitconfig for module downloads) and the
// XDG directories OpenTofu and Terraform also search
// ($XDG_CONFIG_HOME/opentofu/tofurc, $XDG_DATA_HOME/{opentofu,terraform}/plugins,
// $XDG_DATA_DIRS/terraform/plugins). Each holds a provider installation of
// the runner's; the root module asserts, at plan time, that the engine sees
// none of the runner's files.
func testRunnersFilesStayOut(t *testing.T, s *e2e, env []string, policy, varFile string) {
	repo := s.reviewedRepo(t)
	runner := t.TempDir()
	home := mkdir(t, runner, "home")
	xdgConfig := mkdir(t, runner, "config")
	xdgData := mkdir(t, runner, "data")
	xdgDirs := mkdir(t, runner, "share")
	cache := mkdir(t, runner, "plugin-cache")
	forged := mkdir(t, runner, "forged-mirror")
	marker := filepath.Join(t.TempDir(), "runner-provider-ran")
	markerProvider(t, forged, marker)
	for _, dir := range []string{
		filepath.Join(home, ".terraform.d", "plugins"),
		filepath.Join(xdgData, "opentofu", "plugins"),
		filepath.Join(xdgData, "terraform", "plugins"),
		filepath.Join(xdgDirs, "terraform", "plugins"),
	} {
		markerProvider(t, dir, marker)
	}
	rc := "plugin_cache_dir = " + hclString(cache) + "\nprovider_installation {\n  filesystem_mirror {\n    path = " + hclString(forged) + "\n  }\n}\n"
	writeFiles(t, home, map[string]string{".terraformrc": rc, ".tofurc": rc, ".netrc": "machine example.com login x password y\n", ".gitconfig": "[url \"file:///nowhere\"]\n\tinsteadOf = https://\n"})
	writeFiles(t, filepath.Join(home, ".terraform.d"), map[string]string{"runner.tfrc": rc})
	writeFiles(t, filepath.Join(xdgConfig, "opentofu"), map[string]string{"tofurc": rc, "runner.tfrc": rc})
	writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"home.tf": `locals {
  runner_files = [for f in ["~/.netrc", "~/.terraformrc", "~/.gitconfig"] : f if fileexists(pathexpand(f))]
}

check "engine_home" {
  assert {
    condition     = length(local.runner_files) == 0
    error_message = "the engine sees the runner's home directory: ${join(", ", local.runner_files)}"
  }
}
`})
	runnerEnv := append(append([]string{}, env...), "HOME="+home, "XDG_CONFIG_HOME="+xdgConfig, "XDG_DATA_HOME="+xdgData, "XDG_DATA_DIRS="+xdgDirs, "XDG_CACHE_HOME="+mkdir(t, runner, "cache"))
	out, code := s.run(t, runnerEnv, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, filepath.Join(repo, "compliance", "root"))
	expect(t, out, code, 0, "auditlog-gate: PASS (exit 0)", "(pinned)", "the engine's HOME and XDG directories: empty directories of the gate's (")
	if strings.Contains(out, "the engine sees the runner's home directory") {
		t.Error("the engine read the runner's home directory")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a provider of the runner's files ran")
	}
	if entries, _ := os.ReadDir(cache); len(entries) > 0 {
		t.Error("the engine wrote to the runner's plugin cache")
	}
}

// A module from outside the reviewed repository (a registry, git, an HTTP
// archive, a bucket) is not what the reviewers saw, and can change after the
// review: the run stops before init, naming the call and its source.
func testRemoteModuleSourcesRefused(t *testing.T, s *e2e, env []string, policy, varFile string) {
	for name, source := range map[string]string{
		"registry": "terraform-aws-modules/vpc/aws",
		"git":      "git::https://example.com/modules.git//audit?ref=v1.2.0",
		"archive":  "https://example.com/modules/audit.zip",
		"s3":       "s3::https://s3.amazonaws.com/bucket/audit.zip",
	} {
		t.Run(name, func(t *testing.T) {
			repo := s.reviewedRepo(t)
			writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"remote.tf": "module \"extra\" {\n  source = \"" + source + "\"\n}\n"})
			out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, filepath.Join(repo, "compliance", "root"))
			expect(t, out, code, 2, `module "extra" at `, `remote.tf:1,1-15 has the source "`+source+`", which is not in the reviewed repository`, "CANNOT JUDGE (exit 2)")
			if strings.Contains(out, " init in the sealed copy") {
				t.Error("init ran")
			}
		})
	}
}

// Probe 4: plain HTTP to a host the policy trusts over HTTPS. The policy
// trusts https://127.0.0.1:PORT; the configuration asks for http:// on the
// same host and port (http:// gateways for both clouds), where a party on
// the path could answer. Every read names
// its address, the account it acted as and the untrusted API server.
func testPlainHTTPToATrustedHost(t *testing.T, s *e2e, env []string, port, varFile string) {
	rules := t.TempDir()
	policy := s.policyFor(t, rules, port, func(doc string) string {
		return strings.Replace(doc, `"scheme": "http"`, `"scheme": "https"`, 1)
	})
	repo := s.reviewedRepo(t)
	writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"main_override.tf": `provider "auditlog" {
  tencentcloud {
    endpoint = "http://127.0.0.1:` + port + `"
  }
  ucloud {
    base_url = "http://127.0.0.1:` + port + `"
  }
}
`})
	out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, filepath.Join(repo, "compliance", "root"))
	untrusted := "API server http://127.0.0.1:" + port
	expect(t, out, code, 1, "FAIL (exit 1)",
		`TRK-01: module.compliance.data.auditlog_cloudaudit_tracks.all: evidence: `+untrusted+" (http://127.0.0.1:"+port+") is not one the policy trusts (origins: https://127.0.0.1:"+port+")",
		"(read as account 100000000001, in region ap-guangzhou)",
		`NET-01: module.compliance.data.auditlog_csip_user_call_records.sub["100021372635"]: evidence: `+untrusted,
		"(read as account 100000000001, sub-account 100021372635)",
		`UC-01: module.compliance.data.auditlog_ucloud_operation_events.window: evidence: `+untrusted+"/ ")
	if strings.Contains(out, "PLAN: ") {
		t.Error("the plan did not run as the configuration asks")
	}
}

// Probe 5: another server on a trusted host. The policy trusts the
// simulator on one port; a second provider alias reaches a server of the
// author's on another port of the same host, and a second instance of the
// compliance module reads through it.
func testAnotherServerOnATrustedHost(t *testing.T, s *e2e, env []string, policy, otherPort, varFile string) {
	repo := s.reviewedRepo(t)
	writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"other.tf": `provider "auditlog" {
  alias = "other"
  tencentcloud {
    endpoint = "http://127.0.0.1:` + otherPort + `"
  }
  ucloud {
    base_url = "http://127.0.0.1:` + otherPort + `"
  }
}

module "also" {
  source    = "../"
  providers = { auditlog = auditlog.other }

  policy_data_file = var.auditlog_policy_data_file
}
`})
	out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, filepath.Join(repo, "compliance", "root"))
	untrusted := "API server http://127.0.0.1:" + otherPort
	expect(t, out, code, 1, "FAIL (exit 1)",
		`TRK-01: module.also.data.auditlog_cloudaudit_tracks.all: evidence: `+untrusted+" (http://127.0.0.1:"+otherPort+") is not one the policy trusts",
		`NET-01: module.also.data.auditlog_csip_user_call_records.sub["100021372636"]: evidence: `+untrusted,
		"(read as account 100000000001, sub-account 100021372636)",
		`UC-01: module.also.data.auditlog_ucloud_operation_events.window: evidence: `+untrusted+"/ ")
	if strings.Contains(out, "module.compliance.data.auditlog_cloudaudit_tracks.all: evidence: API server") {
		t.Error("the reads from the trusted server were called untrusted")
	}
}

// falseReasonsRoot is a root module of the author's: the compliance module
// under an instance key, a module of its own with a check under an instance
// key, and a read nested in a check block.
const falseReasonsRoot = `terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {}

variable "auditlog_policy_data_file" {
  type = string
}

module "compliance" {
  source   = "../compliance"
  for_each = toset(["prod"])

  policy_data_file = var.auditlog_policy_data_file
}

module "probe" {
  source   = "./probe"
  for_each = toset(["prod"])
}

check "nested" {
  data "auditlog_cloudaudit_tracks" "peek" {}

  assert {
    condition     = length(data.auditlog_cloudaudit_tracks.peek.tracks) > 0
    error_message = "no tracking set"
  }
}

output "auditlog_policy_sha256" {
  value = module.compliance["prod"].policy_sha256
}
`

const falseReasonsProbe = `variable "fail" {
  type    = bool
  default = true
}

check "always" {
  assert {
    condition     = !var.fail
    error_message = "the probe's check fails"
  }
}
`

// The false reasons of issue 25, through the command: every line names
// what is true of the run.
func testTrueReasons(t *testing.T, s *e2e, goodEnv, badEnv []string, goodPolicy, badPolicy, port string) {
	root := func(t *testing.T, files map[string]string) string {
		repo := s.reviewedRepo(t)
		dir := mkdir(t, repo, "review")
		writeFiles(t, dir, map[string]string{"main.tf": falseReasonsRoot, "probe/main.tf": falseReasonsProbe})
		writeFiles(t, dir, files)
		return dir
	}

	t.Run("names, keys, counts", func(t *testing.T) {
		out, code := s.run(t, badEnv, "--data", badPolicy, "--provider-mirror", s.mirror, root(t, nil))
		expect(t, out, code, 1, "FAIL (exit 1)",
			// Findings: the full address with the author's instance key,
			// and the account the read acted as.
			`TRK-01: module.compliance["prod"].data.auditlog_cloudaudit_tracks.all: `,
			"(read as account 100000000001, in region ap-guangzhou)",
			// CHECK: lines keep module instance keys.
			`CHECK: module.probe["prod"].check.always is fail`,
			// Counts say what was scanned and what was kept.
			" scanned, ", " kept from ")
		nested := regexp.MustCompile(`(?m)^.*check\.nested.*data\.auditlog_cloudaudit_tracks\.peek.*$|^.*data\.auditlog_cloudaudit_tracks\.peek.*$`).FindAllString(out, -1)
		if len(nested) == 0 {
			t.Error("the read nested in check.nested is not named")
		}
		for _, l := range nested {
			if strings.Contains(l, "deferred to apply") && strings.Contains(l, "no values") {
				t.Errorf("the read nested in a check block is called deferred: %s", l)
			}
		}
		if !strings.Contains(out, "FAIL data.auditlog_cloudaudit_tracks.peek: 4 records; account_id 100000000001, region ap-guangzhou; endpoint http://127.0.0.1:") || !strings.Contains(out, "; nested in a check block (read at plan time, and again at apply)") {
			t.Error("the read nested in check.nested is not named as such")
		}
		if regexp.MustCompile(`\b0 findings on 0 records\b`).MatchString(out) {
			t.Error("a count says 0 records")
		}
		if t.Failed() {
			t.Logf("output:\n%s", out)
		}
	})

	t.Run("an errored plan is not targeted", func(t *testing.T) {
		dir := root(t, map[string]string{"main_override.tf": "provider \"auditlog\" {\n  tencentcloud {\n    endpoint = \"127.0.0.1:" + port + "\"\n  }\n}\n"})
		out, code := s.run(t, goodEnv, "--data", goodPolicy, "--provider-mirror", s.mirror, dir)
		expect(t, out, code, 2, "CANNOT JUDGE (exit 2)", "the plan errored")
		// (the test's own name is in the temporary paths the output shows)
		if regexp.MustCompile(`(?i)targeted plan|a targeted|\btargets?\b|-target`).MatchString(out) {
			t.Errorf("an errored plan is called targeted:\n%s", out)
		}
	})

	t.Run("-detailed-exitcode is refused in PLAN_ARGS", func(t *testing.T) {
		out, code := s.run(t, goodEnv, "--data", goodPolicy, "--provider-mirror", s.mirror, root(t, nil), "--", "-detailed-exitcode")
		expect(t, out, code, 2, "-detailed-exitcode is not allowed", "CANNOT JUDGE (exit 2)")
		if strings.Contains(out, " init in the sealed copy") {
			t.Error("init ran")
		}
	})
}

// orgSim starts the simulator's organization scenario (the auditor's own
// account and members prod 100000000002, compliant, and finance
// 100000000003, noncompliant, each with a role "auditor" the auditor may
// assume) and returns the provider's environment and the port.
func orgSim(t *testing.T) (env []string, port string) {
	t.Helper()
	opts, err := cloudsim.OrganizationOptions(cloudsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := cloudsim.New(opts)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	o := srv.Options()
	_, port, _ = strings.Cut(strings.TrimPrefix(url, "http://"), ":")
	return []string{
		"TENCENTCLOUD_ENDPOINT=" + url, "TENCENTCLOUD_SECRET_ID=" + o.TencentSecretID, "TENCENTCLOUD_SECRET_KEY=" + o.TencentSecretKey,
		"UCLOUD_API_BASE_URL=" + url, "UCLOUD_PUBLIC_KEY=" + o.UCloudPublicKey, "UCLOUD_PRIVATE_KEY=" + o.UCloudPrivateKey,
		"UCLOUD_PROJECT_ID=" + o.UCloudProjectID,
	}, port
}

// probe8Root reads two member accounts through the compliance module with
// lists of the author's, not the policy's: each account in one region, the
// CSIP sub-account under prod, and tracking set 1001 once more as prod.
const probe8Root = `terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {
  tencentcloud {
    account {
      name     = "prod"
      role_arn = "qcs::cam::uin/100000000002:roleName/auditor"
    }
    account {
      name     = "finance"
      role_arn = "qcs::cam::uin/100000000003:roleName/auditor"
    }
  }
}

module "audit" {
  source   = "../compliance"
  for_each = { prod = "100000000002", finance = "100000000003" }

  tencentcloud_account        = each.key
  tencentcloud_accounts       = [each.value]
  tencentcloud_regions        = ["ap-guangzhou"]
  csip_sub_uins               = each.key == "prod" ? ["100021372635"] : ["100021372636"]
  ucloud_projects             = ["org-sim001"]
  allowed_networks            = ["106.55.0.0/16", "119.29.0.0/16", "2402:4e00::/32"]
  ucloud_privileged_users     = ["admin", "terraform-ci"]
  ucloud_max_failed           = 3
  cloudaudit_privileged_users = ["admin", "ops-automation"]
}

data "auditlog_cloudaudit_track" "borrowed" {
  account  = "prod"
  track_id = 1001
}
`

// Probe 8: the organization pairs accounts with their regions, owner
// accounts with their CSIP sub-accounts, and tracking sets with the account
// that lists them. The policy names prod in two regions and the
// sub-account under finance; the configuration reads prod in one region,
// the sub-account as prod, and finance's tracking set 1001 as prod (ids
// repeat across accounts).
func testOrganizationPairs(t *testing.T, s *e2e, varFile string) {
	env, port := orgSim(t)
	policy := s.policyFor(t, t.TempDir(), port, func(doc string) string {
		var d map[string]any
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatal(err)
		}
		auditlog, _ := d["auditlog"].(map[string]any)
		p, ok := auditlog["policy"].(map[string]any)
		if !ok {
			t.Fatal("the policy data has no auditlog.policy object")
		}
		// Each account's COS delivery (1001) is out of RET-01's scope, as
		// in the simulator policy: the probe is about pairing.
		p["tencentcloud"] = map[string]any{"accounts": map[string]any{
			"100000000002": map[string]any{"regions": []string{"ap-guangzhou", "ap-singapore"}, "csip_sub_uins": []string{}, "retention_out_of_scope": []string{"1001"}},
			"100000000003": map[string]any{"regions": []string{"ap-guangzhou"}, "csip_sub_uins": []string{"100021372635"}, "retention_out_of_scope": []string{"1001"}},
		}}
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	})
	repo := s.reviewedRepo(t)
	dir := mkdir(t, repo, "org")
	writeFiles(t, dir, map[string]string{"main.tf": probe8Root})
	out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, dir)
	expect(t, out, code, 1, "FAIL (exit 1)",
		// A sub-account read under the wrong owner account.
		`NET-01: module.audit["prod"].data.auditlog_csip_user_call_records.sub["100021372635"]: evidence: sub-account 100021372635 was read under account 100000000002, which the policy does not name as its owner`,
		"the policy names it under 100000000003 (read as account 100000000002, sub-account 100021372635)",
		"NET-01: sub-account 100021372635 of account 100000000003: no auditlog_csip_user_call_records data source read it under account 100000000003",
		// An account read in only one of its regions.
		"EVT-01: account 100000000002, region ap-singapore: no auditlog_cloudaudit_events data source read it",
		// Finance's sets are not satisfied by prod's set with the same id.
		`TRK-04: module.audit["finance"].data.auditlog_cloudaudit_tracks.all: organization: no enabled tracking set of account 100000000003 records every member of the organization`)
	if strings.Contains(out, "EVT-01: account 100000000002, region ap-guangzhou: no") {
		t.Errorf("prod's read in ap-guangzhou was not counted")
	}
	if strings.Contains(out, `TRK-04: module.audit["prod"].data.auditlog_cloudaudit_tracks.all: organization`) {
		t.Errorf("prod's own tracking set did not satisfy TRK-04 for prod")
	}
}
