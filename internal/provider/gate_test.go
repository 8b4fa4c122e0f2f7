package provider

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// gateSuite runs auditlog-gate as the repository runs it (examples/policy/
// gate, the launcher, which builds the command once per test binary into
// the test HOME's cache) and as a CI runs it, sealed: on a user's
// repository (work/user, with a .git of its own), with the provider from a
// filesystem mirror that the policy data pins (--provider-mirror), and the
// policy data outside the repository (work/rules).
type gateSuite struct {
	root   string // the repository
	work   string
	rc     string // CLI configuration: the provider from the mirror, for plans made outside the gate
	mirror string // the filesystem mirror the provider is built into
	policy string // a copy of examples/policy, for conftest
	rules  string // the compliance team's directory, outside the user's repository
	data   string // the policy data a run uses unless it names another
}

// gateLauncher is examples/policy/gate; gateCache is where it keeps the
// command it builds. The first suite builds the command, while it builds the
// provider into a mirror that every suite shares, and pins it: once per
// test binary, in the test HOME, before any test runs the gate in parallel.
var (
	gateSetupOnce sync.Once
	gateShared    struct {
		rc, mirror string
		pins       []any
		err        error
	}
)

func gateLauncher(root string) string { return filepath.Join(root, "examples", "policy", "gate") }

func gateCache() string { return filepath.Join(os.Getenv("HOME"), ".cache", "auditlog-gate") }

func newGateSuite(t *testing.T) *gateSuite {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gateSetupOnce.Do(func() { gateSetup(root) })
	if gateShared.err != nil {
		t.Fatal(gateShared.err)
	}
	work := t.TempDir()
	s := &gateSuite{root: root, work: work, rc: gateShared.rc, mirror: gateShared.mirror, rules: filepath.Join(work, "rules")}
	for _, d := range []string{filepath.Join(work, "user", ".git"), s.rules} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.policy = filepath.Join(work, "policy")
	copyTree(t, filepath.Join(root, "examples", "policy"), s.policy)
	// The shipped policy data, pinning the provider of the mirror.
	pins := gateShared.pins
	s.data = filepath.Join(s.rules, "policy.json")
	writeFile(t, s.data, readFile(t, filepath.Join(root, "examples", "policy", "policy.json")))
	s.data = writePolicyData(t, s, "policy.json", func(p map[string]any) { p["providers"] = pins })
	return s
}

// gateSetup builds the command (through the launcher) and the provider
// mirror side by side, and pins the mirror's provider.
func gateSetup(root string) {
	built := make(chan error, 1)
	go func() {
		cmd := exec.Command(gateLauncher(root), "--version")
		cmd.Env = append(os.Environ(), "AUDITLOG_GATE_CACHE="+gateCache())
		if out, err := cmd.CombinedOutput(); err != nil {
			built <- fmt.Errorf("examples/policy/gate --version: %w\n%s", err, out)
			return
		}
		built <- nil
	}()
	work := filepath.Join(os.Getenv("HOME"), "gate-suite")
	rc, mirrorErr := copyOfBuiltMirror(filepath.Join(work, "mirror"))
	if err := <-built; err != nil {
		gateShared.err = err
		return
	}
	if mirrorErr != nil {
		gateShared.err = fmt.Errorf("building the provider into a mirror: %w", mirrorErr)
		return
	}
	gateShared.rc, gateShared.mirror = rc, filepath.Join(work, "mirror")
	pin := exec.Command(gateLauncher(root), "pin", "--mirror", gateShared.mirror)
	pin.Env = append(os.Environ(), "AUDITLOG_GATE_CACHE="+gateCache())
	js, err := pin.Output()
	if err != nil {
		gateShared.err = fmt.Errorf("gate pin --mirror: %w", err)
		return
	}
	if err := json.Unmarshal(js, &gateShared.pins); err != nil {
		gateShared.err = fmt.Errorf("gate pin --mirror printed %s: %w", js, err)
	}
}

// trust makes the suite's policy data trust the simulators' API servers as
// well as the clouds' (the shipped data trusts the clouds' only): plain HTTP
// to 127.0.0.1 on each simulator's port. Call it once, after the simulators
// start and before any writePolicyData.
func (s *gateSuite) trust(t *testing.T, sims ...*testSim) {
	t.Helper()
	writePolicyData(t, s, "policy.json", func(p map[string]any) {
		p["origins"] = append(jsonArray(t, p["origins"]), simOrigins(t, sims...)...)
	})
}

// unsealed writes a copy of the suite's policy data that accepts plans made
// outside the gate (accept_unsealed_plans), with edits.
func (s *gateSuite) unsealed(t *testing.T, name string, edit func(map[string]any)) string {
	t.Helper()
	return writePolicyData(t, s, name, func(p map[string]any) {
		p["accept_unsealed_plans"] = true
		if edit != nil {
			edit(p)
		}
	})
}

// simOrigins returns an origin for each simulator: http, 127.0.0.1, its port.
func simOrigins(t *testing.T, sims ...*testSim) []any {
	t.Helper()
	var origins []any
	for _, sim := range sims {
		u, err := url.Parse(sim.URL)
		if err != nil {
			t.Fatal(err)
		}
		port, err := strconv.Atoi(u.Port())
		if err != nil {
			t.Fatalf("simulator URL %s has no port: %v", sim.URL, err)
		}
		origins = append(origins, map[string]any{"scheme": u.Scheme, "host": u.Hostname(), "port": port})
	}
	return origins
}

// pinnedTool returns the path of a tool pinned in tools/policy/go.mod,
// built into Go's cache on first use.
func pinnedTool(t *testing.T, root, name string) string {
	t.Helper()
	modfile := "-modfile=" + filepath.Join(root, "tools", "policy", "go.mod")
	build := exec.Command("go", "tool", modfile, name, "--help")
	build.Dir = root
	_ = build.Run() // builds it; --help's exit code does not matter
	find := exec.Command("go", "tool", "-n", modfile, name)
	find.Dir = root
	out, err := find.Output()
	if err != nil {
		t.Fatalf("go tool -n %s: %v", name, err)
	}
	path := strings.TrimSpace(string(out))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the pinned %s is not at %s: %v", name, path, err)
	}
	return path
}

// runner returns an exampleRun for one (sub)test, so that a failure is
// reported on the test that runs the command.
func (s *gateSuite) runner(t *testing.T) *exampleRun {
	return &exampleRun{t: t, root: s.root, rc: s.rc}
}

// run runs the gate with the engine of the run and the provider mirror,
// and the suite's policy data unless args name other (--data), and returns
// its output (stdout and stderr) and exit code. The environment holds the
// CLI configuration of the mirror (TF_CLI_CONFIG_FILE), which the gate
// removes: it writes its own.
func (s *gateSuite) run(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	// A test's own AUDITLOG_GATE_TF, later in env, wins.
	env = append([]string{"AUDITLOG_GATE_TF=" + testEngine.Path, "AUDITLOG_GATE_CACHE=" + gateCache()}, env...)
	if !slices.Contains(args, "--data") {
		args = append([]string{"--data", s.data}, args...)
	}
	args = append([]string{"--provider-mirror", s.mirror}, args...)
	return s.runner(t).command(s.work, env, gateLauncher(s.root), args...)
}

