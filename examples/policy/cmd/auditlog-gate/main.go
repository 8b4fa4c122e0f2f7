// Command auditlog-gate is the sealed compliance gate: it plans a Terraform
// or OpenTofu configuration in a copy of its own, with only the providers
// the policy pins, and judges the plan with the policy shipped inside it.
// A CI installs it from a release, never from the repository it reviews:
// the author of the change under review is the adversary, and the gate
// trusts only its own binary, the policy data and the pinned providers.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// version is stamped by the build (-ldflags "-X main.version=..."): the
// release the tag, `make gate` the repository's VERSION. An unstamped build
// calls itself dev.
var version = "dev"

// Exit codes: the gate's whole answer to a CI.
const (
	exitPass        = 0 // every enabled control passed on complete evidence
	exitViolations  = 1 // violations, listed
	exitCannotJudge = 2 // nothing judged: any error ends here
)

const usageText = `usage:
  auditlog-gate [--data FILE|builtin:NAME] [--policy DIR]... [--provider-mirror DIR]
                [--root DIR] [--allow-rules-in-tree] [--junit FILE] [--sarif FILE]
                [--summary FILE] [--source DIR] [--var-file F]...
                DIR | PLAN.json [-- PLAN_ARGS]
  auditlog-gate pin --mirror DIR
  auditlog-gate convert-v1 FILE
  auditlog-gate convert FILE
  auditlog-gate --version | --help

DIR is a Terraform (or OpenTofu) configuration. The gate never runs in it and
never writes to it: it copies the smallest directory holding DIR and every
local module it calls into a temporary directory (leaving out .terraform/,
terraform.d/, state files, plan files and .terraform.lock.hcl), runs init,
plan and show -json there with a fresh data directory and a CLI configuration
of its own, checks the provider packages init installed against the pins of
the policy data, and judges the plan. A module source that is
not a relative path (a registry, git::, an HTTP archive, s3::, an absolute
path) is exit 2: it can change after the review; copy the module into the
repository.

PLAN.json is the output of terraform show -json of a plan made elsewhere. No
gate can tell which provider made it: it is judged only when the policy data
sets accept_unsealed_plans, and every output then says "provider not verified".

Flags:
  --data FILE|builtin:NAME
        the policy data document ({"auditlog": {"policy": {...}}}, schema
        version 2). Required: the gate has no default rules. builtin:simulator
        is a document embedded in the gate for the local cloud simulator
        (http://127.0.0.1:8787): it needs --provider-mirror, trusts the
        auditlog provider found there whatever its hash, and every output
        says "SIMULATOR POLICY: not evidence of any cloud; provider not
        verified". The file must lie outside the reviewed repository (see
        --allow-rules-in-tree); it is parsed strictly: a repeated key at any
        depth or a byte order mark is refused.
  --policy DIR
        more Rego rules (*.rego, not *_test.rego), loaded beside the shipped
        policy; may be repeated. They may only add rules in packages of their
        own: a package auditlog, auditlog.*, compliance or main is refused.
        Outside the reviewed repository, as --data.
  --provider-mirror DIR
        a filesystem mirror in the unpacked layout (HOST/NAMESPACE/TYPE/
        VERSION/OS_ARCH/, as scripts/mirror.sh builds it): init installs
        providers from there only. Without it, init installs from the
        providers' registries (direct). Either way only the packages whose
        h1: hash the policy data pins are accepted.
  --root DIR
        the top of the reviewed repository: module sources, the policy data
        and --policy directories are judged against it. Default: the nearest
        directory above DIR (or PLAN.json) holding .git, else DIR itself.
  --allow-rules-in-tree
        accept policy data and --policy directories inside the reviewed
        repository (for the repository's own tests: the author of a change
        must not write the rules it is judged by).
  --junit FILE
        also write a JUnit XML report: one test case per control and per
        data source, each with <properties> (account, region or project,
        window, records scanned and kept, requirement ids) and the
        provenance of its reads in <system-out>.
  --sarif FILE
        also write a SARIF 2.1.0 file (GitHub code scanning, GitLab and
        other viewers): one rule per control of the catalogue, its
        properties.tags the requirement ids it serves; one result (level
        error) per violation and per reason the gate cannot judge, located
        at the .tf or .tf.json file and line of the data source (or check
        block) it concerns, else of the module call it is under, else at
        line 1 of the root module's first file, by path relative to the top
        of the repository; partialFingerprints from the control, the
        address and the record. At most 5000 results: past them the file
        counts the rest in a notification (the output lists every one). A
        plan JSON needs --source.
  --summary FILE
        also write a Markdown summary: the verdict, the reasons it cannot
        judge and the violations first, then a table of controls (verdict,
        records scanned and kept, accounts, requirement ids) and one of
        reads (account, region or project, window, complete, endpoint).
        Under 1 MiB (GitHub's limit for a step summary): what does not fit
        is counted, never silently left out. Default: the file
        GITHUB_STEP_SUMMARY names, added to, when that variable is set.
  --source DIR
        with a plan JSON: the root module the plan was made from, read to
        locate SARIF results (paths relative to the repository holding it,
        or to --root). A directory DIR is its own source.
  --var-file F
        passed to plan (DIR only); may be repeated. Read where it is (it is
        not copied), so keep it outside the reviewed tree or review it.
  --version
        print the version and exit 0.
  --help
        print this text and exit 0.

PLAN_ARGS, after --, go to plan (DIR only) and may be -var, -var-file,
-parallelism, -lock, -lock-timeout, -input=false, -compact-warnings and
-no-color only. -target and -exclude are refused (a targeted plan keeps the
state's values of every data source it skips), so are -detailed-exitcode and
everything else.

pin --mirror DIR
        prints the "providers" entries of the policy data (JSON) for every
        package in the filesystem mirror DIR: address, version and the h1:
        hash of each platform's package.

convert-v1 FILE
        prints the schema version 2 document for a version 1 policy data
        document, for its owner to review and to complete with provider pins.

convert FILE
        prints the schema version 3 document for a version 2 one: the same
        keys with min_retention_days 184, cls_window_days 180,
        cls_member_account_field null, cloudaudit_instance_event_patterns
        and the controls RET-01 and EVT-02 added, for its owner to review.

Environment:
  AUDITLOG_GATE_TF
        the engine: terraform (default, on PATH) or the path of a terraform
        or tofu binary; OpenTofu works the same way.
  TF_VAR_*, TF_TOKEN_*, TF_LOG, TF_LOG_PATH, TF_IN_AUTOMATION
        passed to the engine. Every other TF_*, TERRAFORM_*, TOFU_* and
        OPENTOFU_* variable (TF_CLI_ARGS*, TF_CLI_CONFIG_FILE, TF_DATA_DIR,
        TF_PLUGIN_CACHE_DIR, TF_REATTACH_PROVIDERS, TF_WORKSPACE,
        TERRAFORM_CONFIG, ...) is removed, and its name is printed. A dev
        override in the CLI configuration the environment names
        (TF_CLI_CONFIG_FILE, ~/.terraformrc, ~/.terraform.d/*.tfrc) is exit 2.
  TF_VAR_auditlog_policy_data_file
        set by the gate to the policy data document it judges by (a file in
        its own temporary directory). A root module that declares the
        variable hands it to the compliance module; if the root module has an
        output auditlog_policy_sha256, it must equal that file's sha256.
  HOME, XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME, XDG_DATA_DIRS, ...
        replaced, for the engine, by empty directories of the gate's own: the
        runner's ~/.terraformrc, ~/.tofurc, $XDG_CONFIG_HOME/opentofu/tofurc,
        ~/.terraform.d, plugin directories, ~/.netrc and ~/.gitconfig are
        never read. Registry tokens go in TF_TOKEN_*, cloud credentials in
        the provider's environment variables.
  TMPDIR
        where the sealed copy and the gate's files are made.
  GITHUB_STEP_SUMMARY
        set by GitHub Actions: the summary is added to this file unless
        --summary names another.

Every run prints the sha256 of the policy data and of each --policy file.
A run refused before it is judged (exit 2) still writes its SARIF file and
summary, with the reason.

Exit status:
  0  every enabled control passed on complete evidence that covers it
  1  violations (listed, each naming the control, the data source and the
     account, region or project it read)
  2  the gate cannot judge: no or invalid policy data, rules inside the
     reviewed tree, a provider the policy does not pin, a dev override, a
     cloud block or remote backend, a module outside the repository, an
     unsealed plan, an errored or stale plan, or any other error
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command without the process around it: it returns the exit
// code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 {
		switch args[0] {
		case "--version", "-version":
			fmt.Fprintf(stdout, "auditlog-gate %s\n", version)
			return exitPass
		case "--help", "-help", "-h":
			fmt.Fprint(stdout, usageText)
			return exitPass
		}
	}
	if len(args) > 0 && args[0] == "pin" {
		return runPin(args[1:], func(s string) { fmt.Fprintln(stdout, s) }, func(s string) { fmt.Fprintln(stderr, "auditlog-gate "+s) })
	}
	if len(args) > 0 && args[0] == "convert-v1" {
		return runConvertV1(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "convert" {
		return runConvertV2(args[1:], stdout, stderr)
	}
	opts, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "auditlog-gate: %v (auditlog-gate --help says more)\n", err)
		fmt.Fprintln(stderr, "auditlog-gate: CANNOT JUDGE (exit 2)")
		return exitCannotJudge
	}
	opts.stepSummary = os.Getenv("GITHUB_STEP_SUMMARY")
	g := &gate{opts: opts, stdout: stdout, stderr: stderr, getenv: os.Getenv, environ: os.Environ()}
	return g.judge(context.Background())
}
