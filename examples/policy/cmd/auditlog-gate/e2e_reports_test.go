package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestAccGateReports runs the built command through the real engine on
// the simulator's compliant and noncompliant scenarios with every report
// asked for: the SARIF file validates against the SARIF 2.1.0 schema, has
// the rules of the catalogue and the expected results, each located at a
// line of a file of the reviewed repository; the summary and the JUnit
// report say what each verdict rests on.
func TestAccGateReports(t *testing.T) {
	s := setupE2E(t)
	rules := t.TempDir()
	varFile := filepath.Join(rules, "ci.tfvars")
	writeFiles(t, rules, map[string]string{"ci.tfvars": "enforce = false\n"})

	runScenario := func(t *testing.T, scenario string, wantCode int) (out, dir, repo string) {
		env, port := s.sim(t, scenario)
		policy := s.policyFor(t, mkdir(t, rules, scenario), port, nil)
		repo = s.reviewedRepo(t)
		dir = t.TempDir()
		out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile,
			"--junit", filepath.Join(dir, "junit.xml"), "--sarif", filepath.Join(dir, "gate.sarif"), "--summary", filepath.Join(dir, "summary.md"),
			filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, wantCode, "SARIF report: "+filepath.Join(dir, "gate.sarif"), "summary: "+filepath.Join(dir, "summary.md"))
		// The docs' images are made from these reports (tools/textpng).
		if keep := os.Getenv("AUDITLOG_GATE_KEEP_REPORTS"); keep != "" {
			if err := os.CopyFS(filepath.Join(keep, scenario), os.DirFS(dir)); err != nil {
				t.Error(err)
			}
		}
		return out, dir, repo
	}

	t.Run("compliant", func(t *testing.T) {
		_, dir, repo := runScenario(t, "compliant", 0)
		log := validateSARIF(t, filepath.Join(dir, "gate.sarif"))
		if n := len(log.Runs[0].Results); n != 0 {
			t.Errorf("%d results of a compliant plan", n)
		}
		checkRules(t, log)
		checkLocationsExist(t, log, repo)
		summary := readText(t, filepath.Join(dir, "summary.md"))
		for _, w := range []string{"## ✅ auditlog-gate: PASS (exit 0)", "gate: PASS: 10 controls evaluated", "### Controls (10)", "| **TRK-01** Every CloudAudit tracking set is enabled | ✅ PASS |",
			"### Reads (", "| `module.compliance.data.auditlog_cloudaudit_tracks.all` | ✅ PASS |", "| complete | http://127.0.0.1:", "MLPS2-L3:8.1.4.3a"} {
			if !strings.Contains(summary, w) {
				t.Errorf("the summary lacks %q", w)
			}
		}
		if strings.Contains(summary, "### Violations") || strings.Contains(summary, "### Cannot judge") {
			t.Error("the summary of a pass lists violations")
		}
		junit := readText(t, filepath.Join(dir, "junit.xml"))
		checkJUnitCases(t, junit)
		for _, w := range []string{`<testcase classname="controls" name="TRK-01 Every CloudAudit tracking set is enabled"><properties><property name="control" value="TRK-01"/><property name="status" value="pass"/>`,
			`<property name="requirement_ids" value="MLPS2-L3:8.1.4.3a`, `<system-out>module.compliance.data.auditlog_cloudaudit_tracks.all: `, "; endpoint http://127.0.0.1:"} {
			if !strings.Contains(junit, w) {
				t.Errorf("the JUnit report lacks %s", w)
			}
		}
		if t.Failed() {
			t.Logf("summary:\n%s", summary)
		}
	})

	t.Run("noncompliant", func(t *testing.T) {
		out, dir, repo := runScenario(t, "noncompliant", 1)
		log := validateSARIF(t, filepath.Join(dir, "gate.sarif"))
		checkRules(t, log)
		checkLocationsExist(t, log, repo)
		// One result per violation the output lists, each of the rule of
		// the control it names, at the data source block it names.
		violations := outputViolations(out)
		results := log.Runs[0].Results
		if len(results) != len(violations) || len(results) == 0 {
			t.Errorf("%d results, %d violations in the output", len(results), len(violations))
		}
		byRule := map[string]int{}
		for _, r := range results {
			byRule[r.RuleID]++
			if !contains(violations, r.Message.Text) {
				t.Errorf("result %q is no violation of the output", r.Message.Text)
			}
			// A failed check block counts against the control of its name
			// (check.net_01 is NET-01).
			if id, _, _ := strings.Cut(r.Message.Text, ":"); id != r.RuleID && id != "CHECK" {
				t.Errorf("result of rule %s says %q", r.RuleID, r.Message.Text)
			}
			loc := r.Locations[0].PhysicalLocation
			if !strings.HasPrefix(loc.ArtifactLocation.URI, "compliance/") || loc.ArtifactLocation.URI == "compliance/root/main.tf" && r.Properties["location"] != "module call" {
				t.Errorf("result %q at %s:%d (%v)", r.Message.Text, loc.ArtifactLocation.URI, loc.Region.StartLine, r.Properties["location"])
			}
		}
		var got []string
		for id, n := range byRule {
			got = append(got, id+"="+itoa(n))
		}
		sort.Strings(got)
		// The scenario's findings (cloudsim's noncompliant data), and the
		// failed check block of each control: RET-01's is the enabled set
		// without storage; EVT-02's that the one set delivering to CLS
		// records CAM writes only, so no analysis can show an instance
		// deletion.
		if want := "EVT-01=4 EVT-02=2 NET-01=5 RET-01=2 TRK-01=2 TRK-02=2 TRK-03=2 TRK-04=2 UC-01=4 UC-02=5"; strings.Join(got, " ") != want {
			t.Errorf("results by rule: %v, want %s", got, want)
		}
		for _, r := range results {
			loc := r.Locations[0].PhysicalLocation
			if strings.HasPrefix(r.Message.Text, "CHECK: ") && (r.Properties["location"] != "check block" || !strings.HasPrefix(lineOf(t, repo, loc), `check "`)) {
				t.Errorf("%q at %s:%d (%v), want its check block in the module", r.Message.Text, loc.ArtifactLocation.URI, loc.Region.StartLine, r.Properties["location"])
			}
		}
		net := dataBlockLine(t, filepath.Join(repo, "compliance"), "auditlog_csip_user_call_records", "sub")
		for _, r := range results {
			if r.RuleID == "NET-01" && strings.Contains(r.Message.Text, "auditlog_csip_user_call_records.sub[") {
				loc := r.Locations[0].PhysicalLocation
				rel, _ := filepath.Rel(repo, filepath.Join(repoRoot(t), filepath.FromSlash(net.file)))
				if loc.ArtifactLocation.URI != filepath.ToSlash(rel) && loc.ArtifactLocation.URI != net.file || loc.Region.StartLine != net.line {
					t.Errorf("NET-01 at %s:%d, want the data source at line %d", loc.ArtifactLocation.URI, loc.Region.StartLine, net.line)
				}
			}
		}
		summary := readText(t, filepath.Join(dir, "summary.md"))
		for _, w := range []string{"## ❌ auditlog-gate: FAIL (exit 1)", "### Violations (" + itoa(len(violations)) + ")", "| **NET-01** Sub-accounts call the cloud API only from allow-listed networks | ❌ FAIL (", "| ❌ FAIL |"} {
			if !strings.Contains(summary, w) {
				t.Errorf("the summary lacks %q", w)
			}
		}
		if strings.Index(summary, "### Violations") > strings.Index(summary, "### Controls") {
			t.Error("the summary does not put the violations first")
		}
		junit := readText(t, filepath.Join(dir, "junit.xml"))
		checkJUnitCases(t, junit)
		if !strings.Contains(junit, `<property name="status" value="fail"/>`) || !strings.Contains(junit, "<failure message=") {
			t.Error("the JUnit report has no failing control")
		}
		if t.Failed() {
			t.Logf("summary:\n%s", summary)
		}
	})

	// Refused after the sealed copy was made (and removed): the reason is
	// still located in the repository.
	t.Run("refused after the copy: a provider the policy does not pin", func(t *testing.T) {
		env, port := s.sim(t, "compliant")
		policy := s.policyFor(t, mkdir(t, rules, "unpinned"), port, nil)
		repo := s.reviewedRepo(t)
		writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"zz_external.tf": "data \"external\" \"x\" {\n  program = [\"true\"]\n}\n"})
		dir := t.TempDir()
		out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, "--sarif", filepath.Join(dir, "gate.sarif"), filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, "which the policy data does not pin")
		log := validateSARIF(t, filepath.Join(dir, "gate.sarif"))
		checkLocationsExist(t, log, repo)
		if rs := log.Runs[0].Results; len(rs) != 1 || rs[0].RuleID != ruleCannotJudge || rs[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "compliance/root/main.tf" || !strings.Contains(rs[0].Message.Text, "does not pin") {
			t.Errorf("results: %+v", rs)
		}
	})

	t.Run("refused run writes the reason", func(t *testing.T) {
		env, port := s.sim(t, "compliant")
		repo := s.reviewedRepo(t)
		inTree := s.policyFor(t, mkdir(t, repo, "policy"), port, nil)
		dir := t.TempDir()
		out, code := s.run(t, env, "--data", inTree, "--provider-mirror", s.mirror, "--sarif", filepath.Join(dir, "gate.sarif"), "--summary", filepath.Join(dir, "summary.md"),
			filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, 2, "is inside the reviewed repository")
		log := validateSARIF(t, filepath.Join(dir, "gate.sarif"))
		checkLocationsExist(t, log, repo)
		if rs := log.Runs[0].Results; len(rs) != 1 || rs[0].RuleID != ruleCannotJudge || rs[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "compliance/root/main.tf" {
			t.Errorf("results: %+v", rs)
		}
		if s := readText(t, filepath.Join(dir, "summary.md")); !strings.Contains(s, "CANNOT JUDGE (exit 2)") || !strings.Contains(s, "is inside the reviewed repository") {
			t.Errorf("summary:\n%s", s)
		}
	})
}

