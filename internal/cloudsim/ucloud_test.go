package cloudsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// ucloudTestNow pins the simulator's clock, which fixes the data set.
var ucloudTestNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ucloudTestServer(t *testing.T, opts Options) (*Server, string) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return ucloudTestNow }
	}
	srv := New(opts)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL
}

func ucloudTestClient(t *testing.T, base string, mutate ...func(*client.UCloudConfig)) *client.UCloudClient {
	t.Helper()
	cfg := client.UCloudConfig{
		PublicKey: DefaultUCloudPublicKey, PrivateKey: DefaultUCloudPrivateKey, ProjectID: DefaultUCloudProjectID,
		BaseURL: base, UserAgent: "terraform-provider-auditlog/test",
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := client.NewUCloudClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ucloudTestReply is a decoded answer plus its headers.
type ucloudTestReply struct {
	body   map[string]any
	header http.Header
}

func (r ucloudTestReply) retCode() int {
	n, _ := r.body["RetCode"].(float64)
	return int(n)
}

// ucloudSigned adds PublicKey and Signature (signed with the client's
// signer, which cross-checks the simulator's own) to params.
func ucloudSigned(params map[string]string, publicKey, privateKey string) map[string]string {
	out := map[string]string{"PublicKey": publicKey}
	for k, v := range params {
		out[k] = v
	}
	out["Signature"] = client.SignUCloud(out, privateKey)
	return out
}

func ucloudDefaultSigned(params map[string]string) map[string]string {
	return ucloudSigned(params, DefaultUCloudPublicKey, DefaultUCloudPrivateKey)
}

func ucloudTestDo(t *testing.T, req *http.Request) ucloudTestReply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("HTTP %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return ucloudTestReply{body, resp.Header}
}

func ucloudTestForm(t *testing.T, base string, params map[string]string) ucloudTestReply {
	t.Helper()
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return ucloudTestDo(t, req)
}

func TestUCloudSimAcceptsClient(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{})
	c := ucloudTestClient(t, base)
	resp, err := c.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Events) != ucloudDefaultPageSize || resp.NextToken == "" || resp.RequestID == "" {
		t.Errorf("first page: %d events, token %q, request id %q", len(resp.Events), resp.NextToken, resp.RequestID)
	}
	if srv.CallCount("GetUserOperationEvents") != 1 {
		t.Errorf("CallCount = %d", srv.CallCount("GetUserOperationEvents"))
	}
	// Same first page for the same query; fresh request ids.
	again, err := c.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if again.NextToken != resp.NextToken || again.RequestID == resp.RequestID {
		t.Errorf("token %q vs %q, request ids %q vs %q", again.NextToken, resp.NextToken, again.RequestID, resp.RequestID)
	}
}

