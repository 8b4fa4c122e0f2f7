package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// queryReport is the structured report of the shipped policy (report.rego).
const queryReport = "data.auditlog.gate.report_data"

// reportData is data.auditlog.gate.report_data: the verdict and everything
// the SARIF file, the step summary and the JUnit cases say about it.
type reportData struct {
	ExitCode    int             `json:"exit_code"`
	Verdict     string          `json:"verdict"`
	TrustNotes  []string        `json:"trust_notes"`
	SummaryLine string          `json:"summary_line"`
	Window      *reportWindow   `json:"window"`
	Controls    []controlReport `json:"controls"`
	Reads       []readReport    `json:"reads"`
	Unread      []unreadReport  `json:"unread"`
	Problems    []problemReport `json:"problems"`
	Violations  []string        `json:"violations"`
	CannotJudge []string        `json:"cannot_judge"`

	// Set by the gate, not the rules.
	PolicySHA256 string   `json:"-"`
	Notices      []string `json:"-"`
}

type reportWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type controlReport struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Status      string   `json:"status"` // pass, fail, unknown or skip
	Reason      string   `json:"reason"` // why it was skipped
	Findings    int      `json:"findings"`
	Scanned     int      `json:"scanned"`
	Kept        int      `json:"kept"`
	DataSources []string `json:"data_sources"`
	Accounts    []string `json:"accounts"` // accounts, else projects, the reads acted as
	Regions     []string `json:"regions"`
}

type readReport struct {
	Address    string   `json:"address"`
	Type       string   `json:"type"`
	Status     string   `json:"status"` // PASS, FAIL, NOT JUDGED or ?
	Account    *string  `json:"account"`
	Region     *string  `json:"region"`
	Project    *string  `json:"project"`
	SubAccount *string  `json:"sub_account"`
	Window     string   `json:"window"`
	Complete   string   `json:"complete"`
	Endpoint   *string  `json:"endpoint"`
	Scanned    int      `json:"scanned"`
	Kept       int      `json:"kept"`
	Provenance string   `json:"provenance"`
	Controls   []string `json:"controls"`
}

type unreadReport struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
}

// problemReport is one violation of a control: a finding (its record
// named), an evidence problem or a failed check.
type problemReport struct {
	Control string  `json:"control"`
	Address *string `json:"address"`
	Record  *string `json:"record"`
	Message string  `json:"message"`
}

// evalAll evaluates the verdict and report (data.auditlog.gate.output),
// and when asked the JUnit XML and the structured report, in one query:
// the rules they share (the findings above all) are evaluated once.
func (e *evaluator) evalAll(ctx context.Context, withJUnit, withReport bool) (output, junit string, rd *reportData, err error) {
	query := "output = " + queryOutput
	if withJUnit {
		query += "; junit = " + queryJUnit
	}
	if withReport {
		query += "; report = " + queryReport
	}
	rs, err := e.query(query).Eval(ctx)
	if err != nil {
		return "", "", nil, err
	}
	if len(rs) != 1 {
		return "", "", nil, fmt.Errorf("%s is undefined: no rule was evaluated", queryOutput)
	}
	b := rs[0].Bindings
	var ok bool
	if output, ok = b["output"].(string); !ok {
		return "", "", nil, fmt.Errorf("%s is not a string but %T", queryOutput, b["output"])
	}
	if withJUnit {
		if junit, ok = b["junit"].(string); !ok {
			return "", "", nil, fmt.Errorf("%s is not a string but %T", queryJUnit, b["junit"])
		}
	}
	if withReport {
		raw, err := json.Marshal(b["report"])
		if err != nil {
			return "", "", nil, err
		}
		rd = &reportData{}
		if err := json.Unmarshal(raw, rd); err != nil {
			return "", "", nil, fmt.Errorf("%s: %w", queryReport, err)
		}
	}
	return output, junit, rd, nil
}

// wantsReports reports whether the run writes a SARIF file or a summary.
func (o *options) wantsReports() bool { return o.sarif != "" || o.summaryFile() != "" }

// summaryFile is where the step summary goes: --summary, else the file
// GitHub Actions names in GITHUB_STEP_SUMMARY (appended to, as the runner
// expects of every step).
func (o *options) summaryFile() string {
	if o.summary != "" {
		return o.summary
	}
	return o.stepSummary
}

