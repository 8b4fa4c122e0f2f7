package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Tests of the CLS client against stub answers (the plan answers every
// call, so the simulator is never reached).

// fakeCLS serves SearchLog by Offset and Context, and DescribeLogHistogram,
// over logs at times from+i ms; faults are injected per call.
type fakeCLS struct {
	mu   sync.Mutex
	logs int
	from int64
	// refuseOffset answers any Offset with InvalidParameter.
	refuseOffset bool
	// toExclusive serves [From, To) instead of [From, To].
	toExclusive bool
	// fault, when it returns a handler, answers call n of action instead.
	fault func(action string, n int, p map[string]json.RawMessage) http.HandlerFunc
	// histTotal overrides the histogram's TotalCount when >= 0.
	histTotal int64
	maxBody   int64 // SearchResultTooLarge above this Limit, when > 0
	calls     map[string]int
	contexts  map[string]int // Context -> next row
}

func newFakeCLS(logs int) *fakeCLS {
	return &fakeCLS{logs: logs, from: 1_700_000_000_000, histTotal: -1, calls: map[string]int{}, contexts: map[string]int{}}
}

func (f *fakeCLS) plan(_ int, req tctSeen) http.HandlerFunc {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.calls[req.Action]
	f.calls[req.Action]++
	if f.fault != nil {
		if h := f.fault(req.Action, n, req.Params); h != nil {
			return h
		}
	}
	switch req.Action {
	case "DescribeLogHistogram":
		return f.histogram(req.Params)
	case "SearchLog":
		return f.search(req.Params)
	}
	return tctAPIError("InvalidAction", "rid-x")
}

func num(p map[string]json.RawMessage, k string) int64 {
	var v int64
	_ = json.Unmarshal(p[k], &v)
	return v
}

// inWindow is the indexes of the logs in [from, to].
func (f *fakeCLS) inWindow(from, to int64) (lo, hi int) {
	end := to - f.from + 1
	if f.toExclusive {
		end--
	}
	lo, hi = int(max(from-f.from, 0)), int(min(end, int64(f.logs)))
	return lo, max(hi, lo)
}

func (f *fakeCLS) histogram(p map[string]json.RawMessage) http.HandlerFunc {
	from, to, interval := num(p, "From"), num(p, "To"), num(p, "Interval")
	lo, hi := f.inWindow(from, to)
	var buckets []string
	for b := from - from%interval; b <= to; b += interval {
		l, h := f.inWindow(max(b, from), min(b+interval, to+1)-1)
		if f.toExclusive { // inWindow's To is exclusive: the bucket's last ms counts
			l, h = f.inWindow(max(b, from), min(b+interval, to))
		}
		buckets = append(buckets, fmt.Sprintf(`{"BTime":%d,"Count":%d}`, b, h-l))
	}
	total := int64(hi - lo)
	if f.histTotal >= 0 {
		total = f.histTotal
	}
	body := fmt.Sprintf(`{"Response":{"Interval":%d,"TotalCount":%d,"HistogramInfos":[%s],"RequestId":"rid-h"}}`, interval, total, strings.Join(buckets, ","))
	return tctHTTP(200, "application/json", body)
}

func (f *fakeCLS) search(p map[string]json.RawMessage) http.HandlerFunc {
	limit := num(p, "Limit")
	if f.maxBody > 0 && limit > f.maxBody {
		return tctAPIError("LimitExceeded.SearchResultTooLarge", "rid-big")
	}
	from, to := num(p, "From"), num(p, "To")
	lo, hi := f.inWindow(from, to)
	start := lo
	var ctxIn string
	_, hasOffset := p["Offset"]
	if hasOffset && f.refuseOffset {
		return func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"Response":{"Error":{"Code":"InvalidParameter","Message":"Offset is not supported"},"RequestId":"rid-o"}}`)
		}
	}
	if hasOffset {
		start = lo + int(num(p, "Offset"))
	}
	if c, ok := p["Context"]; ok {
		_ = json.Unmarshal(c, &ctxIn)
		next, known := f.contexts[ctxIn]
		if !known {
			return tctAPIError("FailedOperation.InvalidContext", "rid-ctx")
		}
		start = next
	}
	end := min(start+int(limit), hi)
	start = min(start, end)
	rows := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		log := fmt.Sprintf(`{"n":%d,"userIdentity.principalId":"p%d"}`, i, i)
		lj, _ := json.Marshal(log)
		rows = append(rows, fmt.Sprintf(`{"Time":%d,"TopicId":"topic-1","TopicName":"audit","Source":"","FileName":"","HostName":"","PkgId":"pkg%d","PkgLogId":"%d","HighLights":[],"LogJson":%s,"RawLog":"","IndexStatus":""}`,
			f.from+int64(i), i, i, lj))
	}
	over := end >= hi
	nextCtx := fmt.Sprintf("ctx-%d-%d", from, end)
	f.contexts[nextCtx] = end
	body := fmt.Sprintf(`{"Response":{"Context":%q,"ListOver":%t,"Analysis":false,"ColNames":[],"AnalysisResults":[],"AnalysisRecords":null,"Columns":null,"Results":[%s],"Topics":null,"SamplingRate":0,"RequestId":"rid-s"}}`,
		nextCtx, over, strings.Join(rows, ","))
	return tctHTTP(200, "application/json", body)
}

func clsQuery(f *fakeCLS) CLSSearchQuery {
	return CLSSearchQuery{Region: tctRegion, TopicID: "topic-1", Query: "eventName:ConsoleLogin", From: f.from, To: f.from + int64(f.logs) + 1000, Sort: "asc"}
}

func clsSearch(t *testing.T, s *tctServer, q CLSSearchQuery) (*CLSSearchResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return tctClient(t, s.URL(), func(c *TencentConfig) { c.RateLimit = 10_000 }).SearchCLSLogs(ctx, q)
}

// logNumbers is the n of every log, in order, checking each LogJson.
func logNumbers(t *testing.T, logs []CLSLogInfo) []int {
	t.Helper()
	out := make([]int, len(logs))
	for i, l := range logs {
		var doc struct{ N int }
		if l.LogJson == nil || json.Unmarshal([]byte(*l.LogJson), &doc) != nil {
			t.Fatalf("log %d: LogJson %v is not the served document", i, l.LogJson)
		}
		out[i] = doc.N
	}
	return out
}

func wantEveryLogOnce(t *testing.T, logs []CLSLogInfo, first, n int) {
	t.Helper()
	got := logNumbers(t, logs)
	if len(got) != n {
		t.Fatalf("read %d logs, want %d", len(got), n)
	}
	for i, v := range got {
		if v != first+i {
			t.Fatalf("log %d is n=%d, want %d (a log lost, repeated or out of order)", i, v, first+i)
		}
	}
}

// Past the 10,000 rows of a Context: Offset pages of 1,000, every log once,
// every page with the same parameters but Offset, CQL sent explicitly on
// both actions, never the deprecated Query on SearchLog.
func TestSearchCLSLogsByOffsetPast10000Rows(t *testing.T) {
	f := newFakeCLS(12_345)
	s := tctStart(t, cloudsim.Options{}, f.plan)
	res, err := clsSearch(t, s, clsQuery(f))
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, res.Logs, 0, 12_345)
	if res.HistogramTotal != 12_345 || !res.ListOver || res.Paging != "offset" || res.ResumeOffset != nil {
		t.Fatalf("result %+v", res)
	}
	var first string
	for i, r := range s.requests() {
		switch r.Action {
		case "DescribeLogHistogram":
			if string(r.Params["SyntaxRule"]) != "1" || string(r.Params["Query"]) != `"eventName:ConsoleLogin"` {
				t.Fatalf("histogram request %s: SyntaxRule 1 and the query must be sent", r.Body)
			}
			if iv := num(r.Params, "Interval"); (num(r.Params, "To")-num(r.Params, "From"))/iv > CLSMaxHistogramBuckets {
				t.Fatalf("histogram interval %d gives more than 200 buckets", iv)
			}
		case "SearchLog":
			if string(r.Params["QuerySyntax"]) != "1" || string(r.Params["QueryString"]) != `"eventName:ConsoleLogin"` {
				t.Fatalf("SearchLog request %s: QueryString and QuerySyntax 1 must be sent", r.Body)
			}
			if _, ok := r.Params["Query"]; ok {
				t.Fatalf("SearchLog request %s sends the deprecated Query", r.Body)
			}
			if _, ok := r.Params["Context"]; ok {
				t.Fatalf("request %d sends a Context on an Offset walk", i)
			}
			rest := withoutToken(t, withoutKey(r.Params, "Offset"))
			if first == "" {
				first = rest
			} else if rest != first {
				t.Fatalf("page parameters changed: %s then %s", first, rest)
			}
		}
	}
	if f.calls["SearchLog"] != 13 {
		t.Fatalf("%d SearchLog calls, want 13 pages of 1,000", f.calls["SearchLog"])
	}
}

func withoutKey(p map[string]json.RawMessage, key string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range p {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// max_items stops on the page boundary with an Offset to resume from, and
// the resumed read continues exactly after the last log.
func TestSearchCLSLogsMaxItemsResumesByOffset(t *testing.T) {
	f := newFakeCLS(2_500)
	s := tctStart(t, cloudsim.Options{}, f.plan)
	q := clsQuery(f)
	q.MaxItems = 2_000
	res, err := clsSearch(t, s, q)
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, res.Logs, 0, 2_000)
	if res.ResumeOffset == nil || *res.ResumeOffset != 2_000 || res.ListOver {
		t.Fatalf("resume %v, list over %v", res.ResumeOffset, res.ListOver)
	}
	q.MaxItems, q.StartOffset = 0, *res.ResumeOffset
	rest, err := clsSearch(t, s, q)
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, rest.Logs, 2_000, 500)
	if !rest.ListOver || rest.ResumeOffset != nil {
		t.Fatalf("second read %+v", rest)
	}
}

// A total above the cap fails before any SearchLog call, unless max_items
// is set.
func TestSearchCLSLogsTotalOverCapFailsBeforePaging(t *testing.T) {
	f := newFakeCLS(50)
	f.histTotal = 2_000_000
	s := tctStart(t, cloudsim.Options{}, f.plan)
	q := clsQuery(f)
	q.MaxTotal = 1_000_000
	_, err := clsSearch(t, s, q)
	if err == nil || !strings.Contains(err.Error(), "2000000") || !strings.Contains(err.Error(), "1000000") {
		t.Fatalf("error %v: want the total and the cap named", err)
	}
	if f.calls["SearchLog"] != 0 {
		t.Fatalf("%d SearchLog calls before failing", f.calls["SearchLog"])
	}
	q.MaxItems = 10
	if res, err := clsSearch(t, s, q); err != nil || res.Records != 10 {
		t.Fatalf("with max_items: %v, %v", res, err)
	}
}

// Each retryable code is retried on the same page; the read stays exact.
func TestSearchCLSLogsRetriesTransientCodes(t *testing.T) {
	for _, code := range []string{"LimitExceeded.LogSearch", "InternalError.SearchFailed", "InternalError.ServerBusy", "FailedOperation.SearchTimeout", "FailedOperation.Timeout", "InternalError"} {
		t.Run(code, func(t *testing.T) {
			f := newFakeCLS(1_500)
			f.fault = func(action string, n int, _ map[string]json.RawMessage) http.HandlerFunc {
				if (action == "SearchLog" && n == 1) || (action == "DescribeLogHistogram" && n == 0) {
					return tctAPIError(code, "rid-f")
				}
				return nil
			}
			s := tctStart(t, cloudsim.Options{}, f.plan)
			res, err := clsSearch(t, s, clsQuery(f))
			if err != nil {
				t.Fatal(err)
			}
			wantEveryLogOnce(t, res.Logs, 0, 1_500)
			if res.Retries != 1 {
				t.Fatalf("%d retries counted on SearchLog, want 1", res.Retries)
			}
		})
	}
}

// LimitExceeded.SearchResultTooLarge asks again with half the Limit.
func TestSearchCLSLogsTooLargeHalvesLimit(t *testing.T) {
	f := newFakeCLS(700)
	f.maxBody = 300
	s := tctStart(t, cloudsim.Options{}, f.plan)
	res, err := clsSearch(t, s, clsQuery(f))
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, res.Logs, 0, 700)
	if res.SmallestLimit != 250 {
		t.Fatalf("smallest limit %d, want 250", res.SmallestLimit)
	}
	// Never below 1: a topic whose every answer is too large fails.
	f2 := newFakeCLS(10)
	f2.fault = func(action string, _ int, _ map[string]json.RawMessage) http.HandlerFunc {
		if action == "SearchLog" {
			return tctAPIError("LimitExceeded.SearchResultTooLarge", "rid-big")
		}
		return nil
	}
	_, err = clsSearch(t, tctStart(t, cloudsim.Options{}, f2.plan), clsQuery(f2))
	if err == nil || !strings.Contains(err.Error(), "SearchResultTooLarge") || !strings.Contains(err.Error(), "rid-big") {
		t.Fatalf("error %v", err)
	}
}

// Where Offset is refused, the window is read in histogram slices of at
// most 10,000 logs by Context, every log once, and an expired cursor
// restarts its slice without duplicating a log.
func TestSearchCLSLogsFallsBackToHistogramSlices(t *testing.T) {
	f := newFakeCLS(23_456)
	f.refuseOffset = true
	expired := false
	f.fault = func(action string, _ int, p map[string]json.RawMessage) http.HandlerFunc {
		if action == "SearchLog" && !expired && strings.Contains(string(p["Context"]), "-5000\"") {
			expired = true
			return tctAPIError("FailedOperation.InvalidContext", "rid-exp")
		}
		return nil
	}
	s := tctStart(t, cloudsim.Options{}, f.plan)
	q := clsQuery(f)
	q.To = f.from + 23_456 - 1
	res, err := clsSearch(t, s, q)
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, res.Logs, 0, 23_456)
	if res.Paging != "histogram_slices" || !res.ListOver || res.Restarts != 1 || !expired {
		t.Fatalf("paging %s, list over %v, restarts %d, expired %v", res.Paging, res.ListOver, res.Restarts, expired)
	}
	for _, r := range s.requests() {
		if r.Action == "SearchLog" && r.Params["Context"] == nil && r.Params["Offset"] == nil {
			if to, from := num(r.Params, "To"), num(r.Params, "From"); to < from {
				t.Fatalf("slice [%d, %d] is empty", from, to)
			}
		}
	}
}

// Final errors fail at once, with their code and RequestId, without retry.
func TestSearchCLSLogsFinalErrors(t *testing.T) {
	for _, code := range []string{
		"FailedOperation.SyntaxError", "FailedOperation.QueryError", "OperationDenied.NewSyntaxNotSupported",
		"ResourceNotFound.TopicNotExist", "FailedOperation.TopicIsolated", "OperationDenied.OperationNotSupportInSearchLow",
		"LimitExceeded.SearchResources", "OperationDenied.AccountIsolate",
	} {
		t.Run(code, func(t *testing.T) {
			f := newFakeCLS(10)
			f.fault = func(action string, _ int, _ map[string]json.RawMessage) http.HandlerFunc {
				if action == "SearchLog" {
					return tctAPIError(code, "rid-final")
				}
				return nil
			}
			s := tctStart(t, cloudsim.Options{}, f.plan)
			_, err := clsSearch(t, s, clsQuery(f))
			te := tctAsError(t, err)
			if te.Code != code || te.RequestID != "rid-final" || !strings.Contains(err.Error(), "topic-1") {
				t.Fatalf("error %v", err)
			}
			if f.calls["SearchLog"] != 1 {
				t.Fatalf("%d SearchLog calls, want 1 (no retry)", f.calls["SearchLog"])
			}
		})
	}
}

// An answer without ListOver is not an empty page; an SQL answer is not raw
// logs.
func TestSearchCLSLogsRefusesUnexpectedShapes(t *testing.T) {
	for name, body := range map[string]string{
		"no ListOver": `{"Response":{"Results":[],"RequestId":"rid-1"}}`,
		"analysis":    `{"Response":{"ListOver":true,"Analysis":true,"Results":[],"RequestId":"rid-1"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeCLS(10)
			f.fault = func(action string, _ int, _ map[string]json.RawMessage) http.HandlerFunc {
				if action == "SearchLog" {
					return tctHTTP(200, "application/json", body)
				}
				return nil
			}
			_, err := clsSearch(t, tctStart(t, cloudsim.Options{}, f.plan), clsQuery(f))
			if err == nil || !strings.Contains(err.Error(), "rid-1") {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func topicsPage(ids []string, total int) http.HandlerFunc {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = fmt.Sprintf(`{"TopicId":%q,"TopicName":"n-%s","StorageType":"hot","Period":180,"HotPeriod":30}`, id, id)
	}
	return tctHTTP(200, "application/json", fmt.Sprintf(`{"Response":{"Topics":[%s],"TotalCount":%d,"RequestId":"rid-t"}}`, strings.Join(items, ","), total))
}

func topicIDs(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("t%03d", i))
	}
	return out
}

func TestListCLSTopicsPagesAgainstTotal(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, func(n int, req tctSeen) http.HandlerFunc {
		off := int(num(req.Params, "Offset"))
		if num(req.Params, "Limit") != CLSMaxTopicsPage {
			return tctAPIError("InvalidParameter", "rid-l")
		}
		return topicsPage(topicIDs(off, min(off+100, 250)), 250)
	})
	res, err := tctClient(t, s.URL(), nil).ListCLSTopics(context.Background(), tctRegion, DescribeTopicsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) != 250 || res.Pages != 3 || *res.Topics[249].TopicId != "t249" || *res.Topics[0].HotPeriod != 30 {
		t.Fatalf("%d topics in %d pages", len(res.Topics), res.Pages)
	}
}

func TestListCLSTopicsInconsistentPagesFail(t *testing.T) {
	cases := map[string]tctPlan{
		"total changes": tctSequence(topicsPage(topicIDs(0, 100), 150), topicsPage(topicIDs(100, 149), 149)),
		"duplicate":     tctSequence(topicsPage(topicIDs(0, 100), 150), topicsPage(topicIDs(99, 149), 150)),
		"empty early":   tctSequence(topicsPage(topicIDs(0, 100), 150), topicsPage(nil, 150)),
		"no total":      tctAlways(tctHTTP(200, "application/json", `{"Response":{"Topics":[],"RequestId":"rid-t"}}`)),
		"no topics":     tctAlways(tctHTTP(200, "application/json", `{"Response":{"TotalCount":0,"RequestId":"rid-t"}}`)),
	}
	for name, plan := range cases {
		t.Run(name, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, plan)
			_, err := tctClient(t, s.URL(), nil).ListCLSTopics(context.Background(), tctRegion, DescribeTopicsRequest{})
			if err == nil || !strings.Contains(err.Error(), "rid-t") {
				t.Fatalf("error %v: want a failure naming the RequestId", err)
			}
		})
	}
}

