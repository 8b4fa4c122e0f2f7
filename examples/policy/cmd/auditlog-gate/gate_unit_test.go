package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	policy "github.com/auditlog/terraform-provider-auditlog/examples/policy"
)

func TestPlanArgsAllowOnlyVariablesAndHowPlanRuns(t *testing.T) {
	for _, ok := range [][]string{
		{"-var", "a=1", "-var-file=x.tfvars", "-parallelism=4", "-lock=false", "-lock-timeout=5s", "-input=false", "-compact-warnings", "-no-color"},
		nil,
	} {
		if err := checkPlanArgs(ok); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for arg, want := range map[string]string{
		"-target=data.x.y":   "targeted plan",
		"-exclude=module.a":  "targeted plan",
		"-detailed-exitcode": "-detailed-exitcode is not allowed",
		"-refresh=false":     "-refresh=false is not allowed",
		"-state=other":       "-state=other is not allowed",
		"-var":               "-var needs a value",
	} {
		err := checkPlanArgs([]string{arg})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", arg, err, want)
		}
	}
}

func TestArgsNeedDataAndOneTarget(t *testing.T) {
	o, err := parseArgs([]string{"--data", "p.json", "--policy", "a", "--policy=b", "--var-file", "v", "--junit=j.xml", "--allow-rules-in-tree", "dir", "--", "-var", "x=1"})
	if err != nil {
		t.Fatal(err)
	}
	if o.data != "p.json" || len(o.policies) != 2 || o.target != "dir" || !o.allowRulesInTree || o.junit != "j.xml" || strings.Join(o.planArgs, " ") != "-var x=1" {
		t.Errorf("parsed %+v", o)
	}
	for args, want := range map[string][]string{
		"no policy data":       {"dir"},
		"not both":             {"--data", "p", "a", "b"},
		"unknown option --x":   {"--data", "p", "--x", "dir"},
		"--data needs a value": {"dir", "--data"},
		"no DIR or PLAN.json":  {"--data", "p"},
	} {
		if _, err := parseArgs(want); err == nil || !strings.Contains(err.Error(), args) {
			t.Errorf("%v: error %v, want %q", want, err, args)
		}
	}
}

func simulatorDocument(t *testing.T) []byte {
	t.Helper()
	raw, ok := policy.Builtin("simulator")
	if !ok {
		t.Fatal("no builtin:simulator")
	}
	return raw
}

