package provider

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// The loopback servers of the hostile-gateway suite (hostile_gateway_test.go):
// a gateway in front of the simulator that answers chosen pages the way
// broken gateways, proxies and networks do, a forward proxy, and the CAs
// and certificates of the TLS cases.

// hostileAnswer writes the answer of a faulted page. sim is the answer the
// simulator gave to the same request, for faults that damage a real one.
type hostileAnswer func(w http.ResponseWriter, r *http.Request, sim []byte)

// hostileGateway serves the simulator, answering the pages a case names
// with its fault. It counts every attempt at every page.
type hostileGateway struct {
	sim *cloudsim.Server
	// prefix, when set, is the only path the gateway routes (as a gateway
	// routing /tencent/ to the API would); anything else is a 404.
	prefix string

	mu       sync.Mutex
	answer   hostileAnswer
	page     int // the page faulted (1-based); 0: every page
	times    int // how many attempts at that page are faulted; 0: all
	pages    []string
	attempts map[string][]time.Time // by page key, the time of each attempt
	faulted  int
	conns    atomic.Int32
}

func newHostileGateway(sim *cloudsim.Server) *hostileGateway {
	return &hostileGateway{sim: sim, attempts: map[string][]time.Time{}}
}

// pageKey says which page a request asks for: Tencent's PageNumber, or
// UCloud's NextToken (empty for the first page).
func pageKey(r *http.Request, body []byte) (key string, ok bool) {
	if action := r.Header.Get("X-TC-Action"); action != "" {
		var p struct{ PageNumber json.Number }
		_ = json.Unmarshal(body, &p)
		return "tencent/" + p.PageNumber.String(), action == "DescribeAuditTracks"
	}
	form, _ := url.ParseQuery(string(body))
	return "ucloud/" + form.Get("NextToken"), form.Get("Action") == "GetUserOperationEvents"
}

func (g *hostileGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.prefix != "" && r.URL.Path != g.prefix {
		http.Error(w, "no route to "+r.URL.Path, http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	key, paged := pageKey(r, body)

	g.mu.Lock()
	var fault hostileAnswer
	if paged {
		if _, seen := g.attempts[key]; !seen {
			g.pages = append(g.pages, key)
		}
		g.attempts[key] = append(g.attempts[key], time.Now())
		page, attempt := 0, len(g.attempts[key])
		for i, k := range g.pages {
			if k == key {
				page = i + 1
			}
		}
		if g.answer != nil && (g.page == 0 || g.page == page) && (g.times == 0 || attempt <= g.times) {
			fault = g.answer
			g.faulted++
		}
	}
	g.mu.Unlock()

	rec := httptest.NewRecorder()
	g.sim.ServeHTTP(rec, r)
	if fault != nil {
		fault(w, r, rec.Body.Bytes())
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// faultedAttempts is how many attempts the fault answered, and the most
// attempts any one page had.
func (g *hostileGateway) faultedAttempts() (faulted, maxPerPage int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, a := range g.attempts {
		maxPerPage = max(maxPerPage, len(a))
	}
	return g.faulted, maxPerPage
}

// retryGap is the time between the first two attempts at page n.
func (g *hostileGateway) retryGap(n int) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n > len(g.pages) || len(g.attempts[g.pages[n-1]]) < 2 {
		return 0
	}
	a := g.attempts[g.pages[n-1]]
	return a[1].Sub(a[0])
}

// serve starts g on addr ("127.0.0.1:0"), with TLS when cert is set.
func (g *hostileGateway) serve(t *testing.T, addr string, cert *tls.Certificate) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second}}
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			g.conns.Add(1)
		}
	}
	// Handshake failures are the point of some cases, not news.
	srv.Config.ErrorLog = nil
	if cert != nil {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// Faults.

func hostileStatus(status int, contentType, body string) hostileAnswer {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func hostileRetryAfter(status int, value func() string) hostileAnswer {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Retry-After", value())
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, http.StatusText(status))
	}
}

// hostileCut sends the first half of the real answer under a Content-Length
// for all of it, then closes the connection: cleanly (FIN), or with a reset
// (RST) when reset is set.
func hostileCut(reset bool) hostileAnswer {
	return func(w http.ResponseWriter, _ *http.Request, sim []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", itoa(len(sim)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(sim[:len(sim)/2])
		hostileHangUp(w, reset)
	}
}

