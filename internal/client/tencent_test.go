package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Tests of the Tencent Cloud client against the real simulator, through an
// httptest server that can inject answers before delegating to it.

const (
	tctRegion  = "ap-guangzhou"
	tctRoleArn = "qcs::cam::uin/" + cloudsim.DefaultTencentOwnerUin + ":roleName/auditlog-reader"
)

var tctUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tctSeen is one request as the test server received it.
type tctSeen struct {
	Action   string
	Body     []byte
	Params   map[string]json.RawMessage
	SecretID string // from the Authorization credential scope
	Auth     string
	Token    string
	Header   http.Header
}

// pageNumber returns the request's PageNumber, or -1.
func (s tctSeen) pageNumber() int {
	n, err := strconv.Atoi(string(s.Params["PageNumber"]))
	if err != nil {
		return -1
	}
	return n
}

// tctPlan decides how request number n (0-based) is answered; nil delegates
// to the simulator.
type tctPlan func(n int, req tctSeen) http.HandlerFunc

// tctSequence answers the first requests with handlers (nil delegates), then
// delegates everything.
func tctSequence(handlers ...http.HandlerFunc) tctPlan {
	return func(n int, _ tctSeen) http.HandlerFunc {
		if n < len(handlers) {
			return handlers[n]
		}
		return nil
	}
}

// tctAlways answers every request with h.
func tctAlways(h http.HandlerFunc) tctPlan {
	return func(int, tctSeen) http.HandlerFunc { return h }
}

// tctServer wraps a simulator with fault injection and answer rewriting.
type tctServer struct {
	t   *testing.T
	sim *cloudsim.Server
	srv *httptest.Server

	mu      sync.Mutex
	plan    tctPlan
	rewrite func(req tctSeen, body []byte) []byte
	seen    []tctSeen
	answers [][]byte // simulator answers, in order (for secrets checks)
}

func tctStart(t *testing.T, opts cloudsim.Options, plan tctPlan) *tctServer {
	t.Helper()
	s := &tctServer{t: t, sim: cloudsim.New(opts), plan: plan}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *tctServer) URL() string { return s.srv.URL }

func (s *tctServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := tctReadBody(r)
	seen := tctSeen{Action: r.Header.Get("X-TC-Action"), Body: body, Auth: r.Header.Get("Authorization"),
		Token: r.Header.Get("X-TC-Token"), Header: r.Header.Clone()}
	_ = json.Unmarshal(body, &seen.Params)
	if _, rest, ok := strings.Cut(seen.Auth, "Credential="); ok {
		seen.SecretID, _, _ = strings.Cut(rest, "/")
	}
	// The plan runs under the lock, so plans may keep state.
	s.mu.Lock()
	n := len(s.seen)
	s.seen = append(s.seen, seen)
	var h http.HandlerFunc
	if s.plan != nil {
		h = s.plan(n, seen)
	}
	rewrite := s.rewrite
	s.mu.Unlock()

	if h != nil {
		h(w, r)
		return
	}
	r.Body = tctBodyOf(body)
	rec := httptest.NewRecorder()
	s.sim.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	if rewrite != nil {
		out = rewrite(seen, out)
	}
	s.mu.Lock()
	s.answers = append(s.answers, append([]byte(nil), out...))
	s.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

func (s *tctServer) requests() []tctSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tctSeen(nil), s.seen...)
}

func (s *tctServer) count() int { return len(s.requests()) }

func (s *tctServer) simAnswers() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.answers...)
}

func tctReadBody(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

type tctNopCloser struct{ *bytes.Reader }

func (tctNopCloser) Close() error { return nil }

func tctBodyOf(b []byte) tctNopCloser { return tctNopCloser{bytes.NewReader(b)} }

// Canned answers.

func tctAPIError(code, requestID string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Response":{"Error":{"Code":%q,"Message":"injected %s"},"RequestId":%q}}`, code, code, requestID)
	}
}

