package client

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// What both clients share between them and the network: the HTTP transport
// (proxies from the environment, connection reuse), how much of an answer
// is read and how, which network failures are final, and the server's
// Retry-After.

// MaxResponseBytes is the most of one HTTP answer either client reads:
// 32 MiB. Neither cloud documents a maximum; the largest legitimate page
// (1,000 tracking sets, 100 CSIP records, 50 events of either cloud) is
// around a MiB, so an answer past this is not a page but a gateway's or a
// proxy's error. The limit is applied as the body streams: a longer answer
// costs at most this much memory, and it is never asked for again.
const MaxResponseBytes = 32 << 20

// ResponseTooLargeError is an answer longer than MaxResponseBytes.
type ResponseTooLargeError struct {
	Limit int64
	// Announced is the Content-Length the answer announced, or -1 when it
	// announced none and was read up to the limit.
	Announced int64
}

func (e *ResponseTooLargeError) Error() string {
	size := ""
	if e.Announced >= 0 {
		size = fmt.Sprintf(" (%d bytes by its Content-Length)", e.Announced)
	}
	return fmt.Sprintf("response body larger than %d MiB%s: the provider reads at most that much of one answer, "+
		"far more than any page of these APIs, so the call is not repeated", e.Limit>>20, size)
}

// errUnlabelledGzip is an answer compressed with gzip that does not say so.
var errUnlabelledGzip = errors.New("response body is gzip-compressed data without a Content-Encoding header " +
	"(a gateway or proxy compressed it): it is not an API answer")

// utf8BOM is the byte order mark some gateways put before a JSON body.
var utf8BOM = []byte("\xef\xbb\xbf")

// readResponseBody reads resp's body, at most limit bytes of it after
// decoding, without ever holding more. A leading UTF-8 byte order mark is
// dropped: RFC 8259 (section 8.1) lets a parser ignore it, and JSON holds
// no other meaning for it. The body is undone if resp names gzip or deflate
// (Go's transport undoes the gzip it asked for by itself); deflate is read
// in the zlib format RFC 9110 gives it and, as browsers do, as raw DEFLATE
// data, which some servers send under that name. Any other encoding, gzip
// data that does not say so, and a body that does not decode as its
// encoding says are errors that a repeat will not change; a connection
// that breaks mid-body is not.
func readResponseBody(resp *http.Response, limit int64) ([]byte, error) {
	src := &sourceReader{r: resp.Body, limit: limit}
	var r io.Reader = src
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if resp.Uncompressed {
		// Go's transport asked for gzip and is undoing it: its errors
		// come through the body, and the header is gone.
		enc = "gzip"
	}
	hint := int64(-1)
	switch enc {
	case "", "identity":
		if resp.ContentLength > limit {
			return nil, &ResponseTooLargeError{Limit: limit, Announced: resp.ContentLength}
		}
		hint = resp.ContentLength
	case "gzip", "x-gzip":
		if !resp.Uncompressed {
			zr, err := gzip.NewReader(src)
			if err != nil {
				return nil, decodingFailure(enc, src, err)
			}
			defer zr.Close()
			r = zr
		}
	case "deflate":
		zr, err := newDeflateReader(src)
		if err != nil {
			return nil, decodingFailure(enc, src, err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, &bodyEncodingError{fmt.Errorf("response body has Content-Encoding %.40q, which the provider cannot decode", enc)}
	}
	body, err := readAtMost(r, limit, hint)
	if err != nil {
		if enc == "" || enc == "identity" {
			return body, err
		}
		return body, decodingFailure(enc, src, err)
	}
	body = bytes.TrimPrefix(body, utf8BOM)
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		return body, &bodyEncodingError{errUnlabelledGzip}
	}
	return body, nil
}

// sourceReader is the body as it arrives, before any decoding: it
// remembers how the connection failed, so that a failure of the network
// is told from data that does not decode, and it caps the compressed
// bytes as well as the decoded ones.
type sourceReader struct {
	r        io.Reader
	limit, n int64
	err      error // the first failure other than the body's end
	ended    bool  // the body ended where it said it would
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	switch {
	case s.n > s.limit:
		err = &ResponseTooLargeError{Limit: s.limit, Announced: -1}
		s.err = err
	case err == io.EOF: //nolint:errorlint // io.Reader returns io.EOF itself, never wrapped
		s.ended = true
	case err != nil && s.err == nil:
		s.err = err
	}
	return n, err
}

// decodingFailure classifies err, met while decoding a body in encoding
// enc: the connection's own failure and a decoded body past the cap are
// passed on as they are; anything else is data that does not decode as
// enc, which a repeat will not change. Go's transport, undoing gzip, hands
// its decoding errors over as the body's own.
func decodingFailure(enc string, src *sourceReader, err error) error {
	var tooLarge *ResponseTooLargeError
	if errors.As(err, &tooLarge) {
		return err
	}
	if src.err != nil && !corruptData(src.err) {
		return src.err
	}
	if !src.ended && !corruptData(err) {
		return err
	}
	return &bodyEncodingError{fmt.Errorf("response body has Content-Encoding %q but does not decode as %s (%v): "+
		"the server or a gateway compressed it wrongly", enc, encodingFormat(enc), err)}
}

// corruptData reports whether err is a decompressor's verdict on its data
// rather than a failure of the reader under it.
func corruptData(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.As(err, &corrupt) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrDictionary)
}

