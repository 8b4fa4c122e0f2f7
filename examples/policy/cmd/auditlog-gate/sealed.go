package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The output a root module declares to say which policy data it read.
const policySHA256Output = "auditlog_policy_sha256"

// The variable the gate hands its policy data file to the root module in.
const policyFileVariable = "TF_VAR_auditlog_policy_data_file"

// sealedPlan copies the configuration, installs only pinned providers into
// the copy, plans it and returns terraform show -json of the plan.
func (g *gate) sealedPlan(dir string) ([]byte, gateRun, error) {
	o := g.opts
	enginePath, err := findEngine(g.getenv)
	if err != nil {
		return nil, gateRun{}, err
	}
	var varArgs []string
	for _, f := range o.varFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, gateRun{}, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, gateRun{}, refuse("the var file %s does not exist", f)
		}
		varArgs = append(varArgs, "-var-file="+abs)
	}

	// What the copy holds: the smallest directory holding DIR and every
	// local module it calls.
	cfg, err := readConfiguration(dir, g.top)
	if err != nil {
		return nil, gateRun{}, refuse("%v", err)
	}
	base := commonDir(cfg.dirs)
	rel, err := filepath.Rel(base, dir)
	if err != nil {
		return nil, gateRun{}, err
	}
	copyRoot := filepath.Join(g.work, "config")
	g.say(fmt.Sprintf("sealed copy of %s in %s", base, copyRoot))
	if err := copyTree(base, copyRoot, g.say); err != nil {
		return nil, gateRun{}, refuse("%v", err)
	}
	sealedDir := filepath.Join(copyRoot, rel)
	g.noteSealedCopy(base, copyRoot, sealedDir)

	// The providers the run may install.
	pd, err := g.providersForRun()
	if err != nil {
		return nil, gateRun{}, err
	}
	g.policy = pd
	policyFile := filepath.Join(g.work, "policy-data.json")
	if err := os.WriteFile(policyFile, pd.raw, 0o600); err != nil {
		return nil, gateRun{}, err
	}
	cliConfig := filepath.Join(g.work, "cli.tfrc")
	var addresses []string
	for _, p := range pd.providers {
		addresses = appendOnce(addresses, p.Address)
	}
	mirror := ""
	if o.providerMirror != "" {
		if mirror, err = realDir(o.providerMirror); err != nil {
			return nil, gateRun{}, refuse("--provider-mirror %s: %v", o.providerMirror, unwrapPathError(err))
		}
	}
	if err := os.WriteFile(cliConfig, []byte(cliConfiguration(mirror, addresses)), 0o600); err != nil {
		return nil, gateRun{}, err
	}
	own, err := engineHome(g.work)
	if err != nil {
		return nil, gateRun{}, err
	}
	g.say(fmt.Sprintf("the engine's HOME and XDG directories: empty directories of the gate's (%s)", own["HOME"]))
	own["TF_CLI_CONFIG_FILE"] = cliConfig
	own[policyFileVariable] = policyFile
	own["TF_IN_AUTOMATION"] = "1"
	own["CHECKPOINT_DISABLE"] = "1"
	env, removed := engineEnvironment(g.environ, own)
	if len(removed) > 0 {
		g.say("removed from the engine's environment: " + strings.Join(removed, ", "))
	}
	e := &engine{path: enginePath, dir: sealedDir, env: env, log: g.say}

	g.say(fmt.Sprintf("%s init in the sealed copy (providers: %s)", enginePath, installSource(mirror)))
	out, rc, err := e.run("init", "-input=false", "-no-color")
	if err != nil {
		return nil, gateRun{}, err
	}
	if rc != 0 {
		fmt.Fprint(g.stderr, out)
		if unpinned := unpinnedNamedIn(out, addresses, unpinnedIn(out, addresses)); len(unpinned) > 0 {
			return nil, gateRun{}, refuse("PROVIDER: the configuration needs %s, which the policy data does not pin (providers): a sealed run installs only the providers the policy lists. A provider such as hashicorp/external runs a program of the author's at plan time", strings.Join(unpinned, ", "))
		}
		return nil, gateRun{}, refuse("%s init failed in the sealed copy (exit %d)", enginePath, rc)
	}
	installed, err := findPackages(filepath.Join(sealedDir, ".terraform", "providers"))
	if err != nil {
		return nil, gateRun{}, err
	}
	if err := checkPinned(installed, pd.providers); err != nil {
		return nil, gateRun{}, refuse("%v", err)
	}
	for _, p := range installed {
		g.say(fmt.Sprintf("provider %s %s %s %s (pinned)", p.address, p.version, p.platform, p.hash))
	}
	if len(installed) > 0 {
		if err := crossCheckLock(filepath.Join(sealedDir, ".terraform.lock.hcl"), installed); err != nil {
			return nil, gateRun{}, refuse("%v", err)
		}
	}

	planFile := filepath.Join(g.work, "tfplan")
	g.say(enginePath + " plan in the sealed copy")
	args := append(append([]string{"plan", "-input=false", "-no-color", "-out=" + planFile}, varArgs...), o.planArgs...)
	out, planRC, err := e.run(args...)
	if err != nil {
		return nil, gateRun{}, err
	}
	fmt.Fprint(g.stderr, out)
	if info, err := os.Stat(planFile); err != nil || info.Size() == 0 {
		return nil, gateRun{}, refuse("plan exited %d without writing a plan file: nothing to judge", planRC)
	}
	if planRC != 0 {
		g.say(fmt.Sprintf("plan exited %d; judging the plan file it wrote", planRC))
	}
	show := showJSON(e, planFile)
	if show.err != nil {
		return nil, gateRun{}, show.err
	}
	if err := g.checkPolicyHandoff(show.out); err != nil {
		if planRC == 0 {
			return nil, gateRun{}, err
		}
		// A failed plan has no outputs, so the handoff cannot be shown;
		// the plan's own errors are the reason it cannot be judged, and a
		// failed plan is never a pass (judge).
		g.say(fmt.Sprintf("%v; not checked further, as the plan failed", err))
	}
	if pd.simulator {
		g.notices = appendOnce(g.notices, noticeSimulator)
	}
	return show.out, gateRun{
		PlanExitCode:     planRC,
		Sealed:           true,
		SimulatorPolicy:  pd.simulator,
		ProviderVerified: !pd.simulator,
		PolicySHA256:     pd.sha256(),
	}, nil
}

