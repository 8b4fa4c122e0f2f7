package cloudsim_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The CLS half driven through the official SDK's common client, as the
// provider calls it. Expectations are computed from the simulator's
// CloudAudit data set (sim.CloudAuditEvents), not from the CLS code.

const (
	clsVersion = "2020-10-16"
	// With 29 generated tracking sets, set 28 (audit-all-29) follows every
	// product and delivers to this topic in ap-hongkong.
	clsAllTopic  = "5a1c001c-4d2e-4c1a-9e7b-3f00aa00001c"
	clsAllRegion = "ap-hongkong"
	clsTracks    = 29
)

type clsLogInfo struct {
	Time      int64  `json:"Time"`
	TopicId   string `json:"TopicId"`
	TopicName string `json:"TopicName"`
	LogJson   string `json:"LogJson"`
	PkgId     string `json:"PkgId"`
	PkgLogId  string `json:"PkgLogId"`
}

type clsSearchPage struct {
	Context  string       `json:"Context"`
	ListOver bool         `json:"ListOver"`
	Analysis bool         `json:"Analysis"`
	Results  []clsLogInfo `json:"Results"`
}

func clsCaller(t *testing.T, host string) tcsimCaller {
	c := tcsimDefaultCaller(t, host)
	c.region = clsAllRegion
	return c
}

func (c tcsimCaller) cls(action string, params map[string]any) tcsimResult {
	c.t.Helper()
	b, _ := json.Marshal(params)
	return c.call("cls", clsVersion, action, string(b))
}

func clsDecode[T any](t *testing.T, res tcsimResult) T {
	t.Helper()
	var v T
	if res.err != nil {
		t.Fatalf("call failed: %v", res.err)
	}
	var env struct{ Response json.RawMessage }
	if err := json.Unmarshal(res.body, &env); err != nil {
		t.Fatalf("answer %s: %v", res.body, err)
	}
	if err := json.Unmarshal(env.Response, &v); err != nil {
		t.Fatalf("answer %s: %v", env.Response, err)
	}
	return v
}

// clsWindow is a window covering the whole data set.
func clsWindow(sim *cloudsim.Server) (int64, int64) {
	return sim.Started().Add(-200 * 24 * time.Hour).UnixMilli(), sim.Started().Add(time.Minute).UnixMilli()
}

// clsReadAll pages a search with Offset and returns each log's eventID, in
// the order served.
func clsReadAll(t *testing.T, c tcsimCaller, sim *cloudsim.Server, query string, syntax, limit int) []string {
	t.Helper()
	from, to := clsWindow(sim)
	var ids []string
	for offset := 0; ; {
		page := clsDecode[clsSearchPage](t, c.cls("SearchLog", map[string]any{
			"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": query, "QuerySyntax": syntax,
			"Limit": limit, "Offset": offset}))
		for _, r := range page.Results {
			ids = append(ids, clsEventID(t, r.LogJson))
		}
		offset += len(page.Results)
		if page.ListOver {
			return ids
		}
		if len(page.Results) == 0 {
			t.Fatalf("empty page at offset %d without ListOver", offset)
		}
	}
}

func clsEventID(t *testing.T, logJSON string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(logJSON), &m); err != nil {
		t.Fatalf("LogJson %q: %v", logJSON, err)
	}
	id, _ := m["eventID"].(string)
	return id
}

// clsExpected lists the event ids of the data set an event filter keeps
// among those the topic's tracking set (ActionType Write) delivers, newest
// first.
func clsExpected(sim *cloudsim.Server, keep func(doc map[string]any) bool) []string {
	var out []string
	for _, e := range sim.CloudAuditEvents() {
		var doc map[string]any
		_ = json.Unmarshal([]byte(e.CloudAuditEvent), &doc)
		if doc["actionType"] == "Write" && keep(doc) {
			out = append(out, e.EventId)
		}
	}
	return out
}