func hostileHangUp(w http.ResponseWriter, reset bool) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// hostileStall answers nothing (or, with half set, half the real answer)
// until the client hangs up, or 5 s pass.
func hostileStall(half bool) hostileAnswer {
	return func(w http.ResponseWriter, r *http.Request, sim []byte) {
		if half {
			w.Header().Set("Content-Length", itoa(len(sim)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(sim[:len(sim)/2])
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
}

// hostileHuge streams a well-formed envelope padded to size bytes, without
// a Content-Length, until the client hangs up.
func hostileHuge(size int64) hostileAnswer {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		head, tail := `{"RetCode":0,"Action":"GetUserOperationEventsResponse","Events":[],"Pad":"`, `"}`
		if r.Header.Get("X-TC-Action") != "" {
			head, tail = `{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"huge","Pad":"`, `"}}`
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if _, err := io.WriteString(w, head); err != nil {
			return
		}
		chunk := bytes.Repeat([]byte("x"), 256<<10)
		for sent := int64(len(head) + len(tail)); sent < size; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(int64(len(chunk)), size-sent)]); err != nil {
				return // the client stopped reading, as it should
			}
		}
		_, _ = io.WriteString(w, tail)
	}
}

// hostileGzip sends the real answer gzip-compressed, without saying so.
func hostileGzip(w http.ResponseWriter, _ *http.Request, sim []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(gzipBytes(sim))
}

// hostileDeflate sends the real answer with Content-Encoding: deflate, in
// the zlib format (RFC 9110) or as raw DEFLATE data.
func hostileDeflate(zlibFormat bool) hostileAnswer {
	return func(w http.ResponseWriter, _ *http.Request, sim []byte) {
		var buf bytes.Buffer
		var zw io.WriteCloser = zlib.NewWriter(&buf)
		if !zlibFormat {
			zw, _ = flate.NewWriter(&buf, flate.DefaultCompression)
		}
		_, _ = zw.Write(sim)
		_ = zw.Close()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "deflate")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
	}
}

// hostileDeflateGarbage says Content-Encoding: deflate over bytes that are
// neither zlib nor DEFLATE data.
func hostileDeflateGarbage(w http.ResponseWriter, _ *http.Request, _ []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "deflate")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("\xff\xfe not compressed"))
}

// hostileBOM sends the real answer after a UTF-8 byte order mark.
func hostileBOM(w http.ResponseWriter, _ *http.Request, sim []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append([]byte("\xef\xbb\xbf"), sim...))
}

// hostileProxy is a forward proxy for host names under .invalid, which it
// alone resolves (to 127.0.0.1, keeping the port): CONNECT tunnels for
// https:// and absolute-form requests for http://. With user set, it wants
// those Basic credentials and answers 407 otherwise; with refuse set, it
// refuses everything (403).
type hostileProxy struct {
	user, password string
	refuse         bool

	connects, requests, authorized, refused atomic.Int32
}

func (p *hostileProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connects.Add(1)
	} else {
		p.requests.Add(1)
	}
	if p.refuse {
		p.refused.Add(1)
		http.Error(w, "this proxy is not for you", http.StatusForbidden)
		return
	}
	if p.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.password))
		if r.Header.Get("Proxy-Authorization") != want {
			p.refused.Add(1)
			w.Header().Set("Proxy-Authenticate", `Basic realm="hostile-proxy"`)
			http.Error(w, "Proxy Authentication Required", http.StatusProxyAuthRequired)
			return
		}
		p.authorized.Add(1)
	}
	host := r.Host
	if r.Method != http.MethodConnect {
		host = r.URL.Host
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil || !strings.HasSuffix(name, ".invalid") {
		http.Error(w, "no such host "+host, http.StatusBadGateway)
		return
	}
	target := net.JoinHostPort("127.0.0.1", port)
	if r.Method == http.MethodConnect {
		p.tunnel(w, target)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = target
	out.Header.Del("Proxy-Authorization")
	resp, err := (&http.Transport{Proxy: nil}).RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *hostileProxy) tunnel(w http.ResponseWriter, target string) {
	upstream, err := net.Dial("tcp", target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		_ = upstream.Close()
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		_ = upstream.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		_, _ = io.Copy(upstream, buf.Reader) // what the client sent after CONNECT, then the rest
		_ = upstream.Close()
	}()
	_, _ = io.Copy(conn, upstream)
	_ = conn.Close()
}

// hostileCA is a certificate authority of the test, and a certificate it
// issued for the gateway: *.test.invalid and 127.0.0.1.
type hostileCA struct {
	pem  []byte
	leaf tls.Certificate
}

func newHostileCA(t *testing.T, name string) *hostileCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "api.test.invalid"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"*.test.invalid"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &hostileCA{
		pem:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		leaf: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey},
	}
}

// nonLoopbackIPv4 is an address of this machine that Go does proxy (it
// never proxies loopback), for the NO_PROXY case; "" when there is none.
func nonLoopbackIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}