// config writes files into a new directory of the user's repository and
// returns it.
func (s *gateSuite) config(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(s.work, "user", name)
	for f, content := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f), content)
	}
	return dir
}

// planJSON plans dir outside the gate and returns the path of terraform
// show -json of it.
func (s *gateSuite) planJSON(t *testing.T, dir string, env []string) string {
	t.Helper()
	r := s.runner(t)
	terraformInit(t, s.rc, dir)
	if out, code := r.command(dir, env, testEngine.Path, "plan", "-input=false", "-no-color", "-out=tfplan"); code != 0 {
		t.Fatalf("terraform plan in %s: exit %d\n%s", dir, code, out)
	}
	cmd := engineCommand("show", "-json", "tfplan")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+s.rc)
	js, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	path := filepath.Join(dir, "plan.json")
	writeFile(t, path, string(js))
	return path
}

// expectGate checks a gate run's exit code and that its output holds every
// one of want.
func expectGate(t *testing.T, what, out string, code, wantCode int, want ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("%s: gate exit %d, want %d\n%s", what, code, wantCode, out)
		return
	}
	folded := foldSpace.ReplaceAllString(out, " ")
	for _, w := range want {
		if !strings.Contains(out, w) && !strings.Contains(folded, w) {
			t.Errorf("%s: the gate's output does not say %q\n%s", what, w, out)
		}
	}
}

// auditHCL reads everything the shipped policy requires, the way the policy
// reviews it: the 28 days up to the plan, every listed sub-account, nothing
// narrowed.
// clsReviewSQL is the statement the policy requires of a six-month
// review's analysis (examples/compliance/cls.tf, lib/cls.rego's cls_sql),
// as an HCL string.
const clsReviewSQL = `"SELECT \"userIdentity.userName\" AS user_name, eventName AS event_name, count(*) AS events GROUP BY \"userIdentity.userName\", eventName"`

const auditHCL = `
variable "allowed_networks" {
  description = "Declared so that -var can try to widen the allow-list: the policy never reads it."
  type        = list(string)
  default     = []
}

locals {
  end   = provider::auditlog::unix_time(plantimestamp())
  start = local.end - 28 * 86400
  # CSIP reads Beijing time (UTC+8).
  csip_start = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(plantimestamp(), "-664h"))
  csip_end   = formatdate("YYYY-MM-DD hh:mm:ss", timeadd(plantimestamp(), "8h"))
}

data "auditlog_cloudaudit_tracks" "all" {}

data "auditlog_cloudaudit_track" "each" {
  for_each = { for t in data.auditlog_cloudaudit_tracks.all.tracks : tostring(t.track_id) => t.track_id }
  track_id = each.value
}

data "auditlog_csip_user_call_records" "sub" {
  for_each = toset(["100021372635", "100021372636"])
  sub_uin  = each.value
  filter {
    start_time = local.csip_start
    end_time   = local.csip_end
  }
}

data "auditlog_cloudaudit_events" "window" {
  start_time = local.start
  end_time   = local.end
}

data "auditlog_ucloud_operation_events" "window" {
  begin_time = local.start
  end_time   = local.end
}

# The six-month review: each enabled tracking set delivering to CLS has its
# topic's retention read, and its events counted by CLS over 180 days
# ending 15 minutes before the plan, with the policy's statement.
locals {
  cls_sets = {
    for t in data.auditlog_cloudaudit_tracks.all.tracks : tostring(t.track_id) => t.storage
    if t.status == 1 && try(t.storage.storage_type, null) == "cls"
  }
  cls_to = local.end - 900
}

data "auditlog_cls_topics" "delivery" {
  for_each = local.cls_sets
  region   = each.value.storage_region
  filters {
    key    = "topicId"
    values = [each.value.storage_name]
  }
}

data "auditlog_cls_analysis" "events" {
  for_each = local.cls_sets
  region   = each.value.storage_region
  topic_id = each.value.storage_name
  query    = "*"
  sql      = ` + clsReviewSQL + `
  from     = local.cls_to - 180 * 86400
  to       = local.cls_to
  max_rows = 9999
}
`

const providerHCL = `
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {}
`

// variant returns base with old replaced by repl; old must be there.
func variant(t *testing.T, base, old, repl string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("variant: %q is not in the configuration", old)
	}
	return strings.Replace(base, old, repl, 1)
}

const (
	gateTracksAddr = "data.auditlog_cloudaudit_tracks.all"
	gateEventsAddr = "data.auditlog_cloudaudit_events.window"
	gateUCloudAddr = "data.auditlog_ucloud_operation_events.window"
)

func gateCSIPAddr(uin string) string {
	return fmt.Sprintf("data.auditlog_csip_user_call_records.sub[%q]", uin)
}

// findingAddr is the data source each seeded finding of the noncompliant
// scenario comes from.
func findingAddr(control, finding string) string {
	switch {
	case strings.HasPrefix(control, "TRK-"), control == "RET-01", control == "EVT-02":
		return gateTracksAddr
	case control == "NET-01":
		uin, _, _ := strings.Cut(finding, "/")
		return gateCSIPAddr(uin)
	case control == "EVT-01":
		return gateEventsAddr
	default:
		return gateUCloudAddr
	}
}

// gateFinding is the start of the gate's line for a seeded finding of the
// module (seededFindings), read from addr. The module names EVT-02's
// finding of a CLS delivery that records no instance operation
// "no-instance-coverage"; the gate names the account.
func gateFinding(control, finding, addr string) string {
	if control == "EVT-02" && finding == "no-instance-coverage" {
		return fmt.Sprintf("EVT-02: %s: account 100000000001: no tracking set analysed in CLS records the write actions of cvm", addr)
	}
	return fmt.Sprintf("%s: %s: %s: ", control, addr, finding)
}

type junitReport struct {
	Suites []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// readJUnit returns the test cases of a JUnit file by suite, each with its
// outcome: pass, failure, error or skipped.
func readJUnit(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no JUnit report: %v", err)
	}
	var r junitReport
	if err := xml.Unmarshal(b, &r); err != nil {
		t.Fatalf("the JUnit report is not XML: %v\n%s", err, b)
	}
	got := map[string]map[string]string{}
	for _, s := range r.Suites {
		got[s.Name] = map[string]string{}
		for _, c := range s.Cases {
			outcome := "pass"
			switch {
			case c.Failure != nil:
				outcome = "failure"
			case c.Error != nil:
				outcome = "error"
			case c.Skipped != nil:
				outcome = "skipped"
			}
			got[s.Name][c.Name] = outcome
		}
	}
	return got
}

// scenarioSim starts a simulator serving a shipped scenario.
func scenarioSim(t *testing.T, name string, opts cloudsim.Options) *testSim {
	t.Helper()
	d, err := cloudsim.Scenario(name)
	if err != nil {
		t.Fatal(err)
	}
	opts.Data = d
	return startSim(t, opts)
}