func tctHTTP(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// tctHangUp closes the connection without answering.
func tctHangUp(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("the test server's ResponseWriter cannot hijack connections")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// tctSlow answers nothing until the client gives up (or 3 s pass).
func tctSlow(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(3 * time.Second):
	}
}

// tctClient is a client of the test server with the simulator's keys,
// 3 retries and millisecond backoffs.
func tctClient(t *testing.T, url string, mutate func(*TencentConfig)) *TencentClient {
	t.Helper()
	cfg := TencentConfig{
		SecretID: cloudsim.DefaultTencentSecretID, SecretKey: cloudsim.DefaultTencentSecretKey,
		Endpoint: url, MaxRetries: 3, RequestTimeout: 5 * time.Second,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewTencentClient(cfg)
	if err != nil {
		t.Fatalf("NewTencentClient: %v", err)
	}
	c.retry.BaseDelay, c.retry.MaxDelay = time.Millisecond, 4*time.Millisecond
	return c
}

func tctRead(c *TencentClient) (*DescribeAuditTracksResponse, error) {
	return c.DescribeAuditTracks(context.Background(), tctRegion, DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
}

func tctAsError(t *testing.T, err error) *TencentError {
	t.Helper()
	var te *TencentError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *TencentError", err, err)
	}
	return te
}

// tctLogger records every message and field.
type tctLogger struct {
	mu      sync.Mutex
	entries []string
}

func (l *tctLogger) Warn(_ context.Context, msg string, f map[string]any)  { l.add("WARN", msg, f) }
func (l *tctLogger) Info(_ context.Context, msg string, f map[string]any)  { l.add("INFO", msg, f) }
func (l *tctLogger) Debug(_ context.Context, msg string, f map[string]any) { l.add("DEBUG", msg, f) }
func (l *tctLogger) Trace(_ context.Context, msg string, f map[string]any) { l.add("TRACE", msg, f) }

func (l *tctLogger) add(level, msg string, f map[string]any) {
	var b strings.Builder
	b.WriteString(level + " " + msg)
	for k, v := range f {
		fmt.Fprintf(&b, " %s=%v (%#v)", k, v, v)
	}
	l.mu.Lock()
	l.entries = append(l.entries, b.String())
	l.mu.Unlock()
}

func (l *tctLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.entries...)
}

// --- Configuration ---------------------------------------------------------

func TestNewTencentClientValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  TencentConfig
	}{
		{"no secret id", TencentConfig{SecretKey: "k"}},
		{"no secret key", TencentConfig{SecretID: "id"}},
		{"bad protocol", TencentConfig{SecretID: "id", SecretKey: "k", Protocol: "FTP"}},
		{"endpoint without scheme", TencentConfig{SecretID: "id", SecretKey: "k", Endpoint: "127.0.0.1:8080"}},
		{"endpoint with query", TencentConfig{SecretID: "id", SecretKey: "k", Endpoint: "http://127.0.0.1:8080/?a=b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewTencentClient(tc.cfg)
			if err == nil || c != nil {
				t.Fatalf("want an error, got client %v", c)
			}
			if tc.cfg.SecretKey != "" && strings.Contains(err.Error(), tc.cfg.SecretKey+"\"") {
				t.Errorf("error %q quotes the secret key", err)
			}
		})
	}
}

// The request the client sends is what the API expects.
func TestTencentRequestShape(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.UserAgent = "terraform-provider-auditlog/0.1.0" })
	resp, err := tctRead(c)
	if err != nil {
		t.Fatal(err)
	}
	if !tctUUID.MatchString(resp.RequestId) || resp.Error != nil {
		t.Errorf("RequestId %q, Error %v", resp.RequestId, resp.Error)
	}
	req := s.requests()[0]
	want := map[string]string{
		"X-Tc-Action": "DescribeAuditTracks", "X-Tc-Version": "2019-03-19", "X-Tc-Region": tctRegion,
		"Content-Type": "application/json", "X-Tc-Language": "en-US",
	}
	for k, v := range want {
		if got := req.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	// The SDK prefixes its own tag; the user agent follows, "/" made "_".
	if got := req.Header.Get("X-Tc-Requestclient"); !strings.HasSuffix(got, "terraform-provider-auditlog_0.1.0") {
		t.Errorf("X-TC-RequestClient %q does not carry the user agent", got)
	}
	if req.Token != "" {
		t.Errorf("X-TC-Token %q sent without a security token", req.Token)
	}
	if string(req.Body) != `{"PageNumber":1,"PageSize":10}` {
		t.Errorf("body %s", req.Body)
	}
}

// --- 6. Errors ------------------------------------------------------------------

