package provider

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// seededFindings are the findings examples/compliance must report against
// the simulator's noncompliant scenario, by control and finding id
// (internal/cloudsim/scenarios/README.md lists them).
var seededFindings = map[string][]string{
	"TRK-01": {"audit-all-paused"},
	"TRK-02": {"audit-cam-write"},
	"TRK-03": {"audit-all-nostore"},
	"TRK-04": {"organization"},
	"EVT-01": {"0d3b6e1a-0101", "0d3b6e1a-0102", "0d3b6e1a-0103"},
	"NET-01": {"100021372635/198.51.100.7", "100021372635/2001:db8::bad", "100021372635/106.55.***.47", "100021372636/203.0.113.50"},
	"UC-01":  {"mallory/DeleteUHostInstance/uhost-6c5b4a39", "zhang.wei/CreateAccessKey/-", "li.na/AttachPolicies/-"},
	"UC-02":  {"bob/StartUHostInstance/uhost-2a3b4c5d", "bob/StartUHostInstance/uhost-3b4c5d6e", "li.na/AttachPolicies/-", "alice/CreateUDisk/-"},
}

// exampleRun runs terraform on a copy of examples/compliance/root with the
// provider built from this tree, against a simulator.
type exampleRun struct {
	t    *testing.T
	root string // the repository
	dir  string // the copy's root configuration
	rc   string // CLI configuration that installs the provider from a mirror
}