// Probe 7 and its kin: what a reader would take two ways is refused before
// any rule sees it, naming the key and where.
func TestPolicyDataIsParsedStrictly(t *testing.T) {
	good := string(simulatorDocument(t))
	for name, tc := range map[string]struct{ doc, want string }{
		"repeated controls": {strings.Replace(good, `"window_days": 28,`, `"window_days": 28, "controls": {},`, 1), `the key "controls" appears twice in auditlog.policy`},
		"repeated deep key": {strings.Replace(good, `"enabled": true, "allowed_narrowing": ["max_items"] },`, `"enabled": true, "enabled": false, "allowed_narrowing": ["max_items"] },`, 1), `the key "enabled" appears twice in auditlog.policy.controls.TRK-01`},
		"byte order mark":   {"\xef\xbb\xbf" + good, "byte order mark"},
		"other data":        {`{"auditlog": {"policy": {}, "gate_run": {"sealed": true}}}`, "hold nothing else"},
		"other top key":     {`{"auditlog": {"policy": {}}, "main": {}}`, "hold nothing else"},
		"version 1":         {`{"auditlog": {"policy": {"schema_version": 1}}}`, "convert-v1"},
		"two documents":     {good + "{}", "more than one JSON value"},
		"string version":    {strings.Replace(good, `"schema_version": 3`, `"schema_version": "3"`, 1), "schema_version must be the number 3"},
		"version 2":         {strings.Replace(good, `"schema_version": 3`, `"schema_version": 2`, 1), `POLICY: schema_version 2: this policy reads 3; see the migration note "Policy data v3" in examples/policy/README.md`},
	} {
		_, err := parsePolicyData([]byte(tc.doc), "test.json")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
	d, err := parsePolicyData([]byte(good), "test.json")
	if err != nil {
		t.Fatal(err)
	}
	if d.acceptUnsealedPlans || len(d.providers) != 0 {
		t.Errorf("the simulator policy: accept_unsealed_plans %v, providers %v", d.acceptUnsealedPlans, d.providers)
	}
}

func TestEngineEnvironmentKeepsOnlyVariablesCredentialsAndLogging(t *testing.T) {
	env, removed := engineEnvironment([]string{
		"PATH=/bin", "HOME=/h", "TF_VAR_region=x", "TF_TOKEN_app_terraform_io=t", "TF_LOG=TRACE", "TF_LOG_PATH=/l", "TF_IN_AUTOMATION=1",
		"TF_CLI_ARGS=-x", "TF_CLI_ARGS_init=-plugin-dir=/repo/p", "TF_DATA_DIR=/d", "TF_PLUGIN_CACHE_DIR=/c", "TF_REATTACH_PROVIDERS={}",
		"TF_WORKSPACE=w", "TERRAFORM_CONFIG=/rc", "TF_CLI_CONFIG_FILE=/author.tfrc", "TF_VAR_auditlog_policy_data_file=/author.json",
	}, map[string]string{"TF_CLI_CONFIG_FILE": "/gate.tfrc", "TF_VAR_auditlog_policy_data_file": "/gate.json", "TF_IN_AUTOMATION": "1"})
	// TF_IN_AUTOMATION is kept, and set by the gate as well: replaced, never
	// named as removed.
	want := "TERRAFORM_CONFIG TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_CONFIG_FILE TF_DATA_DIR TF_PLUGIN_CACHE_DIR TF_REATTACH_PROVIDERS TF_VAR_auditlog_policy_data_file TF_WORKSPACE"
	if got := strings.Join(removed, " "); got != want {
		t.Errorf("removed %s\nwant    %s", got, want)
	}
	got := strings.Join(env, " ")
	for _, kv := range []string{"PATH=/bin", "TF_VAR_region=x", "TF_TOKEN_app_terraform_io=t", "TF_LOG=TRACE", "TF_LOG_PATH=/l", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=/gate.tfrc", "TF_VAR_auditlog_policy_data_file=/gate.json"} {
		if !strings.Contains(" "+got+" ", " "+kv+" ") {
			t.Errorf("the engine's environment lacks %s: %s", kv, got)
		}
	}
	for _, bad := range []string{"/author", "plugin-dir", "TF_DATA_DIR", "TF_REATTACH"} {
		if strings.Contains(got, bad) {
			t.Errorf("the engine's environment keeps %s: %s", bad, got)
		}
	}
}

func TestCLIConfigurationNamesOnlyTheGatesSources(t *testing.T) {
	rc := cliConfiguration("/m/${x}", []string{"registry.terraform.io/auditlog/auditlog"})
	for _, want := range []string{"provider_installation {", `path    = "/m/$${x}"`, `include = ["registry.terraform.io/auditlog/auditlog"]`} {
		if !strings.Contains(rc, want) {
			t.Errorf("CLI configuration lacks %s:\n%s", want, rc)
		}
	}
	if strings.Contains(rc, "dev_overrides") || strings.Contains(rc, "direct") {
		t.Errorf("CLI configuration with a mirror names another source:\n%s", rc)
	}
	if rc := cliConfiguration("", []string{"a/b/c"}); !strings.Contains(rc, "direct {\n    include = [\"a/b/c\"]") {
		t.Errorf("without a mirror: %s", rc)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigurationFindsLocalModulesAndRefusesWhatLeaves(t *testing.T) {
	top := t.TempDir()
	writeFiles(t, top, map[string]string{
		"envs/prod/main.tf":      `module "c" { source = "../../modules/c" }` + "\n",
		"registry/main.tf":       "module \"r\" {\n  source  = \"hashicorp/x/y\"\n  version = \"1.0.0\"\n}\n",
		"nested/main.tf":         `module "local" { source = "../git" }`,
		"git/main.tf.json":       `{"module": {"g": {"source": "git::https://example.com/m.git?ref=0123456789abcdef0123456789abcdef01234567"}}}`,
		"absolute/main.tf":       `module "a" { source = "/srv/modules/a" }`,
		"modules/c/main.tf.json": `{"module": {"d": {"source": "../d"}}}`,
		"modules/d/main.tf":      "",
		"outside/main.tf":        `module "o" { source = "../../` + filepath.Base(top) + `-x" }`,
		"cloud/main.tf":          "terraform {\n  cloud {\n    organization = \"o\"\n  }\n}\n",
		"remote/main.tf":         "terraform {\n  backend \"remote\" {}\n}\n",
		"s3/main.tf":             "terraform {\n  backend \"s3\" {}\n}\n",
		"computed/main.tf":       "module \"c\" {\n  source = var.x\n}\n",
	})
	top, _ = filepath.EvalSymlinks(top)
	c, err := readConfiguration(filepath.Join(top, "envs/prod"), top)
	if err != nil {
		t.Fatal(err)
	}
	if got := commonDir(c.dirs); got != top || len(c.dirs) != 3 {
		t.Errorf("dirs %v, common %s; want 3 under %s", c.dirs, got, top)
	}
	if err := os.MkdirAll(top+"-x", 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(top + "-x")
	for dir, want := range map[string]string{
		"outside":  "outside the repository",
		"cloud":    "a cloud block",
		"remote":   `backend "remote"`,
		"computed": "must be a literal string",
		"registry": `module "r" at ` + filepath.Join(top, "registry", "main.tf") + `:1,1-11 has the source "hashicorp/x/y", which is not in the reviewed repository`,
		"nested":   `module "g" at ` + filepath.Join(top, "git", "main.tf.json") + `:1,18-19 has the source "git::https://example.com/m.git?ref=0123456789abcdef0123456789abcdef01234567", which is not in the reviewed repository`,
		"absolute": `has the source "/srv/modules/a", which is not in the reviewed repository`,
	} {
		_, err := readConfiguration(filepath.Join(top, dir), top)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", dir, err, want)
		}
	}
	if _, err := readConfiguration(filepath.Join(top, "s3"), top); err != nil {
		t.Errorf("an s3 backend plans locally: %v", err)
	}
}

func TestCopyLeavesOutWhatChoosesProvidersAndState(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"main.tf": "x", "sub/a.tf": "y",
		".terraform/providers/registry.terraform.io/auditlog/auditlog/0.1.0/linux_amd64/terraform-provider-auditlog_v0.1.0": "forged",
		"terraform.d/plugins/registry.terraform.io/auditlog/auditlog/0.1.0/linux_amd64/terraform-provider-auditlog_v0.1.0":  "forged",
		".terraform.lock.hcl": "lock", "terraform.tfstate": "{}", "terraform.tfstate.backup": "{}", "sub/tfplan": "PK", "x.tfplan": "PK", ".terraformrc": "rc",
	})
	if err := os.Symlink("sub/a.tf", filepath.Join(src, "link.tf")); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	var log []string
	if err := copyTree(src, dst, func(s string) { log = append(log, s) }); err != nil {
		t.Fatal(err)
	}
	var got []string
	_ = filepath.WalkDir(dst, func(p string, d os.DirEntry, _ error) error {
		if !d.IsDir() {
			rel, _ := filepath.Rel(dst, p)
			got = append(got, rel)
		}
		return nil
	})
	if strings.Join(got, " ") != "link.tf main.tf sub/a.tf" {
		t.Errorf("copied %v, want link.tf main.tf sub/a.tf", got)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "link.tf")); err != nil || string(b) != "y" {
		t.Errorf("link.tf reads %q, %v", b, err)
	}
	if len(log) != 8 {
		t.Errorf("logged %d left out, want 8: %v", len(log), log)
	}

	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"secret.tf": "z"})
	if err := os.Symlink(filepath.Join(outside, "secret.tf"), filepath.Join(src, "leak.tf")); err != nil {
		t.Fatal(err)
	}
	err := copyTree(src, filepath.Join(t.TempDir(), "copy2"), func(string) {})
	if err == nil || !strings.Contains(err.Error(), "leads out of the directory the gate copies") {
		t.Errorf("a link out of the tree: %v", err)
	}
}