func clsStart(t *testing.T, opts cloudsim.Options) (*cloudsim.Server, tcsimCaller) {
	t.Helper()
	if opts.Tracks == 0 {
		opts.Tracks = clsTracks
	}
	sim, host := tcsimStart(t, opts)
	return sim, clsCaller(t, host)
}

func TestCLSTopicsServeTheTrackingSetsTopics(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	type topic struct {
		TopicId, TopicName, StorageType, AssumerName string
		Period                                       int64
		HotPeriod                                    uint64
		Status, Index                                bool
	}
	type topicsPage struct {
		Topics     []topic
		TotalCount int
	}
	page := clsDecode[topicsPage](t, c.cls("DescribeTopics", map[string]any{"Limit": 100}))
	var ids []string
	for _, tp := range page.Topics {
		ids = append(ids, tp.TopicId)
	}
	if page.TotalCount != len(page.Topics) || !clsContains(ids, clsAllTopic) {
		t.Fatalf("topics in %s: %+v", clsAllRegion, page)
	}
	for _, tp := range page.Topics {
		if tp.TopicName == "" || tp.StorageType != "hot" || tp.Period < 1 || !tp.Status || !tp.Index || tp.AssumerName != "CloudAudit" {
			t.Errorf("topic %+v", tp)
		}
	}
	// Every topic of every region is a CLS tracking set's storage in this account.
	total := 0
	for _, region := range []string{"ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-hongkong", "ap-singapore"} {
		c.region = region
		total += clsDecode[topicsPage](t, c.cls("DescribeTopics", map[string]any{})).TotalCount
	}
	if want := len(sim.CLSTopicIDs()); total != want || want == 0 {
		t.Errorf("topics over all regions = %d, want %d", total, want)
	}
	c.region = clsAllRegion
	one := clsDecode[topicsPage](t, c.cls("DescribeTopics", map[string]any{
		"Filters": []map[string]any{{"Key": "topicId", "Values": []string{clsAllTopic}}}}))
	if one.TotalCount != 1 || one.Topics[0].TopicId != clsAllTopic {
		t.Errorf("topicId filter: %+v", one)
	}
	tcsimExpectError(t, c.cls("DescribeTopics", map[string]any{"Limit": 101}), "InvalidParameter")
	mars := c
	mars.region = "mars-north-1"
	tcsimExpectError(t, mars.cls("DescribeTopics", map[string]any{}), "UnsupportedRegion")
	tcsimExpectError(t, c.cls("DescribeTopics", map[string]any{"Filters": []map[string]any{{"Key": "color", "Values": []string{"x"}}}}), "InvalidParameter")

	type index struct {
		TopicId string
		Status  bool
		Rule    struct {
			FullText struct{ CaseSensitive bool }
			KeyValue struct {
				KeyValues []struct {
					Key   string
					Value struct {
						Type    string
						SqlFlag bool
					}
				}
			}
		}
	}
	idx := clsDecode[index](t, c.cls("DescribeIndex", map[string]any{"TopicId": clsAllTopic}))
	types := map[string]string{}
	for _, kv := range idx.Rule.KeyValue.KeyValues {
		types[kv.Key] = kv.Value.Type
	}
	if !idx.Status || types["eventName"] != "text" || types["errorCode"] != "long" || types["userIdentity.principalId"] != "text" {
		t.Errorf("DescribeIndex: %+v", idx)
	}
	tcsimExpectError(t, c.cls("DescribeIndex", map[string]any{"TopicId": "nope"}), "ResourceNotFound.TopicNotExist")
}

