package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testPublicKey  = "ucloud-test@example.com0000000000000000001"
	testPrivateKey = "fedcba9876543210fedcba9876543210fedcba98"
	testToken      = "sts-token-do-not-log"
)

// sequenceServer answers the n-th request with handlers[n] (the last one
// repeats) and records every request's parsed form.
type sequenceServer struct {
	*httptest.Server
	calls atomic.Int32
	mu    sync.Mutex
	forms []url.Values
	reqs  []*http.Request
}

func newSequenceServer(t *testing.T, handlers ...http.HandlerFunc) *sequenceServer {
	t.Helper()
	s := &sequenceServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.calls.Add(1)) - 1
		if err := r.ParseForm(); err != nil {
			t.Errorf("ParseForm: %v", err)
		}
		s.mu.Lock()
		s.forms = append(s.forms, r.PostForm)
		s.reqs = append(s.reqs, r)
		s.mu.Unlock()
		handlers[min(n, len(handlers)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *sequenceServer) form(i int) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forms[i]
}

// reply writes a UCloud-style answer with a request id header.
func reply(status int, requestID, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if requestID != "" {
			w.Header().Set("X-UCLOUD-REQUEST-UUID", requestID)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func retCode(code int, msg string) http.HandlerFunc {
	return reply(200, fmt.Sprintf("req-%d", code), fmt.Sprintf(`{"RetCode":%d,"Action":"GetUserOperationEventsResponse","Message":%q}`, code, msg))
}

var okEvents = reply(200, "req-ok", `{"RetCode":0,"Action":"GetUserOperationEventsResponse","Events":[]}`)

// testClient builds a client for srv with fast retries.
func testClient(t *testing.T, baseURL string, mutate ...func(*UCloudConfig)) *UCloudClient {
	t.Helper()
	cfg := UCloudConfig{PublicKey: testPublicKey, PrivateKey: testPrivateKey, BaseURL: baseURL, MaxRetries: 3, UserAgent: "terraform-provider-auditlog/0.1.0"}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := NewUCloudClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.retry.BaseDelay = time.Millisecond
	c.retry.MaxDelay = 5 * time.Millisecond
	return c
}

type logEntry struct {
	level, msg string
	fields     map[string]any
}

type captureLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *captureLogger) Warn(_ context.Context, msg string, f map[string]any) {
	l.add("warn", msg, f)
}

func (l *captureLogger) Info(_ context.Context, msg string, f map[string]any) {
	l.add("info", msg, f)
}

func (l *captureLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("debug", msg, f)
}
func (l *captureLogger) Trace(_ context.Context, msg string, f map[string]any) {
	l.add("trace", msg, f)
}
func (l *captureLogger) add(level, msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{level, msg, f})
}

func TestNewUCloudClientValidation(t *testing.T) {
	for _, base := range []string{"api.ucloud.cn", "ftp://api.ucloud.cn", "http://", "/relative", "://bad"} {
		if _, err := NewUCloudClient(UCloudConfig{PublicKey: "p", PrivateKey: "k", BaseURL: base}); err == nil {
			t.Errorf("base URL %q accepted", base)
		}
	}
	if _, err := NewUCloudClient(UCloudConfig{PublicKey: "p"}); err == nil {
		t.Error("missing private key accepted")
	}
	c, err := NewUCloudClient(UCloudConfig{PublicKey: "p", PrivateKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.endpoint.String() != "https://api.ucloud.cn/" || c.timeout != 60*time.Second || c.httpClient == nil {
		t.Errorf("defaults: endpoint %s timeout %s", c.endpoint, c.timeout)
	}
	if c.retry.MaxRetries != 0 {
		t.Errorf("MaxRetries 0 must mean no retries, got %d", c.retry.MaxRetries)
	}
	for _, in := range []string{"http://127.0.0.1:8080", "https://api.ucloud-global.com/"} {
		if _, err := NewUCloudClient(UCloudConfig{PublicKey: "p", PrivateKey: "k", BaseURL: in}); err != nil {
			t.Errorf("base URL %q rejected: %v", in, err)
		}
	}
}

func TestUCloudConfigStringRedacts(t *testing.T) {
	cfg := UCloudConfig{PublicKey: "pub", PrivateKey: testPrivateKey, SecurityToken: testToken}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, testPrivateKey) || strings.Contains(s, testToken) {
			t.Errorf("config printed key material: %s", s)
		}
	}
}