func TestExtraPoliciesMayNotJoinTheShippedPackages(t *testing.T) {
	for pkg, refused := range map[string]bool{"auditlog": true, "auditlog.lib": true, "compliance": true, "main": true, "main.x": true, "team.extra": false, "auditlogx": false} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"x.rego": "package " + pkg + "\n\nallow if true\n", "x_test.rego": "package auditlog\n"})
		mods, err := loadExtraPolicies([]string{dir})
		switch {
		case refused && (err == nil || !strings.Contains(err.Error(), "packages of their own")):
			t.Errorf("package %s: error %v, want it refused", pkg, err)
		case !refused && (err != nil || len(mods) != 1 || len(mods[0].sha256) != 64):
			t.Errorf("package %s: %v %v", pkg, mods, err)
		}
	}
}

func TestPinsAreTheHashesTerraformRecords(t *testing.T) {
	mirror := t.TempDir()
	writeFiles(t, mirror, map[string]string{
		"registry.terraform.io/auditlog/auditlog/0.1.0/linux_amd64/terraform-provider-auditlog_v0.1.0":  "binary",
		"registry.terraform.io/auditlog/auditlog/0.1.0/darwin_arm64/terraform-provider-auditlog_v0.1.0": "other",
		"registry.terraform.io/auditlog/auditlog/terraform-provider-auditlog_0.1.0_linux_amd64.zip":     "packed",
	})
	pkgs, err := findPackages(mirror)
	if err != nil {
		t.Fatal(err)
	}
	// h1: of a directory holding one file "terraform-provider-auditlog_v0.1.0"
	// with content "binary": base64 of the SHA-256 of the line
	// "<sha256 of the file, hex>  terraform-provider-auditlog_v0.1.0\n",
	// computed apart from Go.
	const h1 = "h1:IpcJ1uhYw4A+hlS91GUh2DvUtqCWyjqZfFQ8aIUIZLM="
	if len(pkgs) != 2 || pkgs[1].platform != "linux_amd64" || pkgs[1].hash != h1 {
		t.Fatalf("packages %+v", pkgs)
	}
	pins := pinsOf(pkgs)
	if len(pins) != 1 || len(pins[0].Hashes) != 2 {
		t.Fatalf("pins %+v", pins)
	}
	if err := checkPinned(pkgs, pins); err != nil {
		t.Error(err)
	}
	// A package linked from elsewhere is hashed where it lies.
	data := t.TempDir()
	dir := filepath.Join(data, "registry.terraform.io/auditlog/auditlog/0.1.0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pkgs[1].dir, filepath.Join(dir, "linux_amd64")); err != nil {
		t.Fatal(err)
	}
	linked, err := findPackages(data)
	if err != nil || len(linked) != 1 || linked[0].hash != h1 {
		t.Fatalf("linked package %+v %v", linked, err)
	}
	forged := []providerPackage{{address: "registry.terraform.io/auditlog/auditlog", version: "0.1.0", platform: "linux_amd64", hash: "h1:forged"}}
	if err := checkPinned(forged, pins); err == nil || !strings.Contains(err.Error(), "h1:forged, which the policy data does not pin") {
		t.Errorf("forged package: %v", err)
	}
	external := []providerPackage{{address: "registry.terraform.io/hashicorp/external", version: "2.3.5", platform: "linux_amd64", hash: h1}}
	if err := checkPinned(external, pins); err == nil || !strings.Contains(err.Error(), "registry.terraform.io/hashicorp/external 2.3.5 is not pinned") {
		t.Errorf("unpinned provider: %v", err)
	}
	if got := unpinnedIn("provider registry.terraform.io/hashicorp/external was not found; registry.terraform.io/auditlog/auditlog", []string{"registry.terraform.io/auditlog/auditlog"}); strings.Join(got, " ") != "registry.terraform.io/hashicorp/external" {
		t.Errorf("unpinned in the init log: %v", got)
	}
}

