package cloudsim

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"io"
	"net/http"
	"strconv"
)

// Faults that send the real answer compressed. Neither cloud documents a
// Content-Encoding; gateways and proxies in front of them compress.
const (
	// FaultDeflateZlib sends the real answer with Content-Encoding: deflate
	// in the zlib format (RFC 1950), as RFC 9110 (section 8.4.1.2) defines
	// deflate.
	FaultDeflateZlib FaultKind = "deflate"
	// FaultDeflateRaw sends the real answer with Content-Encoding: deflate
	// as raw DEFLATE data (RFC 1951) without the zlib wrapper, as some
	// servers do; browsers read both.
	FaultDeflateRaw FaultKind = "deflate-raw"
)

// serveDeflated answers the request normally, then sends the answer
// compressed in the form kind names.
func (s *Server) serveDeflated(kind FaultKind, tencent bool, w http.ResponseWriter, r *http.Request) {
	rec := &recorder{header: http.Header{}}
	s.dispatch(tencent, rec, r)
	body := DeflateBody(rec.body.Bytes(), kind == FaultDeflateZlib)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Encoding", "deflate")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.statusOr200())
	_, _ = w.Write(body)
}

// DeflateBody compresses b in the zlib format, or as raw DEFLATE data: the
// two forms servers send under Content-Encoding: deflate. Clients' tests use
// it to build such bodies.
func DeflateBody(b []byte, zlibFormat bool) []byte {
	var buf bytes.Buffer
	var zw io.WriteCloser
	if zlibFormat {
		zw = zlib.NewWriter(&buf)
	} else {
		// Only an invalid level fails.
		zw, _ = flate.NewWriter(&buf, flate.DefaultCompression)
	}
	// Writes to a bytes.Buffer do not fail.
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}
