package cloudsim_test

import (
	"encoding/json"
	"strconv"
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

// A key-value search reaching past the topic's hot days (365/30 for the
// compliant scenario's topic): searched, refused or silently shortened, as
// the topic's IAWindow option says (undocumented).
func TestCLSKeyValueSearchPastHotPeriod(t *testing.T) {
	d, err := cloudsim.Scenario("compliant")
	if err != nil {
		t.Fatal(err)
	}
	const topic = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"
	for _, tc := range []struct {
		window string
		want   func(n int) bool
		code   string
	}{
		{"", func(n int) bool { return n == 5000 }, ""},
		{"refuse", nil, "OperationDenied.OperationNotSupportInSearchLow"},
		{"omit", func(n int) bool { return n > 700 && n < 1000 }, ""}, // the last 30 of 180 days
	} {
		sim, host := tcsimStart(t, cloudsim.Options{Data: d, CLS: cloudsim.CLSOptions{Events: 5000, Days: 180,
			Topics: map[string]cloudsim.CLSTopicOptions{topic: {IAWindow: tc.window}}}})
		c := tcsimDefaultCaller(t, host)
		c.region = "ap-shanghai"
		from, to := sim.Started().Add(-181*24*time.Hour).UnixMilli(), sim.Started().UnixMilli()
		kv := map[string]any{"TopicId": topic, "From": from, "To": to, "Query": "eventName:*", "SyntaxRule": 1}
		type histogram struct{ TotalCount int }
		if tc.code != "" {
			tcsimExpectError(t, c.cls("DescribeLogHistogram", kv), tc.code)
		} else if n := clsDecode[histogram](t, c.cls("DescribeLogHistogram", kv)).TotalCount; !tc.want(n) {
			t.Errorf("ia-window %q: key-value search over 181 days found %d", tc.window, n)
		}
		full := map[string]any{"TopicId": topic, "From": from, "To": to, "Query": "*", "SyntaxRule": 1}
		if n := clsDecode[histogram](t, c.cls("DescribeLogHistogram", full)).TotalCount; n != 5000 {
			t.Errorf("ia-window %q: full-text search over 181 days found %d, want 5000", tc.window, n)
		}
	}
}

// With time=delivery a log's Time is its arrival: 5 to 10 minutes after
// the event's own eventTime, in arrival order.
func TestCLSDeliveryTimeOption(t *testing.T) {
	for _, events := range []int{0, 3000} {
		sim := cloudsim.New(cloudsim.Options{Tracks: clsTracks, CLS: cloudsim.CLSOptions{Events: events,
			Topics: map[string]cloudsim.CLSTopicOptions{clsAllTopic: {DeliveryTime: true}}}})
		logs := sim.CLSLogs(clsAllTopic)
		if len(logs) == 0 {
			t.Fatal("no logs")
		}
		for i, l := range logs {
			var doc struct{ EventTime string }
			if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
				t.Fatal(err)
			}
			sec, err := strconv.ParseInt(doc.EventTime, 10, 64)
			if err != nil {
				t.Fatalf("eventTime %q", doc.EventTime)
			}
			if lag := l.Time - sec*1000; lag < 5*60*1000 || lag >= 10*60*1000+1000 || (i > 0 && l.Time < logs[i-1].Time) {
				t.Fatalf("events %d, log %d: Time %d, eventTime %d s (lag %d ms), previous Time %d", events, i, l.Time, sec, lag, logs[max(i-1, 0)].Time)
			}
		}
	}
}

// With HistogramWholeEdges the first and last buckets count logs outside
// the window, so the total exceeds a complete raw read of it.
func TestCLSHistogramWholeEdges(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Events: 20000, Days: 1, HistogramWholeEdges: true}})
	hour := int64(3600 * 1000)
	to := sim.Started().Add(-2*time.Hour).UnixMilli()/hour*hour + hour/2 // mid-bucket
	from := to - 10*hour
	raw := 0
	for offset := 0; ; {
		page := clsDecode[clsSearchPage](t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Limit": 1000, "Offset": offset}))
		raw += len(page.Results)
		offset += len(page.Results)
		if page.ListOver {
			break
		}
	}
	type histogram struct{ TotalCount int }
	h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Query": "*", "Interval": hour}))
	// Half an hour more on each side: about a tenth more.
	if h.TotalCount <= raw || h.TotalCount > raw*12/10+50 {
		t.Errorf("whole edge buckets: histogram %d, raw read %d", h.TotalCount, raw)
	}
}

// HighLight names the keys a key-value condition matched.
func TestCLSHighLight(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	from, to := clsWindow(sim)
	type hl struct {
		Results []struct {
			HighLights []struct {
				Key    string
				Values []string
			}
		}
	}
	page := clsDecode[hl](t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to,
		"QueryString": "eventName:DeleteUser", "HighLight": true, "Limit": 2}))
	if len(page.Results) == 0 || len(page.Results[0].HighLights) != 1 || page.Results[0].HighLights[0].Key != "eventName" ||
		page.Results[0].HighLights[0].Values[0] != "DeleteUser" {
		t.Errorf("HighLights: %+v", page.Results)
	}
}
