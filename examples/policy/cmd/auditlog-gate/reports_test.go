package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/auditlog/terraform-provider-auditlog/examples/policy/catalogue"
)

// The tests never add to the step summary of the CI job that runs them:
// every run of the command (and of the built binary, which inherits the
// environment) would otherwise write its summary there.
func init() { _ = os.Unsetenv("GITHUB_STEP_SUMMARY") }

// validateSARIF checks a SARIF file against the SARIF 2.1.0 schema of
// OASIS (testdata/sarif-schema-2.1.0.json, the errata 01 schema), with a
// JSON schema validator, and returns it decoded.
func validateSARIF(t *testing.T, path string) *sarifLog {
	t.Helper()
	schemaFile, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer schemaFile.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, schemaDoc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("%s is not valid SARIF 2.1.0: %v", path, err)
	}
	var log sarifLog
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	return &log
}

// checkLocationsExist requires every result to be located at a line that
// exists in a file of the repository at repo.
func checkLocationsExist(t *testing.T, log *sarifLog, repo string) {
	t.Helper()
	lineCounts := map[string]int{}
	for i, r := range log.Runs[0].Results {
		if len(r.Locations) == 0 {
			t.Errorf("result %d (%s) has no location", i, r.RuleID)
			continue
		}
		loc := r.Locations[0].PhysicalLocation
		uri := loc.ArtifactLocation.URI
		n, ok := lineCounts[uri]
		if !ok {
			b, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(uri)))
			if err != nil {
				t.Errorf("result %d (%s) is located in %s, which is not in the repository: %v", i, r.RuleID, uri, err)
				continue
			}
			n = bytes.Count(b, []byte("\n")) + 1
			lineCounts[uri] = n
		}
		if loc.Region.StartLine < 1 || loc.Region.StartLine > n {
			t.Errorf("result %d (%s) is at line %d of %s, which has %d lines", i, r.RuleID, loc.Region.StartLine, uri, n)
		}
	}
}

