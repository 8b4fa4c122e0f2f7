package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/examples/policy/catalogue"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The six-month review's tracking set in the compliant scenario: audit-all-cls
// (1002) delivers to this topic in ap-shanghai; audit-all-org (1001)
// delivers to COS, out of RET-01's scope in the simulator policy.
const (
	sixMonthsTopic  = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"
	sixMonthsRegion = "ap-shanghai"
	sixMonthsAcct   = "100000000001"
)

// TestAccSixMonthReview runs the six-month review over CLS through the
// installed gate, the compliance module and the simulator's review
// deliveries (cloudsim.CLSOptions.Review): the compliant review passes;
// mallory's instance terminations fail EVT-01 and EVT-02, named with the
// control, its requirement ids, the account and the topic; a topic kept 90
// days fails RET-01 (and its events cannot be judged over 180 days); a
// COS-only account cannot be judged.
func TestAccSixMonthReview(t *testing.T) {
	s := setupE2E(t)
	rules := t.TempDir()
	varFile := filepath.Join(rules, "ci.tfvars")
	writeFiles(t, rules, map[string]string{"ci.tfvars": "enforce = false\n"})

	review := func(t *testing.T, name string, edit func(*cloudsim.Options), policyEdit func(string) string, wantCode int, wants ...string) (out, dir string) {
		t.Helper()
		env, port := s.simWith(t, "compliant", edit)
		policy := s.policyFor(t, mkdir(t, rules, name), port, policyEdit)
		repo := s.reviewedRepo(t)
		dir = t.TempDir()
		out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile,
			"--junit", filepath.Join(dir, "junit.xml"), "--summary", filepath.Join(dir, "summary.md"),
			filepath.Join(repo, "compliance", "root"))
		expect(t, out, code, wantCode, wants...)
		return out, dir
	}
	analysis := `module.compliance.data.auditlog_cls_analysis.events["1002"]`
	topics := `module.compliance.data.auditlog_cls_topics.delivery["1002"]`
	readAs := " (read as account " + sixMonthsAcct + ", in region " + sixMonthsRegion + ")"

	t.Run("compliant", func(t *testing.T) {
		out, _ := review(t, "compliant", func(o *cloudsim.Options) { o.CLS.Review = cloudsim.CLSReviewCompliant }, nil, 0,
			"gate: PASS: 10 controls evaluated", "auditlog-gate: PASS (exit 0)",
			"  PASS RET-01 ", "  PASS EVT-01 ", "  PASS EVT-02 ",
			"  PASS "+analysis+": ", "  PASS "+topics+": ")
		// The review's window is the CLS one: 180 days ending 15 minutes
		// before the plan, over the analysis the module declared.
		if !strings.Contains(out, analysis+": ") || strings.Contains(out, "mallory") {
			t.Errorf("the compliant review's output:\n%s", out)
		}
	})

	t.Run("noncompliant names control, requirements, account and topic", func(t *testing.T) {
		out, dir := review(t, "noncompliant", func(o *cloudsim.Options) { o.CLS.Review = cloudsim.CLSReviewNoncompliant }, nil, 1,
			"FAIL (exit 1)", "  FAIL EVT-02 ", "  FAIL EVT-01 ", "  PASS RET-01 ",
			"EVT-02: "+analysis+": "+sixMonthsTopic+"/mallory/TerminateInstances: 3 TerminateInstances by mallory over 180 days in CLS topic "+sixMonthsTopic+" ("+sixMonthsRegion+")"+readAs,
			"EVT-02: "+analysis+": "+sixMonthsTopic+"/mallory/RebootInstances: 2 RebootInstances by mallory over 180 days in CLS topic "+sixMonthsTopic,
			"EVT-01: "+analysis+": "+sixMonthsTopic+"/mallory/TerminateInstances: 3 TerminateInstances by mallory",
			"EVT-02: "+analysis+": "+sixMonthsTopic+"/(unknown)/RebootInstances: ")
		if strings.Contains(out, "EVT-01: "+analysis+": "+sixMonthsTopic+"/mallory/RebootInstances") {
			t.Error("a reboot is no watched event of EVT-01")
		}
		// The requirement ids of each failing control, in the JUnit case
		// and the summary.
		junit, summary := readText(t, filepath.Join(dir, "junit.xml")), readText(t, filepath.Join(dir, "summary.md"))
		for _, id := range []string{"EVT-01", "EVT-02"} {
			c, ok := catalogue.Lookup(id)
			if !ok || len(c.RequirementTags()) == 0 {
				t.Fatalf("the catalogue has no requirements for %s", id)
			}
			tags := strings.Join(c.RequirementTags(), ", ")
			if !strings.Contains(junit, `<property name="control" value="`+id+`"/><property name="status" value="fail"/>`) ||
				!strings.Contains(junit, `<property name="requirement_ids" value="`+tags+`"/>`) {
				t.Errorf("the JUnit case of %s lacks its failure or requirement ids %s:\n%s", id, tags, junit)
			}
			if !strings.Contains(summary, mdCell(tags)) {
				t.Errorf("the summary does not name %s's requirements %s:\n%s", id, tags, summary)
			}
		}
		if c, _ := catalogue.Lookup("EVT-02"); !strings.Contains(strings.Join(c.RequirementTags(), ","), "MLPS2-L3:8.2.3.3a") {
			t.Errorf("EVT-02's requirement ids %v lack the MLPS cloud extension item", c.RequirementTags())
		}
	})

	t.Run("a topic kept 90 days fails RET-01", func(t *testing.T) {
		review(t, "ninety", func(o *cloudsim.Options) {
			o.CLS.Review = cloudsim.CLSReviewCompliant
			o.CLS.Topics = map[string]cloudsim.CLSTopicOptions{sixMonthsTopic: {Period: 90}}
		}, nil, 2,
			"RET-01: "+topics+": "+sixMonthsTopic+": tracking set audit-all-cls (1002) of account "+sixMonthsAcct+" delivers to CLS topic "+sixMonthsTopic+" ("+sixMonthsRegion+"), which keeps its logs 90 days (period): less than the 184 days the policy requires (min_retention_days)"+readAs,
			// Its events over 180 days are not all kept: cannot judge
			// EVT-01 and EVT-02 over it, which makes the verdict exit 2.
			"EVT-02: cannot judge tracking set audit-all-cls (1002) of account "+sixMonthsAcct+": its CLS topic "+sixMonthsTopic+" ("+sixMonthsRegion+") keeps logs 90 days, less than the 180 days of the CLS window",
			"CANNOT JUDGE (exit 2)")
	})

	t.Run("a COS-only account cannot be judged", func(t *testing.T) {
		cosOnly := func(o *cloudsim.Options) { o.CLS.Review = cloudsim.CLSReviewCOSOnly }
		inScope := func(doc string) string {
			edited := regexp.MustCompile(`"retention_out_of_scope": \[\s*"1001"\s*\]`).ReplaceAllString(doc, `"retention_out_of_scope": []`)
			if edited == doc {
				t.Fatalf("the simulator policy puts no tracking set 1001 out of RET-01's scope:\n%s", doc)
			}
			return edited
		}
		out, _ := review(t, "cos-only", cosOnly, inScope, 2,
			"RET-01: cannot judge tracking set audit-all-org (1001) of account "+sixMonthsAcct+": it delivers to cos \"audit-logs\" (\"ap-guangzhou\"), whose retention the provider does not read",
			"EVT-02: cannot judge account "+sixMonthsAcct+": no enabled tracking set delivers to CLS",
			"CANNOT JUDGE (exit 2)")
		if strings.Contains(out, "auditlog_cls_analysis.events[") {
			t.Errorf("a COS-only account has no analysis to read:\n%s", out)
		}
		// Out of RET-01's scope (the simulator policy's word), the COS
		// delivery is not judged; EVT-02 still has no CLS delivery.
		out, _ = review(t, "cos-only-out-of-scope", cosOnly, nil, 2,
			"EVT-02: cannot judge account "+sixMonthsAcct+": no enabled tracking set delivers to CLS", "CANNOT JUDGE (exit 2)")
		if strings.Contains(out, "RET-01: cannot judge") {
			t.Errorf("a delivery out of RET-01's scope is judged:\n%s", out)
		}
	})
}