// writeReports writes the SARIF file and the step summary of a judged run.
func (g *gate) writeReports(rd *reportData) error {
	rd.Notices = g.notices
	if g.policy != nil {
		rd.PolicySHA256 = g.policy.sha256()
	}
	if g.opts.sarif != "" {
		src := g.sourceMap()
		log, cut, err := buildSARIF(rd, src, version)
		if err != nil {
			return refuse("could not write the SARIF report %s: %v", g.opts.sarif, err)
		}
		if err := writeJSONFile(g.opts.sarif, log); err != nil {
			return refuse("could not write the SARIF report %s: %v", g.opts.sarif, err)
		}
		if cut > 0 {
			g.say(fmt.Sprintf("SARIF report: %s (%d results left out past %d; every one is in the output above)", g.opts.sarif, cut, maxSARIFResults))
		} else {
			g.say("SARIF report: " + g.opts.sarif)
		}
	}
	if path := g.opts.summaryFile(); path != "" {
		if err := writeSummary(path, rd, path != g.opts.summary); err != nil {
			return refuse("could not write the summary %s: %v", path, unwrapPathError(err))
		}
		g.say("summary: " + path)
	}
	return nil
}

// writeRefusalReports writes the SARIF file and the summary of a run that
// ended before any rule judged it (exit 2): a CI that uploads them finds
// the reason where it looks, not a missing file.
func (g *gate) writeRefusalReports(reason string) {
	if g.opts == nil || !g.opts.wantsReports() {
		return
	}
	rd := &reportData{ExitCode: exitCannotJudge, Verdict: "CANNOT JUDGE", CannotJudge: []string{reason},
		SummaryLine: "gate: CANNOT JUDGE: " + reason}
	if err := g.writeReports(rd); err != nil {
		g.say(err.Error())
	}
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return unwrapPathError(err)
	}
	return unwrapPathError(os.WriteFile(path, append(b, '\n'), 0o644))
}

// checkReportArgs refuses report flags that do not fit the target: a plan
// JSON has no configuration to locate SARIF results in unless --source
// names it, and --source applies to a plan JSON only (a directory is its
// own source, read in the sealed copy).
func (g *gate) checkReportArgs(targetIsDir bool) error {
	o := g.opts
	switch {
	case targetIsDir && o.source != "":
		return refuse("--source applies to a plan JSON: the gate reads the configuration of DIR %s in its sealed copy", o.target)
	case !targetIsDir && o.sarif != "" && o.source == "":
		return refuse("--sarif with the plan JSON %s needs --source DIR, the root module the plan was made from: every SARIF result is located in the configuration", o.target)
	case !targetIsDir && o.source != "":
		src, err := realDir(o.source)
		if err != nil {
			return refuse("--source %s: %v", o.source, unwrapPathError(err))
		}
		top := src
		if o.root != "" {
			if top, err = realDir(o.root); err != nil {
				return refuse("--root %s: %v", o.root, unwrapPathError(err))
			}
		} else if t, ok := repositoryTop(src); ok {
			top = t
		}
		if !within(src, top) {
			return refuse("--root %s does not hold --source %s", o.root, o.source)
		}
		g.sources = newSourceMap(src, repoMapper(top, ""))
	}
	return nil
}

// noteSealedCopy makes the sealed copy the configuration SARIF results are
// located in: copyRoot is a copy of base, and sealedDir the root module in
// it; paths are given relative to the top of the reviewed repository.
func (g *gate) noteSealedCopy(base, copyRoot, sealedDir string) {
	prefix, err := filepath.Rel(g.top, base)
	if err != nil || !within(base, g.top) {
		return
	}
	g.sources = newSourceMap(sealedDir, repoMapper(copyRoot, prefix))
	g.sources.preload()
}

// sourceMap is the configuration results are located in: the sealed copy
// or --source, else (a run refused before the copy was made) the reviewed
// directory itself, read only for the name of its first file.
func (g *gate) sourceMap() *sourceMap {
	if g.sources != nil {
		return g.sources
	}
	info, err := os.Stat(g.opts.target)
	if err != nil || !info.IsDir() {
		return nil
	}
	dir, err := realDir(g.opts.target)
	if err != nil {
		return nil
	}
	top := g.top
	if top == "" {
		if t, ok := repositoryTop(dir); ok {
			top = t
		} else {
			top = dir
		}
	}
	return newSourceMap(dir, repoMapper(top, ""))
}

// judgeQueries evaluates what the run writes: the verdict and report,
// the JUnit XML with --junit, and the structured report when a report
// (JUnit, SARIF, summary) needs it.
func (g *gate) judgeQueries(ctx context.Context, ev *evaluator) (output, junit string, rd *reportData, err error) {
	withJUnit := g.opts.junit != ""
	output, junit, rd, err = ev.evalAll(ctx, withJUnit, withJUnit || g.opts.wantsReports())
	if err != nil {
		return "", "", nil, refuse("the policy could not be evaluated: %v", err)
	}
	if rd != nil {
		rd.Notices = g.notices
		if g.policy != nil {
			rd.PolicySHA256 = g.policy.sha256()
		}
	}
	return output, junit, rd, nil
}