func TestTencentErrorCarriesAPIError(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.SecretKey = "wrongSecretKey" })
	_, err := tctRead(c)
	te := tctAsError(t, err)
	if te.Service != "cloudaudit" || te.Action != "DescribeAuditTracks" || te.Code != "AuthFailure.SignatureFailure" ||
		te.Message == "" || !tctUUID.MatchString(te.RequestID) || te.HTTPStatus != http.StatusOK {
		t.Errorf("TencentError %+v", *te)
	}
	for _, part := range []string{te.Code, te.Message, "RequestId: " + te.RequestID, "DescribeAuditTracks"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("Error() %q lacks %q", err.Error(), part)
		}
	}
	if s.count() != 1 {
		t.Errorf("an authentication failure was sent %d times, want 1 (not retried)", s.count())
	}
	// Without a RequestId there is no empty "(RequestId: )".
	e := &TencentError{Action: "A", Code: "ClientError.NetworkError", Message: "boom"}
	if got := e.Error(); strings.Contains(got, "RequestId") || !strings.Contains(got, "ClientError.NetworkError") || !strings.Contains(got, "boom") {
		t.Errorf("Error() = %q", got)
	}
}

func TestTencentErrorRetryable(t *testing.T) {
	for _, tc := range []struct {
		code   string
		status int
		want   bool
	}{
		{"RequestLimitExceeded", 200, true},
		{"RequestLimitExceeded.UinLimitExceeded", 200, true},
		{"RequestLimitExceeded.IPLimitExceeded", 200, true},
		{"RequestLimitExceeded.GlobalRegionUinLimitExceeded", 200, true},
		{"InternalError", 200, true},
		{"InternalError.SearchError", 200, true},
		{"InternalError.DbError", 200, true},
		{"ResourceUnavailable", 200, true},
		{"ClientError.NetworkError", 0, true},
		{"ClientError.HttpStatusCodeError", 500, true},
		{"ClientError.HttpStatusCodeError", 502, true},
		{"ClientError.HttpStatusCodeError", 503, true},
		{"ClientError.HttpStatusCodeError", 504, true},
		{"ClientError.HttpStatusCodeError", 429, true},
		{"ClientError.HttpStatusCodeError", 400, false},
		{"ClientError.HttpStatusCodeError", 404, false},
		{"ClientError.HttpStatusCodeError", 403, false},
		{"ClientError.ParseJsonError", 200, false},
		{"AuthFailure.SignatureFailure", 200, false},
		{"AuthFailure.SignatureExpire", 200, false},
		{"AuthFailure.SecretIdNotFound", 200, false},
		{"AuthFailure.TokenFailure", 200, false},
		{"AuthFailure.InvalidAuthorization", 200, false},
		{"AuthFailure.UnauthorizedOperation", 200, false},
		{"InvalidParameter", 200, false},
		{"InvalidParameter.ParamError", 200, false},
		{"InvalidParameterValue", 200, false},
		{"InvalidParameterValue.MaxResult", 200, false},
		{"MissingParameter", 200, false},
		{"UnknownParameter", 200, false},
		{"UnauthorizedOperation", 200, false},
		{"LimitExceeded", 200, false},
		{"LimitExceeded.OverAmount", 200, false},
		{"InvalidAction", 200, false},
		{"UnsupportedRegion", 200, false},
		{"RequestLimitExceededX", 200, false},
	} {
		e := &TencentError{Code: tc.code, HTTPStatus: tc.status}
		if got := e.Retryable(); got != tc.want {
			t.Errorf("%s (HTTP %d): Retryable() = %v, want %v", tc.code, tc.status, got, tc.want)
		}
	}
}

// --- 7. Retries ------------------------------------------------------------------

func TestTencentRetriesThrottlingThenSucceeds(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctSequence(
		tctAPIError("RequestLimitExceeded", "r1"),
		tctAPIError("RequestLimitExceeded.UinLimitExceeded", "r2"),
	))
	resp, err := tctRead(tctClient(t, s.URL(), nil))
	if err != nil {
		t.Fatalf("read after two throttled answers: %v", err)
	}
	if len(resp.Tracks) != 7 || resp.TotalCount == nil || *resp.TotalCount != 7 {
		t.Errorf("got %d tracks, TotalCount %v", len(resp.Tracks), resp.TotalCount)
	}
	if s.count() != 3 || s.sim.CallCount("DescribeAuditTracks") != 1 {
		t.Errorf("%d requests, %d reached the simulator; want 3 and 1", s.count(), s.sim.CallCount("DescribeAuditTracks"))
	}
	// Each attempt is signed afresh (its own timestamp and signature are
	// valid on their own; the simulator accepted the third).
	for _, r := range s.requests() {
		if r.Header.Get("X-Tc-Timestamp") == "" || r.Auth == "" {
			t.Errorf("attempt without timestamp or Authorization")
		}
	}
}

