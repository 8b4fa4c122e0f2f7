// CLS SearchLog with an SQL part: the analysis runs in the simulator's
// embedded SQL engine (package clssql) over the logs the search part
// matched, as CLS runs it over a topic (cls.md §8.3).

package cloudsim

import (
	"context"
	"errors"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim/clssql"
)

// clsAnalysisItem is the old form's row (UseNewAnalysis false):
// LogItems{Data[]{Key,Value}}.
type clsAnalysisItem struct {
	Data []clsAnalysisPair `json:"Data"`
}

type clsAnalysisPair struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func (c *clsService) sampleNextSQL(n int) {
	c.search.mu.Lock()
	c.search.sampledSQL += n
	c.search.mu.Unlock()
}

// analyse answers an SQL statement: every matching log takes part (only the
// fields whose index has SQL statistics), unless SamplingRate asks for a
// sample or the sampled-sql fault is due. The rate used is echoed.
func (c *clsService) analyse(call *tencentCall, q *clsQuery, rateSent bool, rate float64, newForm bool) (any, *tencentError) {
	release, err := c.acquire(q.top.info.TopicId)
	if err != nil {
		return nil, err
	}
	defer release()
	if !rateSent {
		rate = 1 // the documented default
	}
	if rate < 0 || rate > 1 {
		return nil, errorf("InvalidParameter", "SamplingRate must be 0 (automatic) to 1 (no sampling), got %g.", rate)
	}
	all := c.matches(q, call.now)
	used := rate
	if rate == 0 { // automatic: CLS samples large sets; the simulator's threshold is its own choice
		used = 1
		if len(all) > 1_000_000 {
			used = 0.5
		}
	}
	c.search.mu.Lock()
	if c.search.sampledSQL > 0 {
		c.search.sampledSQL--
		used = 0.5
	}
	c.search.mu.Unlock()
	step := 1
	if used < 1 {
		step = max(int(1/used+0.5), 1)
	}
	var fields []clssql.Field
	sqlKeys := map[string]bool{}
	for _, k := range clsIndexedKeys(q.top.opts.JSONUserIdentity) {
		if k.Value.SqlFlag {
			fields = append(fields, clssql.Field{Name: k.Key, Type: k.Value.Type})
			sqlKeys[k.Key] = true
		}
	}
	logs := c.logsOf(q.top)
	rows := make([]clssql.Log, 0, len(all)/step+1)
	for i := 0; i < len(all); i += step {
		row := clssql.Log{}
		for _, f := range logs.fields(int(all[i])) {
			if sqlKeys[f.key] {
				row[f.key] = f.val
			}
		}
		rows = append(rows, row)
	}
	res, xerr := clssql.Execute(context.Background(), q.sql, fields, rows)
	var se *clssql.Error
	switch {
	case errors.As(xerr, &se):
		return nil, errorf(se.Code, "The SQL part has an error: %s.", se.Message)
	case xerr != nil:
		return nil, errorf("InternalError", "The analysis failed.")
	}
	ans := clsSearchAnswer{Analysis: true, ListOver: true, Results: []clsLogInfo{}, ColNames: []string{}, AnalysisResults: []any{},
		SamplingRate: used}
	if !newForm {
		for _, col := range res.Columns {
			ans.ColNames = append(ans.ColNames, col.Name)
		}
		for _, rec := range res.Records {
			item, err := oldFormRow(res.Columns, rec)
			if err != nil {
				return nil, errorf("InternalError", "The analysis failed.")
			}
			ans.AnalysisResults = append(ans.AnalysisResults, item)
		}
		return ans, nil
	}
	ans.AnalysisRecords = res.Records
	cols := make([]any, len(res.Columns))
	for i, col := range res.Columns {
		cols[i] = col
	}
	ans.Columns = cols
	size := 0
	for _, r := range res.Records {
		size += len(r)
	}
	maxBytes := c.t.srv.opts.CLS.MaxResponseBytes
	if maxBytes <= 0 {
		maxBytes = clsDefaultMaxBytes
	}
	if size > maxBytes {
		return nil, errorf("LimitExceeded.SearchResultTooLarge", "The search result is larger than %d bytes; lower the SQL's LIMIT.", maxBytes)
	}
	return ans, nil
}

// oldFormRow turns a row of the new form into the old one: each column's
// value as text.
func oldFormRow(cols []clssql.Column, rec string) (clsAnalysisItem, error) {
	values, err := clssql.RowValues(cols, rec)
	if err != nil {
		return clsAnalysisItem{}, err
	}
	item := clsAnalysisItem{Data: make([]clsAnalysisPair, len(cols))}
	for i, col := range cols {
		item.Data[i] = clsAnalysisPair{Key: col.Name, Value: values[i]}
	}
	return item, nil
}
