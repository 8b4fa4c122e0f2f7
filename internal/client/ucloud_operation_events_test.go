package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestGetUserOperationEventsParams(t *testing.T) {
	begin, end, pageSize := int64(1700000000), int64(0), 20
	req := GetUserOperationEventsRequest{
		BeginTime: &begin, EndTime: &end, MaxResults: &pageSize, NextToken: "tok",
		ResourceID: "uhost-abc", AccessKeyIDs: []string{"k1", "k2"},
	}
	got := req.params("org-default")
	want := map[string]string{
		"ProjectId": "org-default", "BeginTime": "1700000000", "EndTime": "0", "MaxResults": "20",
		"NextToken": "tok", "ResourceID": "uhost-abc", "AccessKeyIDs.0": "k1", "AccessKeyIDs.1": "k2",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("params = %v, want %v", got, want)
	}
	req.ProjectId = "org-explicit"
	if p := req.params("org-default")["ProjectId"]; p != "org-explicit" {
		t.Errorf("explicit ProjectId lost: %q", p)
	}
	if p := (GetUserOperationEventsRequest{}).params(""); len(p) != 0 {
		t.Errorf("empty request sends %v", p)
	}
}

func TestGetUserOperationEventsDecoding(t *testing.T) {
	body := `{"RetCode":0,"Action":"GetUserOperationEventsResponse","NextToken":"next",
	  "Events":[
	    {"Region":"cn-bj2","Api":"CreateUHostInstance","IsSuccess":true,"OperateTime":1700000000,
	     "UserName":"li.wei","UserEmail":"li.wei@example.com",
	     "RelatedResource":[{"ResourceId":"uhost-abc123","ResourceName":"web-1"},{"ResourceId":"eip-xyz"}],
	     "RemoteIP":"106.75.1.2","AccessKeyID":"key-a"},
	    {"Api":"ReleaseEIP","IsSuccess":false,"UserName":""}
	  ]}`
	srv := newSequenceServer(t, reply(200, "rid", body))
	c := testClient(t, srv.URL, func(cfg *UCloudConfig) { cfg.ProjectID = "org-x" })
	resp, err := c.GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if srv.form(0).Get("ProjectId") != "org-x" {
		t.Errorf("default project not sent: %v", srv.form(0))
	}
	if len(resp.Events) != 2 || resp.NextToken != "next" || resp.RequestID != "rid" {
		t.Fatalf("resp = %+v", resp)
	}
	e := resp.Events[0]
	if *e.Region != "cn-bj2" || *e.Api != "CreateUHostInstance" || !*e.IsSuccess || *e.OperateTime != 1700000000 ||
		*e.UserName != "li.wei" || *e.UserEmail != "li.wei@example.com" || *e.RemoteIP != "106.75.1.2" || *e.AccessKeyID != "key-a" {
		t.Errorf("event 0 = %+v", e)
	}
	if len(e.RelatedResource) != 2 || *e.RelatedResource[0].ResourceName != "web-1" || e.RelatedResource[1].ResourceName != nil {
		t.Errorf("resources = %+v", e.RelatedResource)
	}
	// Absent fields stay nil; present empty/false ones do not.
	e = resp.Events[1]
	if e.Region != nil || e.OperateTime != nil || e.AccessKeyID != nil || e.RelatedResource != nil {
		t.Errorf("absent fields set: %+v", e)
	}
	if e.IsSuccess == nil || *e.IsSuccess || e.UserName == nil || *e.UserName != "" {
		t.Errorf("present fields lost: %+v", e)
	}
	// The JSON names round-trip exactly.
	out, _ := json.Marshal(resp.Events[0])
	for _, name := range []string{`"Region"`, `"Api"`, `"IsSuccess"`, `"OperateTime"`, `"UserName"`, `"UserEmail"`, `"RelatedResource"`, `"ResourceId"`, `"ResourceName"`, `"RemoteIP"`, `"AccessKeyID"`} {
		if !strings.Contains(string(out), name) {
			t.Errorf("marshalled event lacks %s: %s", name, out)
		}
	}
}

// fakeEventLog is a scripted GetUserOperationEvents endpoint: it pages over
// total events with tokens "t<offset>", checks that the filters never change
// between pages and that no two calls overlap.
type fakeEventLog struct {
	t        *testing.T
	total    int
	mu       sync.Mutex
	inFlight atomic.Int32
	requests []url.Values
	// fail, when set, may answer a request instead of the log.
	fail func(n int, form url.Values) (body string, handled bool)
}