func TestTencentRetriesEachRetryableKind(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"InternalError":       tctAPIError("InternalError", "r1"),
		"ResourceUnavailable": tctAPIError("ResourceUnavailable", "r1"),
		"HTTP 503 JSON":       tctHTTP(503, "application/json", `{"Response":{"Error":{"Code":"InternalError","Message":"x"},"RequestId":"r1"}}`),
		"HTTP 429":            tctHTTP(429, "text/plain", "slow down"),
		"connection closed":   tctHangUp,
	} {
		t.Run(name, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, tctSequence(h))
			if _, err := tctRead(tctClient(t, s.URL(), nil)); err != nil {
				t.Fatalf("not retried: %v", err)
			}
			if s.count() != 2 {
				t.Errorf("%d requests, want 2", s.count())
			}
		})
	}
}

func TestTencentDoesNotRetryFinalErrors(t *testing.T) {
	for _, code := range []string{"AuthFailure.SignatureFailure", "AuthFailure.TokenFailure", "InvalidParameter", "MissingParameter", "UnauthorizedOperation", "LimitExceeded"} {
		t.Run(code, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, tctAlways(tctAPIError(code, "rq-"+code)))
			_, err := tctRead(tctClient(t, s.URL(), nil))
			te := tctAsError(t, err)
			if te.Code != code || te.RequestID != "rq-"+code || te.Message != "injected "+code {
				t.Errorf("got %+v", *te)
			}
			if s.count() != 1 {
				t.Errorf("%s sent %d times, want 1", code, s.count())
			}
		})
	}
	// A real authentication failure from the simulator.
	s := tctStart(t, cloudsim.Options{}, nil)
	_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.SecretID = "AKIDnobody" }))
	if te := tctAsError(t, err); te.Code != "AuthFailure.SecretIdNotFound" || s.count() != 1 {
		t.Errorf("code %s after %d requests; want AuthFailure.SecretIdNotFound after 1", te.Code, s.count())
	}
	// HTTP 404 is final too.
	s = tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(404, "text/plain", "no such path")))
	_, err = tctRead(tctClient(t, s.URL(), nil))
	if te := tctAsError(t, err); te.Code != "ClientError.HttpStatusCodeError" || te.HTTPStatus != 404 || s.count() != 1 {
		t.Errorf("404: %+v after %d requests", *te, s.count())
	}
}

func TestTencentMaxRetriesZero(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctAPIError("RequestLimitExceeded", "r1")))
	_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 0 }))
	if te := tctAsError(t, err); te.Code != "RequestLimitExceeded" {
		t.Errorf("code %s", te.Code)
	}
	if s.count() != 1 {
		t.Errorf("MaxRetries 0 sent %d requests, want 1", s.count())
	}
	// A negative count means no retries, not a loop.
	s = tctStart(t, cloudsim.Options{}, tctAlways(tctAPIError("RequestLimitExceeded", "r1")))
	_, _ = tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = -1 }))
	if s.count() != 1 {
		t.Errorf("MaxRetries -1 sent %d requests, want 1", s.count())
	}
}

func TestTencentRetriesExhaustedReturnLastError(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctSequence(
		tctAPIError("InternalError", "r1"),
		tctAPIError("ResourceUnavailable", "r2"),
		tctAPIError("RequestLimitExceeded", "r3"),
	))
	_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 2 }))
	te := tctAsError(t, err)
	if te.Code != "RequestLimitExceeded" || te.RequestID != "r3" {
		t.Errorf("got %s (RequestId %s), want the last error RequestLimitExceeded r3", te.Code, te.RequestID)
	}
	if s.count() != 3 || s.sim.CallCount("DescribeAuditTracks") != 0 {
		t.Errorf("%d requests (%d to the simulator), want 3 (0)", s.count(), s.sim.CallCount("DescribeAuditTracks"))
	}
}