// The simulator policy, completed with a mirror's provider, is a valid
// document for the shipped rules: no POLICY: message.
func TestSimulatorPolicyIsValidForTheShippedRules(t *testing.T) {
	d, err := parsePolicyData(simulatorDocument(t), "builtin:simulator")
	if err != nil {
		t.Fatal(err)
	}
	d.simulator = true
	d, err = d.withProviders([]providerPin{{Address: "registry.terraform.io/auditlog/auditlog", Version: "0.1.0", Hashes: map[string][]string{"linux_amd64": {"h1:IpcJ1uhYw4A+hlS91GUh2DvUtqCWyjqZfFQ8aIUIZLM="}}}})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := json.Marshal(map[string]any{"format_version": "1.2", "timestamp": "2026-01-01T00:00:00Z"})
	ev, err := newEvaluator(nil, d, gateRun{Sealed: true, SimulatorPolicy: true, PolicySHA256: d.sha256()}, plan)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ev.eval(context.Background(), queryOutput)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "\n  POLICY:") {
		t.Errorf("the simulator policy is refused by the shipped rules:\n%s", out)
	}
	if !strings.Contains(out, noticeSimulator) {
		t.Errorf("the simulator policy's report does not say %q:\n%s", noticeSimulator, out)
	}
	if code, _, err := verdict(out); err != nil || code != exitCannotJudge {
		t.Errorf("an empty plan: exit %d, %v; want 2", code, err)
	}
}