// TestAccGate runs auditlog-gate, sealed, on configurations in a user's
// repository, through terraform against the simulator: the compliant
// scenario passes (exit 0) with policy data that pins the mirror's provider,
// and every way a gate can be fooled fails it (exit 1 or 2) with a message
// that names the data source and the reason. Plans run in parallel, one
// simulator per scenario.
func TestAccGate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	s := newGateSuite(t)
	good, bad := scenarioSim(t, "compliant", cloudsim.Options{}), scenarioSim(t, "noncompliant", cloudsim.Options{})
	goodEnv, badEnv := simEnv(good, good.Options().TencentSecretKey), simEnv(bad, bad.Options().TencentSecretKey)
	empty := startSim(t, cloudsim.Options{Data: emptyAccount(t)})
	// Violations only in the CloudAudit events and UCloud operations.
	lateBad := startSim(t, cloudsim.Options{Data: mixedScenario(t, "compliant", "noncompliant", "GetUserOperationEvents", "DescribeEvents")})
	refused := scenarioSim(t, "compliant", cloudsim.Options{RefuseCallerIdentity: "AuthFailure.UnauthorizedOperation"})
	s.trust(t, good, bad, empty, lateBad, refused)

	// One plan JSON of the compliant reads, for the cases that judge a plan
	// JSON instead of a directory.
	var once sync.Once
	var goodJSON string
	compliantJSON := func(t *testing.T) string {
		once.Do(func() {
			goodJSON = s.planJSON(t, s.config(t, "compliant-json", map[string]string{"main.tf": providerHCL + auditHCL}), goodEnv)
		})
		if goodJSON == "" {
			t.Fatal("the compliant plan JSON was not made")
		}
		return goodJSON
	}

	t.Run("group", func(t *testing.T) {
		t.Run("compliant passes", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "compliant", map[string]string{"main.tf": providerHCL + auditHCL})
			junit := filepath.Join(s.work, "compliant.xml")
			out, code := s.run(t, goodEnv, "--junit", junit, dir)
			expectGate(t, "compliant", out, code, 0, "gate: PASS: 10 controls evaluated", "auditlog-gate: PASS (exit 0)", "policy data: "+s.data+" sha256 ",
				"PASS "+gateCSIPAddr("100021372636")+": ", "account_id 100000000001", "project_id org-sim001",
				"sealed copy of "+dir+" in ", testEngine.Path+" init in the sealed copy (providers: the filesystem mirror "+s.mirror,
				"/auditlog/auditlog "+providerVersion(t)+" ", " (pinned)", "removed from the engine's environment: ", "TF_CLI_CONFIG_FILE")
			if strings.Contains(out, "provider not verified") {
				t.Errorf("compliant: a sealed run with a pinned provider says the provider was not verified\n%s", out)
			}
			if _, err := os.Stat(filepath.Join(dir, ".terraform")); err == nil {
				t.Errorf("compliant: the gate wrote %s into the reviewed tree", filepath.Join(dir, ".terraform"))
			}
			cases := readJUnit(t, junit)
			if len(cases["controls"]) != 10 {
				t.Errorf("JUnit: %d control cases, want 10: %v", len(cases["controls"]), cases["controls"])
			}
			for _, a := range []string{gateTracksAddr, gateEventsAddr, gateUCloudAddr, gateCSIPAddr("100021372635"), gateCSIPAddr("100021372636")} {
				if cases["data sources"][a] != "pass" {
					t.Errorf("JUnit: data source %s is %q, want a passing case", a, cases["data sources"][a])
				}
			}
			for suite, cs := range cases {
				for name, outcome := range cs {
					if outcome != "pass" {
						t.Errorf("JUnit: %s %q is %s", suite, name, outcome)
					}
				}
			}
		})

		// A dev override would run a provider the policy does not pin: the
		// gate refuses it and says what to do.
		t.Run("dev override", func(t *testing.T) {
			t.Parallel()
			bins, err := filepath.Glob(filepath.Join(s.mirror, "registry.terraform.io", "auditlog", "auditlog", "*", "*", "terraform-provider-auditlog_v*"))
			if err != nil || len(bins) != 1 {
				t.Fatalf("the mirror holds %v (%v), want one provider binary", bins, err)
			}
			overrides := filepath.Join(s.work, "dev-override")
			if err := os.MkdirAll(overrides, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(bins[0], filepath.Join(overrides, "terraform-provider-auditlog")); err != nil {
				t.Fatal(err)
			}
			rc := filepath.Join(s.work, "dev-override.tfrc")
			writeFile(t, rc, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"auditlog/auditlog\" = %q\n  }\n  direct {}\n}\n", overrides))
			dir := s.config(t, "dev-override", map[string]string{"main.tf": providerHCL + auditHCL})
			out, code := s.run(t, append([]string{"TF_CLI_CONFIG_FILE=" + rc}, goodEnv...), dir)
			expectGate(t, "dev override", out, code, 2, "the CLI configuration "+rc+" has a dev override", "pin it in the policy data (auditlog-gate pin --mirror DIR)",
				"--provider-mirror DIR", "auditlog-gate: CANNOT JUDGE (exit 2)")
			if strings.Contains(out, " init in ") {
				t.Errorf("dev override: the gate ran init before refusing it\n%s", out)
			}
		})

		// Probe 2: -var cannot widen the policy's allow-list.
		t.Run("noncompliant fails with every finding", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "noncompliant", map[string]string{"main.tf": providerHCL + auditHCL})
			junit := filepath.Join(s.work, "noncompliant.xml")
			out, code := s.run(t, badEnv, "--junit", junit, dir, "--", `-var=allowed_networks=["0.0.0.0/0","::/0"]`)
			var want []string
			for id, fs := range seededFindings {
				for _, f := range fs {
					want = append(want, gateFinding(id, f, findingAddr(id, f)))
				}
			}
			expectGate(t, "noncompliant", out, code, 1, want...)
			for name, outcome := range readJUnit(t, junit)["controls"] {
				if outcome != "failure" {
					t.Errorf("JUnit: control %q is %s, want failure", name, outcome)
				}
			}
		})

		// Probe 1: a UCloud read cut inside a page (max_items 2, pages of 3)
		// has a null resume_token, yet is not complete.
		t.Run("probe 1: read cut inside a page", func(t *testing.T) {
			t.Parallel()
			hcl := variant(t, auditHCL, "  begin_time = local.start\n", "  begin_time  = local.start\n  max_items   = 2\n  max_results = 3\n")
			out, code := s.run(t, goodEnv, s.config(t, "probe1", map[string]string{"main.tf": providerHCL + hcl}))
			expectGate(t, "probe 1", out, code, 1, "UC-01: "+gateUCloudAddr+": evidence: incomplete: evidence.complete is false with 2 records read",
				"UC-02: "+gateUCloudAddr+": evidence: incomplete", "INCOMPLETE")
		})

		// Probe 2: no audit data source, and a variable that would empty
		// the list of required ones.
		t.Run("probe 2: no data source", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "probe2", map[string]string{"main.tf": providerHCL + `
variable "required_data_sources" {
  type    = list(string)
  default = []
}
output "nothing" {
  value = var.required_data_sources
}
`})
			out, code := s.run(t, goodEnv, dir)
			expectGate(t, "probe 2", out, code, 1, "PLAN: no auditlog_cloudaudit_tracks data source was read",
				"NET-01: no auditlog_csip_user_call_records data source was read", "UC-01: no auditlog_ucloud_operation_events data source was read")
		})

		// Probe 3, a window in the future: the provider refuses it at plan
		// time, so the plan errors and the gate cannot judge (the Rego rule
		// for such a window is covered by the OPA tests).
		t.Run("probe 3: window in the future", func(t *testing.T) {
			t.Parallel()
			hcl := auditHCL + `
data "auditlog_cloudaudit_events" "future" {
  start_time = local.end + 86400
  end_time   = local.end + 2 * 86400
}
`
			out, code := s.run(t, goodEnv, s.config(t, "probe3-future", map[string]string{"main.tf": providerHCL + hcl}))
			expectGate(t, "probe 3, future window", out, code, 2, "Time in the future", "is in the future", "PLAN: the plan errored")
		})

		// Probe 3: evidence narrower than the control.
		t.Run("probe 3: narrow evidence", func(t *testing.T) {
			t.Parallel()
			hcl := variant(t, auditHCL, `toset(["100021372635", "100021372636"])`, `toset(["100021372635"])`) + `
data "auditlog_cloudaudit_events" "last_hour" {
  start_time = local.end - 3600
  end_time   = local.end
}

data "auditlog_cloudaudit_events" "logins" {
  start_time = local.start
  end_time   = local.end
  lookup_attributes {
    attribute_key   = "EventName"
    attribute_value = "ConsoleLogin"
  }
}

data "auditlog_cloudaudit_events" "first" {
  start_time = local.start
  end_time   = local.end
  max_items  = 1
}

data "auditlog_cloudaudit_events" "from_token" {
  start_time = local.start
  end_time   = local.end
  # A token is valid only with the query that issued it, page size included.
  max_results = 1
  next_token  = data.auditlog_cloudaudit_events.first.resume_token
}

data "auditlog_csip_user_call_records" "one_ip" {
  sub_uin = "100021372635"
  filter {
    start_time = local.csip_start
    end_time   = local.csip_end
    filters {
      name   = "SourceIP"
      values = ["106.55.1.10"]
    }
  }
}
`
			out, code := s.run(t, goodEnv, s.config(t, "probe3", map[string]string{"main.tf": providerHCL + hcl}))
			expectGate(t, "probe 3", out, code, 1,
				"EVT-01: data.auditlog_cloudaudit_events.last_hour: evidence: window ", "does not cover the policy's window",
				"EVT-01: data.auditlog_cloudaudit_events.logins: evidence: narrowed by lookup_attributes, which EVT-01 does not allow",
				"EVT-01: data.auditlog_cloudaudit_events.from_token: evidence: narrowed by next_token, which EVT-01 does not allow",
				"EVT-01: data.auditlog_cloudaudit_events.first: evidence: incomplete",
				"NET-01: data.auditlog_csip_user_call_records.one_ip: evidence: narrowed by filter.filters, which NET-01 does not allow",
				"NET-01: sub-account 100021372636 of account 100000000001: no auditlog_csip_user_call_records data source read it under account 100000000001")
		})

		// Probe 5: a configuration error after a good run: the gate never
		// judges an earlier plan file.
		t.Run("probe 5: configuration error", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "probe5", map[string]string{"main.tf": providerHCL + auditHCL})
			if out, code := s.run(t, goodEnv, dir); code != 0 {
				t.Fatalf("the first run: exit %d\n%s", code, out)
			}
			// What `terraform plan -out=tfplan || true` would leave behind.
			writeFile(t, filepath.Join(dir, "tfplan"), "an earlier plan")
			writeFile(t, filepath.Join(dir, "broken.tf"), "output \"x\" {\n  value = var.not_declared\n}\n")
			out, code := s.run(t, goodEnv, dir)
			expectGate(t, "probe 5", out, code, 2, "Reference to undeclared input variable", "plan exited 1 without writing a plan file: nothing to judge")
		})

		// Probe 6: enforce = true with reads deferred to apply: the
		// preconditions wait for apply, terraform plan exits 0; the gate
		// cannot judge.
		t.Run("probe 6: deferred reads with enforce", func(t *testing.T) {
			t.Parallel()
			copyTree(t, filepath.Join(s.root, "examples", "compliance"), filepath.Join(s.work, "user", "probe6", "compliance"))
			dir := s.config(t, "probe6/root", map[string]string{"main.tf": providerHCL + `
resource "terraform_data" "later" {
  input = "2026-05-01"
}

module "compliance" {
  source           = "../compliance"
  enforce          = true
  window_start     = terraform_data.later.output
  allowed_networks = ["106.55.0.0/16"]
  csip_sub_uins    = ["100021372635"]
}
`})
			out, code := s.run(t, simEnv(lateBad, lateBad.Options().TencentSecretKey), dir)
			expectGate(t, "probe 6", out, code, 2, "PLAN: module.compliance.data.auditlog_ucloud_operation_events.window is deferred to apply",
				"CHECK: module.compliance.check.uc_01 is unknown", "gate: CANNOT JUDGE")
			if strings.Contains(out, testEngine.Path+" plan exited") {
				t.Errorf("probe 6: terraform plan failed; the probe needs a plan that exits 0\n%s", out)
			}
		})

		// Review finding 2: a targeted plan reads only what it targets; the
		// other data sources keep the values of the state, which the
		// configuration's author controls (here: compliant reads applied
		// earlier, judged against the noncompliant account).
		t.Run("targeted plan", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "targeted", map[string]string{"main.tf": providerHCL + auditHCL + "\nresource \"terraform_data\" \"marker\" {}\n"})
			r := s.runner(t)
			terraformInit(t, s.rc, dir)
			if out, code := r.command(dir, goodEnv, testEngine.Path, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
				t.Fatalf("apply against the compliant account: exit %d\n%s", code, out)
			}
			for _, args := range [][]string{{"-target=terraform_data.marker"}, {"-target", "terraform_data.marker"}, {"-var=x=1", "-exclude=terraform_data.marker"}, {"-refresh=false"}} {
				out, code := s.run(t, badEnv, append([]string{dir, "--"}, args...)...)
				bad := args[len(args)-1]
				if len(args) == 2 && args[0] == "-target" {
					bad = args[0]
				}
				expectGate(t, "PLAN_ARGS "+strings.Join(args, " "), out, code, 2, "PLAN_ARGS: "+bad+" is not allowed", "gate: CANNOT JUDGE")
				if strings.Contains(out, " plan in ") {
					t.Errorf("PLAN_ARGS %v: the gate planned before refusing them\n%s", args, out)
				}
			}
			// The same targeted plan, judged as a plan JSON. OpenTofu's plan
			// JSON has no "complete": only the gate's refusal above covers it.
			if testEngine.OpenTofu() {
				return
			}
			if out, code := r.command(dir, badEnv, testEngine.Path, "plan", "-input=false", "-no-color", "-target=terraform_data.marker", "-out=targeted.tfplan"); code != 0 {
				t.Fatalf("targeted plan: exit %d\n%s", code, out)
			}
			cmd := engineCommand("show", "-json", "targeted.tfplan")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+s.rc)
			js, err := cmd.Output()
			if err != nil {
				t.Fatalf("show -json: %v", err)
			}
			path := filepath.Join(dir, "targeted.json")
			writeFile(t, path, string(js))
			out, code := s.run(t, nil, "--data", s.unsealed(t, "targeted-unsealed.json", nil), path)
			expectGate(t, "targeted plan JSON", out, code, 2, `PLAN: the plan is not complete ("complete": false): a targeted plan (-target or -exclude)`, "gate: CANNOT JUDGE")
		})

		// Review finding 6: -detailed-exitcode makes a plan with changes exit
		// 2, which a gate cannot tell from an error: it is refused before
		// anything runs. (A plan that fails is judged in TestAccGateCopied.)
		t.Run("-detailed-exitcode refused", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "detailed-exitcode", map[string]string{"main.tf": providerHCL + auditHCL + "\nresource \"terraform_data\" \"change\" {}\n"})
			out, code := s.run(t, goodEnv, dir, "--", "-detailed-exitcode")
			expectGate(t, "-detailed-exitcode", out, code, 2, "PLAN_ARGS: -detailed-exitcode is not allowed", "exit 2 would mean changes", "auditlog-gate: CANNOT JUDGE (exit 2)")
			if strings.Contains(out, "PASS") || strings.Contains(out, " plan in ") {
				t.Errorf("-detailed-exitcode: the gate planned or printed a pass\n%s", out)
			}
		})

		// Review finding 8: with the default CLI configuration, init also
		// installs from terraform.d/plugins of the directory terraform runs
		// in: the same binary vendored under another source produces
		// auditlog_* data sources, which are not the auditlog provider's
		// evidence. The gate leaves terraform.d out of its copy and installs
		// only what the policy pins, so it names the provider and cannot
		// judge; a plan made in the directory itself has the foreign reads,
		// and the rules name each.
		t.Run("provider vendored under another source", func(t *testing.T) {
			t.Parallel()
			bins, err := filepath.Glob(filepath.Join(s.mirror, "registry.terraform.io", "auditlog", "auditlog", "*", "*", "terraform-provider-auditlog_v*"))
			if err != nil || len(bins) != 1 {
				t.Fatalf("the mirror holds %v (%v), want one provider binary", bins, err)
			}
			rel, err := filepath.Rel(filepath.Join(s.mirror, "registry.terraform.io", "auditlog", "auditlog"), bins[0])
			if err != nil {
				t.Fatal(err)
			}
			dir := s.config(t, "vendored", map[string]string{"main.tf": strings.Replace(providerHCL, `source = "auditlog/auditlog"`, `source = "example.com/x/auditlog"`, 1) + auditHCL})
			vendored := filepath.Join(dir, "terraform.d", "plugins", "example.com", "x", "auditlog", rel)
			if err := os.MkdirAll(filepath.Dir(vendored), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(bins[0], vendored); err != nil {
				t.Fatal(err)
			}
			rc := filepath.Join(s.work, "default.tfrc")
			writeFile(t, rc, "# The default CLI configuration: no provider_installation block.\n")
			env := append([]string{"TF_CLI_CONFIG_FILE=" + rc}, goodEnv...)
			out, code := s.run(t, env, dir)
			expectGate(t, "gate DIR with a vendored provider", out, code, 2, "left out of the sealed copy: terraform.d (an implied local provider mirror",
				"PROVIDER: the configuration needs example.com/x/auditlog, which the policy data does not pin")
			r := s.runner(t)
			for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"plan", "-input=false", "-no-color", "-out=vendored.tfplan"}} {
				if out, code := r.command(dir, env, testEngine.Path, args...); code != 0 {
					t.Fatalf("%s %v: exit %d\n%s", testEngine.Name, args, code, out)
				}
			}
			js, code := r.command(dir, env, testEngine.Path, "show", "-json", "vendored.tfplan")
			if code != 0 {
				t.Fatalf("show -json: exit %d\n%s", code, js)
			}
			path := filepath.Join(dir, "vendored.json")
			writeFile(t, path, js)
			out, code = s.run(t, nil, "--data", s.unsealed(t, "vendored-unsealed.json", nil), path)
			// OpenTofu's plan JSON has no "complete" and, with no read of the
			// auditlog provider, nothing names the engine: the gate cannot
			// judge it (exit 2) and still lists the foreign reads.
			want := 1
			if testEngine.OpenTofu() {
				want = 2
			}
			expectGate(t, "vendored provider", out, code, want,
				"PLAN: "+gateTracksAddr+`: read by the provider "example.com/x/auditlog", not the auditlog provider`,
				"PLAN: "+gateUCloudAddr+`: read by the provider "example.com/x/auditlog"`,
				"PLAN: no auditlog_cloudaudit_tracks data source was read")
		})

		// Probe 8: an empty account, read completely, is no pass.
		t.Run("probe 8: empty account", func(t *testing.T) {
			t.Parallel()
			out, code := s.run(t, simEnv(empty, empty.Options().TencentSecretKey), s.config(t, "probe8-empty", map[string]string{"main.tf": providerHCL + auditHCL}))
			expectGate(t, "probe 8, empty account", out, code, 1,
				"TRK-01: "+gateTracksAddr+": (no tracking set): the account has no CloudAudit tracking set",
				"TRK-03: "+gateTracksAddr+": (no tracking set)", "TRK-04: "+gateTracksAddr+": organization: ",
				"RET-01: "+gateTracksAddr+": (no tracking set)", "EVT-02: "+gateTracksAddr+": (no tracking set)",
				"PASS UC-01 No risky UCloud operation by an unexpected user: 0 findings on 0 scanned, 0 kept from 1 data source",
				"PASS "+gateUCloudAddr+": 0 records; window ")
		})

		// Probe 8: two module instances: each finding names its instance.
		t.Run("probe 8: module instances", func(t *testing.T) {
			t.Parallel()
			dir := s.config(t, "probe8-instances", map[string]string{
				"main.tf": providerHCL + `
module "account" {
  for_each = toset(["prod", "dev"])
  source   = "./audit"
}
`,
				"audit/main.tf": `
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}
` + auditHCL,
			})
			out, code := s.run(t, badEnv, dir)
			expectGate(t, "probe 8, module instances", out, code, 1,
				`NET-01: module.account["prod"].data.auditlog_csip_user_call_records.sub["100021372635"]: 100021372635/198.51.100.7: `,
				`NET-01: module.account["dev"].data.auditlog_csip_user_call_records.sub["100021372635"]: 100021372635/198.51.100.7: `,
				`UC-01: module.account["dev"].data.auditlog_ucloud_operation_events.window: mallory/DeleteUHostInstance/uhost-6c5b4a39: `)
		})

		// Probe 7 through terraform: a proxy in front of the noncompliant
		// account removes the time of one seeded violation per API; each
		// stays a finding, with its time reported as unknown.
		t.Run("probe 7: null times through terraform", func(t *testing.T) {
			t.Parallel()
			proxy := startNullingProxy(t, bad.URL, []nullRule{
				{field: "SourceIP", value: "203.0.113.50", null: []string{"FirstCallTime", "LastCallTime"}},
				{field: "EventId", value: "0d3b6e1a-0101", null: []string{"EventTime"}},
				{field: "UserName", value: "mallory", null: []string{"OperateTime"}},
			})
			proxySim := &testSim{Server: bad.Server, URL: proxy}
			env := simEnv(proxySim, bad.Options().TencentSecretKey)
			data := writePolicyData(t, s, "probe7-proxy.json", func(p map[string]any) {
				p["origins"] = append(jsonArray(t, p["origins"]), simOrigins(t, proxySim)...)
			})
			out, code := s.run(t, env, "--data", data, s.config(t, "probe7-null-times", map[string]string{"main.tf": providerHCL + auditHCL}))
			expectGate(t, "probe 7 through terraform", out, code, 1,
				"NET-01: "+gateCSIPAddr("100021372636")+": 100021372636/203.0.113.50: ", "first_call_time null, last_call_time null",
				"EVT-01: "+gateEventsAddr+": 0d3b6e1a-0101: ", "event_time null",
				"UC-01: "+gateUCloudAddr+": mallory/DeleteUHostInstance/uhost-6c5b4a39: ", "operate_time null")
		})

		// Probe 8: the policy names the account, the evidence does not.
		t.Run("probe 8: account not known", func(t *testing.T) {
			t.Parallel()
			out, code := s.run(t, simEnv(refused, refused.Options().TencentSecretKey), s.config(t, "probe8-refused", map[string]string{"main.tf": providerHCL + auditHCL}))
			expectGate(t, "probe 8, account not known", out, code, 1,
				"TRK-01: "+gateTracksAddr+": evidence: account not known (evidence.account_id is null",
				"NET-01: "+gateCSIPAddr("100021372635")+": evidence: account not known",
				"EVT-01: account 100000000001, region ap-guangzhou: no auditlog_cloudaudit_events data source read it")
		})

		t.Run("plan JSON", func(t *testing.T) {
			t.Parallel()
			js := compliantJSON(t)
			// No gate can tell which provider made a plan JSON: unless the
			// policy accepts unsealed plans, it cannot be judged.
			out, code := s.run(t, nil, js)
			expectGate(t, "plan JSON, sealed policy", out, code, 2, js+" is a plan made outside the gate", "accept_unsealed_plans", "auditlog-gate: CANNOT JUDGE (exit 2)")
			if strings.Contains(out, "gate: PASS") {
				t.Errorf("plan JSON, sealed policy: a pass\n%s", out)
			}
			accepting := s.unsealed(t, "unsealed.json", nil)
			out, code = s.run(t, nil, "--data", accepting, js)
			expectGate(t, "fresh compliant plan JSON", out, code, 0, "judging the plan JSON "+js+": provider not verified", "gate: PASS", "auditlog-gate: PASS (exit 0); provider not verified")

			// Probe 8: an account other than the one the policy names.
			other := s.unsealed(t, "other-account.json", func(p map[string]any) {
				p["tencentcloud"] = map[string]any{"accounts": map[string]any{"100000000099": map[string]any{"regions": []string{"ap-guangzhou"}, "csip_sub_uins": []string{}}}}
			})
			out, code = s.run(t, nil, "--data", other, js)
			expectGate(t, "other account", out, code, 1, "TRK-01: "+gateTracksAddr+": evidence: account 100000000001 is not one the policy names (tencentcloud.accounts: 100000000099) (read as account 100000000001, in region ap-guangzhou)",
				"TRK-01: account 100000000099, region ap-guangzhou: no auditlog_cloudaudit_tracks data source read it")

			// Review finding 3: the configuration (or the environment) chose
			// the API server; the shipped policy data trusts the clouds'
			// servers only, so the simulator's answers are no evidence.
			var shippedDoc map[string]map[string]map[string]any
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(s.root, "examples", "policy", "policy.json"))), &shippedDoc); err != nil {
				t.Fatal(err)
			}
			shipped := s.unsealed(t, "shipped-origins.json", func(p map[string]any) { p["origins"] = shippedDoc["auditlog"]["policy"]["origins"] })
			out, code = s.run(t, nil, "--data", shipped, js)
			// The environment chose it here (simEnv), and the message says so.
			expectGate(t, "untrusted API server", out, code, 1,
				"TRK-01: "+gateTracksAddr+": evidence: API server http://127.0.0.1:", "is not one the policy trusts (origins: https://",
				"NET-01: "+gateCSIPAddr("100021372635")+": evidence: API server http://127.0.0.1:",
				"UC-01: "+gateUCloudAddr+": evidence: API server http://127.0.0.1:",
				"set by the environment (TENCENTCLOUD_ENDPOINT, TENCENTCLOUD_DOMAIN or TENCENTCLOUD_PROTOCOL), and its answers are not the cloud's",
				"set by the environment (UCLOUD_API_BASE_URL), and its answers are not the cloud's")

			// Probe 4: the policy trusts the host over HTTPS only; the reads
			// went over plain HTTP to the same host and port.
			simPort := jsonObject(t, simOrigins(t, good)[0])["port"]
			https := s.unsealed(t, "https-only.json", func(p map[string]any) {
				p["origins"] = []any{map[string]any{"host": "127.0.0.1", "port": simPort}}
			})
			out, code = s.run(t, nil, "--data", https, js)
			expectGate(t, "probe 4: plain HTTP to a trusted host", out, code, 1,
				fmt.Sprintf("TRK-01: %s: evidence: API server %s (http://127.0.0.1:%d) is not one the policy trusts (origins: https://127.0.0.1:%d)", gateTracksAddr, good.URL, simPort, simPort),
				fmt.Sprintf("UC-01: %s: evidence: API server %s/ (http://127.0.0.1:%d) is not one the policy trusts", gateUCloudAddr, good.URL, simPort),
				fmt.Sprintf("endpoint %s", good.URL))

			// Probe 5: the policy trusts another server (port) on the same
			// host; the reads came from this one.
			otherPort := s.unsealed(t, "other-port.json", func(p map[string]any) {
				p["origins"] = simOrigins(t, bad)
			})
			out, code = s.run(t, nil, "--data", otherPort, js)
			expectGate(t, "probe 5: another server on a trusted host", out, code, 1,
				fmt.Sprintf("TRK-01: %s: evidence: API server %s (http://127.0.0.1:%d) is not one the policy trusts (origins: %s)", gateTracksAddr, good.URL, simPort, bad.URL))

			// Probe 7: records whose time is null are findings, not skips.
			nulled := editPlan(t, js, "null-times.json", func(plan map[string]any) {
				for _, r := range planDataSources(t, plan) {
					values := jsonObject(t, r["values"])
					switch r["address"] {
					case gateCSIPAddr("100021372635"):
						rec := firstRecord(t, values, "data")
						rec["source_ip"], rec["first_call_time"], rec["last_call_time"] = "198.51.100.99", nil, nil
					case gateEventsAddr:
						e := firstRecord(t, values, "events")
						e["event_name"], e["username"], e["event_time"] = "ConsoleLogin", "nobody", nil
					case gateUCloudAddr:
						e := firstRecord(t, values, "events")
						e["api"], e["user_name"], e["operate_time"] = "DeleteUHostInstance", "nobody", nil
					}
				}
			})
			out, code = s.run(t, nil, "--data", accepting, nulled)
			expectGate(t, "probe 7", out, code, 1,
				"NET-01: "+gateCSIPAddr("100021372635")+": 100021372635/198.51.100.99: ", "last unknown (first_call_time null, last_call_time null",
				"EVT-01: "+gateEventsAddr+": ", "ConsoleLogin by nobody from ", "at an unknown time (event_time null",
				"UC-01: "+gateUCloudAddr+": nobody/DeleteUHostInstance/", "an unknown time (operate_time null")
		})

		// Probe 4: conftest's default namespace loads the policy, and without
		// the policy data it denies.
		t.Run("probe 4: conftest", func(t *testing.T) {
			t.Parallel()
			js := compliantJSON(t)
			conftest := pinnedTool(t, s.root, "conftest")
			r := s.runner(t)
			out, code := r.command(s.work, nil, conftest, "test", "--no-color", "--policy", s.policy, js)
			if code == 0 || !strings.Contains(out, "POLICY: no policy data document") {
				t.Errorf("conftest without --data: exit %d, want a failure saying the policy data is missing\n%s", code, out)
			}
			out, code = r.command(s.work, nil, conftest, "test", "--no-color", "--policy", s.policy, "--data", s.data, "--data", filepath.Join(s.policy, "catalogue.json"), js)
			if code != 0 || !strings.Contains(out, "passed") {
				t.Errorf("conftest with --data, default namespace, compliant plan: exit %d, want 0\n%s", code, out)
			}
			stale := editPlan(t, js, "stale-for-conftest.json", func(plan map[string]any) {
				plan["timestamp"] = time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
			})
			out, code = r.command(s.work, nil, conftest, "test", "--no-color", "--policy", s.policy, "--data", s.data, "--data", filepath.Join(s.policy, "catalogue.json"), stale)
			if code == 0 || !strings.Contains(out, "older than the 3600 s the policy accepts") {
				t.Errorf("conftest on a stale plan: exit %d, want a failure\n%s", code, out)
			}
		})
	})
}