// encodingFormat names the data format an encoding stands for.
func encodingFormat(enc string) string {
	if enc == "deflate" {
		return "zlib or raw DEFLATE data"
	}
	return "gzip data"
}

// newDeflateReader reads a deflate body: zlib (RFC 1950) when it starts
// with a zlib header, raw DEFLATE (RFC 1951) otherwise, as browsers tell
// them apart. A raw stream can begin with two bytes that look like a zlib
// header, 1 time in about 500; it then fails as zlib, never silently.
func newDeflateReader(src io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(src)
	head, err := br.Peek(2)
	if len(head) == 0 && err == io.EOF { //nolint:errorlint // bufio passes io.EOF as it is
		// No body at all: nothing to decode, and read as empty.
		return io.NopCloser(br), nil
	}
	if err != nil && err != io.EOF { //nolint:errorlint // bufio passes io.EOF as it is
		return nil, err
	}
	if zlibHeader(head) {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// zlibHeader reports whether b starts a zlib stream: compression method 8
// (DEFLATE) with a window of at most 32 KiB, and a check value that makes
// the first two bytes a multiple of 31 (RFC 1950, section 2.2).
func zlibHeader(b []byte) bool {
	return len(b) == 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// readAtMost reads r to its end, failing with a *ResponseTooLargeError once
// more than limit bytes have come. hint is the announced length, or -1.
// Without one, the body is read in pieces that are joined at the end, so
// that a body that turns out too large has cost no more than the limit
// (a doubling buffer would hold up to three times as much on its way).
func readAtMost(r io.Reader, limit, hint int64) ([]byte, error) {
	if hint >= 0 && hint <= limit {
		// One allocation; one byte more shows an answer longer than announced
		// (which the transport reports as an error anyway).
		buf := make([]byte, 0, hint+1)
		for int64(len(buf)) <= limit {
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF { //nolint:errorlint // io.Reader returns io.EOF itself, never wrapped
				return buf, nil
			}
			if err != nil {
				return buf, err
			}
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)] // grow past the announced size
			}
		}
		return nil, &ResponseTooLargeError{Limit: limit, Announced: -1}
	}
	var pieces [][]byte
	total, size := int64(0), 32<<10
	for {
		piece := make([]byte, size)
		n, err := fill(r, piece)
		total += int64(n)
		if total > limit {
			return nil, &ResponseTooLargeError{Limit: limit, Announced: -1}
		}
		pieces = append(pieces, piece[:n])
		if err == io.EOF { //nolint:errorlint // io.Reader returns io.EOF itself, never wrapped
			break
		}
		if err != nil {
			return bytes.Join(pieces, nil), err
		}
		size = min(size*2, 1<<20)
	}
	if len(pieces) == 1 {
		return pieces[0], nil
	}
	return bytes.Join(pieces, nil), nil
}