// The version 2 document of the simulator policy, converted, is the
// simulator policy again but for the tracking set it puts out of RET-01's
// scope: convert adds the defaults of version 3 and nothing else.
func TestConvertWritesAVersion3Document(t *testing.T) {
	var doc map[string]map[string]map[string]any
	if err := json.Unmarshal(simulatorDocument(t), &doc); err != nil {
		t.Fatal(err)
	}
	v3 := doc["auditlog"]["policy"]
	v2 := map[string]any{}
	for k, v := range v3 {
		v2[k] = v
	}
	for _, k := range []string{"min_retention_days", "cls_window_days", "cls_member_account_field", "cloudaudit_instance_event_patterns"} {
		delete(v2, k)
	}
	v2["schema_version"] = 2
	v3Controls, ok := v3["controls"].(map[string]any)
	if !ok {
		t.Fatal("the simulator policy has no controls object")
	}
	controls := map[string]any{}
	for id, c := range v3Controls {
		if id != "RET-01" && id != "EVT-02" {
			controls[id] = c
		}
	}
	v2["controls"] = controls
	raw, err := json.Marshal(map[string]any{"auditlog": map[string]any{"policy": v2}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "v2.json")
	writeFiles(t, filepath.Dir(file), map[string]string{"v2.json": string(raw)})
	if _, err := parsePolicyData(raw, file); err == nil || !strings.Contains(err.Error(), "auditlog-gate convert FILE") {
		t.Errorf("a version 2 document: error %v, want the way to convert it", err)
	}
	var out, errs strings.Builder
	if code := runConvertV2([]string{file}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var got map[string]map[string]map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	p := got["auditlog"]["policy"]
	for k, want := range map[string]any{"schema_version": float64(3), "min_retention_days": float64(184), "cls_window_days": float64(180), "cls_member_account_field": nil} {
		if p[k] != want {
			t.Errorf("%s: %v, want %v", k, p[k], want)
		}
	}
	c, _ := p["controls"].(map[string]any)
	if c["RET-01"] == nil || c["EVT-02"] == nil || c["TRK-01"] == nil {
		t.Errorf("controls: %v", c)
	}
	if _, err := parsePolicyData([]byte(out.String()), "converted.json"); err != nil {
		t.Errorf("the converted document: %v", err)
	}
	var none strings.Builder
	if code := runConvertV2([]string{filepath.Join(t.TempDir(), "missing.json")}, &none, &none); code != exitCannotJudge {
		t.Errorf("a missing file: exit %d", code)
	}
}

func TestConvertV1WritesAVersion2Document(t *testing.T) {
	v1 := filepath.Join(t.TempDir(), "v1.json")
	writeFiles(t, filepath.Dir(v1), map[string]string{"v1.json": `{"auditlog": {"policy": {
  "schema_version": 1, "required_data_sources": ["auditlog_cloudaudit_tracks"],
  "controls": {"TRK-01": {"allowed_narrowing": ["max_items"]}},
  "window_days": 28, "window_start": null, "window_end": null, "max_plan_age_seconds": 3600,
  "tencentcloud_accounts": ["100000000001"], "tencentcloud_regions": ["ap-guangzhou"], "csip_sub_uins": [],
  "ucloud_projects": ["org-sim001"], "allowed_networks": [], "cloudaudit_privileged_users": [],
  "cloudaudit_watched_event_patterns": ["^Delete"], "ucloud_privileged_users": [], "ucloud_risky_api_patterns": ["^Delete"],
  "ucloud_max_failed": 3, "allowed_endpoint_hosts": ["^api\\.ucloud\\.cn$"]}}}`})
	var out, errs strings.Builder
	if code := runConvertV1([]string{v1}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var doc struct {
		Auditlog struct {
			Policy map[string]any `json:"policy"`
		} `json:"auditlog"`
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	p := doc.Auditlog.Policy
	if p["schema_version"] != float64(2) || p["tencentcloud"] == nil || p["origins"] == nil || p["tencentcloud_accounts"] != nil {
		t.Errorf("converted:\n%s", out.String())
	}
	var none strings.Builder
	if code := runConvertV1([]string{filepath.Join(t.TempDir(), "missing.json")}, &none, &none); code != exitCannotJudge {
		t.Errorf("a missing file: exit %d", code)
	}
}

func TestDevOverridesAreFoundWhereTheEngineLooks(t *testing.T) {
	home := t.TempDir()
	override := "provider_installation {\n  dev_overrides {\n    \"auditlog/auditlog\" = \"/x\"\n  }\n}\n"
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if f := devOverrideIn(env(map[string]string{"HOME": home})); f != "" {
		t.Errorf("no CLI configuration: %s", f)
	}
	writeFiles(t, home, map[string]string{"commented.tfrc": "# dev_overrides {\n", ".terraform.d/extra.tfrc": override})
	if f := devOverrideIn(env(map[string]string{"HOME": home, "TF_CLI_CONFIG_FILE": filepath.Join(home, "commented.tfrc")})); f != filepath.Join(home, ".terraform.d", "extra.tfrc") {
		t.Errorf("found %q, want the .tfrc of the configuration directory", f)
	}
	if err := os.Remove(filepath.Join(home, ".terraform.d", "extra.tfrc")); err != nil {
		t.Fatal(err)
	}
	if f := devOverrideIn(env(map[string]string{"HOME": home, "TF_CLI_CONFIG_FILE": filepath.Join(home, "commented.tfrc")})); f != "" {
		t.Errorf("a commented dev_overrides counted: %s", f)
	}
	writeFiles(t, home, map[string]string{".terraformrc": override})
	if f := devOverrideIn(env(map[string]string{"HOME": home})); f != filepath.Join(home, ".terraformrc") {
		t.Errorf("found %q, want ~/.terraformrc", f)
	}
}

func TestHelpDocumentsEveryFlagVariableAndExitCode(t *testing.T) {
	var out, errs strings.Builder
	if code := run([]string{"--help"}, &out, &errs); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, want := range []string{"--data", "builtin:simulator", "--policy", "--provider-mirror", "--root", "--allow-rules-in-tree", "--junit", "--sarif", "--summary", "--source", "GITHUB_STEP_SUMMARY", "<properties>", "--var-file", "--version",
		"pin --mirror", "convert-v1", "AUDITLOG_GATE_TF", "TF_VAR_auditlog_policy_data_file", "TF_CLI_ARGS", "-detailed-exitcode", "-target", "accept_unsealed_plans", "HOME, XDG_CONFIG_HOME", "not a relative path", "\n  0  ", "\n  1  ", "\n  2  "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
	out.Reset()
	if code := run([]string{"--version"}, &out, &errs); code != 0 || out.String() != "auditlog-gate dev\n" {
		t.Errorf("--version: exit %d, %q", code, out.String())
	}
	errs.Reset()
	if code := run([]string{"dir"}, &out, &errs); code != exitCannotJudge || !strings.Contains(errs.String(), "no policy data") {
		t.Errorf("no --data: exit %d, %s", code, errs.String())
	}
}

// The gate never writes into the reviewed repository, not even its
// temporary files; and --root decides what "inside" means.
func TestNothingIsWrittenInsideTheReviewedRepository(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{".git/HEAD": "ref", "cfg/main.tf": "", "tmp/.keep": ""})
	rules := t.TempDir()
	writeFiles(t, rules, map[string]string{"policy.json": string(simulatorDocument(t))})
	t.Setenv("TMPDIR", filepath.Join(repo, "tmp"))
	t.Setenv("AUDITLOG_GATE_TF", "true") // nothing gets as far as running it
	var out, errs strings.Builder
	code := run([]string{"--data", filepath.Join(rules, "policy.json"), filepath.Join(repo, "cfg")}, &out, &errs)
	if code != exitCannotJudge || !strings.Contains(errs.String(), "is inside the reviewed repository") || !strings.Contains(errs.String(), "TMPDIR") {
		t.Errorf("TMPDIR in the repository: exit %d\n%s", code, errs.String())
	}
	// With --root at cfg, rules beside it in the repository are outside
	// what is reviewed.
	errs.Reset()
	writeFiles(t, repo, map[string]string{"rules/policy.json": string(simulatorDocument(t))})
	t.Setenv("TMPDIR", rules)
	code = run([]string{"--data", filepath.Join(repo, "rules", "policy.json"), filepath.Join(repo, "cfg")}, &out, &errs)
	if code != exitCannotJudge || !strings.Contains(errs.String(), "policy data "+filepath.Join(repo, "rules", "policy.json")+" is inside the reviewed repository") {
		t.Errorf("rules in the repository: exit %d\n%s", code, errs.String())
	}
	errs.Reset()
	code = run([]string{"--root", filepath.Join(repo, "cfg"), "--data", filepath.Join(repo, "rules", "policy.json"), filepath.Join(repo, "cfg")}, &out, &errs)
	if strings.Contains(errs.String(), "is inside the reviewed repository") || !strings.Contains(errs.String(), "POLICY: providers is empty") {
		t.Errorf("--root: exit %d\n%s", code, errs.String())
	}
}

// The engine's HOME and XDG base directories are empty directories inside
// the gate's own work directory: none of the runner's survives.
func TestEngineHomeReplacesTheRunnersDirectories(t *testing.T) {
	work := t.TempDir()
	own, err := engineHome(work)
	if err != nil {
		t.Fatal(err)
	}
	runner := []string{"HOME=/home/ci", "USERPROFILE=/home/ci", "APPDATA=/home/ci/a", "LOCALAPPDATA=/home/ci/l",
		"XDG_CONFIG_HOME=/home/ci/.config", "XDG_DATA_HOME=/home/ci/.local/share", "XDG_CACHE_HOME=/home/ci/.cache",
		"XDG_STATE_HOME=/home/ci/.local/state", "XDG_DATA_DIRS=/usr/share", "XDG_CONFIG_DIRS=/etc/xdg", "PATH=/bin"}
	env, removed := engineEnvironment(runner, own)
	if len(removed) != 0 {
		t.Errorf("removed %v: replaced variables are not removed ones", removed)
	}
	seen := map[string]bool{}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if seen[name] {
			t.Errorf("%s is set twice", name)
		}
		seen[name] = true
		if name == "PATH" {
			continue
		}
		if strings.HasPrefix(value, "/home/ci") || strings.HasPrefix(value, "/usr") || strings.HasPrefix(value, "/etc") {
			t.Errorf("%s keeps the runner's %s", name, value)
		}
		if !strings.HasPrefix(value, work+string(filepath.Separator)) {
			t.Errorf("%s=%s is outside the gate's directory %s", name, value, work)
		}
		entries, err := os.ReadDir(value)
		if err != nil || (name != "HOME" && name != "USERPROFILE" && len(entries) != 0) {
			t.Errorf("%s=%s: %d entries, %v; want an empty directory", name, value, len(entries), err)
		}
	}
	for _, kv := range runner {
		name, _, _ := strings.Cut(kv, "=")
		if !seen[name] {
			t.Errorf("the engine's environment lacks %s", name)
		}
	}
}