// TestAccGateCopied runs the gate on a user's repository that holds only a
// copy of examples/compliance (the module and its root), as a user's
// repository does: it passes the compliant scenario, and fails closed
// (exit 2) on an errored plan, missing, invalid, version 1 or in-tree policy
// data, extra rules that would change the shipped verdict, a stale plan, a
// missing engine, and a launcher that cannot build the command.
func TestAccGateCopied(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	s := newGateSuite(t)
	copyTree(t, filepath.Join(s.root, "examples", "compliance"), filepath.Join(s.work, "user", "compliance"))
	root := filepath.Join(s.work, "user", "compliance", "root")
	// The allow-lists come from the policy data the gate hands the module
	// (TF_VAR_auditlog_policy_data_file); a var file of the team's sets
	// the rest.
	vars := filepath.Join(s.rules, "ci.tfvars")
	writeFile(t, vars, "enforce = false\n")
	good := scenarioSim(t, "compliant", cloudsim.Options{})
	s.trust(t, good)
	goodEnv := simEnv(good, good.Options().TencentSecretKey)

	t.Run("group", func(t *testing.T) {
		t.Run("compliant passes", func(t *testing.T) {
			t.Parallel()
			out, code := s.run(t, goodEnv, "--var-file", vars, root)
			expectGate(t, "compliant", out, code, 0, "gate: PASS: 10 controls evaluated", "the root module read the gate's policy data (auditlog_policy_sha256 ")
		})

		// A failed plan is never a pass: the report and the JUnit file say
		// the gate cannot judge it.
		t.Run("errored plan", func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(s.work, "user", "errored")
			copyTree(t, root, dir)
			writeFile(t, filepath.Join(dir, "main.tf"), strings.ReplaceAll(readFile(t, filepath.Join(root, "main.tf")), `source = "../"`, `source = "../compliance"`))
			junit := filepath.Join(s.work, "errored.xml")
			out, code := s.run(t, simEnv(good, "wrong-"+good.Options().TencentSecretKey), "--junit", junit, "--var-file", vars, dir)
			expectGate(t, "wrong key", out, code, 2, "AuthFailure", "plan exited 1; judging the plan file it wrote", "PLAN: the plan errored", "gate: CANNOT JUDGE")
			cases := readJUnit(t, junit)
			if cases["plan"]["plan"] != "error" {
				t.Errorf("JUnit: the plan case is %q, want error", cases["plan"]["plan"])
			}
			for name, outcome := range cases["controls"] {
				if outcome != "error" {
					t.Errorf("JUnit: control %q is %s, want error", name, outcome)
				}
			}
		})

		t.Run("policy data", func(t *testing.T) {
			t.Parallel()
			js := s.planJSON(t, s.config(t, "data-json", map[string]string{"main.tf": providerHCL + auditHCL}), goodEnv)
			out, code := s.run(t, nil, "--data", filepath.Join(s.work, "no-such.json"), js)
			expectGate(t, "missing --data file", out, code, 2, "the policy data file "+filepath.Join(s.work, "no-such.json")+" cannot be read", "no control is judged without it")

			// No --data: the gate has no default rules.
			out, code = s.runner(t).command(s.work, []string{"AUDITLOG_GATE_CACHE=" + gateCache()}, gateLauncher(s.root), js)
			expectGate(t, "no --data", out, code, 2, "no policy data: give --data FILE")

			invalid := s.unsealed(t, "invalid.json", func(p map[string]any) { delete(p, "allowed_networks"); p["ucloud_max_failed"] = "3" })
			out, code = s.run(t, nil, "--data", invalid, js)
			expectGate(t, "invalid policy data", out, code, 2, "POLICY: data.auditlog.policy does not match its schema: (Root): allowed_networks is required",
				"POLICY: data.auditlog.policy does not match its schema: ucloud_max_failed: Invalid type")

			notJSON := filepath.Join(s.rules, "not.json")
			writeFile(t, notJSON, "{ allowed_networks = [] }")
			out, code = s.run(t, nil, "--data", notJSON, js)
			expectGate(t, "policy data that is not JSON", out, code, 2, "the policy data file "+notJSON+": POLICY: not a JSON document")

			// Two "controls" keys: a reader keeps one and drops the other.
			twice := filepath.Join(s.rules, "twice.json")
			doc := readFile(t, s.unsealed(t, "once.json", nil))
			writeFile(t, twice, strings.Replace(doc, `"controls":`, `"controls":{},"controls":`, 1))
			out, code = s.run(t, nil, "--data", twice, js)
			expectGate(t, "repeated key", out, code, 2, `POLICY: the key "controls" appears twice`)

			// Version 1 is refused with the way to convert it.
			v1 := writePolicyData(t, s, "v1.json", func(p map[string]any) { p["schema_version"] = 1 })
			out, code = s.run(t, nil, "--data", v1, js)
			expectGate(t, "schema_version 1", out, code, 2, "POLICY: schema_version 1: this gate reads schema_version 3", "auditlog-gate convert-v1 FILE")

			// Policy data in the reviewed repository: the change's author
			// would write the rules it is judged by.
			inTree := filepath.Join(s.work, "user", "policy.json")
			writeFile(t, inTree, readFile(t, s.unsealed(t, "in-tree.json", nil)))
			out, code = s.run(t, nil, "--data", inTree, js)
			expectGate(t, "policy data in the reviewed tree", out, code, 2, "the policy data "+inTree+" is inside the reviewed repository "+filepath.Join(s.work, "user"))

			// Extra rules may not add to the shipped packages: a second body
			// of a rule would change the verdict.
			extra := filepath.Join(s.rules, "extra")
			writeFile(t, filepath.Join(extra, "widen.rego"), "package compliance\n\nallow_everything := true\n")
			out, code = s.run(t, nil, "--data", s.unsealed(t, "extra.json", nil), "--policy", extra, js)
			expectGate(t, "extra rules in package compliance", out, code, 2, "is in package compliance: extra policies may only add rules in packages of their own")

			// Stale: a plan JSON older than max_plan_age_seconds.
			stale := editPlan(t, js, "stale.json", func(plan map[string]any) {
				plan["timestamp"] = time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
			})
			out, code = s.run(t, nil, "--data", s.unsealed(t, "stale.json", nil), stale)
			expectGate(t, "stale plan", out, code, 2, "s ago: older than the 3600 s the policy accepts (max_plan_age_seconds)")
		})

		t.Run("missing tools", func(t *testing.T) {
			t.Parallel()
			out, code := s.run(t, []string{"AUDITLOG_GATE_TF=" + filepath.Join(s.work, "no-terraform")}, root)
			expectGate(t, "no terraform", out, code, 2, "no engine: "+filepath.Join(s.work, "no-terraform")+" is not on PATH")

			// The launcher reuses the command it built; without one for
			// these sources and without Go, it cannot build one.
			out, code = s.runner(t).command(s.work, []string{"AUDITLOG_GATE_CACHE=" + gateCache()}, gateLauncher(s.root), "--version")
			if want := "auditlog-gate " + providerVersion(t) + "\n"; code != 0 || out != want {
				t.Errorf("gate --version, built before: exit %d, output %q, want exit 0 and %q (no new build)", code, out, want)
			}
			empty := filepath.Join(s.work, "empty-cache")
			out, code = s.runner(t).command(s.work, []string{"PATH=/usr/bin:/bin", "AUDITLOG_GATE_CACHE=" + empty}, gateLauncher(s.root), "--version")
			expectGate(t, "launcher without Go", out, code, 2, "gate: go is not on PATH", "install auditlog-gate from a release")

			// The launcher copied into a user's repository, as the bash
			// gate once was, has no module to build from.
			copied := filepath.Join(s.work, "user", "policy", "gate")
			writeFile(t, copied, readFile(t, gateLauncher(s.root)))
			if err := os.Chmod(copied, 0o755); err != nil {
				t.Fatal(err)
			}
			out, code = s.runner(t).command(s.work, []string{"AUDITLOG_GATE_CACHE=" + t.TempDir()}, copied, "--data", s.data, root)
			expectGate(t, "launcher copied out of the repository", out, code, 2, "this launcher works only inside the provider's repository; elsewhere, install auditlog-gate from a release")
		})
	})
}

