package cloudsim_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

type clsAnalysisPage struct {
	Analysis        bool     `json:"Analysis"`
	SamplingRate    float64  `json:"SamplingRate"`
	AnalysisRecords []string `json:"AnalysisRecords"`
	Columns         []struct {
		Name, Type string
	} `json:"Columns"`
	ColNames        []string `json:"ColNames"`
	AnalysisResults []struct {
		Data []struct{ Key, Value string }
	} `json:"AnalysisResults"`
}

// An SQL part runs over the logs its search part matched: counts per event
// name equal those computed from the topic's logs; without LIMIT, 100 rows
// at most; the rate used is echoed (1 unless a sample was asked for or the
// sampled-sql fault is due); the old answer form carries the same rows;
// fields without SQL statistics, and SQL outside the subset, are refused.
func TestCLSAnalysisCountsWhatTheSearchMatched(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{Tracks: clsTracks})
	want := map[string]int{}
	for _, l := range sim.CLSLogs(clsAllTopic) {
		var doc map[string]any
		if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
			t.Fatal(err)
		}
		if clsText(doc, "eventSource") == "cvm.tencentcloudapi.com" {
			want[clsText(doc, "eventName")]++
		}
	}
	if len(want) < 2 {
		t.Fatalf("the data set has %d CVM event names; the test needs several", len(want))
	}
	from, to := clsWindow(sim)
	search := func(stmt string, extra map[string]any) clsAnalysisPage {
		p := map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": stmt, "QuerySyntax": 1, "UseNewAnalysis": true}
		for k, v := range extra {
			p[k] = v
		}
		return clsDecode[clsAnalysisPage](t, c.cls("SearchLog", p))
	}
	page := search(`eventSource:"cvm.tencentcloudapi.com" | SELECT eventName, count(*) AS n GROUP BY eventName ORDER BY eventName LIMIT 1000`, map[string]any{"SamplingRate": 1})
	if !page.Analysis || page.SamplingRate != 1 || len(page.Columns) != 2 || page.Columns[1].Type != "bigint" {
		t.Fatalf("answer %+v", page)
	}
	got := map[string]int{}
	for _, rec := range page.AnalysisRecords {
		var row struct {
			EventName string `json:"eventName"`
			N         int    `json:"n"`
		}
		if err := json.Unmarshal([]byte(rec), &row); err != nil {
			t.Fatalf("row %s: %v", rec, err)
		}
		got[row.EventName] = row.N
	}
	if len(got) != len(want) {
		t.Errorf("%d event names, want %d", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d, want %d", k, got[k], n)
		}
	}

	if page := search(`* | SELECT eventID, count(*) AS n GROUP BY eventID`, nil); len(page.AnalysisRecords) != 100 || page.SamplingRate != 1 {
		t.Errorf("without LIMIT: %d rows at rate %g, want 100 rows at rate 1", len(page.AnalysisRecords), page.SamplingRate)
	}
	old := search(`* | SELECT count(*) AS n`, map[string]any{"UseNewAnalysis": false})
	if len(old.ColNames) != 1 || len(old.AnalysisResults) != 1 || old.AnalysisResults[0].Data[0].Key != "n" {
		t.Errorf("old form: %+v", old)
	}
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSampledSQL, Times: 1})
	if page := search(`* | SELECT count(*) AS n`, map[string]any{"SamplingRate": 1}); page.SamplingRate != 0.5 {
		t.Errorf("sampled-sql fault: rate %g echoed", page.SamplingRate)
	}
	if page := search(`* | SELECT count(*) AS n`, map[string]any{"SamplingRate": 0.25}); page.SamplingRate != 0.25 {
		t.Errorf("a sample asked for: rate %g echoed", page.SamplingRate)
	}
	for stmt, code := range map[string]string{
		`* | SELECT userAgent, count(*) AS n GROUP BY userAgent`: "FailedOperation.SyntaxError",
		`* | SELECT count(*) AS n FROM log`:                      "FailedOperation.SyntaxError",
		`* | SELECT json_extract(eventName, '$') AS x`:           "FailedOperation.SyntaxError",
	} {
		res := c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": stmt, "QuerySyntax": 1})
		if res.err == nil || !strings.Contains(res.err.Error(), code) {
			t.Errorf("%s: %v, want %s", stmt, res.err, code)
		}
	}
}