func TestTencentCancelDuringBackoffReturnsPromptly(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctAPIError("RequestLimitExceeded", "r1")))
	c := tctClient(t, s.URL(), nil)
	c.retry.BaseDelay, c.retry.MaxDelay = 20*time.Second, 20*time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.DescribeAuditTracks(ctx, tctRegion, DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %v, the backoff was at least 10 s: cancellation ignored", elapsed)
	}
	if err == nil {
		t.Fatal("no error after cancellation")
	}
	// The error keeps the real cause and says why retrying stopped.
	if te := tctAsError(t, err); te.Code != "RequestLimitExceeded" {
		t.Errorf("cause %s, want RequestLimitExceeded", te.Code)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not say the context was cancelled", err)
	}
	if s.count() != 1 {
		t.Errorf("%d requests, want 1", s.count())
	}
}

func TestTencentCancelDuringRequest(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctSlow))
	c := tctClient(t, s.URL(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.DescribeAuditTracks(ctx, tctRegion, DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("returned after %v", elapsed)
	}
	if s.count() != 1 {
		t.Errorf("a cancelled call was retried: %d requests", s.count())
	}
}

func TestTencentHTTP502ErrorQuotesOnlyTheStartOfTheBody(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head><body>" + strings.Repeat("upstream failure ", 400) + "TAILMARKER</body></html>"
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(502, "text/html", html)))
	_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 1 }))
	te := tctAsError(t, err)
	if te.Code != "ClientError.HttpStatusCodeError" || te.HTTPStatus != 502 || !te.Retryable() {
		t.Errorf("got %+v", *te)
	}
	if !strings.Contains(te.Message, "HTTP 502") || !strings.Contains(te.Message, "502 Bad Gateway") {
		t.Errorf("message %q lacks the status or the start of the body", te.Message)
	}
	if strings.Contains(err.Error(), "TAILMARKER") || len(te.Message) > 300 || len(err.Error()) > 400 {
		t.Errorf("error carries %d bytes of a %d-byte body: %q", len(te.Message), len(html), err)
	}
	if s.count() != 2 {
		t.Errorf("HTTP 502 sent %d times with MaxRetries 1, want 2", s.count())
	}
}

// A 200 answer that is not the API envelope is ClientError.ParseJsonError.
// Damaged bytes (not JSON, or cut short) are asked for again, since reads are
// idempotent; well-formed JSON of an unexpected shape is final.
func TestTencentUndecodableBody(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		retried    bool
	}{
		{"html", "<html><body>maintenance</body></html>", true},
		{"truncated", `{"Response":{"Tracks":[`, true},
		{"empty", ``, true},
		{"wrong type", `{"Response":{"Tracks":"none","TotalCount":1,"RequestId":"r1"}}`, false},
		{"wrong nesting", `{"Response":{"Error":"denied","RequestId":"r1"}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", tc.body)))
			_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 2 }))
			te := tctAsError(t, err)
			if te.Code != "ClientError.ParseJsonError" || te.Retryable() != tc.retried {
				t.Errorf("got %+v retryable=%v, want ClientError.ParseJsonError retryable=%v", *te, te.Retryable(), tc.retried)
			}
			want := 1
			if tc.retried {
				want = 3
			}
			if s.count() != want {
				t.Errorf("%d requests, want %d", s.count(), want)
			}
		})
	}
	// A garbled answer followed by a good one is a success.
	s := tctStart(t, cloudsim.Options{}, tctSequence(tctHTTP(200, "application/json", `{"Response":{"Trac`)))
	if _, err := tctRead(tctClient(t, s.URL(), nil)); err != nil || s.count() != 2 {
		t.Errorf("truncated then good: %v after %d requests", err, s.count())
	}
}

func TestTencentRequestTimeout(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctSequence(tctSlow))
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.RequestTimeout = 150 * time.Millisecond })
	start := time.Now()
	if _, err := tctRead(c); err != nil {
		t.Fatalf("a timed-out attempt was not retried: %v", err)
	}
	if s.count() != 2 {
		t.Errorf("%d requests, want 2", s.count())
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v: the 150 ms request timeout was not applied", elapsed)
	}

	s = tctStart(t, cloudsim.Options{}, tctAlways(tctSlow))
	c = tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.RequestTimeout = 100 * time.Millisecond; cfg.MaxRetries = 1 })
	_, err := tctRead(c)
	te := tctAsError(t, err)
	if te.Code != "ClientError.NetworkError" || !strings.Contains(te.Message, "timed out") || !te.Retryable() {
		t.Errorf("got %+v", *te)
	}
	if s.count() != 2 {
		t.Errorf("%d requests, want 2 (one retry)", s.count())
	}
}

