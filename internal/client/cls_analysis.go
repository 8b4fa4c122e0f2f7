package client

import (
	"context"
	"fmt"
	"strings"
)

// An analysis is SearchLog with an SQL part, run by CLS over the logs its
// search part matches. The statement's rules (cls_analysis_sql.go) make a
// cut answer detectable; this sends it exact (SamplingRate 1), asks for the
// new answer form (UseNewAnalysis: Columns and AnalysisRecords), and reads
// the answer strictly.

// clsAnalysisRequest is SearchLog as an analysis sends it.
type clsAnalysisRequest struct {
	TopicId        string  `json:"TopicId"`
	From           int64   `json:"From"`
	To             int64   `json:"To"`
	QueryString    string  `json:"QueryString"`
	QuerySyntax    uint64  `json:"QuerySyntax"`
	SamplingRate   float64 `json:"SamplingRate"`
	UseNewAnalysis bool    `json:"UseNewAnalysis"`
}

// clsAnalysisResponse is SearchLog's answer to an SQL statement.
type clsAnalysisResponse struct {
	ResponseMeta
	Analysis        *bool    `json:"Analysis"`
	AnalysisRecords []string `json:"AnalysisRecords"`
	Columns         []struct {
		Name *string `json:"Name"`
		Type *string `json:"Type"`
	} `json:"Columns"`
	SamplingRate *float64 `json:"SamplingRate"`
}

// Analysis and SamplingRate must be there: without them the answer cannot
// be told from a raw page, nor an exact one from a sample.
func (*clsAnalysisResponse) promised() ([]string, bool) {
	return []string{"Analysis", "SamplingRate"}, false
}

// CLSAnalysisQuery is one analysis of a topic.
type CLSAnalysisQuery struct {
	Region, TopicID string
	// Search is the CQL search part ("" or "*" for every log); SQL the
	// SELECT run over what it matches, without LIMIT.
	Search, SQL string
	// From and To are the window in Unix milliseconds.
	From, To int64
	// MaxRows is the most rows wanted (1 to MaxAnalysisRows); one more is
	// asked for, to know whether the answer was cut.
	MaxRows int
}

// CLSAnalysisResult is an analysis' answer.
type CLSAnalysisResult struct {
	// Statement is the QueryString sent.
	Statement string
	Columns   []AnalysisColumn
	// Rows holds at most MaxRows rows; Cut says the answer had more.
	Rows []AnalysisRow
	Cut  bool
	// SamplingRate is the rate the answer says it used (always 1: any
	// other fails the analysis).
	SamplingRate float64
	RequestID    string
}

// AnalyseCLS runs one analysis. It fails on SQL the statement rules refuse
// (AnalysisSQLError, before any call), on an answer that is not an
// analysis, was computed on a sample, or whose rows are not its columns.
func (c *TencentClient) AnalyseCLS(ctx context.Context, q CLSAnalysisQuery) (*CLSAnalysisResult, error) {
	stmt, err := AnalysisStatement(q.Search, q.SQL, q.MaxRows)
	if err != nil {
		return nil, err
	}
	release, err := c.clsTopicSlot(ctx, q.Region, q.TopicID)
	if err != nil {
		return nil, err
	}
	defer release()
	req := clsAnalysisRequest{TopicId: q.TopicID, From: q.From, To: q.To, QueryString: stmt, QuerySyntax: CLSQuerySyntaxCQL,
		SamplingRate: 1, UseNewAnalysis: true}
	res, err := callTencent[clsAnalysisResponse](ctx, c, clsCall(q.Region, "SearchLog"), req)
	if err != nil {
		return nil, err
	}
	rid := requestIDOrNone(res.RequestId)
	if !*res.Analysis {
		return nil, fmt.Errorf("SearchLog answered an SQL statement with raw logs (Analysis false, RequestId: %s): the answer is not an analysis", rid)
	}
	if err := CheckSamplingRate(*res.SamplingRate); err != nil {
		return nil, fmt.Errorf("%w (RequestId: %s)", err, rid)
	}
	cols := make([]AnalysisColumn, len(res.Columns))
	for i, col := range res.Columns {
		if col.Name == nil {
			return nil, fmt.Errorf("the answer's column %d has no name (RequestId: %s)", i+1, rid)
		}
		cols[i] = AnalysisColumn{Name: *col.Name}
		if col.Type != nil {
			cols[i].Type = *col.Type
		}
	}
	rows, err := ParseAnalysisRecords(cols, res.AnalysisRecords)
	if err != nil {
		return nil, fmt.Errorf("%w (RequestId: %s)", err, rid)
	}
	out := &CLSAnalysisResult{Statement: stmt, Columns: cols, Rows: rows, SamplingRate: *res.SamplingRate, RequestID: res.RequestId}
	if len(rows) > q.MaxRows {
		out.Rows, out.Cut = rows[:q.MaxRows], true
	}
	return out, nil
}

// AnalysisSQLNames lists the names an SQL statement reads that could be
// fields of the index: bare words that are not keywords or functions, and
// quoted names, less the aliases the statement defines (AS x). Used to say
// which field lacks SQL statistics before CLS is asked.
func AnalysisSQLNames(sql string) []string {
	toks, err := sqlTokens(sql)
	if err != nil {
		return nil
	}
	aliases := map[string]bool{}
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind == sqlWord && strings.EqualFold(toks[i].text, "as") {
			aliases[sqlTokenName(toks[i+1])] = true
		}
	}
	seen := map[string]bool{}
	var out []string
	for i, t := range toks {
		if t.kind != sqlWord && t.kind != sqlQuotedName {
			continue
		}
		if t.kind == sqlWord && (sqlKeywords[strings.ToLower(t.text)] || i+1 < len(toks) && toks[i+1].text == "(" || isSQLNumber(t.text)) {
			continue
		}
		name := sqlTokenName(t)
		if aliases[name] || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

func sqlTokenName(t sqlToken) string {
	if t.kind == sqlQuotedName {
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return t.text
}

func isSQLNumber(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// sqlKeywords are the words of SQL that name no field.
var sqlKeywords = map[string]bool{
	"select": true, "distinct": true, "as": true, "where": true, "and": true, "or": true, "not": true, "in": true,
	"like": true, "is": true, "null": true, "between": true, "group": true, "by": true, "order": true, "asc": true,
	"desc": true, "having": true, "true": true, "false": true, "case": true, "when": true, "then": true, "else": true,
	"end": true, "from": true, "on": true, "join": true, "left": true, "right": true, "inner": true, "outer": true,
	"union": true, "all": true, "cast": true, "interval": true, "over": true, "partition": true, "with": true,
}