func (f *fakeEventLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.inFlight.Add(1) > 1 {
		f.t.Error("concurrent GetUserOperationEvents calls")
	}
	defer f.inFlight.Add(-1)
	_ = r.ParseForm()
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, r.PostForm)
	f.mu.Unlock()
	w.Header().Set("X-UCLOUD-REQUEST-UUID", fmt.Sprintf("rid-%d", n))
	if f.fail != nil {
		if body, ok := f.fail(n, r.PostForm); ok {
			_, _ = w.Write([]byte(body))
			return
		}
	}
	offset := 0
	if tok := r.PostForm.Get("NextToken"); tok != "" {
		offset, _ = strconv.Atoi(strings.TrimPrefix(tok, "t"))
	}
	size, _ := strconv.Atoi(r.PostForm.Get("MaxResults"))
	if size == 0 {
		size = 20
	}
	resp := map[string]any{"RetCode": 0, "Action": "GetUserOperationEventsResponse"}
	var events []map[string]any
	for i := offset; i < min(offset+size, f.total); i++ {
		events = append(events, map[string]any{"Api": "Api" + strconv.Itoa(i), "OperateTime": 2_000_000_000 - i})
	}
	resp["Events"] = events
	if offset+size < f.total {
		resp["NextToken"] = "t" + strconv.Itoa(offset+size)
	}
	_ = json.NewEncoder(w).Encode(resp)
}

// checkSameFilters checks that every request sent byte-identical
// parameters except NextToken (and the signature that covers it).
func (f *fakeEventLog) checkSameFilters() {
	f.mu.Lock()
	defer f.mu.Unlock()
	strip := func(v url.Values) string {
		c := url.Values{}
		for k, vs := range v {
			if k != "NextToken" && k != "Signature" {
				c[k] = vs
			}
		}
		return c.Encode()
	}
	for i, r := range f.requests {
		if strip(r) != strip(f.requests[0]) {
			f.t.Errorf("request %d changed the parameters: %s vs %s", i, strip(r), strip(f.requests[0]))
		}
	}
}

// listEvents is ListUserOperationEvents for tests that need only the events
// and the token.
func listEvents(c *UCloudClient, ctx context.Context, req GetUserOperationEventsRequest, maxItems int) ([]UserOperationEvent, string, error) {
	res, err := c.ListUserOperationEvents(ctx, req, maxItems)
	return res.Events, res.NextToken, err
}

func apis(events []UserOperationEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = *e.Api
	}
	return out
}

// wantAPIs is the Api of the first n events: Api0, Api1, ...
func wantAPIs(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "Api"+strconv.Itoa(i))
	}
	return out
}

func TestListUserOperationEventsTokenChain(t *testing.T) {
	log := &fakeEventLog{t: t, total: 123}
	srv := newSequenceServer(t, log.ServeHTTP)
	c := testClient(t, srv.URL)
	begin := int64(1_700_000_000)
	req := GetUserOperationEventsRequest{BeginTime: &begin, ResourceID: "uhost-1", AccessKeyIDs: []string{"a", "b"}}

	events, next, err := listEvents(c, t.Context(), req, 0)
	if err != nil {
		t.Fatal(err)
	}
	if next != "" || !reflect.DeepEqual(apis(events), wantAPIs(123)) {
		t.Errorf("got %d events, next %q", len(events), next)
	}
	// Default page size is the documented maximum, 50, on every page.
	if len(log.requests) != 3 {
		t.Errorf("%d calls, want 3", len(log.requests))
	}
	for i, r := range log.requests {
		if r.Get("MaxResults") != "50" {
			t.Errorf("page %d MaxResults %q", i+1, r.Get("MaxResults"))
		}
	}
	if log.requests[0].Has("NextToken") || log.requests[1].Get("NextToken") != "t50" || log.requests[2].Get("NextToken") != "t100" {
		t.Errorf("token chain: %v", log.requests)
	}
	log.checkSameFilters()
}