// checkRules requires a rule per control of the catalogue, with its
// requirement ids among its tags, and the two rules of no control.
func checkRules(t *testing.T, log *sarifLog) {
	t.Helper()
	var ids []string
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		ids = append(ids, r.ID)
		if tags := requirementTags(r.ID); len(tags) > 0 {
			for _, tag := range tags {
				if !contains(r.Properties.Tags, tag) {
					t.Errorf("rule %s lacks the tag %s", r.ID, tag)
				}
			}
		}
	}
	if strings.Join(ids, ",") != "TRK-01,TRK-02,TRK-03,TRK-04,RET-01,NET-01,EVT-01,EVT-02,UC-01,UC-02,"+rulePlan+","+ruleCannotJudge {
		t.Errorf("rules %v", ids)
	}
}

// outputViolations are the lines under "Violations (N):" in the output.
func outputViolations(out string) []string {
	var vs []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "Violations ("):
			in = true
		case in && strings.HasPrefix(l, "  "):
			vs = append(vs, strings.TrimPrefix(l, "  "))
		default:
			in = false
		}
	}
	return vs
}

// lineOf is the text of the line a SARIF location points at.
func lineOf(t *testing.T, repo string, loc sarifPhysical) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(loc.ArtifactLocation.URI)))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if loc.Region.StartLine < 1 || loc.Region.StartLine > len(lines) {
		return ""
	}
	return lines[loc.Region.StartLine-1]
}

// readText is a file's content; the test fails when it cannot be read.
func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
