package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestAccSealedGate runs the built command through the real engine against
// the simulator: the compliant scenario passes with policy data that pins
// the mirror's provider; each way the author of a change could choose the
// provider, the rules or the environment fails the run (exit 1 or 2) with
// the reason; the reviewed tree is never written to.
func TestAccSealedGate(t *testing.T) {
	s := setupE2E(t)
	goodEnv, goodPort := s.sim(t, "compliant")
	badEnv, badPort := s.sim(t, "noncompliant")
	rules := t.TempDir() // the compliance team's, outside every reviewed tree
	goodPolicy := s.policyFor(t, mkdir(t, rules, "good"), goodPort, nil)
	// The allow-lists come from the policy data the gate hands the module
	// (TF_VAR_auditlog_policy_data_file); a var file sets the rest.
	varFile := filepath.Join(rules, "ci.tfvars")
	writeFiles(t, rules, map[string]string{"ci.tfvars": "enforce = false\n"})
	badPolicy := s.policyFor(t, mkdir(t, rules, "bad"), badPort, nil)

	t.Run("compliant passes and leaves the tree as it was", func(t *testing.T) {
		repo := s.reviewedRepo(t)
		before := treeHash(t, repo)
		junit := filepath.Join(t.TempDir(), "junit.xml")
		policyBytes, _ := os.ReadFile(goodPolicy)
		out, code := s.run(t, goodEnv, "--data", goodPolicy, "--provider-mirror", s.mirror, "--junit", junit,
			"--var-file", varFile, filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 0, "gate: PASS: 10 controls evaluated", "auditlog-gate: PASS (exit 0)",
			"policy data: "+goodPolicy+" sha256 "+sha256Hex(policyBytes), "the root module read the gate's policy data (auditlog_policy_sha256 "+sha256Hex(policyBytes)+")", "/auditlog/auditlog 0.1.0 "+runtime.GOOS+"_"+runtime.GOARCH+" h1:", "(pinned)")
		if after := treeHash(t, repo); after != before {
			t.Error("the reviewed tree changed")
		}
		if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), "<testsuites") {
			t.Errorf("JUnit report: %v\n%s", err, b)
		}
	})

	// Probes 1 to 3: a provider of the author's, committed in the data
	// directory with a lock file listing its hash, in the implied local
	// mirror, or named by TF_CLI_ARGS_init. The noncompliant scenario
	// fails (exit 1) because the pinned provider read it; the forged one
	// never ran.
	forgeries := map[string]struct {
		setup func(t *testing.T, repo, marker string) []string
		want  string
	}{
		"probe 1: forged provider in .terraform with a lock file": {func(t *testing.T, repo, marker string) []string {
			root := filepath.Join(repo, "compliance", "root")
			providers := filepath.Join(root, ".terraform", "providers")
			markerProvider(t, providers, marker)
			pkgs, err := findPackages(providers)
			if err != nil {
				t.Fatal(err)
			}
			writeFiles(t, root, map[string]string{".terraform.lock.hcl": "provider \"registry.terraform.io/auditlog/auditlog\" {\n  version = \"0.1.0\"\n  hashes = [\"" + pkgs[0].hash + "\"]\n}\nprovider \"registry.opentofu.org/auditlog/auditlog\" {\n  version = \"0.1.0\"\n  hashes = [\"" + pkgs[0].hash + "\"]\n}\n"})
			return nil
		}, "left out of the sealed copy: root/.terraform (a data directory"},
		"probe 2: forged provider in terraform.d/plugins": {func(t *testing.T, repo, marker string) []string {
			markerProvider(t, filepath.Join(repo, "compliance", "root", "terraform.d", "plugins"), marker)
			return nil
		}, "left out of the sealed copy: root/terraform.d (an implied local provider mirror)"},
		"probe 3: TF_CLI_ARGS_init names a plugin directory in the repository": {func(t *testing.T, repo, marker string) []string {
			dir := filepath.Join(repo, "plugins")
			markerProvider(t, dir, marker)
			return []string{"TF_CLI_ARGS_init=-plugin-dir=" + dir, "TF_CLI_ARGS=-plugin-dir=" + dir, "TF_PLUGIN_CACHE_DIR=" + dir, "TF_DATA_DIR=" + filepath.Join(repo, "data")}
		}, "TF_CLI_ARGS, TF_CLI_ARGS_init, TF_CLI_CONFIG_FILE, TF_DATA_DIR, TF_PLUGIN_CACHE_DIR"},
	}
	for name, f := range forgeries {
		t.Run(name, func(t *testing.T) {
			repo := s.reviewedRepo(t)
			marker := filepath.Join(t.TempDir(), "forged-provider-ran")
			env := append(append([]string{"TF_CLI_CONFIG_FILE="}, badEnv...), f.setup(t, repo, marker)...)
			before := treeHash(t, repo)
			out, code := s.run(t, env, "--data", badPolicy, "--provider-mirror", s.mirror,
				"--var-file", varFile, filepath.Join(repo, "compliance", "root"))
			expect(t, out, code, 1, f.want, "(pinned)", "FAIL (exit 1)", "NET-01: ", "removed from the engine's environment: ")
			if _, err := os.Stat(marker); err == nil {
				t.Error("the forged provider ran")
			}
			if after := treeHash(t, repo); after != before {
				t.Error("the reviewed tree changed")
			}
		})
	}

	// Probe 6: the rules inside the reviewed tree.
	t.Run("probe 6: policy data inside the reviewed tree", func(t *testing.T) {
		repo := s.reviewedRepo(t)
		inTree := s.policyFor(t, mkdir(t, repo, "policy"), goodPort, nil)
		out, code := s.run(t, goodEnv, "--data", inTree, "--provider-mirror", s.mirror, filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, "the policy data "+inTree+" is inside the reviewed repository", "CANNOT JUDGE (exit 2)")
		extra := mkdir(t, repo, "rules")
		writeFiles(t, extra, map[string]string{"extra.rego": "package team\n\nx := 1\n"})
		out, code = s.run(t, goodEnv, "--data", goodPolicy, "--policy", extra, "--provider-mirror", s.mirror, filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, "--policy "+extra+" is inside the reviewed repository")
	})

	// Probe 7: a second "controls" key would replace the first.
	t.Run("probe 7: repeated controls key", func(t *testing.T) {
		repo := s.reviewedRepo(t)
		twice := s.policyFor(t, t.TempDir(), goodPort, func(doc string) string {
			return strings.Replace(doc, `"controls": {`, `"controls": {"TRK-01": {"enabled": false, "allowed_narrowing": []}}, "controls": {`, 1)
		})
		out, code := s.run(t, goodEnv, "--data", twice, "--provider-mirror", s.mirror, filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, `the key "controls" appears twice in auditlog.policy`)
	})

	t.Run("a provider the policy does not pin", func(t *testing.T) {
		repo := s.reviewedRepo(t)
		marker := filepath.Join(t.TempDir(), "external-ran")
		writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"external.tf": `data "external" "swap" {
  program = ["sh", "-c", "touch ` + marker + `; echo {}"]
}
`})
		out, code := s.run(t, goodEnv, "--data", goodPolicy, "--provider-mirror", s.mirror,
			"--var-file", varFile, filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, "/hashicorp/external, which the policy data does not pin")
		if _, err := os.Stat(marker); err == nil {
			t.Error("the external program ran")
		}
	})

	// The policy reaches the configuration through the gate: a root module
	// that reports the policy data it read must report the gate's.
	t.Run("policy handoff", func(t *testing.T) {
		const providers = "terraform {\n  required_providers {\n    auditlog = { source = \"auditlog/auditlog\" }\n  }\n}\n"
		for name, tc := range map[string]struct {
			output string
			code   int
			want   string
		}{
			"other policy data": {`"0000"`, 2, "the root module's output auditlog_policy_sha256 is 0000, yet the gate's policy data has sha256 "},
			"the gate's":        {"filesha256(var.auditlog_policy_data_file)", 1, "the root module read the gate's policy data (auditlog_policy_sha256 "},
			// A failed plan has no outputs: the reason it cannot be judged
			// is the plan's failure, not a handoff it could not show.
			"a failed plan": {"length(data.auditlog_cloudaudit_tracks.x.tracks) >= 0 ? filesha256(var.auditlog_policy_data_file) : \"\"\n}\ndata \"auditlog_cloudaudit_tracks\" \"x\" {\n  account = \"nowhere\"", 2, "PLAN: the plan errored"},
		} {
			t.Run(name, func(t *testing.T) {
				repo := s.reviewedRepo(t)
				dir := mkdir(t, repo, "handoff")
				writeFiles(t, dir, map[string]string{"main.tf": providers + "variable \"auditlog_policy_data_file\" {\n  type = string\n}\noutput \"auditlog_policy_sha256\" {\n  value = " + tc.output + "\n}\n"})
				out, code := s.run(t, append([]string{"TF_VAR_auditlog_policy_data_file=" + goodPolicy}, goodEnv...), "--data", goodPolicy, "--provider-mirror", s.mirror, dir)
				expect(t, out, code, tc.code, tc.want)
			})
		}
	})

	t.Run("a plan JSON made elsewhere", func(t *testing.T) {
		plan := filepath.Join(t.TempDir(), "plan.json")
		writeFiles(t, filepath.Dir(plan), map[string]string{"plan.json": `{"format_version": "1.2"}`})
		out, code := s.run(t, goodEnv, "--data", goodPolicy, plan)
		expect(t, out, code, 2, "is a plan made outside the gate", "accept_unsealed_plans")
	})

	t.Run("a dev override", func(t *testing.T) {
		rc := filepath.Join(t.TempDir(), "dev.tfrc")
		writeFiles(t, filepath.Dir(rc), map[string]string{"dev.tfrc": "provider_installation {\n  dev_overrides {\n    \"auditlog/auditlog\" = \"/x\"\n  }\n  direct {}\n}\n"})
		repo := s.reviewedRepo(t)
		out, code := s.run(t, append([]string{"TF_CLI_CONFIG_FILE=" + rc}, goodEnv...), "--data", goodPolicy, "--provider-mirror", s.mirror, filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, "has a dev override", "--provider-mirror DIR")
	})

	t.Run("the simulator policy says it is no evidence", func(t *testing.T) {
		repo := s.reviewedRepo(t)
		junit := filepath.Join(t.TempDir(), "junit.xml")
		out, code := s.run(t, goodEnv, "--data", "builtin:simulator", "--provider-mirror", s.mirror, "--junit", junit,
			"--var-file", varFile, filepath.Join(repo, "compliance", "root"))
		// The simulator of this test is not on 127.0.0.1:8787, the origin
		// the simulator policy trusts: its reads are not evidence.
		expect(t, out, code, code, noticeSimulator, "policy data: builtin:simulator sha256 ")
		if code == 0 {
			t.Errorf("reads from an origin the simulator policy does not trust passed:\n%s", out)
		}
		if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), noticeSimulator) {
			t.Errorf("the JUnit report does not say %q: %v\n%s", noticeSimulator, err, b)
		}
	})

	t.Run("the runner's HOME and XDG directories stay out", func(t *testing.T) {
		testRunnersFilesStayOut(t, s, goodEnv, goodPolicy, varFile)
	})

	t.Run("remote module sources", func(t *testing.T) {
		testRemoteModuleSourcesRefused(t, s, goodEnv, goodPolicy, varFile)
	})

	t.Run("probe 4: plain HTTP to a trusted host", func(t *testing.T) {
		testPlainHTTPToATrustedHost(t, s, goodEnv, goodPort, varFile)
	})
	t.Run("probe 5: another server on a trusted host", func(t *testing.T) {
		testAnotherServerOnATrustedHost(t, s, goodEnv, goodPolicy, badPort, varFile)
	})

	t.Run("true reasons", func(t *testing.T) {
		testTrueReasons(t, s, goodEnv, badEnv, goodPolicy, badPolicy, goodPort)
	})

	t.Run("probe 8: the organization pairs accounts, regions, sub-accounts and tracking sets", func(t *testing.T) {
		testOrganizationPairs(t, s, varFile)
	})

	// The pins are the hashes the engine itself records for the mirror.
	t.Run("pins agree with providers lock", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"main.tf": "terraform {\n  required_providers {\n    auditlog = { source = \"auditlog/auditlog\" }\n  }\n}\n"})
		cmd := exec.Command(s.engine, "providers", "lock", "-fs-mirror="+s.mirror, "-platform="+runtime.GOOS+"_"+runtime.GOARCH)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=", "CHECKPOINT_DISABLE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("providers lock: %v\n%s", err, out)
		}
		lock, _ := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
		h1 := regexp.MustCompile(`"(h1:[^"]+)"`).FindStringSubmatch(string(lock))
		if h1 == nil {
			t.Fatalf("no h1: hash in the lock file:\n%s", lock)
		}
		found := false
		for _, p := range s.pins {
			found = found || contains(p.Hashes[runtime.GOOS+"_"+runtime.GOARCH], h1[1])
		}
		if !found {
			t.Errorf("the engine records %s; auditlog-gate pin printed %+v", h1[1], s.pins)
		}
	})
}

func mkdir(t *testing.T, parent, name string) string {
	t.Helper()
	dir := filepath.Join(parent, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