func TestUCloudEventsPageSize(t *testing.T) {
	for maxItems, want := range map[int]int{0: 50, -1: 50, 1: 1, 12: 12, 50: 50, 60: 30, 53: 1, 100: 50, 1000: 50, 997: 1, 96: 48, 106: 2, 75: 25} {
		if got := UCloudEventsPageSize(maxItems); got != want {
			t.Errorf("UCloudEventsPageSize(%d) = %d, want %d", maxItems, got, want)
		}
	}
}

// TestListUserOperationEventsMaxItemsResume reads with max_items and no page
// size: the page size divides max_items, every page sends the same
// MaxResults, and the token resumes exactly.
func TestListUserOperationEventsMaxItemsResume(t *testing.T) {
	log := &fakeEventLog{t: t, total: 23}
	srv := newSequenceServer(t, log.ServeHTTP)
	c := testClient(t, srv.URL)
	req := GetUserOperationEventsRequest{ResourceID: "r"}

	first, err := c.ListUserOperationEvents(t.Context(), req, 12)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(apis(first.Events), wantAPIs(12)) || first.NextToken != "t12" || first.Complete || first.PageSize != 12 || first.TokenWithheld != "" {
		t.Fatalf("first read: %v %+v", apis(first.Events), first)
	}
	log.checkSameFilters()

	// The continuation sends the page size of the read that made the token.
	log.requests = nil
	req.NextToken, req.MaxResults = first.NextToken, &first.PageSize
	rest, err := c.ListUserOperationEvents(t.Context(), req, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rest.NextToken != "" || !rest.Complete || !reflect.DeepEqual(apis(append(first.Events, rest.Events...)), wantAPIs(23)) {
		t.Errorf("resumed read: %v %+v", apis(rest.Events), rest)
	}
	log.checkSameFilters()

	// maxItems = total on an exact page boundary: the API's empty token
	// says nothing is left.
	log.requests = nil
	all, err := c.ListUserOperationEvents(t.Context(), GetUserOperationEventsRequest{}, 23)
	if err != nil || len(all.Events) != 23 || all.NextToken != "" || !all.Complete || all.PageSize != 23 {
		t.Errorf("maxItems = total: %+v, err %v", all, err)
	}
}

// TestListUserOperationEventsSameParametersEveryPage is the regression test
// of a last page that asked for fewer events: every page of a read sends
// the same MaxResults, whatever max_items is.
func TestListUserOperationEventsSameParametersEveryPage(t *testing.T) {
	seven := 7
	for _, tc := range []struct {
		name       string
		maxResults *int
		maxItems   int
		wantSize   string
		wantCalls  int
		withheld   bool
	}{
		{"max_items 60", nil, 60, "30", 2, false},
		{"max_items 53 (prime)", nil, 53, "1", 53, false},
		{"max_results 7 divides 35", &seven, 35, "7", 5, false},
		{"max_results 7 does not divide 40", &seven, 40, "7", 6, true},
		{"unbounded", nil, 0, "50", 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &fakeEventLog{t: t, total: 123}
			srv := newSequenceServer(t, log.ServeHTTP)
			res, err := testClient(t, srv.URL).ListUserOperationEvents(t.Context(), GetUserOperationEventsRequest{MaxResults: tc.maxResults, ResourceID: "r"}, tc.maxItems)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.maxItems
			if want == 0 {
				want = 123
			}
			if !reflect.DeepEqual(apis(res.Events), wantAPIs(want)) {
				t.Errorf("events %v", apis(res.Events))
			}
			if len(log.requests) != tc.wantCalls {
				t.Errorf("%d calls, want %d", len(log.requests), tc.wantCalls)
			}
			for i, r := range log.requests {
				if r.Get("MaxResults") != tc.wantSize {
					t.Errorf("page %d sent MaxResults %q, want %q", i+1, r.Get("MaxResults"), tc.wantSize)
				}
			}
			log.checkSameFilters()
			if tc.withheld {
				if res.NextToken != "" || res.TokenWithheld == "" || res.Complete || !strings.Contains(res.TokenWithheld, "does not divide") {
					t.Errorf("a token that would skip events was given: %+v", res)
				}
			} else if tc.maxItems > 0 && (res.NextToken != "t"+strconv.Itoa(tc.maxItems) || res.TokenWithheld != "") {
				t.Errorf("token %q withheld %q, want t%d", res.NextToken, res.TokenWithheld, tc.maxItems)
			}
		})
	}
}

