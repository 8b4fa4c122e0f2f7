package client

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Tests of what both clients share with the network (transport.go): the
// body cap, encodings, Retry-After, timeouts, TLS and proxies.

// trBothClouds runs a test against each cloud's client, with a handler
// deciding each answer; call reads once and returns the error.
type trCloud struct {
	name string
	// ok answers a successful call.
	ok http.HandlerFunc
	// call makes one read with the client of url.
	call func(t *testing.T, url string, mutate func(*trSettings)) error
}

// trSettings are what a test changes on either client.
type trSettings struct {
	maxRetries int
	timeout    time.Duration
	transport  *http.Transport
}

var tencentOK = func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"r-ok"}}`)
}

var trClouds = []trCloud{
	{
		name: "tencent",
		ok:   tencentOK,
		call: func(t *testing.T, url string, mutate func(*trSettings)) error {
			s := trSettings{maxRetries: 3, timeout: 5 * time.Second}
			if mutate != nil {
				mutate(&s)
			}
			c := tctClient(t, url, func(cfg *TencentConfig) {
				cfg.MaxRetries, cfg.RequestTimeout = s.maxRetries, s.timeout
				if s.transport != nil {
					cfg.Transport = s.transport
				}
			})
			_, err := tctRead(c)
			return err
		},
	},
	{
		name: "ucloud",
		ok:   okEvents,
		call: func(t *testing.T, url string, mutate func(*trSettings)) error {
			s := trSettings{maxRetries: 3, timeout: 5 * time.Second}
			if mutate != nil {
				mutate(&s)
			}
			c := testClient(t, url, func(cfg *UCloudConfig) {
				cfg.MaxRetries, cfg.RequestTimeout = s.maxRetries, s.timeout
				if s.transport != nil {
					cfg.HTTPClient = &http.Client{Transport: s.transport}
				}
			})
			_, err := c.GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{})
			return err
		},
	},
}

// trServer answers request n with handlers[n] (the last one repeats) and
// counts requests.
type trServer struct {
	*httptest.Server
	n     atomic.Int32
	mu    sync.Mutex
	times []time.Time
	paths []string
}

func trStart(t *testing.T, handlers ...http.HandlerFunc) *trServer {
	t.Helper()
	s := &trServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.n.Add(1)) - 1
		s.mu.Lock()
		s.times = append(s.times, time.Now())
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		handlers[min(n, len(handlers)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *trServer) count() int { return int(s.n.Load()) }

// firstGap is the time between the first two requests.
func (s *trServer) firstGap() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.times[1].Sub(s.times[0])
}

// trBody answers status with body, as is.
func trBody(status int, header map[string]string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// trStream answers 200 with n bytes of filler, without a Content-Length.
func trStream(status int, n int64) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for sent := int64(0); sent < n; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(int64(len(chunk)), n-sent)]); err != nil {
				return // the client hung up, as it should
			}
		}
	}
}

// An answer past MaxResponseBytes fails naming the limit, whatever its
// status, after reading no more than the limit, and is never asked for
// again; an answer of exactly the limit is read.
func TestResponseBodyCap(t *testing.T) {
	for _, cloud := range trClouds {
		t.Run(cloud.name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				h    http.HandlerFunc
			}{
				{"streamed, 200", trStream(200, MaxResponseBytes+1)},
				{"streamed, 503", trStream(503, MaxResponseBytes+1)},
				{"announced by Content-Length", func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Length", strconv.Itoa(500<<20))
					_, _ = w.Write([]byte("{"))
				}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s := trStart(t, tc.h)
					err := cloud.call(t, s.URL, nil)
					var tooLarge *ResponseTooLargeError
					if !errors.As(err, &tooLarge) || tooLarge.Limit != MaxResponseBytes {
						t.Fatalf("error %v (%T), want a *ResponseTooLargeError", err, err)
					}
					if !strings.Contains(err.Error(), "larger than 32 MiB") {
						t.Errorf("error %q does not name the limit", err)
					}
					if s.count() != 1 {
						t.Errorf("%d requests: a body too large was asked for again", s.count())
					}
				})
			}
		})
	}
	// Exactly the limit is still an answer.
	pad := func(prefix, suffix string) []byte {
		return []byte(prefix + strings.Repeat(" ", MaxResponseBytes-len(prefix)-len(suffix)) + suffix)
	}
	s := trStart(t, trBody(200, nil, pad(`{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"r"`, `}}`)))
	if err := trClouds[0].call(t, s.URL, nil); err != nil {
		t.Errorf("tencent, a body of exactly %d bytes: %v", MaxResponseBytes, err)
	}
	s = trStart(t, trBody(200, nil, pad(`{"RetCode":0,"Events":[]`, `}`)))
	if err := trClouds[1].call(t, s.URL, nil); err != nil {
		t.Errorf("ucloud, a body of exactly %d bytes: %v", MaxResponseBytes, err)
	}
}

func trGzip(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	_ = zw.Close()
	return buf.Bytes()
}

// Bodies: a byte order mark is ignored; compressed bodies that say so are
// read; gzip data that does not say so is an error that quotes it escaped
// and is not retried.
func TestResponseBodyEncodings(t *testing.T) {
	tencentBody := []byte(`{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"r-enc"}}`)
	ucloudBody := []byte(`{"RetCode":0,"Action":"GetUserOperationEventsResponse","Events":[]}`)
	for i, cloud := range trClouds {
		body := [][]byte{tencentBody, ucloudBody}[i]
		t.Run(cloud.name, func(t *testing.T) {
			var deflated bytes.Buffer
			fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
			_, _ = fw.Write(body)
			_ = fw.Close()
			for _, tc := range []struct {
				name string
				h    http.HandlerFunc
			}{
				{"UTF-8 byte order mark", trBody(200, nil, append([]byte("\xef\xbb\xbf"), body...))},
				{"gzip, announced", trBody(200, map[string]string{"Content-Encoding": "gzip"}, trGzip(t, body))},
				{"deflate, announced", trBody(200, map[string]string{"Content-Encoding": "deflate"}, deflated.Bytes())},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s := trStart(t, tc.h)
					if err := cloud.call(t, s.URL, nil); err != nil || s.count() != 1 {
						t.Errorf("%v after %d requests", err, s.count())
					}
				})
			}
			t.Run("gzip without Content-Encoding", func(t *testing.T) {
				s := trStart(t, trBody(200, map[string]string{"Content-Type": "application/json"}, trGzip(t, body)))
				err := cloud.call(t, s.URL, nil)
				if err == nil {
					t.Fatal("gzip data read as an answer")
				}
				msg := err.Error()
				if bytes.ContainsAny([]byte(msg), "\x1f\x00") || bytes.Contains([]byte(msg), []byte{0x8b}) || strings.Contains(msg, "\uFFFD") {
					t.Errorf("error carries raw binary: %q", msg)
				}
				if !strings.Contains(msg, `\x1f\x8b`) || !strings.Contains(msg, "gzip") {
					t.Errorf("error %q does not say it is gzip data, nor quote it escaped", msg)
				}
				if s.count() != 1 {
					t.Errorf("%d requests: gzip data does not change on a retry", s.count())
				}
			})
			t.Run("unknown Content-Encoding", func(t *testing.T) {
				s := trStart(t, trBody(200, map[string]string{"Content-Encoding": "br"}, []byte{0x0b, 0x02, 0x80}))
				err := cloud.call(t, s.URL, nil)
				if err == nil || !strings.Contains(err.Error(), `"br"`) || s.count() != 1 {
					t.Errorf("%v after %d requests, want one final error naming the encoding", err, s.count())
				}
			})
		})
	}
}

// A 502 page with binary in it is quoted escaped by both clients.
func TestErrorBodiesAreQuotedEscaped(t *testing.T) {
	page := []byte("<html>\x00\x1b[31mred\x1b[0m\xff\xfe gateway</html>")
	for _, cloud := range trClouds {
		t.Run(cloud.name, func(t *testing.T) {
			s := trStart(t, trBody(502, nil, page))
			err := cloud.call(t, s.URL, func(s *trSettings) { s.maxRetries = 0 })
			if err == nil {
				t.Fatal("no error")
			}
			if bytes.ContainsAny([]byte(err.Error()), "\x00\x1b") || bytes.Contains([]byte(err.Error()), []byte{0xff}) {
				t.Errorf("error carries raw bytes of the body: %q", err)
			}
			if !strings.Contains(err.Error(), `\x1b[31mred`) {
				t.Errorf("error %q does not quote the body's start escaped", err)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 18, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"99999999999999999999", 0, false}, // beyond uint64: unreadable
		{"18446744073709551615", 24 * time.Hour, true},
		{"Sun, 29 Nov 2026 18:30:05 GMT", 5 * time.Second, true},
		{"Sunday, 29-Nov-26 18:31:00 GMT", time.Minute, true}, // RFC 850, obsolete but allowed
		{"Sun Nov 29 18:30:02 2026", 2 * time.Second, true},   // asctime
		{"Sun, 29 Nov 2026 18:00:00 GMT", 0, true},            // in the past
		{"", 0, false}, {"-1", 0, false}, {"1.5", 0, false}, {"soon", 0, false}, {"2026-11-29T18:30:05Z", 0, false},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// trRetryAfter answers status with a Retry-After header.
func trRetryAfter(status int, value string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", value)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "slow down")
	}
}

// A 429 or 503 with Retry-After is retried no sooner than it asks, in
// either form; one asking for longer than the call has left, or than
// MaxRetryAfter, fails at once saying how long the server asked to wait.
func TestRetryAfter(t *testing.T) {
	for _, cloud := range trClouds {
		t.Run(cloud.name, func(t *testing.T) {
			t.Run("429, seconds", func(t *testing.T) {
				s := trStart(t, trRetryAfter(429, "1"), cloud.ok)
				if err := cloud.call(t, s.URL, nil); err != nil {
					t.Fatal(err)
				}
				if s.count() != 2 || s.firstGap() < time.Second {
					t.Errorf("%d requests, retried after %v; want one retry after at least 1s", s.count(), s.firstGap())
				}
			})
			t.Run("503, HTTP-date", func(t *testing.T) {
				// One second of resolution: a date 2 s ahead is a wait of
				// more than 1 s.
				when := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
				s := trStart(t, trRetryAfter(503, when), cloud.ok)
				if err := cloud.call(t, s.URL, nil); err != nil {
					t.Fatal(err)
				}
				if s.count() != 2 || s.firstGap() < time.Second {
					t.Errorf("%d requests, retried after %v; want one retry after at least 1s", s.count(), s.firstGap())
				}
			})
			t.Run("longer than the deadline", func(t *testing.T) {
				s := trStart(t, trRetryAfter(429, "30"), cloud.ok)
				ctxCall := func() error {
					// The read's deadline comes through the context.
					return trWithDeadline(t, cloud, s.URL, 3*time.Second)
				}
				start := time.Now()
				err := ctxCall()
				var rae *RetryAfterError
				if !errors.As(err, &rae) || rae.Wait != 30*time.Second {
					t.Fatalf("error %v (%T), want a *RetryAfterError of 30s", err, err)
				}
				if time.Since(start) > time.Second || s.count() != 1 {
					t.Errorf("took %v and %d requests; want an answer at once", time.Since(start), s.count())
				}
				if !strings.Contains(err.Error(), "asked to wait 30s") || !strings.Contains(err.Error(), "left for this read") {
					t.Errorf("error %q does not say what the server asked for and why it was not done", err)
				}
				if n, _, _ := Attempts(err); n != 1 {
					t.Errorf("Attempts = %d, want 1", n)
				}
			})
			t.Run("longer than MaxRetryAfter", func(t *testing.T) {
				s := trStart(t, trRetryAfter(503, "3600"), cloud.ok)
				err := cloud.call(t, s.URL, nil)
				var rae *RetryAfterError
				if !errors.As(err, &rae) || !strings.Contains(err.Error(), "asked to wait 1h0m0s") || !strings.Contains(err.Error(), MaxRetryAfter.String()) {
					t.Fatalf("error %v, want a *RetryAfterError naming the wait and the maximum", err)
				}
				if s.count() != 1 {
					t.Errorf("%d requests", s.count())
				}
			})
			t.Run("ignored on other statuses", func(t *testing.T) {
				s := trStart(t, trRetryAfter(502, "30"), cloud.ok)
				start := time.Now()
				if err := cloud.call(t, s.URL, nil); err != nil || time.Since(start) > 5*time.Second {
					t.Errorf("%v after %v", err, time.Since(start))
				}
			})
		})
	}
}

// trWithDeadline reads once with a deadline on the context.
func trWithDeadline(t *testing.T, cloud trCloud, url string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if cloud.name == "tencent" {
		c := tctClient(t, url, nil)
		_, err := c.DescribeAuditTracks(ctx, tctRegion, DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
		return err
	}
	_, err := testClient(t, url).GetUserOperationEvents(ctx, GetUserOperationEventsRequest{})
	return err
}

func trFlush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// trStall waits until the client hangs up, or 3 s pass: the server notices
// a hang-up only once it reads from the connection again.
func trStall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(3 * time.Second):
	}
}

// A call that gets no whole answer within RequestTimeout says so, with the
// limit, whether the server stalls before its headers or in its body.
func TestRequestTimeoutNamesTheLimit(t *testing.T) {
	stallBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"Response":{`)
		trFlush(w)
		trStall(r)
	}
	stallHeaders := func(_ http.ResponseWriter, r *http.Request) { trStall(r) }
	for _, cloud := range trClouds {
		for name, h := range map[string]http.HandlerFunc{"before the headers": stallHeaders, "in the body": stallBody} {
			t.Run(cloud.name+"/"+name, func(t *testing.T) {
				s := trStart(t, h)
				err := cloud.call(t, s.URL, func(s *trSettings) { s.maxRetries, s.timeout = 1, 300*time.Millisecond })
				d, ok := RequestTimeout(err)
				if !ok || d != 300*time.Millisecond {
					t.Fatalf("error %v: RequestTimeout = %v, %v; want 300ms", err, d, ok)
				}
				if !strings.Contains(err.Error(), "no complete answer within 300ms") {
					t.Errorf("error %q does not name the limit", err)
				}
				if s.count() != 2 {
					t.Errorf("%d requests, want 2: a timeout is retried", s.count())
				}
			})
		}
	}
}

