package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
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
	// The COS delivery without a name cannot be judged; the set delivering
	// to CLS records CAM writes only, so no instance event can show.
	"RET-01": {"audit-all-nostore"},
	"EVT-01": {"0d3b6e1a-0101", "0d3b6e1a-0102", "0d3b6e1a-0103"},
	"EVT-02": {"no-instance-coverage"},
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

// complianceOutput is the compliance output of examples/compliance.
type complianceOutput struct {
	Passed   bool                         `json:"passed"`
	Controls map[string]complianceControl `json:"controls"`
}

type complianceControl struct {
	Status   string `json:"status"`
	Records  int    `json:"records"`
	Kept     int    `json:"kept"`
	Findings []struct {
		ID     string `json:"id"`
		Detail string `json:"detail"`
		Scope  string `json:"scope"`
	} `json:"findings"`
	Incomplete []string `json:"incomplete"`
	Evidence   []struct {
		DataSource string  `json:"data_source"`
		Complete   *bool   `json:"complete"`
		Records    *int    `json:"records"`
		Scanned    *int    `json:"scanned"`
		AccountID  *string `json:"account_id"`
		ProjectID  *string `json:"project_id"`
		Region     *string `json:"region"`
	} `json:"evidence"`
}

// finding returns the detail of a control's finding, and whether it has it.
func (c complianceControl) finding(id string) (string, bool) {
	for _, f := range c.Findings {
		if f.ID == id {
			return f.Detail, true
		}
	}
	return "", false
}

