package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Notices every output of a run carries when its evidence is not what a
// compliance team may rely on.
const (
	noticeSimulator   = "SIMULATOR POLICY: not evidence of any cloud; provider not verified"
	noticeNotVerified = "provider not verified"
)

// cannotJudge is an error that ends the run with exit 2.
type cannotJudge struct{ msg string }

func (e *cannotJudge) Error() string { return e.msg }

func refuse(format string, args ...any) error {
	return &cannotJudge{msg: fmt.Sprintf(format, args...)}
}

// gate is one judging run.
type gate struct {
	opts    *options
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
	environ []string

	policy  *policyData
	extra   []extraModule
	top     string // the top of the reviewed repository (real path)
	work    string // the gate's temporary directory
	notices []string
	sources *sourceMap // where the configuration's blocks are, for SARIF results
}

func (g *gate) say(msg string) { fmt.Fprintf(g.stderr, "auditlog-gate: %s\n", msg) }

// judge runs the gate and returns the exit code.
func (g *gate) judge(ctx context.Context) int {
	code, err := g.judgeOrFail(ctx)
	if err != nil {
		g.say(err.Error())
		g.writeRefusalReports(err.Error())
		g.say("CANNOT JUDGE (exit 2)")
		return exitCannotJudge
	}
	line := map[int]string{exitPass: "PASS (exit 0)", exitViolations: "FAIL (exit 1)"}[code]
	if line == "" {
		line = "CANNOT JUDGE (exit 2)"
	}
	for _, n := range g.notices {
		line += "; " + n
	}
	g.say(line)
	return code
}