func TestUCloudSimGatewayErrors(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{})
	events := map[string]string{"Action": "GetUserOperationEvents", "MaxResults": "10"}

	tampered := ucloudDefaultSigned(events)
	tampered["MaxResults"] = "11"
	unsigned := map[string]string{"Action": "GetUserOperationEvents", "PublicKey": DefaultUCloudPublicKey}
	wrongKey := ucloudSigned(events, DefaultUCloudPublicKey, "not-the-key")
	upper := ucloudDefaultSigned(events)
	upper["Signature"] = strings.ToUpper(upper["Signature"])

	tests := []struct {
		name   string
		params map[string]string
		code   int
		msg    string
		action bool // whether the answer names the action
	}{
		{"missing action", ucloudDefaultSigned(map[string]string{"MaxResults": "10"}), 160, "Missing Action", false},
		{"missing signature", unsigned, 170, "Missing signature", false},
		{"unknown key", ucloudSigned(events, "nobody@example.com", DefaultUCloudPrivateKey), 172, "User Not Exists", false},
		{"missing key", map[string]string{"Action": "GetUserOperationEvents", "Signature": "abc"}, 172, "User Not Exists", false},
		{"tampered parameter", tampered, 171, "Signature VerifyAC Error", false},
		{"wrong private key", wrongKey, 171, "Signature VerifyAC Error", false},
		{"unknown token", ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "SecurityToken": "forged"}), 174, "Token does not exist", false},
		{"unknown action", ucloudDefaultSigned(map[string]string{"Action": "DescribeUHostInstance"}), 161, "Action not exists", false},
		{"other project", ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "ProjectId": "org-other"}), 292, "Project does not exist", true},
		{"upper-case signature", upper, 171, "Signature VerifyAC Error", false},
		{"explicit default project", ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "ProjectId": DefaultUCloudProjectID}), 0, "", true},
	}
	ids := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ucloudTestForm(t, base, tt.params)
			if r.retCode() != tt.code {
				t.Fatalf("RetCode %d, want %d: %v", r.retCode(), tt.code, r.body)
			}
			if msg, _ := r.body["Message"].(string); msg != tt.msg {
				t.Errorf("Message %q, want %q", msg, tt.msg)
			}
			if _, has := r.body["Action"]; has != tt.action {
				t.Errorf("Action present = %v, want %v: %v", has, tt.action, r.body)
			}
			id := r.header.Get("X-UCLOUD-REQUEST-UUID")
			if len(id) != 36 || ids[id] {
				t.Errorf("request id %q missing or repeated", id)
			}
			ids[id] = true
		})
	}
	// Only the two authenticated GetUserOperationEvents calls count.
	if n := srv.CallCount("GetUserOperationEvents"); n != 2 {
		t.Errorf("CallCount = %d, want 2", n)
	}
	if n := srv.CallCount("DescribeUHostInstance"); n != 0 {
		t.Errorf("unknown action counted %d times", n)
	}
}

func TestUCloudSimClientErrors(t *testing.T) {
	_, base := ucloudTestServer(t, Options{})
	for _, tt := range []struct {
		name   string
		mutate func(*client.UCloudConfig)
		code   int
	}{
		{"wrong private key", func(c *client.UCloudConfig) { c.PrivateKey = "wrong" }, 171},
		{"unknown public key", func(c *client.UCloudConfig) { c.PublicKey = "ghost@example.com" }, 172},
		{"unknown token", func(c *client.UCloudConfig) { c.SecurityToken = "forged" }, 174},
		{"other project", func(c *client.UCloudConfig) { c.ProjectID = "org-nope" }, 292},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ucloudTestClient(t, base, tt.mutate, func(c *client.UCloudConfig) { c.MaxRetries = 3 })
			_, err := c.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
			var uerr *client.UCloudError
			if !errors.As(err, &uerr) || uerr.RetCode != tt.code || uerr.RequestID == "" || uerr.Retryable() {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestUCloudSimSecurityToken(t *testing.T) {
	now := ucloudTestNow
	srv, base := ucloudTestServer(t, Options{Now: func() time.Time { return now }})
	pub, priv, token := srv.IssueUCloudToken(time.Minute)

	c := ucloudTestClient(t, base, func(c *client.UCloudConfig) { c.PublicKey, c.PrivateKey, c.SecurityToken = pub, priv, token })
	if _, err := c.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{}); err != nil {
		t.Fatalf("temporary credentials refused: %v", err)
	}
	for name, params := range map[string]map[string]string{
		"temporary key without token": ucloudSigned(map[string]string{"Action": "GetUserOperationEvents"}, pub, priv),
		"token of another key":        ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "SecurityToken": token}),
	} {
		if r := ucloudTestForm(t, base, params); r.retCode() != 174 {
			t.Errorf("%s: %v", name, r.body)
		}
	}
	now = now.Add(2 * time.Minute)
	_, err := c.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
	var uerr *client.UCloudError
	if !errors.As(err, &uerr) || uerr.RetCode != 174 {
		t.Errorf("expired token: %v", err)
	}
}