func TestTencentConnectionClosed(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHangUp))
	_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 2 }))
	te := tctAsError(t, err)
	if te.Code != "ClientError.NetworkError" || !te.Retryable() {
		t.Errorf("got %+v", *te)
	}
	if s.count() != 3 {
		t.Errorf("%d requests, want 3", s.count())
	}
}

// --- 10. Assumed roles --------------------------------------------------------

func tctAssumeRoleClient(t *testing.T, s *tctServer, duration int64, mutate func(*TencentConfig)) *TencentClient {
	return tctClient(t, s.URL(), func(cfg *TencentConfig) {
		cfg.AssumeRole = &AssumeRoleConfig{RoleArn: tctRoleArn, SessionName: "auditlog-test", SessionDuration: duration}
		if mutate != nil {
			mutate(cfg)
		}
	})
}

func TestTencentAssumeRoleOnceAndReused(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctAssumeRoleClient(t, s, 0, nil)
	for i := 0; i < 3; i++ {
		if _, err := tctRead(c); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if _, err := c.ListAuditTracks(context.Background(), tctRegion, 3, 0); err != nil {
		t.Fatal(err)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 1 {
		t.Errorf("AssumeRole called %d times for 4 reads, want 1", n)
	}
	reqs := s.requests()
	if reqs[0].Action != "AssumeRole" || reqs[0].SecretID != cloudsim.DefaultTencentSecretID || reqs[0].Token != "" {
		t.Errorf("first request %s signed by %s with token %q; want AssumeRole with the permanent key", reqs[0].Action, reqs[0].SecretID, reqs[0].Token)
	}
	if reqs[0].Header.Get("X-Tc-Region") == "" {
		t.Error("AssumeRole sent without a region")
	}
	var assumed struct{ DurationSeconds int64 }
	_ = json.Unmarshal(reqs[0].Body, &assumed)
	if assumed.DurationSeconds != DefaultAssumeRoleDuration {
		t.Errorf("DurationSeconds %d, want the default %d", assumed.DurationSeconds, DefaultAssumeRoleDuration)
	}
	for _, r := range reqs[1:] {
		if r.Action != "DescribeAuditTracks" || !strings.HasPrefix(r.SecretID, "AKIDtmp") || r.Token == "" {
			t.Errorf("%s signed by %q with token %q; want the temporary credentials", r.Action, r.SecretID, r.Token)
		}
	}
}

func TestTencentAssumeRoleConcurrentReadsAssumeOnce(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctAssumeRoleClient(t, s, 3600, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := tctRead(c)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := s.sim.CallCount("AssumeRole"); n != 1 {
		t.Errorf("AssumeRole called %d times by 8 concurrent reads, want 1", n)
	}
}

// Sessions shorter than the 5-minute margin are reused too (the margin is
// a fifth of them); see TestTencentAssumeRoleShortSessionReused for when
// they are renewed.
func TestTencentAssumeRoleShortSessionsNotRenewedPerCall(t *testing.T) {
	for _, duration := range []int64{200, 361} {
		s := tctStart(t, cloudsim.Options{}, nil)
		c := tctAssumeRoleClient(t, s, duration, nil)
		for i := 0; i < 3; i++ {
			if _, err := tctRead(c); err != nil {
				t.Fatal(err)
			}
		}
		if n := s.sim.CallCount("AssumeRole"); n != 1 {
			t.Errorf("a %d s session was assumed %d times for 3 reads, want 1", duration, n)
		}
	}
}

func TestTencentAssumeRoleFailure(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) {
		cfg.AssumeRole = &AssumeRoleConfig{RoleArn: "qcs::cam::uin/200000000002:roleName/other", SessionName: "auditlog-test"}
	})
	for i := 1; i <= 2; i++ {
		_, err := tctRead(c)
		te := tctAsError(t, err)
		if te.Service != "sts" || te.Action != "AssumeRole" || te.Code != "InvalidParameter.AccountNotAvaliable" {
			t.Errorf("got %+v", *te)
		}
		if !strings.Contains(err.Error(), "assuming role") || !strings.Contains(err.Error(), "200000000002") {
			t.Errorf("error %q does not say which role failed", err)
		}
		// A failure is not cached: the next call tries again.
		if n := s.sim.CallCount("AssumeRole"); n != i {
			t.Errorf("AssumeRole called %d times after %d reads", n, i)
		}
	}
	if n := s.sim.CallCount("DescribeAuditTracks"); n != 0 {
		t.Errorf("DescribeAuditTracks called %d times without credentials", n)
	}
	// Throttled AssumeRole is retried like any call.
	s = tctStart(t, cloudsim.Options{}, tctSequence(tctAPIError("RequestLimitExceeded", "r1")))
	if _, err := tctRead(tctAssumeRoleClient(t, s, 0, nil)); err != nil {
		t.Fatalf("throttled AssumeRole not retried: %v", err)
	}
	if s.sim.CallCount("AssumeRole") != 1 || s.count() != 3 {
		t.Errorf("AssumeRole %d, requests %d; want 1 and 3", s.sim.CallCount("AssumeRole"), s.count())
	}
}

// Temporary credentials refused as expired (the simulator expires them)
// are renewed once: the role is assumed again and the call repeated.
func TestTencentAssumeRoleRenewedAfterTokenFailure(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, Action: "DescribeAuditTracks", After: 1, Times: 1})
	c := tctAssumeRoleClient(t, s, 3600, nil)
	for i := 1; i <= 3; i++ {
		if _, err := tctRead(c); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 {
		t.Errorf("AssumeRole called %d times, want 2 (once more after the tokens expired)", n)
	}

	// Tokens that keep failing are renewed once, not forever.
	s = tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, Action: "DescribeAuditTracks"})
	_, err := tctRead(tctAssumeRoleClient(t, s, 3600, nil))
	if te := tctAsError(t, err); te.Code != "AuthFailure.TokenFailure" {
		t.Errorf("code %s, want AuthFailure.TokenFailure", te.Code)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 {
		t.Errorf("AssumeRole called %d times for one read whose tokens always fail, want 2", n)
	}

	// Without an assumed role a token failure is final.
	s = tctStart(t, cloudsim.Options{}, tctAlways(tctAPIError("AuthFailure.TokenFailure", "r1")))
	_, err = tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.SecurityToken = "sessionToken" }))
	if te := tctAsError(t, err); te.Code != "AuthFailure.TokenFailure" || s.count() != 1 {
		t.Errorf("%s after %d requests, want AuthFailure.TokenFailure after 1", te.Code, s.count())
	}
}

