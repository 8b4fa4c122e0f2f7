package cloudsim_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Context paging, the generated large data set, the per-topic options and
// the CLS faults.

func TestCLSContextWalkStopsAt10000RowsAndOffsetReadsOn(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Events: 15000, Days: 180}})
	total := sim.CLSLogCount(clsAllTopic)
	if total <= 10000 {
		t.Fatalf("the topic holds %d logs; the test needs more than 10,000", total)
	}
	from, to := clsWindow(sim)
	params := map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": "*", "QuerySyntax": 1, "Limit": 1000}
	rows, cursor := 0, ""
	for calls := 0; ; calls++ {
		if cursor != "" {
			params["Context"] = cursor
		}
		page := clsDecode[clsSearchPage](t, c.cls("SearchLog", params))
		rows += len(page.Results)
		cursor = page.Context
		if cursor == "" || page.ListOver || calls > 20 {
			if rows != 10000 || page.ListOver {
				t.Fatalf("Context walk: %d rows, ListOver %v; want 10000 rows and ListOver false", rows, page.ListOver)
			}
			break
		}
	}
	// Offset has no row cap: every log once, newest first.
	delete(params, "Context")
	seen := map[string]bool{}
	last := int64(1 << 62)
	for offset := 0; ; {
		params["Offset"] = offset
		page := clsDecode[clsSearchPage](t, c.cls("SearchLog", params))
		for _, r := range page.Results {
			id := clsEventID(t, r.LogJson)
			if seen[id] || r.Time > last {
				t.Fatalf("offset %d: %s repeated or out of order", offset, id)
			}
			seen[id], last = true, r.Time
		}
		offset += len(page.Results)
		if page.ListOver {
			break
		}
	}
	if len(seen) != total {
		t.Errorf("Offset read %d logs, the topic holds %d", len(seen), total)
	}
	type histogram struct{ TotalCount int }
	if h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{
		"TopicId": clsAllTopic, "From": from, "To": to, "Query": "*", "SyntaxRule": 1})); h.TotalCount != total {
		t.Errorf("histogram %d, topic %d", h.TotalCount, total)
	}
}

func TestCLSContextExpiresAndBindsItsSearch(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	from, to := clsWindow(sim)
	params := map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": "*", "QuerySyntax": 1, "Limit": 10}
	page := clsDecode[clsSearchPage](t, c.cls("SearchLog", params))
	if page.Context == "" || page.ListOver {
		t.Fatalf("first page: %+v", page)
	}
	params["Context"] = page.Context
	changed := map[string]any{}
	for k, v := range params {
		changed[k] = v
	}
	changed["Limit"] = 20
	tcsimExpectError(t, c.cls("SearchLog", changed), "FailedOperation.InvalidContext")
	next := clsDecode[clsSearchPage](t, c.cls("SearchLog", params))
	if len(next.Results) != 10 || clsEventID(t, next.Results[0].LogJson) == clsEventID(t, page.Results[0].LogJson) {
		t.Fatalf("second page: %+v", next)
	}
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireContext, Action: "SearchLog", Times: 1})
	params["Context"] = next.Context
	tcsimExpectError(t, c.cls("SearchLog", params), "FailedOperation.InvalidContext")
}

func TestCLSTopicOptions(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Topics: map[string]cloudsim.CLSTopicOptions{
		clsAllTopic: {Cold: true, JSONUserIdentity: true},
	}}})
	from, to := clsWindow(sim)
	search := func(q string, syntax int) tcsimResult {
		return c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": q, "QuerySyntax": syntax, "Limit": 1000})
	}
	tcsimExpectError(t, search("eventName:DeleteUser", 1), "OperationDenied.OperationNotSupportInSearchLow")
	alice := clsExpected(sim, func(d map[string]any) bool { return clsUserName(d) == "alice" })
	page := clsDecode[clsSearchPage](t, search("alice", 1))
	if len(page.Results) != len(alice) {
		t.Errorf("full text on a cold topic: %d, want %d", len(page.Results), len(alice))
	}
	var doc map[string]any
	_ = json.Unmarshal([]byte(page.Results[0].LogJson), &doc)
	ui, ok := doc["userIdentity"].(string)
	if !ok || !strings.Contains(ui, `"principalId"`) || doc["userIdentity.principalId"] != nil {
		t.Errorf("userIdentity as one JSON string: %v", doc)
	}
	type topicsPage struct {
		Topics []struct{ StorageType string }
	}
	if tp := clsDecode[topicsPage](t, c.cls("DescribeTopics", map[string]any{
		"Filters": []map[string]any{{"Key": "storageType", "Values": []string{"cold"}}}})); len(tp.Topics) != 1 {
		t.Errorf("cold topics: %+v", tp)
	}

	_, c2 := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Topics: map[string]cloudsim.CLSTopicOptions{clsAllTopic: {NoCQL: true}}}})
	tcsimExpectError(t, c2.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": "*"}), "OperationDenied.NewSyntaxNotSupported")
	if res := c2.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": "*", "QuerySyntax": 0}); res.err != nil {
		t.Errorf("Lucene on a topic without CQL: %v", res.err)
	}
	_, c3 := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Topics: map[string]cloudsim.CLSTopicOptions{clsAllTopic: {Isolated: true}}}})
	tcsimExpectError(t, c3.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to}), "FailedOperation.TopicIsolated")
	tcsimExpectError(t, c3.cls("DescribeLogHistogram", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Query": "*"}), "FailedOperation.TopicIsolated")
}

func TestCLSFlattenedUserIdentityByDefault(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	from, to := clsWindow(sim)
	page := clsDecode[clsSearchPage](t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Limit": 1}))
	var doc map[string]any
	_ = json.Unmarshal([]byte(page.Results[0].LogJson), &doc)
	if _, ok := doc["userIdentity.principalId"].(string); !ok || doc["userIdentity"] != nil {
		t.Errorf("flattened userIdentity: %v", doc)
	}
}

func TestCLSLimitsAndFaults(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{MaxResponseBytes: 5000}})
	from, to := clsWindow(sim)
	params := map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Limit": 100}
	tcsimExpectError(t, c.cls("SearchLog", params), "LimitExceeded.SearchResultTooLarge")
	params["Limit"] = 2
	if res := c.cls("SearchLog", params); res.err != nil {
		t.Fatalf("a smaller Limit: %v", res.err)
	}
	type histogram struct{ TotalCount int }
	hp := map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Query": "*"}
	want := clsDecode[histogram](t, c.cls("DescribeLogHistogram", hp)).TotalCount
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultHistogramSkew, Action: "DescribeLogHistogram", Times: 1, Records: 3})
	if got := clsDecode[histogram](t, c.cls("DescribeLogHistogram", hp)).TotalCount; got != want+3 {
		t.Errorf("skewed histogram %d, want %d", got, want+3)
	}
	if got := clsDecode[histogram](t, c.cls("DescribeLogHistogram", hp)).TotalCount; got != want {
		t.Errorf("histogram after the fault %d, want %d", got, want)
	}
}