func (g *gate) judgeOrFail(ctx context.Context) (int, error) {
	o := g.opts
	if err := checkPlanArgs(o.planArgs); err != nil {
		return 0, err
	}
	if f := devOverrideIn(g.getenv); f != "" {
		return 0, refuse("the CLI configuration %s has a dev override: a sealed run installs only the provider packages the policy pins and never uses a dev override. Build the provider into a filesystem mirror (make mirror, or scripts/mirror.sh DIR), pin it in the policy data (auditlog-gate pin --mirror DIR) and run the gate with --provider-mirror DIR; for the local simulator, --data builtin:simulator --provider-mirror DIR; or unset TF_CLI_CONFIG_FILE", f)
	}
	pd, err := loadPolicyData(o.data)
	if err != nil {
		return 0, err
	}
	g.policy = pd

	info, err := os.Stat(o.target)
	if err != nil {
		return 0, refuse("%s is neither a directory nor a file (%v)", o.target, unwrapPathError(err))
	}
	targetDir := o.target
	if !info.IsDir() {
		targetDir = filepath.Dir(o.target)
	}
	realTarget, err := realDir(targetDir)
	if err != nil {
		return 0, err
	}
	if err := g.findTop(realTarget); err != nil {
		return 0, err
	}
	if err := g.checkReportArgs(info.IsDir()); err != nil {
		return 0, err
	}
	if err := g.checkRulesOutsideTree(); err != nil {
		return 0, err
	}
	if g.extra, err = loadExtraPolicies(o.policies); err != nil {
		return 0, err
	}
	for _, m := range g.extra {
		g.say(fmt.Sprintf("policy file: %s sha256 %s", m.path, m.sha256))
	}

	tmp := os.TempDir()
	if realTmp, err := realDir(tmp); err == nil && within(realTmp, g.top) {
		return 0, refuse("the temporary directory %s is inside the reviewed repository %s: the gate never writes there (set TMPDIR elsewhere)", tmp, g.top)
	}
	g.work, err = os.MkdirTemp(tmp, "auditlog-gate-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(g.work)

	var planJSON []byte
	var run gateRun
	if info.IsDir() {
		planJSON, run, err = g.sealedPlan(realTarget)
	} else {
		planJSON, run, err = g.unsealedPlan()
	}
	if err != nil {
		return 0, err
	}
	return g.evaluate(ctx, planJSON, run)
}

// findTop decides the top of the reviewed repository: --root, else the
// nearest directory holding .git above the target, else the target's own.
func (g *gate) findTop(target string) error {
	if g.opts.root != "" {
		top, err := realDir(g.opts.root)
		if err != nil {
			return refuse("--root %s: %v", g.opts.root, unwrapPathError(err))
		}
		if !within(target, top) {
			return refuse("--root %s does not hold %s", top, g.opts.target)
		}
		g.top = top
		return nil
	}
	if top, ok := repositoryTop(target); ok {
		g.top = top
	} else {
		g.top = target
	}
	g.say("reviewed repository: " + g.top)
	return nil
}

// checkRulesOutsideTree refuses policy data and --policy directories that
// the author of the change could have written, and prints what the run is
// judged by.
func (g *gate) checkRulesOutsideTree() error {
	pd := g.policy
	if !strings.HasPrefix(pd.source, builtinPrefix) {
		if realPath, err := filepath.EvalSymlinks(pd.source); err == nil && within(realPath, g.top) && !g.opts.allowRulesInTree {
			return refuse("the policy data %s is inside the reviewed repository %s: the author of a change must not write the rules it is judged by. Keep the policy data where the change cannot reach it (a protected repository or the CI's settings), or pass --allow-rules-in-tree for the repository's own tests", pd.source, g.top)
		}
	}
	for _, dir := range g.opts.policies {
		realPath, err := realDir(dir)
		if err != nil {
			return refuse("--policy %s: %v", dir, unwrapPathError(err))
		}
		if within(realPath, g.top) && !g.opts.allowRulesInTree {
			return refuse("--policy %s is inside the reviewed repository %s: the author of a change must not write the rules it is judged by (or pass --allow-rules-in-tree)", dir, g.top)
		}
	}
	if pd.simulator {
		g.notices = append(g.notices, noticeSimulator)
	}
	g.say(fmt.Sprintf("policy data: %s sha256 %s", pd.source, pd.sha256()))
	return nil
}

// unsealedPlan reads a plan JSON made elsewhere: judged only when the
// policy accepts unsealed plans, and then never as a verified run.
func (g *gate) unsealedPlan() ([]byte, gateRun, error) {
	o := g.opts
	if o.planArgsGiven {
		return nil, gateRun{}, refuse("PLAN_ARGS (after --) apply to a directory, not to the plan JSON %s", o.target)
	}
	if len(o.varFiles) > 0 {
		return nil, gateRun{}, refuse("--var-file applies to a directory, not to the plan JSON %s", o.target)
	}
	if !g.policy.acceptUnsealedPlans {
		return nil, gateRun{}, refuse("%s is a plan made outside the gate: no gate can tell which provider made it, so it is judged only when the policy data sets accept_unsealed_plans to true. Give the configuration directory instead: the gate plans it in a sealed copy with the providers the policy pins", o.target)
	}
	b, err := os.ReadFile(o.target)
	if err != nil {
		return nil, gateRun{}, err
	}
	if strings.HasPrefix(string(b), "PK") {
		return nil, gateRun{}, refuse("%s is a binary plan file: give terraform show -json of it, or the configuration directory", o.target)
	}
	g.notices = appendOnce(g.notices, noticeNotVerified)
	g.say("judging the plan JSON " + o.target + ": " + noticeNotVerified)
	return b, gateRun{Sealed: false, SimulatorPolicy: g.policy.simulator, ProviderVerified: false, PolicySHA256: g.policy.sha256()}, nil
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// evaluate judges the plan with the embedded rules and prints the verdict.
func (g *gate) evaluate(ctx context.Context, planJSON []byte, run gateRun) (int, error) {
	ev, err := newEvaluator(g.extra, g.policy, run, planJSON)
	if err != nil {
		return 0, err
	}
	out, xml, rd, err := g.judgeQueries(ctx, ev)
	if err != nil {
		return 0, err
	}
	code, report, err := verdict(out)
	if err != nil {
		fmt.Fprintln(g.stderr, out)
		return 0, err
	}
	// A notice the rules did not print goes first and last, where a
	// reader of a long report looks.
	var missing []string
	for _, n := range g.notices {
		if !strings.Contains(report, n) {
			missing = append(missing, n)
			fmt.Fprintln(g.stdout, n)
		}
	}
	fmt.Fprint(g.stdout, report)
	if report != "" && !strings.HasSuffix(report, "\n") {
		fmt.Fprintln(g.stdout)
	}
	for _, n := range missing {
		fmt.Fprintln(g.stdout, n)
	}
	if g.opts.junit != "" {
		if err := os.WriteFile(g.opts.junit, []byte(withCaseDetails(withNotices(xml, g.notices), rd)), 0o644); err != nil {
			return 0, refuse("could not write the JUnit report %s: %v", g.opts.junit, unwrapPathError(err))
		}
		g.say("JUnit report: " + g.opts.junit)
	}
	if g.opts.wantsReports() {
		if err := g.writeReports(rd); err != nil {
			return 0, err
		}
	}
	if run.PlanExitCode != 0 && code == exitPass {
		return 0, refuse("plan exited %d, yet its plan shows no error: a failed plan is never a pass", run.PlanExitCode)
	}
	return code, nil
}

var junitSuite = regexp.MustCompile(`(?m)^(\s*<testsuite [^>]*[^/]>)$`)

// withNotices adds each notice the rules did not print to every test suite
// of a JUnit report, as a property a CI shows beside the cases.
func withNotices(xml string, notices []string) string {
	var props []string
	for _, n := range notices {
		if !strings.Contains(xml, n) {
			props = append(props, fmt.Sprintf(`<property name="auditlog-gate notice" value="%s"/>`, n))
		}
	}
	if len(props) == 0 {
		return xml
	}
	return junitSuite.ReplaceAllString(xml, "$1\n    <properties>"+strings.Join(props, "")+"</properties>")
}

// rootOutput returns the value of a root module output of a plan JSON and
// whether the configuration declares it.
func rootOutput(planJSON []byte, name string) (value any, declared bool, err error) {
	var plan struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value any `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
		Configuration struct {
			RootModule struct {
				Outputs map[string]json.RawMessage `json:"outputs"`
			} `json:"root_module"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(planJSON, &plan); err != nil {
		return nil, false, fmt.Errorf("the plan JSON: %w", err)
	}
	_, declared = plan.Configuration.RootModule.Outputs[name]
	if out, ok := plan.PlannedValues.Outputs[name]; ok {
		return out.Value, true, nil
	}
	return nil, declared, nil
}