// TestGatePinsTheRepositorysOPA: the OPA that auditlog-gate embeds
// (examples/policy/go.mod) is the one tools/policy/go.mod pins, which runs
// the policy's unit tests and conftest.
func TestGatePinsTheRepositorysOPA(t *testing.T) {
	re := regexp.MustCompile(`(?m)^\s*github\.com/open-policy-agent/opa (v\S+)`)
	pinned := re.FindStringSubmatch(readFile(t, "../../tools/policy/go.mod"))
	if pinned == nil {
		t.Fatal("tools/policy/go.mod requires no github.com/open-policy-agent/opa")
	}
	embedded := re.FindStringSubmatch(readFile(t, "../../examples/policy/go.mod"))
	if embedded == nil {
		t.Fatal("examples/policy/go.mod requires no github.com/open-policy-agent/opa")
	}
	if embedded[1] != pinned[1] {
		t.Errorf("auditlog-gate embeds opa %s (examples/policy/go.mod), tools/policy/go.mod pins %s", embedded[1], pinned[1])
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writePolicyData writes a copy of the suite's policy data with edits into
// the compliance team's directory, outside the user's repository.
func writePolicyData(t *testing.T, s *gateSuite, name string, edit func(map[string]any)) string {
	t.Helper()
	var doc map[string]map[string]map[string]any
	if err := json.Unmarshal([]byte(readFile(t, s.data)), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc["auditlog"]["policy"])
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.rules, name)
	writeFile(t, path, string(b))
	return path
}

// editPlan writes a copy of a plan JSON with edits.
func editPlan(t *testing.T, path, name string, edit func(map[string]any)) string {
	t.Helper()
	var plan map[string]any
	if err := json.Unmarshal([]byte(readFile(t, path)), &plan); err != nil {
		t.Fatal(err)
	}
	edit(plan)
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(filepath.Dir(path), name)
	writeFile(t, out, string(b))
	return out
}

// planDataSources returns the data sources of a plan's root module.
func planDataSources(t *testing.T, plan map[string]any) []map[string]any {
	t.Helper()
	root := jsonObject(t, jsonObject(t, jsonObject(t, plan["prior_state"])["values"])["root_module"])
	var out []map[string]any
	for _, r := range jsonArray(t, root["resources"]) {
		out = append(out, jsonObject(t, r))
	}
	return out
}

// firstRecord returns the first element of the list values[key].
func firstRecord(t *testing.T, values map[string]any, key string) map[string]any {
	t.Helper()
	list := jsonArray(t, values[key])
	if len(list) == 0 {
		t.Fatalf("no record in %s", key)
	}
	return jsonObject(t, list[0])
}

func jsonObject(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not a JSON object", v)
	}
	return m
}