func TestCLSFifteenConcurrentSearchesPerTopic(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{SearchLatency: time.Second}})
	from, to := clsWindow(sim)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Limit": 1})
			code := "ok"
			if e := res.sdkErr(); e != nil {
				code = e.GetCode()
			} else if res.err != nil {
				code = res.err.Error()
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes["ok"] > 15 || codes["ok"]+codes["LimitExceeded.LogSearch"] != 20 || codes["LimitExceeded.LogSearch"] == 0 {
		t.Errorf("20 concurrent searches: %v; want at most 15 answered, the others LimitExceeded.LogSearch", codes)
	}
}

func TestCLSDeliveryLag(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Events: 20000, Days: 1, DeliveryLag: true}})
	now := time.Now()
	from, to := now.Add(-40*time.Minute).UnixMilli(), now.Add(time.Minute).UnixMilli()
	served := map[int64]bool{}
	for offset := 0; ; {
		page := clsDecode[clsSearchPage](t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Limit": 1000, "Offset": offset}))
		for _, r := range page.Results {
			served[r.Time] = true
		}
		offset += len(page.Results)
		if page.ListOver {
			break
		}
	}
	recent, missing := 0, 0
	for _, l := range sim.CLSLogs(clsAllTopic) {
		switch {
		case l.Time < from:
		case l.Time <= now.Add(-10*time.Minute).UnixMilli() && !served[l.Time]:
			missing++
		case l.Time > now.Add(-5*time.Minute).UnixMilli() && served[l.Time]:
			recent++
		}
	}
	if missing != 0 || recent != 0 || len(served) == 0 {
		t.Errorf("delivery lag: %d logs older than 10 minutes missing, %d newer than 5 minutes served (of %d)", missing, recent, len(served))
	}
}

func TestCLSGeneratedEventsAllReachATopicThatFollowsEverything(t *testing.T) {
	d, err := cloudsim.Scenario("compliant")
	if err != nil {
		t.Fatal(err)
	}
	sim, host := tcsimStart(t, cloudsim.Options{Data: d, CLS: cloudsim.CLSOptions{Events: 5000, Days: 180}})
	const topic = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"
	if n := sim.CLSLogCount(topic); n != 5000 {
		t.Fatalf("the compliant scenario's audit-all-cls topic holds %d generated events, want 5000", n)
	}
	c := tcsimDefaultCaller(t, host)
	c.region = "ap-shanghai"
	from, to := sim.Started().Add(-181*24*time.Hour).UnixMilli(), sim.Started().UnixMilli()
	type histogram struct{ TotalCount int }
	if h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{"TopicId": topic, "From": from, "To": to, "Query": "*"})); h.TotalCount != 5000 {
		t.Errorf("histogram over 181 days: %d, want 5000", h.TotalCount)
	}
	// The oldest events are 180 days old: a 90-day window holds about half.
	half := sim.Started().Add(-90 * 24 * time.Hour).UnixMilli()
	if h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{"TopicId": topic, "From": half, "To": to, "Query": "*"})); h.TotalCount < 2400 || h.TotalCount > 2600 {
		t.Errorf("histogram over 90 days: %d, want about 2500", h.TotalCount)
	}
}

func TestCLSRetentionPeriodHidesOlderLogs(t *testing.T) {
	d, err := cloudsim.Scenario("compliant")
	if err != nil {
		t.Fatal(err)
	}
	const topic = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"
	sim, host := tcsimStart(t, cloudsim.Options{Data: d, CLS: cloudsim.CLSOptions{Events: 5000, Days: 180,
		Topics: map[string]cloudsim.CLSTopicOptions{topic: {Period: 90}}}})
	c := tcsimDefaultCaller(t, host)
	c.region = "ap-shanghai"
	type topicsPage struct{ Topics []struct{ Period int } }
	if p := clsDecode[topicsPage](t, c.cls("DescribeTopics", map[string]any{})); len(p.Topics) != 1 || p.Topics[0].Period != 90 {
		t.Fatalf("DescribeTopics: %+v", p)
	}
	from, to := sim.Started().Add(-181*24*time.Hour).UnixMilli(), sim.Started().UnixMilli()
	type histogram struct{ TotalCount int }
	h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{"TopicId": topic, "From": from, "To": to, "Query": "*"}))
	if h.TotalCount < 2400 || h.TotalCount > 2600 {
		t.Errorf("a topic kept 90 days, searched over 181: %d logs, want the last 90 days' (about 2500)", h.TotalCount)
	}
}
