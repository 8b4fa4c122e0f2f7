package cloudsim

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestParsePageCap(t *testing.T) {
	for spec, want := range map[string]int{"DescribeAuditTracks=4": 4, "DescribeUserCallRecord=50": 50, "GetUserOperationEvents=1": 1} {
		action, n, err := ParsePageCap(spec)
		if err != nil || n != want || action != strings.Split(spec, "=")[0] {
			t.Errorf("%s: %s %d %v", spec, action, n, err)
		}
	}
	for _, spec := range []string{"DescribeAuditTracks", "DescribeAuditTracks=0", "DescribeAuditTracks=x", "=4", "DescribeAuditTrack=4"} {
		if _, _, err := ParsePageCap(spec); err == nil {
			t.Errorf("%q accepted", spec)
		}
	}
	if f, err := ParseFault("empty-page,action=GetUserOperationEvents,after=1,times=1"); err != nil || f.Kind != FaultEmptyPage || f.After != 1 {
		t.Errorf("empty-page: %+v %v", f, err)
	}
	for _, kind := range []FaultKind{FaultIgnoreOffset, FaultShiftDown, FaultShiftUp, FaultNoList, FaultNoTotal, FaultErrorWithoutCode, FaultDuplicateKey, FaultUnderstateTotal} {
		if f, err := ParseFault(string(kind) + ",action=DescribeUserCallRecord,after=1"); err != nil || f.Kind != kind || f.After != 1 {
			t.Errorf("%s: %+v %v", kind, f, err)
		}
	}
}

// A capped CSIP page is short while Total counts every record; a capped
// tracks page still starts where a full page of the requested size would.
func TestPageCapsAreSilent(t *testing.T) {
	srv := New(Options{Tracks: 30})
	srv.CapPageSize("DescribeAuditTracks", 4)
	if got := srv.cappedPage("DescribeAuditTracks", 20); got != 4 {
		t.Errorf("capped page of 20: %d", got)
	}
	if got := srv.cappedPage("DescribeAuditTracks", 3); got != 3 {
		t.Errorf("page of 3 under a cap of 4: %d", got)
	}
	if got := srv.cappedPage("DescribeUserCallRecord", 100); got != 100 {
		t.Errorf("uncapped action: %d", got)
	}
	if srv.FaultCount() != 1 {
		t.Errorf("%d shortened pages counted, want 1", srv.FaultCount())
	}
	srv.CapPageSize("DescribeAuditTracks", 0)
	if got := srv.cappedPage("DescribeAuditTracks", 20); got != 20 {
		t.Errorf("cap removed: %d", got)
	}
}

// The deflate faults send the real answer with Content-Encoding: deflate,
// in the zlib format or as raw DEFLATE data, and only while they apply.
func TestDeflateFaults(t *testing.T) {
	for _, tc := range []struct {
		kind FaultKind
		zlib bool
	}{{FaultDeflateZlib, true}, {FaultDeflateRaw, false}} {
		t.Run(string(tc.kind), func(t *testing.T) {
			if f, err := ParseFault(string(tc.kind) + ",action=GetUserOperationEvents,times=1"); err != nil || f.Kind != tc.kind {
				t.Fatalf("ParseFault: %+v %v", f, err)
			}
			srv, base := ucloudTestServer(t, Options{})
			srv.InjectFault(Fault{Kind: tc.kind, Action: "GetUserOperationEvents", Times: 1})
			form := url.Values{}
			for k, v := range ucloudDefaultSigned(map[string]string{"Action": "GetUserOperationEvents", "MaxResults": "5"}) {
				form.Set(k, v)
			}
			var plain []byte
			for i := range 2 {
				resp, err := http.Post(base, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				enc := resp.Header.Get("Content-Encoding")
				if i == 1 {
					if enc != "" || !bytes.Equal(raw, plain) {
						t.Errorf("after the fault: Content-Encoding %q, body %q, want the same answer plain", enc, raw)
					}
					break
				}
				if enc != "deflate" || resp.Header.Get("Content-Length") != strconv.Itoa(len(raw)) {
					t.Fatalf("Content-Encoding %q, Content-Length %q for %d bytes", enc, resp.Header.Get("Content-Length"), len(raw))
				}
				if isZlib := len(raw) > 1 && raw[0] == 0x78 && (int(raw[0])<<8|int(raw[1]))%31 == 0; isZlib != tc.zlib {
					t.Errorf("starts % x: zlib header %v, want %v", raw[:2], isZlib, tc.zlib)
				}
				var zr io.ReadCloser
				if tc.zlib {
					if zr, err = zlib.NewReader(bytes.NewReader(raw)); err != nil {
						t.Fatal(err)
					}
				} else {
					zr = flate.NewReader(bytes.NewReader(raw))
				}
				if plain, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
				var answer struct {
					RetCode *int
					Events  []json.RawMessage
				}
				if err := json.Unmarshal(plain, &answer); err != nil || answer.RetCode == nil || *answer.RetCode != 0 || len(answer.Events) != 5 {
					t.Errorf("decoded answer %q: %v", plain, err)
				}
			}
		})
	}
}
