package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/auditlog/terraform-provider-auditlog/examples/policy/catalogue"
)

// summaryLimit is the most a step summary may hold: GitHub Actions refuses
// a step's summary of 1 MiB or more and shows none of it. The summary
// stays below it; what does not fit is counted, section by section.
const summaryLimit = 1 << 20

// summaryReserve is kept free of items in every section, for the line
// that counts what was left out of it.
const summaryReserve = 256

// summarySection is a part of the summary: a heading, table head lines,
// the items (one line each) and what to call them when counting those left
// out.
type summarySection struct {
	heading string
	head    []string
	items   []string
	noun    string
	shown   int
}

func (s *summarySection) render(b *strings.Builder) {
	if s.heading == "" && len(s.items) == 0 {
		return
	}
	if s.heading != "" {
		b.WriteString(s.heading + "\n\n")
	}
	for _, h := range s.head {
		b.WriteString(h + "\n")
	}
	for _, it := range s.items[:s.shown] {
		b.WriteString(it + "\n")
	}
	if left := len(s.items) - s.shown; left > 0 {
		fmt.Fprintf(b, "\n_%s more %s not shown here (%s in all: the summary stays under 1 MiB); every one is in the gate's output%s._\n",
			thousands(left), s.noun, thousands(len(s.items)), countsHint)
	}
	b.WriteString("\n")
}

const countsHint = " and counts in its exit code"

func (s *summarySection) fixedSize() int {
	n := len(s.heading) + 2 + 1
	for _, h := range s.head {
		n += len(h) + 1
	}
	return n
}

// renderSummary writes the Markdown summary of a run in at most limit
// bytes: the verdict and what it rests on, the reasons it cannot judge and
// the violations (failures first), the table of controls and the table of
// reads. Space goes first to the verdict and the controls, then to the
// reasons it cannot judge, the reads and the violations; each section
// shows what fits and counts the rest.
func renderSummary(rd *reportData, limit int) string {
	header := summaryHeader(rd)
	cannot := &summarySection{heading: fmt.Sprintf("### Cannot judge (%d)", len(rd.CannotJudge)), noun: "reasons", items: bullets(rd.CannotJudge)}
	if len(rd.CannotJudge) == 0 {
		cannot = &summarySection{}
	}
	violations := &summarySection{heading: fmt.Sprintf("### Violations (%d)", len(rd.Violations)), noun: "violations", items: bullets(rd.Violations)}
	if len(rd.Violations) == 0 {
		violations = &summarySection{}
	}
	controls := controlsSection(rd)
	reads := readsSection(rd)

	budget := limit - len(header) - 64
	for _, s := range []*summarySection{controls, cannot, reads, violations} {
		if s.heading == "" {
			continue
		}
		budget -= s.fixedSize()
		room := budget - summaryReserve
		for s.shown < len(s.items) && len(s.items[s.shown])+1 <= room {
			room -= len(s.items[s.shown]) + 1
			budget -= len(s.items[s.shown]) + 1
			s.shown++
		}
		if s.shown < len(s.items) {
			budget -= summaryReserve
		}
	}
	var b strings.Builder
	b.WriteString(header)
	for _, s := range []*summarySection{cannot, violations, controls, reads} {
		s.render(&b)
	}
	return b.String()
}

