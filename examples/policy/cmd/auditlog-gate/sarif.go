package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/auditlog/terraform-provider-auditlog/examples/policy/catalogue"
)

// maxSARIFResults is the most results one SARIF file holds. Past it the
// rest are counted in a notification of the run: every one of them is
// still in the gate's output and its exit code.
const maxSARIFResults = 5000

// The rules of what is no control's: a violation of the plan as a whole
// (a read by another provider, a required data source missing, a failed
// check of no control), and a reason the gate cannot judge.
const (
	rulePlan        = "AUDITLOG-PLAN"
	ruleCannotJudge = "AUDITLOG-CANNOT-JUDGE"
)

// fingerprintKey names the partial fingerprint: a result keeps it as long
// as its control, data source address and record do, so a code scanning
// alert follows the finding from one run to the next.
const fingerprintKey = "auditlogFinding/v1"

// The SARIF 2.1.0 objects the gate writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		Properties  map[string]any    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string          `json:"id"`
		Name                 string          `json:"name"`
		ShortDescription     sarifText       `json:"shortDescription"`
		FullDescription      sarifText       `json:"fullDescription"`
		Help                 sarifHelp       `json:"help"`
		DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
		Properties           sarifRuleProps  `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity,omitempty"`
		Precision        string   `json:"precision"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ExitCode                   int                 `json:"exitCode"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string    `json:"level"`
		Message sarifText `json:"message"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          map[string]any    `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical  `json:"physicalLocation"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
		Message          *sarifText     `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// securitySeverity is what GitHub code scanning sorts security alerts by
// (a CVSS-like score as a string), from the catalogue's severity.
var securitySeverity = map[string]string{"high": "8.0", "medium": "5.5", "low": "3.0"}

// buildSARIF turns the report into one SARIF run: a rule per control of
// the catalogue and one for each reason outside them; a result per
// violation and per reason the gate cannot judge, each at the place in the
// repository the address it names is written (src nil: the results have
// no location and the file is refused). cut counts the results left out
// past maxSARIFResults.
func buildSARIF(rd *reportData, src *sourceMap, toolVersion string) (log *sarifLog, cut int, err error) {
	rules, index := sarifRules(rd)
	var results []sarifResult
	for _, m := range rd.CannotJudge {
		results = append(results, sarifResult{RuleID: ruleCannotJudge, Message: sarifText{Text: m}, Properties: map[string]any{"cannotJudge": true}})
	}
	byMessage := map[string]problemReport{}
	for _, p := range rd.Problems {
		byMessage[p.Message] = p
	}
	for _, m := range rd.Violations {
		p, ok := byMessage[m]
		if !ok {
			p = problemReport{Control: rulePlan, Message: m}
		}
		if _, known := index[p.Control]; !known {
			p.Control = rulePlan
		}
		r := sarifResult{RuleID: p.Control, Message: sarifText{Text: m}, Properties: map[string]any{}}
		if p.Record != nil {
			r.Properties["record"] = *p.Record
		}
		if p.Address != nil {
			r.Properties["address"] = *p.Address
		}
		results = append(results, r)
	}
	total := len(results)
	if total > maxSARIFResults {
		cut = total - maxSARIFResults
		results = results[:maxSARIFResults]
	}
	for i := range results {
		r := &results[i]
		r.RuleIndex = index[r.RuleID]
		r.Level = "error"
		address, _ := r.Properties["address"].(string)
		if address == "" {
			address = firstAddress(r.Message.Text)
		}
		record, _ := r.Properties["record"].(string)
		fp := []string{r.RuleID, address, record}
		if record == "" {
			// No record to name (an evidence problem, a failed check, a
			// reason the gate cannot judge): the message is what sets it
			// apart from the others of its control and address.
			fp = append(fp, r.Message.Text)
		}
		r.PartialFingerprints = map[string]string{fingerprintKey: fingerprint(fp...)}
		if src == nil {
			return nil, 0, fmt.Errorf("no configuration to locate the results in")
		}
		pos, ok := src.locate(address)
		if !ok {
			return nil, 0, fmt.Errorf("the configuration has no .tf or .tf.json file inside the repository to locate %q at", r.Message.Text)
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: pos.File, URIBaseID: "%SRCROOT%"},
			Region:           sarifRegion{StartLine: pos.StartLine, StartColumn: pos.StartCol, EndLine: pos.EndLine, EndColumn: pos.EndCol},
		}}
		if address != "" {
			loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: address, Kind: "resource"}}
			if pos.What != "data source" && pos.What != "check block" && pos.What != "resource" {
				loc.Message = &sarifText{Text: fmt.Sprintf("%s: the %s that %s is under", address, pos.What, address)}
			}
		}
		r.Locations = []sarifLocation{loc}
		r.Properties["location"] = pos.What
	}
	inv := sarifInvocation{ExecutionSuccessful: rd.ExitCode != exitCannotJudge, ExitCode: rd.ExitCode}
	if cut > 0 {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{
			Text: fmt.Sprintf("%d results in all: the first %d are in this file, %d are left out; every one is in the gate's output and counts in its exit code", total, maxSARIFResults, cut)}})
	}
	for _, n := range append(append([]string(nil), rd.TrustNotes...), rd.Notices...) {
		inv.ToolExecutionNotifications = appendNotification(inv.ToolExecutionNotifications, n)
	}
	props := map[string]any{"verdict": rd.Verdict, "exitCode": rd.ExitCode, "resultsTotal": total, "resultsWritten": len(results), "summary": rd.SummaryLine}
	if rd.PolicySHA256 != "" {
		props["policySha256"] = rd.PolicySHA256
	}
	if rd.Window != nil {
		props["window"] = rd.Window.Start + "/" + rd.Window.End
	}
	if results == nil {
		results = []sarifResult{}
	}
	return &sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:        sarifTool{Driver: sarifDriver{Name: "auditlog-gate", Version: toolVersion, InformationURI: "https://registry.terraform.io/providers/auditlog/auditlog/latest/docs/guides/policy-as-code", Rules: rules}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
			Properties:  props,
		}},
	}, cut, nil
}