func TestDecodeCLSCloudAuditEventBothIdentityShapes(t *testing.T) {
	cases := map[string]struct{ log, shape string }{
		"flattened":   {`{"eventName":"DeleteUser","userIdentity.principalId":"100002","userIdentity.accountId":"100001","userIdentity.userName":"ops","errorCode":0,"org":{"member":"200003"}}`, IdentityFlattened},
		"json string": {`{"eventName":"DeleteUser","userIdentity":"{\"principalId\":\"100002\",\"accountId\":100001,\"userName\":\"ops\"}","errorCode":0,"org":"{\"member\":200003}"}`, IdentityJSONString},
		"object":      {`{"eventName":"DeleteUser","userIdentity":{"principalId":"100002","accountId":"100001","userName":"ops"},"errorCode":0,"org.member":"200003"}`, IdentityObject},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ev, err := DecodeCLSCloudAuditEvent(c.log, "org.member")
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(*ev.EventName, *ev.PrincipalID, *ev.AccountID, *ev.UserName, *ev.ErrorCode, *ev.MemberAccount, ev.IdentityShape)
			if want := fmt.Sprint("DeleteUser", "100002", "100001", "ops", "0", "200003", c.shape); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			none, _ := DecodeCLSCloudAuditEvent(c.log, "")
			if none.MemberAccount != nil {
				t.Fatal("a member account without a configured field")
			}
		})
	}
	for name, log := range map[string]string{
		"not json":        `eventName=x`,
		"bad identity":    `{"userIdentity":"principal 1"}`,
		"shapes disagree": `{"userIdentity":{"principalId":"1"},"userIdentity.principalId":"2"}`,
	} {
		if _, err := DecodeCLSCloudAuditEvent(log, ""); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}