// A certificate that does not verify is not retried: the TLS handshake
// fails the same way every time.
func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	for _, cloud := range trClouds {
		t.Run(cloud.name, func(t *testing.T) {
			var conns atomic.Int32
			srv := httptest.NewUnstartedServer(cloud.ok)
			srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
				if st == http.StateNew {
					conns.Add(1)
				}
			}
			srv.Config.ErrorLog = nil
			srv.StartTLS()
			t.Cleanup(srv.Close)
			// The clients' own transport, which trusts the system's CAs,
			// not the test server's.
			err := cloud.call(t, srv.URL, nil)
			if err == nil || !TLSProblem(err) {
				t.Fatalf("error %v (%T), want a TLS problem", err, err)
			}
			if !strings.Contains(err.Error(), "certificate") {
				t.Errorf("error %q does not say it is the certificate", err)
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections: an untrusted certificate was tried again", n)
			}
		})
	}
}

// A proxy that refuses the tunnel (407) is not retried, and the error names
// the proxy by host, never by its credentials.
func TestProxyRefusalIsNotRetried(t *testing.T) {
	for _, cloud := range trClouds {
		t.Run(cloud.name, func(t *testing.T) {
			var connects atomic.Int32
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodConnect {
					connects.Add(1)
				}
				w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
				w.WriteHeader(http.StatusProxyAuthRequired)
			}))
			t.Cleanup(proxy.Close)
			proxyURL, _ := url.Parse(proxy.URL)
			proxyURL.User = url.UserPassword("auditor", "proxy-pass-do-not-show")
			tr := newHTTPTransport(2)
			tr.Proxy = http.ProxyURL(proxyURL)
			err := cloud.call(t, "https://api.test.invalid", func(s *trSettings) { s.transport = tr })
			pe, ok := ProxyRefusal(err)
			if !ok || pe.StatusCode != http.StatusProxyAuthRequired || pe.Proxy != proxyURL.Host {
				t.Fatalf("error %v (%T), want a *ProxyError 407 from %s", err, err, proxyURL.Host)
			}
			if strings.Contains(err.Error(), "proxy-pass-do-not-show") || strings.Contains(err.Error(), "auditor") {
				t.Errorf("error %q carries the proxy's credentials", err)
			}
			if n := connects.Load(); n != 1 {
				t.Errorf("%d CONNECTs: a refused tunnel was asked for again", n)
			}
		})
	}
}