func TestListUserOperationEventsRepeatedToken(t *testing.T) {
	log := &fakeEventLog{t: t, total: 1000}
	log.fail = func(n int, _ url.Values) (string, bool) {
		// Pages 1..3 return t1, t2, then t1 again.
		tok := []string{"t1", "t2", "t1"}[min(n, 2)]
		return fmt.Sprintf(`{"RetCode":0,"Events":[{"Api":"A%d"}],"NextToken":%q}`, n, tok), true
	}
	srv := newSequenceServer(t, log.ServeHTTP)
	events, next, err := listEvents(testClient(t, srv.URL), t.Context(), GetUserOperationEventsRequest{}, 0)
	if err == nil || !strings.Contains(err.Error(), "page 3") || !strings.Contains(err.Error(), "page 1") {
		t.Fatalf("err = %v", err)
	}
	if len(log.requests) != 3 || len(events) != 3 || next != "" {
		t.Errorf("%d calls, %d events, next %q", len(log.requests), len(events), next)
	}

	// At max_items too: the token of a loop is never handed out.
	log.requests = nil
	log.fail = func(n int, _ url.Values) (string, bool) {
		tok := []string{"t1", "t1"}[min(n, 1)]
		return fmt.Sprintf(`{"RetCode":0,"Events":[{"Api":"A%d"}],"NextToken":%q}`, n, tok), true
	}
	one := 1
	res, err := testClient(t, srv.URL).ListUserOperationEvents(t.Context(), GetUserOperationEventsRequest{MaxResults: &one}, 2)
	if err == nil || !strings.Contains(err.Error(), "page 2 returned a NextToken already returned by page 1") || res.NextToken != "t1" {
		t.Errorf("max_items on a looping page: err %v, NextToken %q (want the failed page's own t1)", err, res.NextToken)
	}

	// The starting token coming back is a loop too.
	log.requests = nil
	log.fail = func(int, url.Values) (string, bool) {
		return `{"RetCode":0,"Events":[{"Api":"A"}],"NextToken":"start"}`, true
	}
	_, _, err = listEvents(testClient(t, srv.URL), t.Context(), GetUserOperationEventsRequest{NextToken: "start"}, 0)
	if err == nil || !strings.Contains(err.Error(), "page 1") || len(log.requests) != 1 {
		t.Errorf("starting token repeated: err %v after %d calls", err, len(log.requests))
	}
}

// TestListUserOperationEventsEmptyPageIsFollowed: a page with no event but
// a NextToken does not end the read; the event on the next page is read.
func TestListUserOperationEventsEmptyPageIsFollowed(t *testing.T) {
	log := &fakeEventLog{t: t}
	log.fail = func(n int, _ url.Values) (string, bool) {
		switch n {
		case 0:
			return `{"RetCode":0,"Events":[{"Api":"A"}],"NextToken":"t1"}`, true
		case 1:
			return `{"RetCode":0,"Events":[],"NextToken":"t2"}`, true
		}
		return `{"RetCode":0,"Events":[{"Api":"B"}]}`, true
	}
	srv := newSequenceServer(t, log.ServeHTTP)
	res, err := testClient(t, srv.URL).ListUserOperationEvents(t.Context(), GetUserOperationEventsRequest{}, 0)
	if err != nil || !reflect.DeepEqual(apis(res.Events), []string{"A", "B"}) || !res.Complete || res.NextToken != "" || len(log.requests) != 3 {
		t.Errorf("events %v, %+v, err %v, calls %d", apis(res.Events), res, err, len(log.requests))
	}
	if log.requests[2].Get("NextToken") != "t2" {
		t.Errorf("the empty page's token was not followed: %v", log.requests[2])
	}

	// Empty pages whose tokens loop end in an error, never in a
	// complete-looking read.
	log.requests = nil
	log.fail = func(n int, _ url.Values) (string, bool) {
		return fmt.Sprintf(`{"RetCode":0,"Events":[],"NextToken":"e%d"}`, n%2), true
	}
	res, err = testClient(t, srv.URL).ListUserOperationEvents(t.Context(), GetUserOperationEventsRequest{}, 0)
	if err == nil || !strings.Contains(err.Error(), "looping") || res.Complete {
		t.Errorf("looping empty pages: %+v, err %v", res, err)
	}
}