func TestUCloudSimEncodings(t *testing.T) {
	_, base := ucloudTestServer(t, Options{})
	params := ucloudDefaultSigned(map[string]string{
		"Action": "GetUserOperationEvents", "MaxResults": "5", "AccessKeyIDs.0": UCloudAccessKeyIDs[0],
	})

	t.Run("GET query", func(t *testing.T) {
		q := url.Values{}
		for k, v := range params {
			q.Set(k, v)
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/?"+q.Encode(), nil)
		r := ucloudTestDo(t, req)
		if events, _ := r.body["Events"].([]any); r.retCode() != 0 || len(events) != 5 {
			t.Errorf("GET: %v", r.body)
		}
	})
	t.Run("form with Action only in the query", func(t *testing.T) {
		form := url.Values{}
		for k, v := range params {
			if k != "Action" {
				form.Set(k, v)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/?Action=GetUserOperationEvents", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if r := ucloudTestDo(t, req); r.retCode() != 0 {
			t.Errorf("form: %v", r.body)
		}
	})
	t.Run("JSON with typed values", func(t *testing.T) {
		body := map[string]any{}
		for k, v := range params {
			body[k] = v
		}
		body["MaxResults"] = 5 // a number, signed as "5"
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		r := ucloudTestDo(t, req)
		if r.retCode() != 0 || r.body["Action"] != "GetUserOperationEventsResponse" {
			t.Errorf("JSON: %v", r.body)
		}
	})
	t.Run("JSON with nested array", func(t *testing.T) {
		body := map[string]any{"Action": "GetUserOperationEvents", "PublicKey": DefaultUCloudPublicKey,
			"MaxResults": 5, "AccessKeyIDs": []string{UCloudAccessKeyIDs[0]}}
		body["Signature"] = params["Signature"] // same flattened set, same signature
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		if r := ucloudTestDo(t, req); r.retCode() != 0 {
			t.Errorf("nested JSON: %v", r.body)
		}
	})
}

func TestUCloudSimParameterErrors(t *testing.T) {
	_, base := ucloudTestServer(t, Options{Events: 300})
	now := ucloudTestNow.Unix()
	day := int64(86400)
	call := func(p map[string]string) ucloudTestReply {
		p["Action"] = "GetUserOperationEvents"
		return ucloudTestForm(t, base, ucloudDefaultSigned(p))
	}
	for name, p := range map[string]map[string]string{
		"MaxResults 51":        {"MaxResults": "51"},
		"MaxResults 0":         {"MaxResults": "0"},
		"MaxResults text":      {"MaxResults": "ten"},
		"BeginTime 366d ago":   {"BeginTime": strconv.FormatInt(now-366*day, 10)},
		"EndTime 400d ago":     {"EndTime": strconv.FormatInt(now-400*day, 10)},
		"BeginTime past grace": {"BeginTime": strconv.FormatInt(now-365*day-15*60-1, 10)},
		"BeginTime > EndTime":  {"BeginTime": strconv.FormatInt(now-day, 10), "EndTime": strconv.FormatInt(now-2*day, 10)},
		"BeginTime not int":    {"BeginTime": "yesterday"},
		"garbage NextToken":    {"NextToken": "not-a-token"},
		"bad AccessKeyIDs key": {"AccessKeyIDs.x": "k"},
	} {
		r := call(p)
		msg, _ := r.body["Message"].(string)
		if r.retCode() != 230 || msg == "" || r.body["Action"] != "GetUserOperationEventsResponse" {
			t.Errorf("%s: %v", name, r.body)
		}
	}
	if r := call(map[string]string{"MaxResults": "51"}); r.body["Message"] != "Params [MaxResults] not available: must be an integer from 1 to 50" {
		t.Errorf("MaxResults message: %v", r.body["Message"])
	}
	// Limits themselves are fine.
	for name, p := range map[string]map[string]string{
		"MaxResults 50":  {"MaxResults": "50"},
		"MaxResults 1":   {"MaxResults": "1"},
		"BeginTime 364d": {"BeginTime": strconv.FormatInt(now-364*day, 10)},
		"BeginTime 365d": {"BeginTime": strconv.FormatInt(now-365*day, 10)},
		// A window computed as 365 days before a time taken a little
		// earlier is within the 15 minutes of grace.
		"BeginTime 365d+5s":  {"BeginTime": strconv.FormatInt(now-365*day-5, 10)},
		"BeginTime 365d+15m": {"BeginTime": strconv.FormatInt(now-365*day-15*60, 10)},
		"same begin as end":  {"BeginTime": strconv.FormatInt(now-day, 10), "EndTime": strconv.FormatInt(now-day, 10)},
	} {
		if r := call(p); r.retCode() != 0 {
			t.Errorf("%s: %v", name, r.body)
		}
	}
}

func TestUCloudSimNextTokenBinding(t *testing.T) {
	_, base := ucloudTestServer(t, Options{Events: 300})
	c := ucloudTestClient(t, base)
	ctx := t.Context()
	begin := ucloudTestNow.Add(-200 * 24 * time.Hour).Unix()
	ten := 10
	req := client.GetUserOperationEventsRequest{BeginTime: &begin, MaxResults: &ten}
	first, err := c.GetUserOperationEvents(ctx, req)
	if err != nil || first.NextToken == "" {
		t.Fatalf("first page: %v", err)
	}

	otherBegin := begin + 1
	for name, mutate := range map[string]func(*client.GetUserOperationEventsRequest){
		"BeginTime":     func(r *client.GetUserOperationEventsRequest) { r.BeginTime = &otherBegin },
		"no BeginTime":  func(r *client.GetUserOperationEventsRequest) { r.BeginTime = nil },
		"EndTime":       func(r *client.GetUserOperationEventsRequest) { e := ucloudTestNow.Unix(); r.EndTime = &e },
		"ResourceID":    func(r *client.GetUserOperationEventsRequest) { r.ResourceID = "uhost-00000000" },
		"AccessKeyIDs":  func(r *client.GetUserOperationEventsRequest) { r.AccessKeyIDs = UCloudAccessKeyIDs[:1] },
		"MaxResults":    func(r *client.GetUserOperationEventsRequest) { five := 5; r.MaxResults = &five },
		"no MaxResults": func(r *client.GetUserOperationEventsRequest) { r.MaxResults = nil },
	} {
		r := req
		r.NextToken = first.NextToken
		mutate(&r)
		_, err := c.GetUserOperationEvents(ctx, r)
		var uerr *client.UCloudError
		if !errors.As(err, &uerr) || uerr.RetCode != 230 || uerr.Message != "NextToken is invalid" {
			t.Errorf("token reused with another %s: %v", name, err)
		}
	}

	// With exactly the same parameters it continues where the first page
	// stopped.
	r := req
	r.NextToken = first.NextToken
	second, err := c.GetUserOperationEvents(ctx, r)
	if err != nil || len(second.Events) != 10 {
		t.Fatalf("second page: %v", err)
	}
	if *second.Events[0].OperateTime >= *first.Events[9].OperateTime {
		t.Errorf("second page does not follow the first")
	}
}

// TestUCloudSimNextTokenBindsEveryParameter sends raw requests: a token is
// refused when anything but NextToken, the signature and the credentials
// differs from the call that returned it, even a parameter the API does not
// know.
func TestUCloudSimNextTokenBindsEveryParameter(t *testing.T) {
	_, base := ucloudTestServer(t, Options{Events: 300})
	call := func(p map[string]string) ucloudTestReply { return ucloudTestForm(t, base, ucloudDefaultSigned(p)) }
	first := call(map[string]string{"Action": "GetUserOperationEvents", "MaxResults": "10", "Extra": "x"})
	token, _ := first.body["NextToken"].(string)
	if first.retCode() != 0 || token == "" {
		t.Fatalf("first page: %v", first.body)
	}
	for name, p := range map[string]map[string]string{
		"MaxResults 9":         {"MaxResults": "9", "Extra": "x"},
		"MaxResults 010":       {"MaxResults": "010", "Extra": "x"},
		"no Extra":             {"MaxResults": "10"},
		"other Extra":          {"MaxResults": "10", "Extra": "y"},
		"added EndTime":        {"MaxResults": "10", "Extra": "x", "EndTime": strconv.FormatInt(ucloudTestNow.Unix(), 10)},
		"added ProjectId":      {"MaxResults": "10", "Extra": "x", "ProjectId": DefaultUCloudProjectID},
		"added AccessKeyIDs.0": {"MaxResults": "10", "Extra": "x", "AccessKeyIDs.0": UCloudAccessKeyIDs[0]},
	} {
		p["Action"], p["NextToken"] = "GetUserOperationEvents", token
		r := call(p)
		if r.retCode() != 230 || r.body["Message"] != "NextToken is invalid" {
			t.Errorf("%s: %v", name, r.body)
		}
	}
	r := call(map[string]string{"Action": "GetUserOperationEvents", "MaxResults": "10", "Extra": "x", "NextToken": token})
	if r.retCode() != 0 {
		t.Errorf("identical parameters refused: %v", r.body)
	}
}

func TestUCloudSimConcurrentCallsThrottled(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{UCloudLatency: time.Second})
	c := ucloudTestClient(t, base) // MaxRetries 0: see the 153 itself

	var wg sync.WaitGroup
	var firstErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, firstErr = c.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
	}()
	// Wait until the first call holds its slot.
	deadline := time.Now().Add(5 * time.Second)
	for {
		srv.ucloud.mu.Lock()
		n := srv.ucloud.inFlight[DefaultUCloudPublicKey]
		srv.ucloud.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first call never started")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// A second client: one client never overlaps its own calls (it paces
	// them), but two processes with the same key can.
	second := ucloudTestClient(t, base)
	_, err := second.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
	var uerr *client.UCloudError
	if !errors.As(err, &uerr) || uerr.RetCode != 153 || uerr.Message != "Request too frequent" || !uerr.Retryable() {
		t.Errorf("overlapping call: %v", err)
	}
	// Another key is not throttled by this one.
	pub, priv, token := srv.IssueUCloudToken(time.Hour)
	other := ucloudTestClient(t, base, func(c *client.UCloudConfig) { c.PublicKey, c.PrivateKey, c.SecurityToken = pub, priv, token })
	otherDone := make(chan error, 1)
	go func() {
		_, err := other.GetUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{})
		otherDone <- err
	}()

	wg.Wait()
	if firstErr != nil {
		t.Errorf("first call: %v", firstErr)
	}
	if err := <-otherDone; err != nil {
		t.Errorf("other key: %v", err)
	}
	// The slot is free again.
	srv.ucloud.mu.Lock()
	n := srv.ucloud.inFlight[DefaultUCloudPublicKey]
	srv.ucloud.mu.Unlock()
	if n != 0 {
		t.Errorf("in flight after the calls: %d", n)
	}
}

