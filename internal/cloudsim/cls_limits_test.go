package cloudsim_test

import (
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Every LogInfo field a search serves is the one Server.CLSLogs reports,
// so tests of a reader can compare what it read with what was served.
func TestCLSServedLogsAreTheDataSets(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	from, to := clsWindow(sim)
	want := sim.CLSLogs(clsAllTopic)
	type fullInfo struct {
		Time                                                                             int64
		TopicId, TopicName, PkgId, PkgLogId, LogJson, Source, FileName, HostName, RawLog string
		IndexStatus                                                                      string
	}
	page := clsDecode[struct{ Results []fullInfo }](t, c.cls("SearchLog", map[string]any{
		"TopicId": clsAllTopic, "From": from, "To": to, "Sort": "asc", "Limit": 1000}))
	if len(page.Results) != len(want) || len(want) == 0 {
		t.Fatalf("served %d logs, the topic holds %d", len(page.Results), len(want))
	}
	for i, got := range page.Results {
		w := want[i]
		if got.Time != w.Time || got.TopicId != w.TopicId || got.TopicName != w.TopicName || got.PkgId != w.PkgId ||
			got.PkgLogId != w.PkgLogId || got.LogJson != w.LogJson || got.Source != "" || got.FileName != "" ||
			got.HostName != "" || got.RawLog != "" || got.IndexStatus != "" {
			t.Fatalf("log %d: served %+v, data set %+v", i, got, w)
		}
	}
}

// The CLS actions' documented rates (cls.md §1), on a clock that does not
// move, so that no token comes back during the test.
func TestCLSRateLimits(t *testing.T) {
	now := time.Now()
	_, c := clsStart(t, cloudsim.Options{EnforceRateLimits: true, Now: func() time.Time { return now }})
	for action, limit := range map[string]int{"DescribeIndex": 20, "DescribeTopics": 50} {
		params := map[string]any{}
		if action == "DescribeIndex" {
			params["TopicId"] = clsAllTopic
		}
		for i := range limit {
			if res := c.cls(action, params); res.err != nil {
				t.Fatalf("%s call %d of %d: %v", action, i+1, limit, res.err)
			}
		}
		tcsimExpectError(t, c.cls(action, params), "RequestLimitExceeded")
	}
}