// Both clients take their proxy from the environment: the SDK's common
// client is handed our transport, and the UCloud client has its own.
func TestTransportsUseProxyFromEnvironment(t *testing.T) {
	fromEnv := reflect.ValueOf(http.ProxyFromEnvironment).Pointer()
	tc, err := NewTencentClient(TencentConfig{SecretID: "id", SecretKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	base, ok := tc.transport.base.(*http.Transport)
	if !ok || base.Proxy == nil || reflect.ValueOf(base.Proxy).Pointer() != fromEnv {
		t.Errorf("the Tencent client's transport does not use http.ProxyFromEnvironment")
	}
	uc, err := NewUCloudClient(UCloudConfig{PublicKey: "p", PrivateKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	ut, ok := uc.httpClient.Transport.(*http.Transport)
	if !ok || ut.Proxy == nil || reflect.ValueOf(ut.Proxy).Pointer() != fromEnv {
		t.Errorf("the UCloud client's transport does not use http.ProxyFromEnvironment")
	}
	// And the SDK sends through the transport it was handed: a request
	// made by the Tencent client reaches the server through it.
	var through atomic.Int32
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) {
		cfg.Transport = trCounting{base: http.DefaultTransport, n: &through}
	})
	if _, err := tctRead(c); err != nil || through.Load() != 1 {
		t.Errorf("%v; %d requests through the configured transport", err, through.Load())
	}
}

type trCounting struct {
	base http.RoundTripper
	n    *atomic.Int32
}

func (c trCounting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// URLs: a port outside 1-65535 is refused; a path is kept as written.
func TestEndpointURLs(t *testing.T) {
	for _, raw := range []string{"http://127.0.0.1:99999", "https://gw.example.com:0/tencent", "http://[::1]:65536"} {
		if _, _, err := ParseEndpointURL(raw); err == nil || !strings.Contains(err.Error(), "1 to 65535") {
			t.Errorf("ParseEndpointURL(%q) = %v, want an error about the port", raw, err)
		}
		if _, err := NewUCloudClient(UCloudConfig{PublicKey: "p", PrivateKey: "k", BaseURL: raw}); err == nil {
			t.Errorf("UCloud base URL %q accepted", raw)
		}
	}
	for raw, want := range map[string]string{
		"http://127.0.0.1:65535":          "127.0.0.1:65535",
		"https://gw.example.com/tencent/": "gw.example.com/tencent/",
		"https://gw.example.com/tencent":  "gw.example.com/tencent",
		"https://gw.example.com/":         "gw.example.com/",
		"https://gw.example.com":          "gw.example.com",
	} {
		if _, got, err := ParseEndpointURL(raw); err != nil || got != want {
			t.Errorf("ParseEndpointURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	// The Tencent client sends to the path as written.
	for _, path := range []string{"/tencent/", "/tencent"} {
		s := trStart(t, tencentOK)
		if err := trClouds[0].call(t, s.URL+path, nil); err != nil {
			t.Fatal(err)
		}
		if s.paths[0] != path {
			t.Errorf("endpoint path %q sent as %q", path, s.paths[0])
		}
	}
}

// A body cut short by a reset is retried, and the error says how much
// arrived.
func TestTencentBodyCutShort(t *testing.T) {
	cut := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "4000")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"Response":{"Tracks":[`)
		trFlush(w)
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("the test server cannot hijack connections")
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0) // a reset, not a clean close
			}
			_ = conn.Close()
		}
	}
	s := trStart(t, cut)
	err := trClouds[0].call(t, s.URL, func(s *trSettings) { s.maxRetries = 1 })
	te := tctAsError(t, err)
	if te.Code != "ClientError.NetworkError" || !te.Retryable() || !strings.Contains(te.Message, fmt.Sprintf("cut short after %d bytes", len(`{"Response":{"Tracks":[`))) {
		t.Errorf("got %+v", *te)
	}
	if s.count() != 2 {
		t.Errorf("%d requests, want 2", s.count())
	}
}

// readAtMost returns every byte, whatever the pieces it reads in, refuses
// one byte past the limit, and passes a reader's failure on.
func TestReadAtMost(t *testing.T) {
	for _, size := range []int{0, 1, 32 << 10, 32<<10 + 1, 3<<20 + 17} {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte(i * 7)
		}
		for _, hint := range []int64{-1, int64(size)} {
			got, err := readAtMost(iotest.OneByteReader(bytes.NewReader(body)), int64(size), hint)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("size %d, hint %d: %d bytes, %v", size, hint, len(got), err)
			}
			if size == 0 {
				continue
			}
			_, err = readAtMost(bytes.NewReader(body), int64(size-1), hint)
			var tooLarge *ResponseTooLargeError
			if !errors.As(err, &tooLarge) {
				t.Errorf("size %d, limit %d: %v, want a *ResponseTooLargeError", size, size-1, err)
			}
		}
	}
	broken := errors.New("connection reset")
	_, err := readAtMost(io.MultiReader(bytes.NewReader(make([]byte, 100<<10)), iotest.ErrReader(broken)), MaxResponseBytes, -1)
	if !errors.Is(err, broken) {
		t.Errorf("a broken body read as %v", err)
	}
	_, err = readAtMost(io.MultiReader(bytes.NewReader(make([]byte, 10)), iotest.ErrReader(io.ErrUnexpectedEOF)), MaxResponseBytes, 100)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a body cut short of its Content-Length read as %v", err)
	}
}

// Content-Encoding: deflate is read in both forms found in the wild: zlib,
// as the standard says, and raw DEFLATE. A body that does not decode as
// what its encoding says is a final error naming the encoding, asked for
// once; one cut short by the network is retried; the body cap applies to
// what decoding produces.
func TestCompressedBodies(t *testing.T) {
	tencentBody := []byte(`{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"r-enc"}}`)
	ucloudBody := []byte(`{"RetCode":0,"Action":"GetUserOperationEventsResponse","Events":[]}`)
	deflate := map[string]string{"Content-Encoding": "deflate"}
	// A zlib stream whose checksum is wrong: the DEFLATE data is whole.
	badChecksum := func(b []byte) []byte {
		out := cloudsim.DeflateBody(b, true)
		out[len(out)-1] ^= 0xff
		return out
	}
	// A gzip stream whose DEFLATE data is damaged after its header.
	badGzip := func(b []byte) []byte {
		out := trGzip(t, b)
		for i := 10; i < len(out)-8; i++ {
			out[i] = 0xff
		}
		return out
	}
	for i, cloud := range trClouds {
		body := [][]byte{tencentBody, ucloudBody}[i]
		t.Run(cloud.name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				h    http.HandlerFunc
			}{
				{"deflate as zlib", trBody(200, deflate, cloudsim.DeflateBody(body, true))},
				{"deflate as raw DEFLATE", trBody(200, deflate, cloudsim.DeflateBody(body, false))},
				{"Deflate, any case", trBody(200, map[string]string{"Content-Encoding": " Deflate"}, cloudsim.DeflateBody(body, true))},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s := trStart(t, tc.h)
					if err := cloud.call(t, s.URL, nil); err != nil || s.count() != 1 {
						t.Errorf("%v after %d requests", err, s.count())
					}
				})
			}
			for _, tc := range []struct {
				name     string
				h        http.HandlerFunc
				encoding string
			}{
				{"deflate that is neither zlib nor DEFLATE", trBody(200, deflate, []byte("\xff\xff not compressed at all")), `"deflate"`},
				{"deflate, zlib with a wrong checksum", trBody(200, deflate, badChecksum(body)), `"deflate"`},
				{"deflate, zlib header but raw data", trBody(200, deflate, append([]byte{0x78, 0x9c}, 0xff, 0xff, 0xff)), `"deflate"`},
				{"deflate, the stream ends early", trBody(200, deflate, cloudsim.DeflateBody(body, false)[:8]), `"deflate"`},
				{"gzip, damaged after its header", trBody(200, map[string]string{"Content-Encoding": "gzip"}, badGzip(body)), `"gzip"`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					s := trStart(t, tc.h)
					err := cloud.call(t, s.URL, nil)
					if err == nil {
						t.Fatal("a body that does not decode was read as an answer")
					}
					if s.count() != 1 {
						t.Errorf("%d requests: a body that does not decode will not decode on a retry", s.count())
					}
					msg := err.Error()
					if !strings.Contains(msg, tc.encoding) || !strings.Contains(msg, "Content-Encoding") {
						t.Errorf("error %q does not name the encoding %s", msg, tc.encoding)
					}
					if strings.Contains(msg, "NetworkError") || strings.Contains(msg, "reading response") {
						t.Errorf("error %q reports a body that arrived whole as a network failure", msg)
					}
				})
			}
			t.Run("deflate cut short by the network", func(t *testing.T) {
				zbody := cloudsim.DeflateBody(body, true)
				cut := func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Encoding", "deflate")
					w.Header().Set("Content-Length", strconv.Itoa(len(zbody)+100))
					w.WriteHeader(200)
					_, _ = w.Write(zbody[:len(zbody)/2])
					// The handler returns short of its Content-Length: the
					// server closes the connection.
				}
				s := trStart(t, cut)
				err := cloud.call(t, s.URL, func(s *trSettings) { s.maxRetries = 1 })
				if err == nil || s.count() != 2 {
					t.Errorf("%v after %d requests, want a network failure retried once", err, s.count())
				}
			})
			t.Run("deflate that decodes past the cap", func(t *testing.T) {
				bomb := cloudsim.DeflateBody(bytes.Repeat([]byte(" "), MaxResponseBytes+1), true)
				s := trStart(t, trBody(200, deflate, bomb))
				err := cloud.call(t, s.URL, nil)
				var tooLarge *ResponseTooLargeError
				if !errors.As(err, &tooLarge) || s.count() != 1 {
					t.Errorf("%v (%T) after %d requests, want one *ResponseTooLargeError", err, err, s.count())
				}
			})
		})
	}
}

// The simulator sends its answers deflated, in either form, when told to,
// and both clients read them.
func TestSimulatorDeflatedAnswers(t *testing.T) {
	for _, kind := range []cloudsim.FaultKind{cloudsim.FaultDeflateZlib, cloudsim.FaultDeflateRaw} {
		t.Run(string(kind), func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{Tracks: 25}, nil)
			s.sim.InjectFault(cloudsim.Fault{Kind: kind})
			resp, err := tctRead(tctClient(t, s.URL(), nil))
			if err != nil || resp.TotalCount == nil || *resp.TotalCount != 25 || len(resp.Tracks) != 10 {
				t.Fatalf("tencent: %v", err)
			}
			if n := s.sim.FaultCount(); n != 1 {
				t.Errorf("tencent: %d answers deflated, want 1", n)
			}

			sim := cloudsim.New(cloudsim.Options{Events: 30})
			sim.InjectFault(cloudsim.Fault{Kind: kind})
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			twenty := 20
			c := testClient(t, srv.URL, func(cfg *UCloudConfig) {
				cfg.PublicKey, cfg.PrivateKey, cfg.ProjectID = cloudsim.DefaultUCloudPublicKey, cloudsim.DefaultUCloudPrivateKey, cloudsim.DefaultUCloudProjectID
			})
			events, err := c.GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{MaxResults: &twenty})
			if err != nil || len(events.Events) != 20 {
				t.Fatalf("ucloud: %v", err)
			}
		})
	}
}