func ucloudEventsFromClient(t *testing.T, in []client.UserOperationEvent) []UCloudEvent {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []UCloudEvent
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		if out[i].RelatedResource == nil {
			out[i].RelatedResource = []UCloudRelatedResource{}
		}
	}
	return out
}

func TestUCloudSimListUserOperationEvents20000(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{Events: 20000})
	c := ucloudTestClient(t, base)
	start := time.Now()
	events, next, err := listEvents(c, t.Context(), client.GetUserOperationEventsRequest{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d events in %d calls, %s", len(events), srv.CallCount("GetUserOperationEvents"), time.Since(start))
	if len(events) != 20000 || next != "" {
		t.Fatalf("%d events, next %q", len(events), next)
	}
	if n := srv.CallCount("GetUserOperationEvents"); n != 400 {
		t.Errorf("%d calls, want 400 pages of 50", n)
	}
	got := ucloudEventsFromClient(t, events)
	want := srv.UCloudEvents()
	if !reflect.DeepEqual(got, want) {
		t.Fatal("events differ from the data set or its order")
	}
	seen := map[string]bool{}
	for i, e := range got {
		b, _ := json.Marshal(e)
		if seen[string(b)] {
			t.Fatalf("event %d is a duplicate", i)
		}
		seen[string(b)] = true
		if i > 0 && e.OperateTime >= got[i-1].OperateTime {
			t.Fatalf("event %d is not older than event %d", i, i-1)
		}
	}
}

// ucloudBruteForce filters the data set the slow, obvious way.
func ucloudBruteForce(all []UCloudEvent, begin, end int64, resource string, keys []string) []UCloudEvent {
	var out []UCloudEvent
	for _, e := range all {
		if e.OperateTime < begin || e.OperateTime > end {
			continue
		}
		if resource != "" {
			found := false
			for _, r := range e.RelatedResource {
				found = found || r.ResourceId == resource
			}
			if !found {
				continue
			}
		}
		if len(keys) > 0 {
			found := false
			for _, k := range keys {
				found = found || e.AccessKeyID == k
			}
			if !found {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

func TestUCloudSimFilters(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{Events: 3000})
	c := ucloudTestClient(t, base)
	all := srv.UCloudEvents()

	// A resource that recurs across events.
	counts := map[string]int{}
	resource := ""
	for _, e := range all {
		for _, r := range e.RelatedResource {
			counts[r.ResourceId]++
			if counts[r.ResourceId] >= 5 && resource == "" {
				resource = r.ResourceId
			}
		}
	}
	if resource == "" {
		t.Fatal("no resource recurs in the data set")
	}
	begin, end := ucloudTestNow.Add(-250*24*time.Hour).Unix(), ucloudTestNow.Add(-20*24*time.Hour).Unix()
	seven := 7
	for _, tt := range []struct {
		name        string
		req         client.GetUserOperationEventsRequest
		begin, end  int64
		wantAtLeast int
	}{
		{"resource", client.GetUserOperationEventsRequest{ResourceID: resource}, 0, 1 << 62, 5},
		{"two keys", client.GetUserOperationEventsRequest{AccessKeyIDs: UCloudAccessKeyIDs[1:3]}, 0, 1 << 62, 100},
		{"keys in window, small pages", client.GetUserOperationEventsRequest{AccessKeyIDs: []string{UCloudAccessKeyIDs[4], UCloudAccessKeyIDs[0]}, BeginTime: &begin, EndTime: &end, MaxResults: &seven}, begin, end, 100},
		{"resource and key", client.GetUserOperationEventsRequest{ResourceID: resource, AccessKeyIDs: UCloudAccessKeyIDs}, 0, 1 << 62, 1},
		{"window only", client.GetUserOperationEventsRequest{BeginTime: &begin, EndTime: &end}, begin, end, 1000},
		{"unknown resource", client.GetUserOperationEventsRequest{ResourceID: "uhost-nothere"}, 0, 1 << 62, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := ucloudBruteForce(all, tt.begin, tt.end, tt.req.ResourceID, tt.req.AccessKeyIDs)
			if len(want) < tt.wantAtLeast {
				t.Fatalf("only %d matching events in the data set", len(want))
			}
			events, next, err := listEvents(c, t.Context(), tt.req, 0)
			if err != nil || next != "" {
				t.Fatalf("err %v next %q", err, next)
			}
			if got := ucloudEventsFromClient(t, events); len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("%d events, want %d", len(got), len(want))
			}
		})
	}

	// A bounded read resumes exactly where it stopped.
	req := client.GetUserOperationEventsRequest{AccessKeyIDs: UCloudAccessKeyIDs[:2], MaxResults: &seven}
	want := ucloudBruteForce(all, 0, 1<<62, "", req.AccessKeyIDs)
	var got []client.UserOperationEvent
	for round := 0; ; round++ {
		events, next, err := listEvents(c, t.Context(), req, 35)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got = append(got, events...)
		if next == "" {
			break
		}
		if len(events) != 35 {
			t.Fatalf("round %d returned %d events with a token", round, len(events))
		}
		req.NextToken = next
	}
	if !reflect.DeepEqual(ucloudEventsFromClient(t, got), want) {
		t.Errorf("resumed reads: %d events, want %d", len(got), len(want))
	}
}

func TestUCloudSimDataSet(t *testing.T) {
	a, _ := ucloudTestServer(t, Options{Events: 2000})
	b, _ := ucloudTestServer(t, Options{Events: 2000})
	events := a.UCloudEvents()
	if !reflect.DeepEqual(events, b.UCloudEvents()) {
		t.Fatal("a fixed clock must give a fixed data set")
	}
	now := ucloudTestNow.Unix()
	apis, regions, users, keys := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	failures, console, ipv6 := 0, 0, 0
	resourceCounts := map[int]int{}
	for i, e := range events {
		if e.OperateTime > now || e.OperateTime < now-301*86400 {
			t.Fatalf("event %d at %d is outside the last 300 days", i, e.OperateTime)
		}
		if i > 0 && e.OperateTime >= events[i-1].OperateTime {
			t.Fatalf("event %d is not older than event %d", i, i-1)
		}
		apis[e.Api], regions[e.Region], users[e.UserName+" "+e.UserEmail] = true, true, true
		if !e.IsSuccess {
			failures++
		}
		if e.AccessKeyID == "" {
			console++
		} else {
			keys[e.AccessKeyID] = true
		}
		if strings.Contains(e.RemoteIP, ":") {
			ipv6++
		}
		resourceCounts[len(e.RelatedResource)]++
		for _, r := range e.RelatedResource {
			if !strings.Contains(r.ResourceId, "-") || r.ResourceName == "" {
				t.Errorf("event %d: resource %+v", i, r)
			}
		}
	}
	t.Logf("%d APIs, %d regions, %d users, %d keys, %d failures, %d console, %d IPv6, resources %v",
		len(apis), len(regions), len(users), len(keys), failures, console, ipv6, resourceCounts)
	if len(apis) < 10 || len(regions) < 5 || len(users) < 8 || len(keys) != len(UCloudAccessKeyIDs) {
		t.Errorf("too little variety")
	}
	if failures < 2000/10 || failures > 2000/5 {
		t.Errorf("%d failures, want about one in seven", failures)
	}
	if console == 0 || ipv6 == 0 || resourceCounts[0] == 0 || resourceCounts[3] == 0 || len(resourceCounts) != 4 {
		t.Errorf("console %d, IPv6 %d, resource counts %v", console, ipv6, resourceCounts)
	}
	// Console events omit AccessKeyID on the wire.
	for _, e := range events {
		if e.AccessKeyID == "" {
			j, _ := json.Marshal(e)
			if strings.Contains(string(j), "AccessKeyID") {
				t.Errorf("console event JSON has AccessKeyID: %s", j)
			}
			break
		}
	}
}

func TestUCloudSimEmptyAccount(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{Events: -1})
	r := ucloudTestForm(t, base, ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents"}))
	if r.retCode() != 0 || fmt.Sprint(r.body["Events"]) != "[]" || r.body["NextToken"] != nil {
		t.Errorf("empty account: %v", r.body)
	}
	if len(srv.UCloudEvents()) != 0 {
		t.Error("events in an empty account")
	}
}

// listEvents is ListUserOperationEvents for tests that need only the events
// and the token.
func listEvents(c *client.UCloudClient, ctx context.Context, req client.GetUserOperationEventsRequest, maxItems int) ([]client.UserOperationEvent, string, error) {
	res, err := c.ListUserOperationEvents(ctx, req, maxItems)
	return res.Events, res.NextToken, err
}

// TestUCloudSimChunkedReadsMatchFullRead reads 1,000 events in chunks of
// max_items, each continuing from the previous chunk's token, for several
// (max_items, max_results) pairs, against a simulator that refuses a token
// with any other parameter: the chunks, concatenated, are one full read.
func TestUCloudSimChunkedReadsMatchFullRead(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{Events: 1000})
	c := ucloudTestClient(t, base)
	full, err := c.ListUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{}, 0)
	if err != nil || !full.Complete || len(full.Events) != 1000 {
		t.Fatalf("full read: %d events, complete %v, err %v", len(full.Events), full.Complete, err)
	}
	want := ucloudEventsFromClient(t, full.Events)
	for _, tc := range []struct {
		maxItems, maxResults, wantPageSize int // maxResults 0: unset
	}{
		{60, 0, 30}, {53, 0, 1}, {999, 0, 37}, {100, 0, 50}, {7, 0, 7}, {40, 8, 8}, {50, 25, 25}, {1000, 0, 50},
	} {
		t.Run(fmt.Sprintf("max_items %d max_results %d", tc.maxItems, tc.maxResults), func(t *testing.T) {
			req := client.GetUserOperationEventsRequest{}
			if tc.maxResults > 0 {
				req.MaxResults = &tc.maxResults
			}
			before := srv.CallCount("GetUserOperationEvents")
			var got []client.UserOperationEvent
			chunks := 0
			for {
				res, err := c.ListUserOperationEvents(t.Context(), req, tc.maxItems)
				if err != nil {
					t.Fatalf("chunk %d: %v", chunks+1, err)
				}
				chunks++
				if res.PageSize != tc.wantPageSize || res.TokenWithheld != "" {
					t.Fatalf("chunk %d: page size %d (want %d), withheld %q", chunks, res.PageSize, tc.wantPageSize, res.TokenWithheld)
				}
				got = append(got, res.Events...)
				if res.Complete {
					break
				}
				if len(res.Events) != tc.maxItems || res.NextToken == "" {
					t.Fatalf("chunk %d: %d events, token %q", chunks, len(res.Events), res.NextToken)
				}
				req.NextToken = res.NextToken
			}
			if !reflect.DeepEqual(ucloudEventsFromClient(t, got), want) {
				t.Errorf("%d chunks hold %d events, not the full read's 1000 in order", chunks, len(got))
			}
			wantCalls := (1000 + tc.wantPageSize - 1) / tc.wantPageSize
			if calls := srv.CallCount("GetUserOperationEvents") - before; calls != wantCalls {
				t.Errorf("%d calls, want %d", calls, wantCalls)
			}
		})
	}
}

