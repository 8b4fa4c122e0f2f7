package main

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// junitCase is one test case line of the JUnit report the rules write
// (gate.rego): self-closing, or with its skipped, failure or error element
// on the same line.
var junitCase = regexp.MustCompile(`^(\s*)<testcase classname="([^"]*)" name="([^"]*)"(?:/>|>(.*)</testcase>)$`)

// withCaseDetails gives every test case of the rules' JUnit report what it
// rests on: <properties> (account, region or project, window, records
// scanned and kept, requirement ids, ...) and the provenance line of its
// reads in <system-out>. A case the report does not know keeps the
// properties of the run (window, verdict).
func withCaseDetails(xml string, rd *reportData) string {
	if rd == nil {
		return xml
	}
	controls := map[string]controlReport{}
	for _, c := range rd.Controls {
		controls[c.ID] = c
	}
	reads := map[string]readReport{}
	for _, r := range rd.Reads {
		reads[r.Address] = r
	}
	unread := map[string]string{}
	for _, u := range rd.Unread {
		unread[u.Address] = u.Reason
	}
	lines := strings.Split(xml, "\n")
	for i, line := range lines {
		m := junitCase.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		indent, class, name, inner := m[1], html.UnescapeString(m[2]), html.UnescapeString(m[3]), m[4]
		var props [][2]string
		var out []string
		switch class {
		case "controls":
			id, _, _ := strings.Cut(name, " ")
			if c, ok := controls[id]; ok {
				props, out = controlCaseDetails(c, reads, rd)
			}
		case "data sources":
			if r, ok := reads[name]; ok {
				props, out = readCaseDetails(r)
			} else if reason, ok := unread[name]; ok {
				props = [][2]string{{"address", name}, {"values", reason}}
			}
		}
		if props == nil {
			props = runProperties(rd)
		}
		lines[i] = caseXML(indent, m[2], m[3], inner, props, out)
	}
	return strings.Join(lines, "\n")
}

// caseXML writes a test case in the order JUnit readers expect:
// properties, then skipped/failure/error, then system-out.
func caseXML(indent, class, name, inner string, props [][2]string, out []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `%s<testcase classname="%s" name="%s">`, indent, class, name)
	b.WriteString("<properties>")
	for _, p := range props {
		fmt.Fprintf(&b, `<property name="%s" value="%s"/>`, xmlAttr(p[0]), xmlAttr(p[1]))
	}
	b.WriteString("</properties>")
	b.WriteString(inner)
	if len(out) > 0 {
		b.WriteString("<system-out>" + xmlText(strings.Join(out, "\n")) + "</system-out>")
	}
	b.WriteString("</testcase>")
	return b.String()
}

func controlCaseDetails(c controlReport, reads map[string]readReport, rd *reportData) ([][2]string, []string) {
	props := [][2]string{
		{"control", c.ID},
		{"status", c.Status},
		{"account", strings.Join(c.Accounts, ", ")},
		{"region", strings.Join(c.Regions, ", ")},
		{"window", runWindow(rd)},
		{"records_scanned", strconv.Itoa(c.Scanned)},
		{"records_kept", strconv.Itoa(c.Kept)},
		{"findings", strconv.Itoa(c.Findings)},
		{"requirement_ids", strings.Join(requirementTags(c.ID), ", ")},
		{"data_sources", strings.Join(c.DataSources, ", ")},
	}
	var out []string
	for _, a := range c.DataSources {
		if r, ok := reads[a]; ok {
			out = append(out, r.Address+": "+r.Provenance)
		}
	}
	return props, out
}

func readCaseDetails(r readReport) ([][2]string, []string) {
	var tags []string
	for _, id := range r.Controls {
		for _, t := range requirementTags(id) {
			if !contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	sort.Strings(tags)
	props := [][2]string{
		{"address", r.Address},
		{"account", deref(r.Account)},
		{"region", deref(r.Region)},
	}
	if r.Project != nil {
		props = append(props, [2]string{"project", *r.Project})
	}
	if r.SubAccount != nil {
		props = append(props, [2]string{"sub_account", *r.SubAccount})
	}
	props = append(props,
		[2]string{"window", r.Window},
		[2]string{"records_scanned", strconv.Itoa(r.Scanned)},
		[2]string{"records_kept", strconv.Itoa(r.Kept)},
		[2]string{"complete", r.Complete},
		[2]string{"endpoint", deref(r.Endpoint)},
		[2]string{"controls", strings.Join(r.Controls, ", ")},
		[2]string{"requirement_ids", strings.Join(tags, ", ")},
	)
	return props, []string{r.Address + ": " + r.Provenance}
}

// runProperties are what a case of the whole run (the plan) rests on.
func runProperties(rd *reportData) [][2]string {
	scanned, kept := 0, 0
	for _, r := range rd.Reads {
		scanned += r.Scanned
		kept += r.Kept
	}
	return [][2]string{
		{"verdict", rd.Verdict},
		{"window", runWindow(rd)},
		{"data_sources", strconv.Itoa(len(rd.Reads))},
		{"records_scanned", strconv.Itoa(scanned)},
		{"records_kept", strconv.Itoa(kept)},
	}
}

func runWindow(rd *reportData) string {
	if rd.Window == nil {
		return ""
	}
	return rd.Window.Start + " to " + rd.Window.End
}

var (
	xmlAttrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;")
	xmlTextEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
)

func xmlAttr(s string) string { return xmlAttrEscaper.Replace(s) }
func xmlText(s string) string { return xmlTextEscaper.Replace(s) }