// --- 11. Secrets --------------------------------------------------------------

// tctSecretsOf returns the temporary keys and tokens the simulator handed out
// and every signature sent.
func tctSecretsOf(t *testing.T, s *tctServer) []string {
	t.Helper()
	var secrets []string
	for _, a := range s.simAnswers() {
		var out struct {
			Response struct {
				Credentials *struct{ Token, TmpSecretKey string }
			}
		}
		if json.Unmarshal(a, &out) == nil && out.Response.Credentials != nil {
			secrets = append(secrets, out.Response.Credentials.Token, out.Response.Credentials.TmpSecretKey)
		}
	}
	for _, r := range s.requests() {
		if _, sig, ok := strings.Cut(r.Auth, "Signature="); ok {
			secrets = append(secrets, sig)
		}
		if r.Token != "" {
			secrets = append(secrets, r.Token)
		}
	}
	return secrets
}

func TestTencentLogsAndErrorsCarryNoSecrets(t *testing.T) {
	log := &tctLogger{}
	s := tctStart(t, cloudsim.Options{}, nil)
	withLog := func(cfg *TencentConfig) { cfg.Logger = log }
	var errs []error

	// A successful read.
	if _, err := tctClient(t, s.URL(), withLog).ListAuditTracks(context.Background(), tctRegion, 3, 0); err != nil {
		t.Fatal(err)
	}
	// Failed authentications: a wrong key, and a token sent with a permanent key.
	const wrongKey, permToken = "WRONGsecretKeyShouldNeverBeLogged", "permanentTokenShouldNeverBeLogged"
	_, err := tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { withLog(cfg); cfg.SecretKey = wrongKey }))
	errs = append(errs, err)
	_, err = tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) { withLog(cfg); cfg.SecurityToken = permToken }))
	errs = append(errs, err)
	// An assumed role, renewed on each call, then one that fails.
	c := tctAssumeRoleClient(t, s, 200, withLog)
	for i := 0; i < 2; i++ {
		if _, err := tctRead(c); err != nil {
			t.Fatal(err)
		}
	}
	_, err = tctRead(tctClient(t, s.URL(), func(cfg *TencentConfig) {
		withLog(cfg)
		cfg.SecretKey = wrongKey
		cfg.AssumeRole = &AssumeRoleConfig{RoleArn: tctRoleArn, SessionName: "auditlog-test"}
	}))
	errs = append(errs, err)
	// A network failure and an HTTP error.
	s2 := tctStart(t, cloudsim.Options{}, tctSequence(tctHangUp, tctHTTP(500, "text/plain", "oops")))
	_, err = tctRead(tctClient(t, s2.URL(), func(cfg *TencentConfig) { withLog(cfg); cfg.MaxRetries = 1 }))
	errs = append(errs, err)

	secrets := append(tctSecretsOf(t, s), tctSecretsOf(t, s2)...)
	secrets = append(secrets, cloudsim.DefaultTencentSecretKey, wrongKey, permToken)
	if len(secrets) < 10 {
		t.Fatalf("only %d secrets collected; the flows above did not run", len(secrets))
	}
	entries := log.all()
	if len(entries) < 8 {
		t.Fatalf("only %d log entries: the logger is not used", len(entries))
	}
	for _, secret := range secrets {
		if len(secret) < 8 {
			t.Fatalf("secret %q too short to search for", secret)
		}
		for _, e := range entries {
			if strings.Contains(e, secret) {
				t.Errorf("log entry carries a secret: %s", e)
			}
		}
		for _, err := range errs {
			if err == nil {
				t.Fatal("a failing flow succeeded")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) {
				t.Errorf("error carries a secret: %v", err)
			}
		}
	}
}