// TestUCloudSimEmptyPageFault: FaultEmptyPage answers no event and a token
// for the same position; following it gives the events.
func TestUCloudSimEmptyPageFault(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{Events: 30})
	srv.InjectFault(Fault{Kind: FaultEmptyPage, Action: "GetUserOperationEvents", After: 1, Times: 1})
	c := ucloudTestClient(t, base)
	ten := 10
	req := client.GetUserOperationEventsRequest{MaxResults: &ten}
	first, err := c.GetUserOperationEvents(t.Context(), req)
	if err != nil || len(first.Events) != 10 {
		t.Fatalf("first page: %v", err)
	}
	req.NextToken = first.NextToken
	empty, err := c.GetUserOperationEvents(t.Context(), req)
	if err != nil || len(empty.Events) != 0 || empty.NextToken == "" || empty.NextToken == first.NextToken {
		t.Fatalf("faulted page: %+v, %v", empty, err)
	}
	req.NextToken = empty.NextToken
	second, err := c.GetUserOperationEvents(t.Context(), req)
	if err != nil || len(second.Events) != 10 || *second.Events[0].OperateTime >= *first.Events[9].OperateTime {
		t.Fatalf("page after the empty one: %+v, %v", second, err)
	}
}

// TestUCloudSimPageCap: a capped page is short, and its token resumes after
// the events it held.
func TestUCloudSimPageCap(t *testing.T) {
	srv, base := ucloudTestServer(t, Options{Events: 100})
	srv.CapPageSize("GetUserOperationEvents", 20)
	res, err := ucloudTestClient(t, base).ListUserOperationEvents(t.Context(), client.GetUserOperationEventsRequest{}, 0)
	if err != nil || len(res.Events) != 100 || !res.Complete || res.Pages != 5 {
		t.Fatalf("%d events in %d pages, complete %v, err %v", len(res.Events), res.Pages, res.Complete, err)
	}
	if !reflect.DeepEqual(ucloudEventsFromClient(t, res.Events), srv.UCloudEvents()) {
		t.Error("capped pages lost or repeated events")
	}
	if srv.FaultCount() != 5 {
		t.Errorf("%d pages shortened, want 5", srv.FaultCount())
	}
}

// The generated UCloud log fails about one operation in seven by default,
// and one in UCloudFailureEvery when it is set (the busy-account benchmark
// keeps failed operations near 0.5%).
func TestUCloudFailureEvery(t *testing.T) {
	for _, c := range []struct{ every, lo, hi int }{{0, 10000 / 7 * 8 / 10, 10000 / 7 * 12 / 10}, {200, 10000 / 200 * 6 / 10, 10000 / 200 * 14 / 10}} {
		d := buildUCloudDataSet(10000, c.every, time.Now())
		failed := 0
		for _, e := range d.events {
			if !e.IsSuccess {
				failed++
			}
		}
		if failed < c.lo || failed > c.hi {
			t.Errorf("UCloudFailureEvery %d: %d of 10000 events failed, want %d to %d", c.every, failed, c.lo, c.hi)
		}
	}
}