// readOutput decodes a known output of a plan's JSON into v.
func readOutput(t *testing.T, planJSON, name string, v any) {
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
	raw := plan.PlannedValues.Outputs[name].Value
	if len(raw) == 0 {
		t.Fatalf("the plan has no known value for output %s", name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("output %s: %v", name, err)
	}
}

// readCompliance reads the compliance output from a plan's JSON.
func readCompliance(t *testing.T, planJSON string) complianceOutput {
	t.Helper()
	var c complianceOutput
	readOutput(t, planJSON, "compliance", &c)
	return c
}

func sorted(s []string) []string {
	s = append([]string{}, s...)
	sort.Strings(s)
	return s
}

var foldSpace = regexp.MustCompile(`\s+`)

// TestAccComplianceScenarios runs examples/compliance against the
// simulator's two scenarios and a failed read. The policies of
// examples/policy judge such plans in gate_test.go, through the gate.
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
		// Each verdict says how many records it rests on, and where they
		// came from.
		if ctl.Records == 0 || len(ctl.Evidence) == 0 {
			t.Errorf("compliant: %s reviewed %d records from %d reads", id, ctl.Records, len(ctl.Evidence))
		}
		for _, e := range ctl.Evidence {
			where, want := e.AccountID, cloudsim.DefaultTencentOwnerUin
			if strings.HasPrefix(e.DataSource, "data.auditlog_ucloud") {
				where, want = e.ProjectID, good.Options().UCloudProjectID
			}
			if e.Complete == nil || !*e.Complete || where == nil || *where != want {
				t.Errorf("compliant: %s rests on %s: complete %v, account or project %v, want complete and %s", id, e.DataSource, e.Complete, where, want)
			}
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
		// The 2 newest UCloud operations: the read stops early, so the
		// UCloud controls cannot pass even though those 2 are harmless.
		p, out, code := r.plan(goodEnv, "incomplete", "-var=ucloud_max_events=2")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		c := readCompliance(t, p)
		for _, id := range []string{"UC-01", "UC-02"} {
			if ctl := c.Controls[id]; ctl.Status != "fail" || len(ctl.Incomplete) != 1 || !strings.Contains(ctl.Incomplete[0], "evidence.complete is false with 2 records read") {
				t.Errorf("%s with a partial read: %s, incomplete %v", id, ctl.Status, ctl.Incomplete)
			}
		}
		if c.Controls["NET-01"].Status != "pass" {
			t.Errorf("NET-01 failed on a partial UCloud read")
		}
	})

	t.Run("UCloud read cut inside a page", func(t *testing.T) {
		// The API serves pages of 2 where the read asks for 3 (max_items):
		// the read stops inside the second page, so no resume_token can be
		// exact and it is null. Null must not read as complete.
		d, err := cloudsim.Scenario("compliant")
		if err != nil {
			t.Fatal(err)
		}
		sim := startSim(t, cloudsim.Options{Data: d})
		sim.CapPageSize("GetUserOperationEvents", 2)
		p, out, code := r.plan(simEnv(sim, sim.Options().TencentSecretKey), "cut", "-var=ucloud_max_events=3")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		if token := ucloudResumeToken(t, p); token != nil {
			t.Fatalf("resume_token %q, want null for a read cut inside a page", *token)
		}
		c := readCompliance(t, p)
		for _, id := range []string{"UC-01", "UC-02"} {
			if ctl := c.Controls[id]; ctl.Status == "pass" || !strings.Contains(strings.Join(ctl.Incomplete, " "), "evidence.complete is false with 3 records read") {
				t.Errorf("%s on 3 of the window's UCloud operations: %s, incomplete %v", id, ctl.Status, ctl.Incomplete)
			}
		}
	})

	t.Run("empty account", func(t *testing.T) {
		d, err := cloudsim.ParseDataSet([]byte(`{"DescribeAuditTracks": [], "DescribeUserCallRecord": [], "GetUserOperationEvents": [], "DescribeEvents": []}`))
		if err != nil {
			t.Fatal(err)
		}
		sim := startSim(t, cloudsim.Options{Data: d})
		p, out, code := r.plan(simEnv(sim, sim.Options().TencentSecretKey), "empty")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		c := readCompliance(t, p)
		if c.Passed {
			t.Error("an account without tracking sets passed")
		}
		for id, ctl := range c.Controls {
			if ctl.Records != 0 {
				t.Errorf("%s reviewed %d records in an empty account", id, ctl.Records)
			}
			switch {
			case strings.HasPrefix(id, "TRK-") || id == "RET-01":
				if _, ok := ctl.finding("no-tracking-set"); ctl.Status != "fail" || !ok {
					t.Errorf("%s without tracking sets: %s with findings %v", id, ctl.Status, ctl.Findings)
				}
			case id == "EVT-02":
				// Nothing delivers to CLS: no analysis can show an instance
				// deletion, which is no pass.
				if _, ok := ctl.finding("no-cls-delivery"); ctl.Status != "fail" || !ok {
					t.Errorf("%s without a CLS delivery: %s with findings %v", id, ctl.Status, ctl.Findings)
				}
			case ctl.Status != "pass" || len(ctl.Findings) != 0:
				t.Errorf("%s over an empty window: %s with findings %v, want a pass on 0 records", id, ctl.Status, ctl.Findings)
			}
		}
		var report string
		readOutput(t, p, "compliance_report", &report)
		for _, want := range []string{"4 of 10 controls pass.", "| NET-01 | PASS, no records | 0 | 0 |", "| TRK-01 | FAIL, no records | 0 | 1 |", "- **No record reviewed**"} {
			if !strings.Contains(report, want) {
				t.Errorf("the report does not say %q:\n%s", want, report)
			}
		}
	})

	t.Run("null times", func(t *testing.T) {
		// The APIs document no record without a time, and the simulator
		// serves none: a proxy in front of it removes the time of one seeded
		// violation per API. Each stays a finding: a record whose time is
		// missing cannot be proven outside the window.
		proxy := startNullingProxy(t, bad.URL, []nullRule{
			{field: "SourceIP", value: "203.0.113.50", null: []string{"FirstCallTime", "LastCallTime"}},
			{field: "EventId", value: "0d3b6e1a-0101", null: []string{"EventTime"}},
			{field: "UserName", value: "mallory", null: []string{"OperateTime"}},
		})
		env := simEnv(&testSim{Server: bad.Server, URL: proxy}, bad.Options().TencentSecretKey)
		p, out, code := r.plan(env, "null-times")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		c := readCompliance(t, p)
		for _, w := range []struct{ control, finding, detail string }{
			{"NET-01", "100021372636/203.0.113.50", "call times not given by the API (first null, last null), so counted as inside the window"},
			{"EVT-01", "0d3b6e1a-0101", "at (time not given by the API)"},
			{"UC-01", "mallory/DeleteUHostInstance/uhost-6c5b4a39", "(time not given by the API) DeleteUHostInstance by mallory"},
		} {
			ctl := c.Controls[w.control]
			if d, ok := ctl.finding(w.finding); ctl.Status != "fail" || !ok || !strings.Contains(d, w.detail) {
				t.Errorf("%s: finding %s is %q (present %v), want it with %q", w.control, w.finding, d, ok, w.detail)
			}
		}
	})

	t.Run("evidence known only after apply", func(t *testing.T) {
		// The compliant account with the noncompliant UCloud log, read with
		// a project known only after apply: Terraform reads the UCloud data
		// source during apply, the UCloud verdicts are unknown, and
		// enforce = true cannot fail the plan (Terraform 1.11 postpones the
		// precondition). The plan's exit code is no gate.
		good, err := cloudsim.Scenario("compliant")
		if err != nil {
			t.Fatal(err)
		}
		noncompliant, err := cloudsim.Scenario("noncompliant")
		if err != nil {
			t.Fatal(err)
		}
		good.GetUserOperationEvents = noncompliant.GetUserOperationEvents
		mixed, err := cloudsim.ParseDataSet(mustJSON(t, good))
		if err != nil {
			t.Fatal(err)
		}
		sim := startSim(t, cloudsim.Options{Data: mixed})
		dir := filepath.Join(filepath.Dir(r.dir), "deferred")
		writeFile(t, filepath.Join(dir, "main.tf"), `
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {}

resource "terraform_data" "project" {
  input = "`+sim.Options().UCloudProjectID+`"
}

module "compliance" {
  source = "../"

  enforce                     = true
  ucloud_project_id           = terraform_data.project.output
  allowed_networks            = ["106.55.0.0/16", "119.29.0.0/16", "2402:4e00::/32"]
  csip_sub_uins               = ["100021372635", "100021372636"]
  ucloud_privileged_users     = ["admin", "terraform-ci"]
  cloudaudit_privileged_users = ["admin", "ops-automation"]
  retention_out_of_scope      = ["1001"]
}

output "compliance" {
  value = module.compliance.compliance
}
`)
		terraformInit(t, r.rc, dir)
		env := simEnv(sim, sim.Options().TencentSecretKey)
		out, code := r.command(dir, env, testEngine.Path, "plan", "-no-color", "-input=false", "-out=deferred.tfplan")
		if code != 0 {
			t.Fatalf("plan with a deferred UCloud read and enforce = true: exit %d, want 0 (the precondition waits for apply)\n%s", code, out)
		}
		js, code := r.command(dir, nil, testEngine.Path, "show", "-json", "deferred.tfplan")
		if code != 0 {
			t.Fatalf("terraform show -json: exit %d\n%s", code, js)
		}
		var plan struct {
			OutputChanges struct {
				Compliance struct {
					After        complianceOutput `json:"after"`
					AfterUnknown struct {
						Controls map[string]struct {
							Status bool `json:"status"`
						} `json:"controls"`
					} `json:"after_unknown"`
				} `json:"compliance"`
			} `json:"output_changes"`
			Checks []struct {
				Address struct {
					ToDisplay string `json:"to_display"`
				} `json:"address"`
				Status string `json:"status"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(js), &plan); err != nil {
			t.Fatal(err)
		}
		oc := plan.OutputChanges.Compliance
		for id := range seededFindings {
			unknown, status := oc.AfterUnknown.Controls[id].Status, oc.After.Controls[id].Status
			if strings.HasPrefix(id, "UC-") != unknown || (!unknown && status != "pass") {
				t.Errorf("%s: status %q, unknown %v; want the UCloud verdicts unknown and the others pass", id, status, unknown)
			}
		}
		checks := map[string]string{}
		for _, c := range plan.Checks {
			checks[c.Address.ToDisplay] = c.Status
		}
		if checks["module.compliance.check.uc_01"] != "unknown" || checks["module.compliance.check.trk_01"] != "pass" {
			t.Errorf("checks: %v, want uc_01 unknown and trk_01 pass", checks)
		}
	})

	t.Run("terraform test", func(t *testing.T) {
		// tests/compliant.tftest.hcl in the module's directory; the guide
		// commands below run the mock and noncompliant files the same way.
		dir := filepath.Dir(r.dir)
		terraformInit(t, r.rc, dir)
		out, code := r.command(dir, goodEnv, testEngine.Path, "test", "-no-color", "-filter=tests/compliant.tftest.hcl", "-var-file=test/scenario.tfvars")
		if code != 0 || !strings.Contains(out, "Success! 1 passed, 0 failed.") {
			t.Errorf("terraform test -filter=tests/compliant.tftest.hcl: exit %d\n%s", code, out)
		}
	})

	t.Run("guide commands", func(t *testing.T) {
		// The offline commands of the compliance guide, as written: from the
		// repository, on a copy of the module in the home directory, with the
		// environment the simulator prints.
		block := guideBlock(t, filepath.Join(r.root, "templates", "guides", "compliance-checks.md.tmpl"), "cp -R examples/compliance ~/compliance")
		home := t.TempDir()
		env := append([]string{"HOME=" + home}, badEnv...)
		if testEngine.OpenTofu() {
			// The guide says terraform; an OpenTofu user types tofu in its
			// place, and the commands must work the same.
			env = append(env, "PATH="+engineAsTerraform(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
		}
		out, code := r.command(r.root, env, "bash", "-euo", "pipefail", "-c", block)
		if code != 0 {
			t.Fatalf("the guide's commands: exit %d\n%s\n%s", code, block, out)
		}
		if n := strings.Count(out, "Success!"); n != 2 {
			t.Errorf("the guide's terraform test commands: %d successes, want 2\n%s", n, out)
		}
		if c := readCompliance(t, filepath.Join(home, "compliance", "root", "plan.json")); c.Passed || c.Controls["UC-01"].Status != "fail" {
			t.Errorf("the guide's plan.json of the noncompliant scenario: passed %v, UC-01 %s", c.Passed, c.Controls["UC-01"].Status)
		}
	})

	t.Run("failed read", func(t *testing.T) {
		// A wrong key: the plan fails, but still writes a plan file whose
		// checks are unknown (TestAccGate judges such a plan: exit 2).
		p, out, code := r.plan(simEnv(good, "wrong-"+good.Options().TencentSecretKey), "failed")
		if code == 0 || !strings.Contains(out, "AuthFailure") {
			t.Fatalf("plan with a wrong key: exit %d\n%s", code, out)
		}
		if p == "" {
			t.Fatalf("the failed plan wrote no plan file:\n%s", out)
		}
	})
}

// ucloudResumeToken returns the resume_token of the module's UCloud read in
// a plan's JSON (prior_state), nil when it is null.
func ucloudResumeToken(t *testing.T, planJSON string) *string {
	t.Helper()
	b, err := os.ReadFile(planJSON)
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		PriorState struct {
			Values struct {
				RootModule struct {
					ChildModules []struct {
						Resources []struct {
							Type   string `json:"type"`
							Values struct {
								ResumeToken *string `json:"resume_token"`
							} `json:"values"`
						} `json:"resources"`
					} `json:"child_modules"`
				} `json:"root_module"`
			} `json:"values"`
		} `json:"prior_state"`
	}
	if err := json.Unmarshal(b, &plan); err != nil {
		t.Fatal(err)
	}
	for _, m := range plan.PriorState.Values.RootModule.ChildModules {
		for _, r := range m.Resources {
			if r.Type == "auditlog_ucloud_operation_events" {
				return r.Values.ResumeToken
			}
		}
	}
	t.Fatal("the plan holds no auditlog_ucloud_operation_events")
	return nil
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nullRule sets the fields null of every record in an answer whose field
// has the given value.
type nullRule struct {
	field, value string
	null         []string
}

// startNullingProxy serves the simulator at target through a proxy that
// applies rules to the records of its answers: a fake of an API that leaves
// a record's time out. Requests pass unchanged (the Host header too, so
// signatures still verify); numbers are kept exactly.
func startNullingProxy(t *testing.T, target string, rules []nullRule) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host             // the host the request was signed for
		pr.Out.Header.Del("Accept-Encoding") // answers are rewritten as plain JSON
	}}
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			nullRecords(v, rules)
			if b, err := json.Marshal(v); err == nil {
				body = b
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

func nullRecords(v any, rules []nullRule) {
	switch x := v.(type) {
	case map[string]any:
		for _, r := range rules {
			if s, ok := x[r.field].(string); ok && s == r.value {
				for _, f := range r.null {
					x[f] = nil
				}
			}
		}
		for _, e := range x {
			nullRecords(e, rules)
		}
	case []any:
		for _, e := range x {
			nullRecords(e, rules)
		}
	}
}

// guideBlock returns the fenced sh block of a guide that contains marker.
func guideBlock(t *testing.T, path, marker string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(string(b), "```sh\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, marker) {
			return block
		}
	}
	t.Fatalf("%s has no sh block with %q", path, marker)
	return ""
}