// An STS answer the client cannot decode must not put the temporary key or
// token into the error (error messages quote the start of such bodies).
func TestTencentUndecodableAssumeRoleAnswerCarriesNoSecrets(t *testing.T) {
	log := &tctLogger{}
	s := tctStart(t, cloudsim.Options{}, nil)
	expired := regexp.MustCompile(`"ExpiredTime":[0-9]+`)
	s.rewrite = func(req tctSeen, body []byte) []byte {
		if req.Action != "AssumeRole" {
			return body
		}
		return expired.ReplaceAll(body, []byte(`"ExpiredTime":"in two hours"`))
	}
	_, err := tctRead(tctAssumeRoleClient(t, s, 0, func(cfg *TencentConfig) { cfg.Logger = log }))
	if err == nil {
		t.Fatal("an undecodable AssumeRole answer was accepted")
	}
	if te := tctAsError(t, err); te.Code != "ClientError.ParseJsonError" {
		t.Errorf("code %s, want ClientError.ParseJsonError", te.Code)
	}
	secrets := tctSecretsOf(t, s)
	if len(secrets) < 2 {
		t.Fatalf("no temporary credentials were issued")
	}
	for _, secret := range secrets {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error quotes a temporary secret (key or token): %v", err)
		}
		for _, e := range log.all() {
			if strings.Contains(e, secret) {
				t.Errorf("log entry carries a secret: %s", e)
			}
		}
	}
}

// An error answer whose other fields do not fit the success type still
// reports the API's own error code, not a decoding failure.
func TestTencentAPIErrorWinsOverUndecodablePayload(t *testing.T) {
	body := `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad signature"},"RequestId":"r-1","Tracks":"oops"}}`
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", body)))
	_, err := tctRead(tctClient(t, s.URL(), nil))
	te := tctAsError(t, err)
	if te.Code != "AuthFailure.SignatureFailure" || te.Message != "bad signature" || te.RequestID != "r-1" {
		t.Errorf("got %+v, want the API's own error", *te)
	}
	if s.count() != 1 {
		t.Errorf("%d requests; an authentication error must not be retried", s.count())
	}
}