func appendNotification(list []sarifNotification, text string) []sarifNotification {
	for _, n := range list {
		if strings.HasPrefix(n.Message.Text, text) || strings.HasPrefix(text, n.Message.Text) {
			return list // the long form of a notice holds its short one
		}
	}
	return append(list, sarifNotification{Level: "warning", Message: sarifText{Text: text}})
}

// sarifRules are the controls of the catalogue, in its order, then the
// two rules of no control; index gives each rule's position.
func sarifRules(rd *reportData) ([]sarifRule, map[string]int) {
	var rules []sarifRule
	index := map[string]int{}
	add := func(r sarifRule) {
		index[r.ID] = len(rules)
		rules = append(rules, r)
	}
	for _, c := range catalogue.Controls() {
		add(controlRule(c))
	}
	// A control the rules report that the catalogue lacks still gets a
	// rule: a result must never lose its control.
	for _, c := range rd.Controls {
		if _, ok := index[c.ID]; !ok {
			add(controlRule(catalogue.Control{ID: c.ID, Title: c.Title}))
		}
	}
	add(sarifRule{ID: rulePlan, Name: "PlanViolation",
		ShortDescription:     sarifText{Text: "The plan violates the policy outside any one control"},
		FullDescription:      sarifText{Text: "A data source read by a provider other than auditlog, a data source type the policy requires that the plan never read, or a failed check block of the configuration."},
		Help:                 sarifHelp{Text: "The message names the data source or check and what the policy requires.", Markdown: "The message names the data source or check and what the policy requires."},
		DefaultConfiguration: sarifRuleConfig{Level: "error"},
		Properties:           sarifRuleProps{Tags: []string{"compliance", "auditlog"}, Precision: "very-high"}})
	add(sarifRule{ID: ruleCannotJudge, Name: "CannotJudge",
		ShortDescription:     sarifText{Text: "The gate cannot judge the plan"},
		FullDescription:      sarifText{Text: "The plan or the run cannot be judged (an errored, targeted or stale plan, reads deferred to apply, unknown checks, invalid policy data, a provider the policy does not pin, rules inside the reviewed repository, ...): the gate exits 2 and no control passes."},
		Help:                 sarifHelp{Text: "The message says what to change; no verdict rests on this run.", Markdown: "The message says what to change; no verdict rests on this run."},
		DefaultConfiguration: sarifRuleConfig{Level: "error"},
		Properties:           sarifRuleProps{Tags: []string{"compliance", "auditlog"}, Precision: "very-high"}})
	return rules, index
}

func controlRule(c catalogue.Control) sarifRule {
	tags := append([]string{"compliance", "auditlog"}, c.RequirementTags()...)
	full := c.Rationale
	if full == "" {
		full = c.Title
	}
	var text, md strings.Builder
	fmt.Fprintf(&text, "%s\n\n%s\n", c.Title, full)
	fmt.Fprintf(&md, "**%s** (%s)\n\n%s\n", c.Title, c.ID, full)
	if len(c.Requirements) > 0 {
		text.WriteString("\nRequirements served:\n")
		md.WriteString("\n| Requirement | Text | Checked against |\n|---|---|---|\n")
		for _, r := range c.Requirements {
			fmt.Fprintf(&text, "- %s: %s (%s)\n", r.Tag(), r.Text, requirementSource(r))
			fmt.Fprintf(&md, "| %s | %s | %s |\n", mdCell(r.Tag()), mdCell(r.Text), mdCell(requirementSource(r)))
		}
	}
	return sarifRule{
		ID: c.ID, Name: ruleName(c.ID),
		ShortDescription:     sarifText{Text: c.Title},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifHelp{Text: text.String(), Markdown: md.String()},
		DefaultConfiguration: sarifRuleConfig{Level: "error"},
		Properties:           sarifRuleProps{Tags: tags, SecuritySeverity: securitySeverity[c.Severity], Precision: "very-high"},
	}
}

// requirementSource is the public source a requirement id was checked
// against, or "unverified".
func requirementSource(r catalogue.Requirement) string {
	if !r.Verified || r.Source == "" {
		return "unverified"
	}
	return r.Source
}

// ruleName is the control id as an identifier: NET-01 is Net01.
func ruleName(id string) string {
	var b strings.Builder
	upper := true
	for _, c := range id {
		switch {
		case c == '-' || c == '_':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(c)))
			upper = false
		default:
			b.WriteString(strings.ToLower(string(c)))
		}
	}
	return b.String()
}

func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}