// benchRun judges the bench plan (events events, findings of them EVT-01
// findings) as a plan JSON with --source set to the compliance example's
// root module, writing every report into a temporary directory.
func benchRun(t *testing.T, events, findings int) (code int, dir string, errs string) {
	t.Helper()
	dir = t.TempDir()
	writeBenchFiles(t, dir, benchPolicyDocument(), benchPlanJSON(time.Now(), events, findings))
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out, stderr strings.Builder
	code = run([]string{
		"--data", filepath.Join(dir, "policy", "policy.json"),
		"--sarif", filepath.Join(dir, "out", "gate.sarif"),
		"--summary", filepath.Join(dir, "out", "summary.md"),
		"--junit", filepath.Join(dir, "out", "junit.xml"),
		"--source", filepath.Join(repoRoot(t), "examples", "compliance", "root"),
		filepath.Join(dir, "plan", "plan.json"),
	}, &out, &stderr)
	return code, dir, stderr.String()
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// The SARIF file of a failing plan is valid SARIF 2.1.0, has a rule per
// control with the requirement ids the catalogue gives it, one result per
// violation at the data source block in the module's file, and stable
// fingerprints.
func TestSARIFOfAFailingPlan(t *testing.T) {
	code, dir, errs := benchRun(t, 1000, 100)
	if code != exitViolations {
		t.Fatalf("exit %d, want 1\n%s", code, errs)
	}
	log := validateSARIF(t, filepath.Join(dir, "out", "gate.sarif"))
	checkLocationsExist(t, log, repoRoot(t))
	run := log.Runs[0]
	rules := map[string]sarifRule{}
	for _, r := range run.Tool.Driver.Rules {
		rules[r.ID] = r
	}
	for _, c := range catalogue.Controls() {
		r, ok := rules[c.ID]
		if !ok {
			t.Errorf("no rule for %s", c.ID)
			continue
		}
		for _, tag := range c.RequirementTags() {
			if !contains(r.Properties.Tags, tag) {
				t.Errorf("rule %s lacks the requirement tag %s: %v", c.ID, tag, r.Properties.Tags)
			}
			if !strings.Contains(r.Help.Markdown, tag) {
				t.Errorf("rule %s's help does not name %s", c.ID, tag)
			}
		}
		if r.ShortDescription.Text != c.Title {
			t.Errorf("rule %s: %q, want the title %q", c.ID, r.ShortDescription.Text, c.Title)
		}
	}
	if len(run.Results) != 100 {
		t.Fatalf("%d results, want the 100 findings", len(run.Results))
	}
	events := dataBlockLine(t, filepath.Join(repoRoot(t), "examples", "compliance"), "auditlog_cloudaudit_events", "window")
	seen := map[string]bool{}
	for _, r := range run.Results {
		if r.RuleID != "EVT-01" || r.Level != "error" || run.Tool.Driver.Rules[r.RuleIndex].ID != "EVT-01" {
			t.Errorf("result %s (rule index %d) level %s: want EVT-01 errors", r.RuleID, r.RuleIndex, r.Level)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != events.file || loc.Region.StartLine != events.line {
			t.Errorf("result at %s:%d, want the data source at %s:%d", loc.ArtifactLocation.URI, loc.Region.StartLine, events.file, events.line)
		}
		fp := r.PartialFingerprints[fingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("fingerprint %q missing or repeated", fp)
		}
		seen[fp] = true
	}
	// The same plan made again later gives the same fingerprints.
	_, dir2, _ := benchRun(t, 1000, 100)
	again := validateSARIF(t, filepath.Join(dir2, "out", "gate.sarif"))
	for _, r := range again.Runs[0].Results {
		if !seen[r.PartialFingerprints[fingerprintKey]] {
			t.Errorf("fingerprint of %q changed between two runs", r.Message.Text)
		}
	}
}

type blockAt struct {
	file string
	line int
}

// dataBlockLine finds `data "TYPE" "NAME"` in the .tf files of dir by
// reading them as text: an answer found without HCL.
func dataBlockLine(t *testing.T, dir, typ, name string) blockAt {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	header := regexp.MustCompile(`^\s*data\s+"` + typ + `"\s+"` + name + `"`)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			if header.MatchString(sc.Text()) {
				fh.Close()
				rel, _ := filepath.Rel(repoRoot(t), f)
				return blockAt{filepath.ToSlash(rel), n}
			}
		}
		fh.Close()
	}
	t.Fatalf("no data %q %q in %s", typ, name, dir)
	return blockAt{}
}