type shown struct {
	out []byte
	err error
}

// showJSON runs show -json, whose output is the plan: stdout only.
func showJSON(e *engine, planFile string) shown {
	out, rc, err := e.runStdout("show", "-json", planFile)
	if err != nil {
		return shown{err: err}
	}
	if rc != 0 {
		return shown{err: refuse("%s show -json failed (exit %d)", e.path, rc)}
	}
	return shown{out: out}
}

func installSource(mirror string) string {
	if mirror == "" {
		return "their registries, pinned packages only"
	}
	return "the filesystem mirror " + mirror + ", pinned packages only"
}

// providersForRun is the policy data of the run: as given, or, for the
// simulator policy, completed with the auditlog provider of
// --provider-mirror whatever its hash (a local build has none to pin).
func (g *gate) providersForRun() (*policyData, error) {
	pd := g.policy
	if !pd.simulator {
		if len(pd.providers) == 0 {
			return nil, refuse("POLICY: providers is empty: a sealed run installs only the providers the policy pins (auditlog-gate pin --mirror DIR prints the entries)")
		}
		return pd, nil
	}
	if g.opts.providerMirror == "" {
		return nil, refuse("--data builtin:simulator needs --provider-mirror DIR: the mirror holding the auditlog provider built for the simulator (make mirror)")
	}
	pkgs, err := findPackages(g.opts.providerMirror)
	if err != nil {
		return nil, refuse("--provider-mirror %s: %v", g.opts.providerMirror, err)
	}
	var auditlog []providerPackage
	for _, p := range pkgs {
		if strings.HasSuffix(p.address, "/auditlog/auditlog") {
			auditlog = append(auditlog, p)
		}
	}
	if len(auditlog) == 0 {
		return nil, refuse("--provider-mirror %s holds no auditlog/auditlog package (HOST/auditlog/auditlog/VERSION/OS_ARCH/)", g.opts.providerMirror)
	}
	return pd.withProviders(pinsOf(auditlog))
}

var providerAddress = regexp.MustCompile(`\b((?:[a-z0-9-]+\.)+[a-z]{2,}(?::[0-9]+)?/[a-z0-9_-]+/[a-z0-9_-]+)\b`)

// unpinnedIn finds the provider addresses an init log names that the
// policy does not pin.
func unpinnedIn(log string, pinned []string) []string {
	var out []string
	for _, m := range providerAddress.FindAllStringSubmatch(strings.ToLower(log), -1) {
		if !contains(pinned, m[1]) && !contains(out, m[1]) && strings.HasPrefix(m[1], "registry.") {
			out = append(out, m[1])
		}
	}
	return out
}

// checkPolicyHandoff requires the policy data the root module read (its
// output auditlog_policy_sha256, when it declares one) to be the gate's.
func (g *gate) checkPolicyHandoff(planJSON []byte) error {
	value, declared, err := rootOutput(planJSON, policySHA256Output)
	if err != nil {
		return err
	}
	if !declared && value == nil {
		return nil
	}
	want := g.policy.sha256()
	got, ok := value.(string)
	if !ok {
		return refuse("the root module's output %s is %v, not the sha256 of the policy data: the gate hands its policy data in %s (sha256 %s)", policySHA256Output, value, policyFileVariable, want)
	}
	if !strings.EqualFold(got, want) {
		return refuse("the root module's output %s is %s, yet the gate's policy data has sha256 %s: the configuration read other policy data than the gate hands it in %s", policySHA256Output, got, want, policyFileVariable)
	}
	g.say("the root module read the gate's policy data (" + policySHA256Output + " " + got + ")")
	return nil
}