func jsonArray(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("%v is not a JSON array", v)
	}
	return a
}

// mixedScenario returns the shipped scenario base with the records of the
// named actions taken from the scenario other.
func mixedScenario(t *testing.T, base, other string, actions ...string) *cloudsim.DataSet {
	t.Helper()
	read := func(name string) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join("..", "cloudsim", "scenarios", name+".json"))), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m, o := read(base), read(other)
	for _, a := range actions {
		m[a] = o[a]
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	d, err := cloudsim.ParseDataSet(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// emptyAccount is a data set with no record of any kind.
func emptyAccount(t *testing.T) *cloudsim.DataSet {
	t.Helper()
	d, err := cloudsim.ParseDataSet([]byte(`{"DescribeAuditTracks": [], "DescribeUserCallRecord": [], "GetUserOperationEvents": [], "DescribeEvents": []}`))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestGateLauncherHashesEverySourceOfTheCommand: examples/policy/gate reuses
// a build while the files its key hashes are unchanged, so its list of
// source directories must hold every package of this repository that
// auditlog-gate is built from; one left out would let a change to it run
// the old build.
func TestGateLauncherHashesEverySourceOfTheCommand(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^sources=\(([^)]*)\)$`).FindStringSubmatch(readFile(t, gateLauncher(root)))
	if m == nil {
		t.Fatal("examples/policy/gate has no sources=(...) line")
	}
	sources := strings.Fields(m[1])
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", "./cmd/auditlog-gate")
	cmd.Dir = filepath.Join(root, "examples", "policy")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/auditlog-gate: %v", err)
	}
	checked := 0
	for _, dir := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue // a dependency outside the repository: go.sum pins it
		}
		checked++
		if !slices.ContainsFunc(sources, func(s string) bool { return rel == s || strings.HasPrefix(rel, s+"/") }) {
			t.Errorf("auditlog-gate is built from %s, which the launcher's sources (%s) leave out", rel, m[1])
		}
	}
	if checked < 3 {
		t.Errorf("go list named %d packages of the repository, want at least the command, examples/policy and jsonkeys:\n%s", checked, out)
	}
}