func TestUCloudUserAgent(t *testing.T) {
	goPart := "GO/" + runtime.Version() + " "
	for in, want := range map[string]string{
		"terraform-provider-auditlog/0.1.0": goPart + "terraform-provider-auditlog/0.1.0",
		"0.2.0":                             goPart + "terraform-provider-auditlog/0.2.0",
		"":                                  goPart + "terraform-provider-auditlog/dev",
	} {
		if got := ucloudUserAgent(in); got != want {
			t.Errorf("ucloudUserAgent(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUCloudCallRequestShape(t *testing.T) {
	srv := newSequenceServer(t, reply(200, "rid-1", `{"RetCode":0,"Action":"DescribeThingResponse","Thing":1}`))
	c := testClient(t, srv.URL+"/base", func(cfg *UCloudConfig) { cfg.SecurityToken = testToken })

	resp, err := c.Call(t.Context(), "DescribeThing", map[string]any{
		"Region": "cn-bj2", "Limit": 10, "Empty": "", "Flag": true, "Ids": []string{"a", "b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.RequestID != "rid-1" || resp.Action != "DescribeThingResponse" || !strings.Contains(string(resp.Body), `"Thing":1`) {
		t.Errorf("response = %+v", resp)
	}

	r := srv.reqs[0]
	if r.Method != http.MethodPost || r.URL.Path != "/base" || r.URL.Query().Get("Action") != "DescribeThing" {
		t.Errorf("request line: %s %s", r.Method, r.URL)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}
	if ua := r.Header.Get("User-Agent"); ua != "GO/"+runtime.Version()+" terraform-provider-auditlog/0.1.0" {
		t.Errorf("User-Agent %q", ua)
	}
	if ms, err := strconv.ParseInt(r.Header.Get("U-Timestamp-Ms"), 10, 64); err != nil || time.Since(time.UnixMilli(ms)).Abs() > time.Minute {
		t.Errorf("U-Timestamp-Ms %q", r.Header.Get("U-Timestamp-Ms"))
	}

	form := srv.form(0)
	want := map[string]string{
		"Action": "DescribeThing", "PublicKey": testPublicKey, "SecurityToken": testToken,
		"Region": "cn-bj2", "Limit": "10", "Flag": "true", "Ids.0": "a", "Ids.1": "b",
	}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("param %s = %q, want %q", k, form.Get(k), v)
		}
	}
	if form.Has("Empty") {
		t.Error("empty parameter was sent")
	}
	signed := map[string]string{}
	for k := range form {
		if k != "Signature" {
			signed[k] = form.Get(k)
		}
	}
	if len(signed) != len(want) {
		t.Errorf("sent params %v, want exactly %v", signed, want)
	}
	if got, wantSig := form.Get("Signature"), SignUCloud(signed, testPrivateKey); got != wantSig {
		t.Errorf("Signature %s, want %s", got, wantSig)
	}
}

func TestUCloudEnvelopeDecoding(t *testing.T) {
	t.Run("string RetCode without Action", func(t *testing.T) {
		srv := newSequenceServer(t, reply(200, "abc-123", `{"RetCode":"171","Message":"Signature VerifyAC Error"}`))
		c := testClient(t, srv.URL)
		_, err := c.GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
		var uerr *UCloudError
		if !errors.As(err, &uerr) {
			t.Fatalf("error %T %v, want *UCloudError", err, err)
		}
		if uerr.RetCode != 171 || uerr.Action != "GetUserOperationEvents" || uerr.RequestID != "abc-123" || uerr.HTTPStatus != 200 || uerr.Retryable() {
			t.Errorf("error = %+v", uerr)
		}
		if want := "ucloud GetUserOperationEvents: RetCode 171: Signature VerifyAC Error (RequestId: abc-123)"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		if n := srv.calls.Load(); n != 1 {
			t.Errorf("171 was sent %d times, want once", n)
		}
	})
	t.Run("string RetCode zero is success", func(t *testing.T) {
		srv := newSequenceServer(t, reply(200, "r0", `{"RetCode":"0","Action":"GetUserOperationEventsResponse","Events":[{"Api":"CreateULB"}],"NextToken":"n1"}`))
		resp, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Events) != 1 || *resp.Events[0].Api != "CreateULB" || resp.NextToken != "n1" || resp.RequestID != "r0" {
			t.Errorf("resp = %+v", resp)
		}
	})
	t.Run("numeric RetCode with payload errors", func(t *testing.T) {
		// A non-zero RetCode wins even if the rest does not fit the schema.
		srv := newSequenceServer(t, reply(200, "r1", `{"RetCode":230,"Action":"GetUserOperationEventsResponse","Message":"Params [MaxResults] not available","Events":"oops"}`))
		_, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
		var uerr *UCloudError
		if !errors.As(err, &uerr) || uerr.RetCode != 230 || uerr.Message != "Params [MaxResults] not available" {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("missing RetCode", func(t *testing.T) {
		srv := newSequenceServer(t, reply(200, "r2", `{"Action":"GetUserOperationEventsResponse"}`))
		_, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
		if err == nil || !strings.Contains(err.Error(), "no RetCode") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("request id header absent", func(t *testing.T) {
		srv := newSequenceServer(t, reply(200, "", `{"RetCode":172,"Message":"User Not Exists"}`))
		_, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
		if err == nil || err.Error() != "ucloud GetUserOperationEvents: RetCode 172: User Not Exists (no RequestId)" {
			t.Errorf("err = %v", err)
		}
	})
}

func TestUCloudMalformedBodies(t *testing.T) {
	long := "<html>" + strings.Repeat("gateway says no ", 1000) + "</html>"
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		status    int
		retryable bool
		calls     int32
		contains  []string
	}{
		// Damaged bodies are retried (reads are idempotent): 1 + 3 retries.
		{"html at 200", reply(200, "rid-html", long), 200, true, 4, []string{"GetUserOperationEvents", "HTTP 200", "rid-html", "invalid JSON"}},
		{"truncated JSON", reply(200, "rid-trunc", `{"RetCode":0,"Events":[{"Api":"Cre`), 200, true, 4, []string{"truncated JSON", "rid-trunc", "HTTP 200"}},
		{"empty body", reply(200, "rid-empty", ``), 200, true, 4, []string{"empty response body", "rid-empty"}},
		{"502 html", reply(502, "rid-502", long), 502, true, 4, []string{"HTTP 502", "Bad Gateway", "rid-502"}},
		{"403 json", reply(403, "rid-403", `{"RetCode":171,"Message":"x"}`), 403, false, 1, []string{"HTTP 403", "rid-403"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSequenceServer(t, tt.handler)
			_, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
			var uerr *UCloudError
			if !errors.As(err, &uerr) {
				t.Fatalf("err %T %v", err, err)
			}
			if uerr.HTTPStatus != tt.status || uerr.RetCode != 0 || uerr.Retryable() != tt.retryable {
				t.Errorf("error = %+v (retryable %v)", uerr, uerr.Retryable())
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if len(err.Error()) > 400 {
				t.Errorf("error quotes too much of the body (%d bytes)", len(err.Error()))
			}
			if n := srv.calls.Load(); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
		})
	}
}

func TestUCloudErrorRetryable(t *testing.T) {
	for _, code := range []int{110, 130, 150, 153} {
		if !(&UCloudError{RetCode: code, HTTPStatus: 200}).Retryable() {
			t.Errorf("RetCode %d not retryable", code)
		}
	}
	for _, code := range []int{160, 161, 170, 171, 172, 173, 174, 230, 292, 293, 294, 295, 299, 2001} {
		if (&UCloudError{RetCode: code, HTTPStatus: 200}).Retryable() {
			t.Errorf("RetCode %d retryable", code)
		}
	}
	for _, status := range []int{429, 500, 502, 503, 504} {
		if !(&UCloudError{HTTPStatus: status}).Retryable() {
			t.Errorf("HTTP %d not retryable", status)
		}
	}
	for _, status := range []int{200, 400, 401, 403, 404, 501} {
		if (&UCloudError{HTTPStatus: status}).Retryable() {
			t.Errorf("HTTP %d retryable", status)
		}
	}
}

func TestUCloudRetries(t *testing.T) {
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		wantErr  int // expected RetCode or HTTP status of the final error; 0 = success
		calls    int32
	}{
		{"153 then success", []http.HandlerFunc{retCode(153, "Request too frequent"), okEvents}, 0, 2},
		{"110 130 150 then success", []http.HandlerFunc{retCode(110, "timeout"), retCode(130, "gw"), retCode(150, "busy"), okEvents}, 0, 4},
		{"171 is final", []http.HandlerFunc{retCode(171, "Signature VerifyAC Error"), okEvents}, 171, 1},
		{"230 is final", []http.HandlerFunc{retCode(230, "Params [MaxResults] not available"), okEvents}, 230, 1},
		{"292 is final", []http.HandlerFunc{retCode(292, "Project does not exist"), okEvents}, 292, 1},
		{"503 then success", []http.HandlerFunc{reply(503, "r", "busy"), okEvents}, 0, 2},
		{"429 then success", []http.HandlerFunc{reply(429, "r", "slow down"), okEvents}, 0, 2},
		{"503 exhausts retries", []http.HandlerFunc{reply(503, "r", "busy")}, 503, 4},
		{"153 exhausts retries", []http.HandlerFunc{retCode(153, "Request too frequent")}, 153, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSequenceServer(t, tt.handlers...)
			_, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{NextToken: "same"})
			if n := srv.calls.Load(); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
			if tt.wantErr == 0 {
				if err != nil {
					t.Errorf("err = %v", err)
				}
			} else {
				var uerr *UCloudError
				if !errors.As(err, &uerr) || (uerr.RetCode != tt.wantErr && uerr.HTTPStatus != tt.wantErr) {
					t.Errorf("err = %v, want code %d", err, tt.wantErr)
				}
			}
			// Every attempt sends exactly the same signed form.
			first := srv.form(0).Encode()
			for i := 1; i < int(srv.calls.Load()); i++ {
				if got := srv.form(i).Encode(); got != first {
					t.Errorf("attempt %d sent %s, first sent %s", i+1, got, first)
				}
			}
		})
	}
}

func TestUCloudRetryNetworkErrors(t *testing.T) {
	t.Run("connection dropped", func(t *testing.T) {
		srv := newSequenceServer(t, func(w http.ResponseWriter, r *http.Request) {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("cannot hijack the connection")
				return
			}
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}, okEvents)
		if _, err := testClient(t, srv.URL).GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{}); err != nil {
			t.Fatalf("err = %v", err)
		}
		if n := srv.calls.Load(); n != 2 {
			t.Errorf("%d calls, want 2", n)
		}
	})
	t.Run("per-attempt timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := newSequenceServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, okEvents)
		defer close(release)
		c := testClient(t, srv.URL, func(cfg *UCloudConfig) { cfg.RequestTimeout = 100 * time.Millisecond })
		if _, err := c.GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{}); err != nil {
			t.Fatalf("err = %v", err)
		}
		if n := srv.calls.Load(); n != 2 {
			t.Errorf("%d calls, want 2", n)
		}
	})
	t.Run("connection refused is retried then reported", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		base := srv.URL
		srv.Close()
		logger := &captureLogger{}
		c := testClient(t, base, func(cfg *UCloudConfig) { cfg.MaxRetries = 2; cfg.Logger = logger })
		_, err := c.GetUserOperationEvents(t.Context(), GetUserOperationEventsRequest{})
		if err == nil || !strings.Contains(err.Error(), "ucloud GetUserOperationEvents") {
			t.Fatalf("err = %v", err)
		}
		if len(logger.entries) != 3 {
			t.Errorf("%d attempts logged, want 3", len(logger.entries))
		}
	})
}