func summaryHeader(rd *reportData) string {
	var b strings.Builder
	icon := map[int]string{exitPass: "✅", exitViolations: "❌"}[rd.ExitCode]
	if icon == "" {
		icon = "⚠️"
	}
	fmt.Fprintf(&b, "## %s auditlog-gate: %s (exit %d)\n\n", icon, rd.Verdict, rd.ExitCode)
	notes := append(append([]string(nil), rd.TrustNotes...), rd.Notices...)
	seen := map[string]bool{}
	var shown []string
	for _, n := range notes {
		if !seen[n] && !containsPrefixOf(shown, n) {
			seen[n] = true
			shown = append(shown, n)
		}
	}
	if len(shown) > 0 {
		b.WriteString("> [!WARNING]\n")
		for _, n := range shown {
			b.WriteString("> " + mdText(n) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(mdText(rd.SummaryLine) + "\n\n")
	var facts []string
	if rd.Window != nil {
		facts = append(facts, fmt.Sprintf("Review window %s to %s", rd.Window.Start, rd.Window.End))
	}
	if rd.PolicySHA256 != "" {
		facts = append(facts, "policy data sha256 `"+rd.PolicySHA256+"`")
	}
	if len(facts) > 0 {
		b.WriteString(strings.Join(facts, " · ") + "\n\n")
	}
	return b.String()
}

// containsPrefixOf reports whether a note already shown says n (the
// simulator's long note holds the short one).
func containsPrefixOf(shown []string, n string) bool {
	for _, s := range shown {
		if strings.HasPrefix(s, n) || strings.HasPrefix(n, s) {
			return true
		}
	}
	return false
}

var controlOrder = map[string]int{"fail": 0, "unknown": 1, "pass": 2, "skip": 3}

func controlsSection(rd *reportData) *summarySection {
	cs := append([]controlReport(nil), rd.Controls...)
	sort.SliceStable(cs, func(i, j int) bool { return controlOrder[cs[i].Status] < controlOrder[cs[j].Status] })
	s := &summarySection{
		heading: fmt.Sprintf("### Controls (%d)", len(cs)),
		head:    []string{"| Control | Verdict | Records scanned / kept | Accounts | Requirements |", "|---|---|---|---|---|"},
		noun:    "controls",
	}
	for _, c := range cs {
		verdict := map[string]string{"fail": "❌ FAIL", "unknown": "⚠️ UNKNOWN", "pass": "✅ PASS", "skip": "➖ SKIP"}[c.Status]
		if c.Status == "fail" {
			verdict += fmt.Sprintf(" (%s)", plural(c.Findings, "finding"))
		}
		if c.Status == "skip" {
			verdict += ": " + c.Reason
		}
		records := fmt.Sprintf("%s / %s", thousands(c.Scanned), thousands(c.Kept))
		if c.Status == "skip" {
			records = "not judged"
		}
		s.items = append(s.items, fmt.Sprintf("| **%s** %s | %s | %s | %s | %s |", c.ID, mdCell(c.Title), mdCell(verdict), records,
			mdCell(dashIfEmpty(strings.Join(c.Accounts, ", "))), mdCell(dashIfEmpty(strings.Join(requirementTags(c.ID), ", ")))))
	}
	return s
}

// requirementTags are the requirement ids a control serves, from the
// catalogue the gate embeds (never from the policy data).
func requirementTags(id string) []string {
	c, ok := catalogue.Lookup(id)
	if !ok {
		return nil
	}
	return c.RequirementTags()
}

var readOrder = map[string]int{"FAIL": 0, "?": 1, "PASS": 2, "NOT JUDGED": 3}

func readsSection(rd *reportData) *summarySection {
	rs := append([]readReport(nil), rd.Reads...)
	sort.SliceStable(rs, func(i, j int) bool { return readOrder[rs[i].Status] < readOrder[rs[j].Status] })
	s := &summarySection{
		heading: fmt.Sprintf("### Reads (%d)", len(rs)+len(rd.Unread)),
		head:    []string{"| Data source | Verdict | Account | Region or project | Window | Records scanned / kept | Complete | Endpoint |", "|---|---|---|---|---|---|---|---|"},
		noun:    "reads",
	}
	for _, u := range rd.Unread {
		s.items = append(s.items, fmt.Sprintf("| `%s` | ⚠️ %s | – | – | – | – | no | – |", mdCode(u.Address), mdCell(u.Reason)))
	}
	for _, r := range rs {
		where := strings.Join(nonEmpty(deref(r.Region), projectText(r.Project)), ", ")
		account := strings.Join(nonEmpty(deref(r.Account), subAccountText(r.SubAccount)), ", ")
		s.items = append(s.items, fmt.Sprintf("| `%s` | %s | %s | %s | %s | %s / %s | %s | %s |", mdCode(r.Address), readVerdict(r.Status),
			mdCell(dashIfEmpty(account)), mdCell(dashIfEmpty(where)), mdCell(dashIfEmpty(r.Window)), thousands(r.Scanned), thousands(r.Kept), mdCell(r.Complete), mdCell(dashIfEmpty(deref(r.Endpoint)))))
	}
	if len(s.items) == 0 {
		s.items = []string{"| (none) | | | | | | | |"}
	}
	return s
}

func readVerdict(status string) string {
	switch status {
	case "FAIL":
		return "❌ FAIL"
	case "PASS":
		return "✅ PASS"
	case "NOT JUDGED":
		return "➖ NOT JUDGED"
	}
	return "⚠️ " + status
}

func projectText(p *string) string {
	if p == nil {
		return ""
	}
	return "project " + *p
}

func subAccountText(p *string) string {
	if p == nil {
		return ""
	}
	return "sub-account " + *p
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func bullets(ms []string) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = "- " + mdText(m)
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(n) + " " + noun + "s"
}

// thousands writes n with commas: 100000 is 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// mdText escapes what Markdown would read as markup in a line of text.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "|", `\|`, "\n", " ", "\r", " ")

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCell is text in a table cell.
func mdCell(s string) string { return mdText(s) }

// mdCode is text in a code span in a table cell: a backtick or a pipe
// cannot be escaped inside one, so they are replaced.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "¦", "\n", " ").Replace(s)
}

// writeSummary writes the summary to path. appendTo is the step summary
// of GitHub Actions, which a step adds to: the summary then fits in what
// the file has left below the limit.
func writeSummary(path string, rd *reportData, appendTo bool) error {
	limit := summaryLimit - 1
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if appendTo {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		if info, err := os.Stat(path); err == nil {
			limit -= int(info.Size())
		}
	}
	text := renderSummary(rd, limit)
	if len(text) > limit {
		text = fmt.Sprintf("## auditlog-gate: %s (exit %d)\n\nThe step summary has no room left for the report (%d bytes free below 1 MiB): the gate's output holds it.\n", rd.Verdict, rd.ExitCode, max(limit, 0))
		if len(text) > limit {
			return fmt.Errorf("the step summary holds %d bytes already: no room for even the verdict below 1 MiB", summaryLimit-1-limit)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