func newExampleRun(t *testing.T) *exampleRun {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	rc := buildProviderForCLI(t, work)
	copyTree(t, filepath.Join(root, "examples", "compliance"), filepath.Join(work, "compliance"))
	r := &exampleRun{t: t, root: root, dir: filepath.Join(work, "compliance", "root"), rc: rc}
	// Installs the module and the provider, and writes the lock file.
	terraformInit(t, rc, r.dir)
	return r
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if strings.HasSuffix(path, ".tfstate") || strings.HasSuffix(path, ".lock.hcl") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// simEnv points the provider at a simulator through the environment, as a
// user points it at real clouds.
func simEnv(sim *testSim, secretKey string) []string {
	o := sim.Options()
	return []string{
		"TENCENTCLOUD_ENDPOINT=" + sim.URL, "TENCENTCLOUD_SECRET_ID=" + o.TencentSecretID, "TENCENTCLOUD_SECRET_KEY=" + secretKey,
		"UCLOUD_API_BASE_URL=" + sim.URL, "UCLOUD_PUBLIC_KEY=" + o.UCloudPublicKey, "UCLOUD_PRIVATE_KEY=" + o.UCloudPrivateKey,
		"UCLOUD_PROJECT_ID=" + o.UCloudProjectID,
	}
}

// terraform runs terraform in the copy and returns its combined output, with
// line breaks folded (terraform wraps diagnostics), and its exit code.
func (r *exampleRun) terraform(env []string, args ...string) (string, int) {
	return r.command(r.dir, env, testEngine.Path, args...)
}

func (r *exampleRun) command(dir string, env []string, name string, args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+r.rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			r.t.Fatalf("%s %v: %v", name, args, err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

// plan runs terraform plan -out and returns the plan file's JSON, the plan's
// console output and its exit code.
func (r *exampleRun) plan(env []string, name string, vars ...string) (planJSON, out string, code int) {
	r.t.Helper()
	args := append([]string{"plan", "-no-color", "-input=false", "-var-file=../test/scenario.tfvars", "-out=" + name + ".tfplan"}, vars...)
	out, code = r.terraform(env, args...)
	if _, err := os.Stat(filepath.Join(r.dir, name+".tfplan")); err != nil {
		return "", out, code
	}
	js, showCode := r.terraform(nil, "show", "-json", name+".tfplan")
	if showCode != 0 {
		r.t.Fatalf("terraform show -json: exit %d\n%s", showCode, js)
	}
	path := filepath.Join(r.dir, name+".json")
	writeFile(r.t, path, js)
	return path, out, code
}

type complianceOutput struct {
	Passed   bool `json:"passed"`
	Controls map[string]struct {
		Status   string `json:"status"`
		Findings []struct {
			ID     string `json:"id"`
			Detail string `json:"detail"`
		} `json:"findings"`
		Incomplete []string `json:"incomplete"`
	} `json:"controls"`
}

// compliance reads the compliance output from a plan's JSON.
func readCompliance(t *testing.T, planJSON string) complianceOutput {
	t.Helper()
	b, err := os.ReadFile(planJSON)
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
	}
	if err := json.Unmarshal(b, &plan); err != nil {
		t.Fatal(err)
	}
	var c complianceOutput
	if err := json.Unmarshal(plan.PlannedValues.Outputs["compliance"].Value, &c); err != nil {
		t.Fatalf("compliance output: %v", err)
	}
	return c
}

func sorted(s []string) []string {
	s = append([]string{}, s...)
	sort.Strings(s)
	return s
}

var foldSpace = regexp.MustCompile(`\s+`)

// TestAccComplianceScenarios runs examples/compliance against the
// simulator's two scenarios and a failed read, and the policies of
// examples/policy (opa eval and conftest) on each plan's JSON.
func TestAccComplianceScenarios(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	r := newExampleRun(t)
	scenario := func(name string) *testSim {
		d, err := cloudsim.Scenario(name)
		if err != nil {
			t.Fatal(err)
		}
		return startSim(t, cloudsim.Options{Data: d})
	}
	good, bad := scenario("compliant"), scenario("noncompliant")
	goodEnv, badEnv := simEnv(good, good.Options().TencentSecretKey), simEnv(bad, bad.Options().TencentSecretKey)

	goodPlan, out, code := r.plan(goodEnv, "compliant")
	if code != 0 {
		t.Fatalf("compliant plan: exit %d\n%s", code, out)
	}
	c := readCompliance(t, goodPlan)
	if !c.Passed || len(c.Controls) != len(seededFindings) {
		t.Errorf("compliant: passed=%v with %d controls, want every one of %d to pass", c.Passed, len(c.Controls), len(seededFindings))
	}
	for id, ctl := range c.Controls {
		if ctl.Status != "pass" || len(ctl.Findings) != 0 || len(ctl.Incomplete) != 0 {
			t.Errorf("compliant: %s is %s with findings %v, incomplete %v", id, ctl.Status, ctl.Findings, ctl.Incomplete)
		}
	}
	if strings.Contains(out, "Check block assertion failed") {
		t.Errorf("compliant: a check warned:\n%s", out)
	}

	badPlan, out, code := r.plan(badEnv, "noncompliant")
	if code != 0 {
		t.Fatalf("noncompliant plan without enforcement: exit %d, want 0 (checks only warn)\n%s", code, out)
	}
	folded := foldSpace.ReplaceAllString(out, " ")
	c = readCompliance(t, badPlan)
	if c.Passed {
		t.Error("noncompliant: passed")
	}
	for id, want := range seededFindings {
		ctl, ok := c.Controls[id]
		if !ok {
			t.Errorf("noncompliant: no control %s", id)
			continue
		}
		var got []string
		for _, f := range ctl.Findings {
			got = append(got, f.ID)
		}
		if ctl.Status != "fail" || strings.Join(sorted(got), ",") != strings.Join(sorted(want), ",") {
			t.Errorf("noncompliant: %s is %s with findings %v, want fail with %v", id, ctl.Status, sorted(got), sorted(want))
		}
		// The check block's warning names the control and every finding.
		if !strings.Contains(folded, id+" failed") {
			t.Errorf("noncompliant: no check warning for %s", id)
		}
		for _, f := range want {
			if !strings.Contains(folded, f+" (") {
				t.Errorf("noncompliant: the warnings do not name %s finding %s", id, f)
			}
		}
	}

	t.Run("enforce", func(t *testing.T) {
		_, out, code := r.plan(badEnv, "noncompliant-enforced", "-var=enforce=true")
		if code == 0 {
			t.Fatalf("noncompliant plan with enforce=true: exit 0, want a failure\n%s", out)
		}
		folded := foldSpace.ReplaceAllString(out, " ")
		for id, want := range seededFindings {
			if !strings.Contains(folded, "Resource precondition failed") || !strings.Contains(folded, id+" failed") {
				t.Errorf("enforced plan: no precondition error for %s", id)
			}
			for _, f := range want {
				if !strings.Contains(folded, f) {
					t.Errorf("enforced plan: the errors do not name %s finding %s", id, f)
				}
			}
		}
		if _, out, code := r.plan(goodEnv, "compliant-enforced", "-var=enforce=true"); code != 0 {
			t.Fatalf("compliant plan with enforce=true: exit %d\n%s", code, out)
		}
	})

	t.Run("incomplete evidence", func(t *testing.T) {
		// 2 of the 8 UCloud operations: the read stops early, so the UCloud
		// controls cannot pass even though the 2 newest are harmless.
		p, out, code := r.plan(goodEnv, "incomplete", "-var=ucloud_max_events=2")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		c := readCompliance(t, p)
		for _, id := range []string{"UC-01", "UC-02"} {
			if ctl := c.Controls[id]; ctl.Status != "fail" || len(ctl.Incomplete) != 1 {
				t.Errorf("%s with a partial read: %s, incomplete %v", id, ctl.Status, ctl.Incomplete)
			}
		}
		if c.Controls["NET-01"].Status != "pass" {
			t.Errorf("NET-01 failed on a partial UCloud read")
		}
		r.policy(t, p, false, "PLAN: module.compliance.data.auditlog_ucloud_operation_events.window stopped at max_items")
	})

	t.Run("policy", func(t *testing.T) {
		r.policy(t, goodPlan, true)
		var msgs []string
		for id, fs := range seededFindings {
			for _, f := range fs {
				msgs = append(msgs, id+": "+f+": ")
			}
		}
		r.policy(t, badPlan, false, msgs...)
	})

	t.Run("failed read", func(t *testing.T) {
		// A wrong key: the plan fails, but still writes a plan file whose
		// checks are unknown. The policy must not count them as passing.
		p, out, code := r.plan(simEnv(good, "wrong-"+good.Options().TencentSecretKey), "failed")
		if code == 0 || !strings.Contains(out, "AuthFailure") {
			t.Fatalf("plan with a wrong key: exit %d\n%s", code, out)
		}
		if p == "" {
			t.Fatalf("the failed plan wrote no plan file:\n%s", out)
		}
		r.policy(t, p, false, "PLAN: the plan errored", "CHECK: module.compliance.check.trk_01 is unknown", "PLAN: no auditlog_cloudaudit_tracks data source was read")
	})
}

// policy runs opa eval --fail-defined and conftest test on a plan's JSON
// and checks their exit codes (0 when pass, non-zero otherwise) and that
// their messages include every one of want.
func (r *exampleRun) policy(t *testing.T, planJSON string, pass bool, want ...string) {
	t.Helper()
	modfile := "-modfile=" + filepath.Join(r.root, "tools", "policy", "go.mod")
	policy := filepath.Join(r.root, "examples", "policy")
	// go tool -modfile needs a main module: run from the repository.
	opa, opaCode := r.command(r.root, nil, "go", "tool", modfile, "opa", "eval", "--fail-defined", "--format", "raw",
		"-d", policy, "-i", planJSON, "data.compliance.deny[msg]")
	conftest, conftestCode := r.command(r.root, nil, "go", "tool", modfile, "conftest", "test", "--no-color",
		"--policy", policy, "--data", filepath.Join(policy, "params.json"), "--namespace", "compliance", planJSON)
	for _, tool := range []struct {
		name, out string
		code      int
	}{{"opa eval", opa, opaCode}, {"conftest", conftest, conftestCode}} {
		if pass && tool.code != 0 {
			t.Errorf("%s on %s: exit %d, want 0\n%s", tool.name, filepath.Base(planJSON), tool.code, tool.out)
		}
		if !pass && tool.code == 0 {
			t.Errorf("%s on %s: exit 0, want non-zero\n%s", tool.name, filepath.Base(planJSON), tool.out)
		}
		for _, w := range want {
			if !strings.Contains(tool.out, w) {
				t.Errorf("%s on %s: no message %q\n%s", tool.name, filepath.Base(planJSON), w, tool.out)
			}
		}
	}
}