func TestUCloudRetryStopsOnContextCancel(t *testing.T) {
	srv := newSequenceServer(t, retCode(153, "Request too frequent"))
	c := testClient(t, srv.URL)
	c.retry.BaseDelay, c.retry.MaxDelay = 30*time.Second, 30*time.Second

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetUserOperationEvents(ctx, GetUserOperationEventsRequest{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("waited %s after cancel", d)
	}
	var uerr *UCloudError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &uerr) || uerr.RetCode != 153 {
		t.Errorf("err = %v; want both the 153 and context.Canceled", err)
	}
	if n := srv.calls.Load(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}

	// An already cancelled context sends nothing.
	_, err = c.GetUserOperationEvents(ctx, GetUserOperationEventsRequest{})
	if !errors.Is(err, context.Canceled) || srv.calls.Load() != 1 {
		t.Errorf("cancelled ctx: err %v, calls %d", err, srv.calls.Load())
	}
}

func TestUCloudLoggingHasNoSecrets(t *testing.T) {
	srv := newSequenceServer(t, retCode(153, "Request too frequent"), reply(200, "rid-final", `{"RetCode":0,"Events":[{"UserEmail":"secret-body@example.com"}]}`))
	logger := &captureLogger{}
	c := testClient(t, srv.URL, func(cfg *UCloudConfig) { cfg.Logger = logger; cfg.SecurityToken = testToken })
	if _, _, err := listEvents(c, t.Context(), GetUserOperationEventsRequest{}, 0); err != nil {
		t.Fatal(err)
	}
	signature := srv.form(0).Get("Signature")

	var debug []logEntry
	for _, e := range logger.entries {
		for k, v := range e.fields {
			s := fmt.Sprint(v)
			for _, secret := range []string{testPrivateKey, testToken, signature, "secret-body@example.com"} {
				if strings.Contains(s, secret) || strings.Contains(e.msg, secret) {
					t.Errorf("log field %s leaks %q", k, secret)
				}
			}
		}
		if e.level == "debug" {
			debug = append(debug, e)
		}
	}
	if len(debug) != 2 {
		t.Fatalf("%d debug lines, want one per attempt (2)", len(debug))
	}
	for i, e := range debug {
		for _, k := range []string{"action", "attempt", "retcode", "request_id", "duration_ms"} {
			if _, ok := e.fields[k]; !ok {
				t.Errorf("attempt %d log lacks %s: %v", i+1, k, e.fields)
			}
		}
		if e.fields["attempt"] != i+1 {
			t.Errorf("attempt field %v, want %d", e.fields["attempt"], i+1)
		}
	}
	if debug[0].fields["retcode"] != 153 || debug[1].fields["request_id"] != "rid-final" {
		t.Errorf("fields: %v / %v", debug[0].fields, debug[1].fields)
	}
}