// A plan of more results than a SARIF file holds keeps the first 5,000
// and says how many were left out; the summary of the busy-account bench
// plan (100,000 events, 10,000 findings) stays under 1 MiB and counts what
// it leaves out.
func TestReportsOfTheBusyAccountPlanStayWithinTheirLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("judges a plan of 100,000 events")
	}
	code, dir, errs := benchRun(t, benchEvents, benchFindings)
	if code != exitViolations {
		t.Fatalf("exit %d, want 1\n%s", code, errs)
	}
	summary, err := os.ReadFile(filepath.Join(dir, "out", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(summary) >= summaryLimit {
		t.Errorf("the summary holds %d bytes, not under 1 MiB", len(summary))
	}
	shown := strings.Count(string(summary), "\n- EVT-01: ")
	want := "_" + thousands(benchFindings-shown) + " more violations not shown here (" + thousands(benchFindings) + " in all"
	if shown == 0 || shown == benchFindings || !strings.Contains(string(summary), want) {
		t.Errorf("the summary shows %d violations; it must count the rest (%q)", shown, want)
	}
	for _, w := range []string{"## ❌ auditlog-gate: FAIL (exit 1)", "### Controls (10)", "| **EVT-01** No console login or deletion by a user outside the allow-list | ❌ FAIL (10,000 findings) | 100,000 / 100,000 | 100000000001 |", "### Reads (5)"} {
		if !strings.Contains(string(summary), w) {
			t.Errorf("the summary lacks %q", w)
		}
	}
	log := validateSARIF(t, filepath.Join(dir, "out", "gate.sarif"))
	run := log.Runs[0]
	if len(run.Results) != maxSARIFResults {
		t.Errorf("%d results, want %d", len(run.Results), maxSARIFResults)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) == 0 || !strings.Contains(notes[0].Message.Text, "10000 results in all: the first 5000 are in this file, 5000 are left out") {
		t.Errorf("no note of the results left out: %+v", notes)
	}
	if !strings.Contains(errs, "(5000 results left out past 5000") {
		t.Errorf("the gate does not say it left results out:\n%s", errs)
	}
}

// Every JUnit case carries what it rests on: the account, region, window,
// records scanned and kept and the requirement ids; each read's case its
// provenance line.
func TestJUnitCasesCarryWhatTheyRestOn(t *testing.T) {
	code, dir, errs := benchRun(t, 1000, 100)
	if code != exitViolations {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	checkJUnitCases(t, doc)
	evt, _ := catalogue.Lookup("EVT-01")
	for _, w := range []string{
		`<testcase classname="controls" name="EVT-01 No console login or deletion by a user outside the allow-list"><properties><property name="control" value="EVT-01"/><property name="status" value="fail"/><property name="account" value="100000000001"/><property name="region" value="ap-guangzhou"/>`,
		`<property name="records_scanned" value="1000"/><property name="records_kept" value="1000"/><property name="findings" value="100"/><property name="requirement_ids" value="` + strings.Join(evt.RequirementTags(), ", ") + `"/>`,
		`<system-out>module.compliance.data.auditlog_cloudaudit_events.window: 1000 records; window `,
		`<testcase classname="data sources" name="module.compliance.data.auditlog_ucloud_operation_events.window"><properties><property name="address" value="module.compliance.data.auditlog_ucloud_operation_events.window"/><property name="account" value=""/><property name="region" value=""/><property name="project" value="org-sim001"/>`,
		`<property name="endpoint" value="https://api.ucloud.cn"/>`,
		`<testcase classname="plan" name="plan"><properties><property name="verdict" value="FAIL"/>`,
	} {
		if !strings.Contains(doc, w) {
			t.Errorf("the JUnit report lacks %s", w)
		}
	}
	if t.Failed() {
		t.Logf("%.6000s", doc)
	}
}

// checkJUnitCases requires properties on every case (and a window
// property), a system-out on every read's case, and well-formed XML.
func checkJUnitCases(t *testing.T, doc string) {
	t.Helper()
	cases := regexp.MustCompile(`(?m)^\s*<testcase .*$`).FindAllString(doc, -1)
	if len(cases) == 0 {
		t.Fatal("no test case")
	}
	for _, c := range cases {
		if !strings.Contains(c, "<properties><property ") {
			t.Errorf("a case without properties: %s", c)
		}
		if strings.Contains(c, `classname="data sources"`) && !strings.Contains(c, "<system-out>") && !strings.Contains(c, `name="values"`) {
			t.Errorf("a read's case without its provenance: %s", c)
		}
	}
	dec := newXMLChecker(doc)
	if err := dec(); err != nil {
		t.Errorf("the JUnit report is not well-formed XML: %v", err)
	}
}

// The summary puts failures first: the verdict, the violations, then the
// controls with the failing ones on top, and the reads.
func TestSummaryPutsFailuresFirst(t *testing.T) {
	code, dir, errs := benchRun(t, 1000, 100)
	if code != exitViolations {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	order := []string{"## ❌ auditlog-gate: FAIL (exit 1)", "### Violations (100)", "\n- EVT-01: module.compliance.data.auditlog\\_cloudaudit\\_events.window: evt-", "### Controls (10)", "| **EVT-01**", "| **TRK-01**", "### Reads (5)", "| `module.compliance.data.auditlog_cloudaudit_events.window` | ❌ FAIL | 100000000001 | ap-guangzhou |", "| `module.compliance.data.auditlog_cloudaudit_tracks.all` | ✅ PASS |"}
	at := 0
	for _, w := range order {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Errorf("the summary lacks %q after position %d", w, at)
			continue
		}
		at += i
	}
	evt, _ := catalogue.Lookup("EVT-01")
	if !strings.Contains(s, mdCell(strings.Join(evt.RequirementTags(), ", "))) {
		t.Errorf("the summary does not name EVT-01's requirements %v", evt.RequirementTags())
	}
	if !strings.Contains(s, "provider not verified") {
		t.Error("the summary of an unsealed plan does not say the provider is not verified")
	}
	if t.Failed() {
		t.Logf("%.4000s", s)
	}
}

// GITHUB_STEP_SUMMARY is the summary's default, added to, not replaced.
func TestSummaryDefaultsToTheStepSummary(t *testing.T) {
	dir := t.TempDir()
	step := filepath.Join(dir, "step.md")
	if err := os.WriteFile(step, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	writeBenchFiles(t, dir, benchPolicyDocument(), benchPlanJSON(time.Now(), 100, 10))
	code := run([]string{"--data", filepath.Join(dir, "policy", "policy.json"), filepath.Join(dir, "plan", "plan.json")}, io.Discard, io.Discard)
	b, _ := os.ReadFile(step)
	if code != exitViolations || !strings.HasPrefix(string(b), "earlier step\n## ❌ auditlog-gate: FAIL (exit 1)") {
		t.Errorf("exit %d; the step summary:\n%.500s", code, b)
	}
}

// A run refused before any rule ran still writes its SARIF file and
// summary, with the reason, located at the root module.
func TestRefusedRunWritesTheReason(t *testing.T) {
	dir := t.TempDir()
	writeBenchFiles(t, dir, benchPolicyDocument(), benchPlanJSON(time.Now(), 10, 1))
	src := filepath.Join(repoRoot(t), "examples", "compliance", "root")
	var errs strings.Builder
	sarif, summary := filepath.Join(dir, "gate.sarif"), filepath.Join(dir, "summary.md")
	// PLAN_ARGS with a plan JSON: refused before judging.
	code := run([]string{"--data", filepath.Join(dir, "policy", "policy.json"), "--sarif", sarif, "--summary", summary, "--source", src, filepath.Join(dir, "plan", "plan.json"), "--", "-var=x=1"}, io.Discard, &errs)
	if code != exitCannotJudge {
		t.Fatalf("exit %d\n%s", code, errs.String())
	}
	log := validateSARIF(t, sarif)
	checkLocationsExist(t, log, repoRoot(t))
	rs := log.Runs[0].Results
	if len(rs) != 1 || rs[0].RuleID != ruleCannotJudge || !strings.Contains(rs[0].Message.Text, "PLAN_ARGS") ||
		rs[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "examples/compliance/root/main.tf" || rs[0].Locations[0].PhysicalLocation.Region.StartLine != 1 {
		t.Errorf("results %+v", rs)
	}
	b, _ := os.ReadFile(summary)
	if !strings.Contains(string(b), "auditlog-gate: CANNOT JUDGE (exit 2)") || !strings.Contains(string(b), "PLAN\\_ARGS") {
		t.Errorf("summary:\n%s", b)
	}
}

// --sarif with a plan JSON needs --source; --source needs a plan JSON.
func TestSARIFOfAPlanJSONNeedsItsSource(t *testing.T) {
	dir := t.TempDir()
	writeBenchFiles(t, dir, benchPolicyDocument(), benchPlanJSON(time.Now(), 10, 1))
	var errs strings.Builder
	code := run([]string{"--data", filepath.Join(dir, "policy", "policy.json"), "--sarif", filepath.Join(dir, "x.sarif"), filepath.Join(dir, "plan", "plan.json")}, io.Discard, &errs)
	if code != exitCannotJudge || !strings.Contains(errs.String(), "needs --source DIR") {
		t.Errorf("exit %d\n%s", code, errs.String())
	}
	errs.Reset()
	code = run([]string{"--data", filepath.Join(dir, "policy", "policy.json"), "--source", dir, dir}, io.Discard, &errs)
	if code != exitCannotJudge || !strings.Contains(errs.String(), "--source applies to a plan JSON") {
		t.Errorf("exit %d\n%s", code, errs.String())
	}
}

// Addresses are found where they are written: the data source in the
// module a call leads to (instance keys of any kind ignored), a data
// source nested in a check block, a check block, the module call when the
// block is not there or the module is not local, the root module's first
// file otherwise; .tf.json files count too.
func TestAddressesAreLocatedInTheRepository(t *testing.T) {
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		"infra/root/a.tf": "# first\n",
		"infra/root/main.tf": "module \"c\" {\n  source = \"../mod\"\n  for_each = toset([\"a\"])\n}\n\n" +
			"module \"remote\" {\n  source = \"example/mod/aws\"\n}\n",
		"infra/mod/data.tf":      "\n\ndata \"auditlog_cloudaudit_tracks\" \"all\" {\n}\n\ncheck \"net_01\" {\n  data \"auditlog_cloudaudit_events\" \"probe\" {\n  }\n  assert {\n    condition = true\n    error_message = \"x\"\n  }\n}\n",
		"infra/mod/more.tf.json": "{\n  \"data\": {\n    \"auditlog_csip_user_call_records\": {\n      \"sub\": {}\n    }\n  }\n}\n",
	})
	m := newSourceMap(filepath.Join(repo, "infra", "root"), repoMapper(repo, ""))
	for address, want := range map[string]string{
		`module.c["a"].data.auditlog_cloudaudit_tracks.all`:                "infra/mod/data.tf:3 data source",
		`module.c["a.]\"b"].data.auditlog_csip_user_call_records.sub["1"]`: "infra/mod/more.tf.json:4 data source",
		`module.c["a"].data.auditlog_cloudaudit_events.probe`:              "infra/mod/data.tf:7 data source",
		`module.c["a"].check.net_01`:                                       "infra/mod/data.tf:6 check block",
		`module.c["a"].data.auditlog_cloudaudit_events.gone`:               "infra/root/main.tf:1 module call",
		`module.remote.data.auditlog_cloudaudit_events.x`:                  "infra/root/main.tf:6 module call",
		`data.auditlog_cloudaudit_events.nowhere`:                          "infra/root/a.tf:1 root module",
		"": "infra/root/a.tf:1 root module",
	} {
		p, ok := m.locate(address)
		got := p.File + ":" + itoa(p.StartLine) + " " + p.What
		if !ok || got != want {
			t.Errorf("locate(%s) = %s (%v), want %s", address, got, ok, want)
		}
	}
	if a := firstAddress(`PLAN: module.c["x"].data.auditlog_cloudaudit_events.window is deferred to apply`); a != `module.c["x"].data.auditlog_cloudaudit_events.window` {
		t.Errorf("firstAddress: %q", a)
	}
	// The sealed copy's paths map back to the repository's.
	copyRoot := t.TempDir()
	writeFiles(t, copyRoot, map[string]string{"root/main.tf": "module \"c\" {\n  source = \"../mod\"\n}\n", "mod/x.tf": "data \"auditlog_cloudaudit_tracks\" \"all\" {}\n"})
	sealed := newSourceMap(filepath.Join(copyRoot, "root"), repoMapper(copyRoot, "infra"))
	sealed.preload()
	// The copy is gone when a refused run writes its reports: what was
	// read before is what locates them.
	if err := os.RemoveAll(copyRoot); err != nil {
		t.Fatal(err)
	}
	if p, _ := sealed.locate("module.c.data.auditlog_cloudaudit_tracks.all"); p.File != "infra/mod/x.tf" || p.StartLine != 1 {
		t.Errorf("sealed copy: %+v", p)
	}
	if p, ok := sealed.locate(""); !ok || p.File != "infra/root/main.tf" || p.StartLine != 1 {
		t.Errorf("sealed copy, root: %+v", p)
	}
}

func itoa(n int) string { return thousands(n) }

// newXMLChecker returns a function that reads every token of doc.
func newXMLChecker(doc string) func() error {
	return func() error {
		d := xml.NewDecoder(strings.NewReader(doc))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}
}

// --help documents every flag the command line parser takes: the flags
// are read from parseArgs itself, so a new flag cannot go undocumented.
func TestHelpDocumentsEveryFlagTheParserTakes(t *testing.T) {
	src, err := os.ReadFile("args.go")
	if err != nil {
		t.Fatal(err)
	}
	flags := regexp.MustCompile(`case "(--[a-z-]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d flags in args.go", len(flags))
	}
	var out strings.Builder
	if code := run([]string{"--help"}, &out, io.Discard); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, f := range flags {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(f[1]) + `\b`).MatchString(out.String()) {
			t.Errorf("--help has no paragraph for %s", f[1])
		}
	}
}