func TestCLSSearchOffsetPagingReadsEveryDeliveredEventOnce(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	want := clsExpected(sim, func(map[string]any) bool { return true })
	got := clsReadAll(t, c, sim, "", 1, 7)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("read %d events, want the %d of the data set newest first", len(got), len(want))
	}
	from, to := clsWindow(sim)
	type histogram struct {
		Interval       int64
		TotalCount     int64
		HistogramInfos []struct{ BTime, Count int64 }
	}
	h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{
		"TopicId": clsAllTopic, "From": from, "To": to, "Query": "*", "SyntaxRule": 1}))
	sum := int64(0)
	for i, b := range h.HistogramInfos {
		sum += b.Count
		if b.BTime%h.Interval != 0 || (i > 0 && b.BTime != h.HistogramInfos[i-1].BTime+h.Interval) {
			t.Fatalf("bucket %d at %d, interval %d", i, b.BTime, h.Interval)
		}
	}
	if h.TotalCount != int64(len(want)) || sum != h.TotalCount || (to-from)/h.Interval > 200 {
		t.Errorf("histogram total %d, buckets sum %d, interval %d; want %d", h.TotalCount, sum, h.Interval, len(want))
	}
	// Ascending order is the same events reversed.
	page := clsDecode[clsSearchPage](t, c.cls("SearchLog", map[string]any{
		"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": "*", "Sort": "asc", "Limit": 3}))
	if len(page.Results) != 3 || clsEventID(t, page.Results[0].LogJson) != want[len(want)-1] || page.Results[0].TopicId != clsAllTopic {
		t.Errorf("asc page: %+v", page.Results)
	}
}

func TestCLSSearchMatchesTokensNotSubstrings(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	name := func(n string) func(map[string]any) bool {
		return func(d map[string]any) bool { return d["eventName"] == n }
	}
	deleteUser := clsExpected(sim, name("DeleteUser"))
	createUser := clsExpected(sim, name("CreateUser"))
	deletes := clsExpected(sim, func(d map[string]any) bool { return strings.HasPrefix(clsText(d, "eventName"), "Delete") })
	failed := clsExpected(sim, func(d map[string]any) bool { return clsNumber(d, "errorCode") > 0 })
	alice := clsExpected(sim, func(d map[string]any) bool {
		return clsUserName(d) == "alice"
	})
	if len(deleteUser) == 0 || len(createUser) == 0 || len(failed) == 0 || len(alice) == 0 {
		t.Fatal("the data set lacks the events this test needs")
	}
	either := len(deleteUser) + len(createUser)
	for _, tc := range []struct {
		query  string
		syntax int
		want   int
	}{
		{"eventName:DeleteUser", 1, len(deleteUser)},
		{"eventName:deleteuser", 1, len(deleteUser)}, // the index is case-insensitive
		{"eventName:Delete", 1, 0},                   // a token, not a substring
		{"eventName:Delete*", 1, len(deletes)},
		{"eventName:DeleteUser OR eventName:CreateUser", 1, either},
		{"eventName:(DeleteUser or CreateUser)", 1, either},
		{"eventName:DeleteUser eventName:CreateUser", 1, 0},      // CQL: a space is AND
		{"eventName:DeleteUser eventName:CreateUser", 0, either}, // Lucene: a space is OR
		{"eventName:DeleteUser and eventName:CreateUser", 0, either},
		{"eventName:DeleteUser && eventName:CreateUser", 0, 0},
		{"eventName:DeleteUser AND NOT eventName:CreateUser", 0, len(deleteUser)},
		{"errorCode:>0", 1, len(failed)},
		{"errorCode>0", 1, len(failed)},
		{"errorCode:{0 TO *]", 0, len(failed)},
		{"NOT errorCode:0", 1, len(failed)},
		{"* NOT errorCode:0", 1, len(failed)},
		{"userIdentity.userName:alice", 1, len(alice)},
		{`userIdentity.userName:"alice"`, 1, len(alice)},
		{"DeleteUser", 1, len(deleteUser)}, // full text
	} {
		got := clsReadAll(t, c, sim, tc.query, tc.syntax, 100)
		if len(got) != tc.want {
			t.Errorf("%q (syntax %d): %d events, want %d", tc.query, tc.syntax, len(got), tc.want)
		}
	}
	from, to := clsWindow(sim)
	for query, code := range map[string]string{
		"eventName:*User":       "FailedOperation.SyntaxError", // no leading wildcard
		"eventName:(DeleteUser": "FailedOperation.SyntaxError",
		"noSuchKey:x":           "FailedOperation.QueryError",
		"eventName:>3":          "FailedOperation.QueryError",
		strings.Repeat("(", 11) + "a" + strings.Repeat(")", 11): "FailedOperation.SyntaxError",
	} {
		tcsimExpectError(t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": query}), code)
	}
}

func TestCLSSearchRules(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{CLS: cloudsim.CLSOptions{Topics: map[string]cloudsim.CLSTopicOptions{}}})
	from, to := clsWindow(sim)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"TopicId": clsAllTopic, "From": from, "To": to}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tcsimExpectError(t, c.cls("SearchLog", base(map[string]any{"Limit": 1001})), "InvalidParameter")
	tcsimExpectError(t, c.cls("SearchLog", base(map[string]any{"Offset": 1, "Context": "x"})), "InvalidParameter")
	tcsimExpectError(t, c.cls("SearchLog", base(map[string]any{"Context": "x"})), "FailedOperation.InvalidContext")
	tcsimExpectError(t, c.cls("SearchLog", base(map[string]any{"TopicId": "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"})), "ResourceNotFound.TopicNotExist")
	tcsimExpectError(t, c.cls("SearchLog", map[string]any{"TopicId": clsAllTopic, "From": from}), "MissingParameter")
	tcsimExpectError(t, c.cls("DescribeLogHistogram", base(map[string]any{"Query": "*", "Interval": 1000})), "InvalidParameter")
	tcsimExpectError(t, c.cls("SearchLog", base(map[string]any{"QueryString": "* | select count(*)"})), "FailedOperation.QueryError")
	// The official example's mix of [], null and "".
	res := c.cls("SearchLog", base(map[string]any{"Limit": 1}))
	for _, frag := range []string{`"ColNames":[]`, `"AnalysisResults":[]`, `"AnalysisRecords":null`, `"Columns":null`, `"Topics":null`,
		`"SamplingRate":0`, `"Analysis":false`, `"HighLights":[]`, `"RawLog":""`, `"Source":""`} {
		if !strings.Contains(string(res.body), frag) {
			t.Errorf("answer lacks %s: %s", frag, res.body)
		}
	}
}