// fill reads into p until it is full or r fails, and returns r's error
// as it is (io.EOF at the end).
func fill(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// bodyEncodingError is an answer whose bytes arrived whole but cannot be
// read as text: compressed without saying so, or in an unknown encoding.
type bodyEncodingError struct{ err error }

func (e *bodyEncodingError) Error() string { return e.err.Error() }
func (e *bodyEncodingError) Unwrap() error { return e.err }

// newHTTPTransport returns a transport that keeps connections alive across
// pages, so a long read pays for one TLS handshake, not one per page. It
// takes its proxy from HTTPS_PROXY, HTTP_PROXY and NO_PROXY (with
// user:password@ in the proxy URL for a proxy that asks for credentials),
// and its trusted CAs from the system, SSL_CERT_FILE and SSL_CERT_DIR, as
// every Go program does. A proxy that refuses to open a tunnel is reported
// as a *ProxyError.
func newHTTPTransport(maxIdlePerHost int) *http.Transport {
	// A program embedding the client may have replaced DefaultTransport.
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		base = &http.Transport{}
	}
	t := base.Clone()
	if t.Proxy == nil {
		t.Proxy = http.ProxyFromEnvironment
	}
	t.MaxIdleConnsPerHost = maxIdlePerHost
	t.IdleConnTimeout = 90 * time.Second
	t.OnProxyConnectResponse = func(_ context.Context, proxyURL *url.URL, _ *http.Request, resp *http.Response) error {
		if resp.StatusCode == http.StatusOK {
			return nil
		}
		// Only the host: the URL may carry the proxy's password.
		return &ProxyError{Proxy: proxyURL.Host, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	return t
}

// ProxyError is a forward proxy's refusal to open a tunnel (its answer to
// CONNECT), such as 407 Proxy Authentication Required.
type ProxyError struct {
	Proxy      string // host:port, never the credentials
	StatusCode int
	Status     string
}

func (e *ProxyError) Error() string {
	return fmt.Sprintf("the proxy %s refused to open a tunnel: HTTP %s", e.Proxy, e.Status)
}

// transient reports whether the proxy may succeed later: it failed to reach
// the API (5xx), rather than refusing us.
func (e *ProxyError) transient() bool { return e.StatusCode >= http.StatusInternalServerError }

// ProxyRefusal returns the proxy's refusal behind err, if that is what it is.
func ProxyRefusal(err error) (*ProxyError, bool) {
	var pe *ProxyError
	return pe, errors.As(err, &pe)
}

// TLSProblem reports whether err is a TLS failure that no retry can fix: a
// certificate that does not verify (unknown authority, such as a corporate
// proxy's or gateway's own CA; expired; for another host name), or a server
// that does not speak TLS at all.
func TLSProblem(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	var roots x509.SystemRootsError
	var record tls.RecordHeaderError
	return errors.As(err, &verify) || errors.As(err, &unknownAuth) || errors.As(err, &invalid) ||
		errors.As(err, &hostname) || errors.As(err, &roots) || errors.As(err, &record)
}

// permanentTransportError reports whether a failure to exchange a request
// is one that repeating it cannot fix: a TLS problem, a proxy refusing us,
// an answer too large or in an encoding that cannot be read.
func permanentTransportError(err error) bool {
	if err == nil {
		return false
	}
	if pe, ok := ProxyRefusal(err); ok {
		return !pe.transient()
	}
	var tooLarge *ResponseTooLargeError
	var enc *bodyEncodingError
	return TLSProblem(err) || errors.As(err, &tooLarge) || errors.As(err, &enc)
}

// RequestTimeoutError is one call that got no whole answer within the
// client's RequestTimeout.
type RequestTimeoutError struct {
	Timeout time.Duration
	err     error
}

func (e *RequestTimeoutError) Error() string {
	return fmt.Sprintf("request timed out: no complete answer within %s", e.Timeout)
}

func (e *RequestTimeoutError) Unwrap() error { return e.err }

// RequestTimeout returns the per-call time limit err ran out of, if it did.
func RequestTimeout(err error) (time.Duration, bool) {
	var te *RequestTimeoutError
	if errors.As(err, &te) {
		return te.Timeout, true
	}
	return 0, false
}

// MaxRetryAfter is the longest Retry-After the clients wait for. A server
// asking for more is answered at once with its own error, saying so.
const MaxRetryAfter = 5 * time.Minute

// parseRetryAfter reads a Retry-After header (RFC 9110, section 10.2.3):
// a number of seconds, or an HTTP-date, which is a wait until then (none if
// it has passed). ok is false when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		// Past a day the exact figure no longer matters, only that it is
		// too long; capping it keeps the Duration from overflowing.
		return time.Duration(min(n, 86400)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// retryAfterStatus reports whether a Retry-After on an answer with this
// status asks the client to wait: 429 Too Many Requests and
// 503 Service Unavailable.
func retryAfterStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// RetryAfterError is a retryable failure that was not retried because the
// server asked for a wait (Retry-After) longer than the call may take.
type RetryAfterError struct {
	Wait time.Duration // what the server asked for
	// Left is what remained of the caller's deadline; unset when the wait
	// was refused for exceeding MaxRetryAfter.
	Left time.Duration
	err  error
}

func (e *RetryAfterError) Error() string {
	why := fmt.Sprintf("more than the %s left for this read", e.Left.Round(100*time.Millisecond))
	if e.Wait > MaxRetryAfter {
		why = fmt.Sprintf("more than the %s the provider waits for a Retry-After", MaxRetryAfter)
	}
	return fmt.Sprintf("%s; the server asked to wait %s before a retry (Retry-After), %s, so the call was not repeated",
		e.err, e.Wait, why)
}

func (e *RetryAfterError) Unwrap() error { return e.err }

// serverRetryAfter returns the wait a failed call's answer asked for.
func serverRetryAfter(err error) (time.Duration, bool) {
	var te *TencentError
	if errors.As(err, &te) && te.retryAfterSet {
		return te.RetryAfter, true
	}
	var ue *UCloudError
	if errors.As(err, &ue) && ue.retryAfterSet {
		return ue.RetryAfter, true
	}
	return 0, false
}

// bodyQuote returns the start of a body for an error message, escaped and
// quoted, so that binary or control bytes never reach a terminal; whole
// bodies never go into errors or logs.
func bodyQuote(body []byte) string {
	s := bodySnippet(body)
	if s == "" {
		return "(empty body)"
	}
	return strconv.Quote(s)
}