func TestListUserOperationEventsRetriesFailedPage(t *testing.T) {
	log := &fakeEventLog{t: t, total: 30}
	log.fail = func(n int, _ url.Values) (string, bool) {
		if n == 1 || n == 2 { // page 2 is throttled twice
			return `{"RetCode":153,"Message":"Request too frequent"}`, true
		}
		return "", false
	}
	srv := newSequenceServer(t, log.ServeHTTP)
	ten := 10
	events, _, err := listEvents(testClient(t, srv.URL), t.Context(), GetUserOperationEventsRequest{MaxResults: &ten}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(apis(events), wantAPIs(30)) {
		t.Errorf("events %v", apis(events))
	}
	var tokens []string
	for _, r := range log.requests {
		tokens = append(tokens, r.Get("NextToken"))
	}
	if want := []string{"", "t10", "t10", "t10", "t20"}; !reflect.DeepEqual(tokens, want) {
		t.Errorf("tokens sent %q, want %q (never restart from page 1)", tokens, want)
	}
}

func TestListUserOperationEventsFailureKeepsProgress(t *testing.T) {
	log := &fakeEventLog{t: t, total: 30}
	log.fail = func(n int, _ url.Values) (string, bool) {
		if n == 1 {
			return `{"RetCode":299,"Message":"permission denied"}`, true
		}
		return "", false
	}
	srv := newSequenceServer(t, log.ServeHTTP)
	ten := 10
	events, next, err := listEvents(testClient(t, srv.URL), t.Context(), GetUserOperationEventsRequest{MaxResults: &ten}, 0)
	var uerr *UCloudError
	if !errors.As(err, &uerr) || uerr.RetCode != 299 || !strings.Contains(err.Error(), "page 2") {
		t.Errorf("err = %v", err)
	}
	if len(events) != 10 || next != "t10" {
		t.Errorf("progress: %d events, resume token %q", len(events), next)
	}
}

func TestListUserOperationEventsOversizedPage(t *testing.T) {
	log := &fakeEventLog{t: t}
	log.fail = func(int, url.Values) (string, bool) {
		return `{"RetCode":0,"Events":[{"Api":"A"},{"Api":"B"},{"Api":"C"}],"NextToken":"t"}`, true
	}
	srv := newSequenceServer(t, log.ServeHTTP)
	_, _, err := listEvents(testClient(t, srv.URL), t.Context(), GetUserOperationEventsRequest{}, 2)
	if err == nil || !strings.Contains(err.Error(), "3 events") {
		t.Errorf("err = %v", err)
	}
	zero := 0
	if _, _, err := listEvents(testClient(t, srv.URL), t.Context(), GetUserOperationEventsRequest{MaxResults: &zero}, 0); err == nil {
		t.Error("MaxResults 0 accepted")
	}
}

// A keep function decides as each page arrives: Events holds the kept ones,
// Scanned every event the API returned, and max_items, the token and
// Complete are about the scanned events.
func TestListUserOperationEventsKept(t *testing.T) {
	log := &fakeEventLog{t: t, total: 23}
	srv := newSequenceServer(t, log.ServeHTTP)
	c := testClient(t, srv.URL)
	odd := func(e *UserOperationEvent) bool {
		n, _ := strconv.Atoi(strings.TrimPrefix(*e.Api, "Api"))
		return n%2 == 1
	}
	var wantOdd []string
	for _, a := range wantAPIs(12) {
		if n, _ := strconv.Atoi(strings.TrimPrefix(a, "Api")); n%2 == 1 {
			wantOdd = append(wantOdd, a)
		}
	}
	first, err := c.ListUserOperationEventsKept(t.Context(), GetUserOperationEventsRequest{}, 12, odd)
	if err != nil {
		t.Fatal(err)
	}
	if first.Scanned != 12 || !reflect.DeepEqual(apis(first.Events), wantOdd) || first.NextToken != "t12" || first.Complete {
		t.Fatalf("bounded read: scanned %d, kept %v, %+v", first.Scanned, apis(first.Events), first)
	}
	all, err := c.ListUserOperationEventsKept(t.Context(), GetUserOperationEventsRequest{}, 0, func(*UserOperationEvent) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if all.Scanned != 23 || len(all.Events) != 0 || !all.Complete {
		t.Errorf("keep nothing: scanned %d, kept %d, complete %v", all.Scanned, len(all.Events), all.Complete)
	}
}