func TestCLSDeprecatedQueryIsLuceneByDefault(t *testing.T) {
	sim, c := clsStart(t, cloudsim.Options{})
	from, to := clsWindow(sim)
	either := len(clsExpected(sim, func(d map[string]any) bool { return d["eventName"] == "DeleteUser" || d["eventName"] == "CreateUser" }))
	count := func(params map[string]any) int {
		n := 0
		for offset := 0; ; offset += 100 {
			params["Offset"], params["Limit"] = offset, 100
			page := clsDecode[clsSearchPage](t, c.cls("SearchLog", params))
			n += len(page.Results)
			if page.ListOver {
				return n
			}
		}
	}
	q := "eventName:DeleteUser eventName:CreateUser"
	if got := count(map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Query": q}); got != either {
		t.Errorf("Query without SyntaxRule: %d, want Lucene's %d", got, either)
	}
	if got := count(map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "QueryString": q}); got != 0 {
		t.Errorf("QueryString without QuerySyntax: %d, want CQL's 0", got)
	}
	type histogram struct{ TotalCount int }
	h := clsDecode[histogram](t, c.cls("DescribeLogHistogram", map[string]any{"TopicId": clsAllTopic, "From": from, "To": to, "Query": q}))
	if h.TotalCount != either {
		t.Errorf("histogram without SyntaxRule: %d, want Lucene's %d", h.TotalCount, either)
	}
}

func clsContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func clsText(d map[string]any, key string) string {
	s, _ := d[key].(string)
	return s
}

func clsNumber(d map[string]any, key string) float64 {
	n, _ := d[key].(float64)
	return n
}

func clsUserName(d map[string]any) string {
	ui, _ := d["userIdentity"].(map[string]any)
	return clsText(ui, "userName")
}
