package client

// Fuzz targets for the parts of the client that take bytes or values from
// outside: the Tencent Cloud and UCloud response decoders, the UCloud
// parameter flattener and the UCloud signer. Their seed corpora (f.Add and
// testdata/fuzz/<Name>/) run as ordinary tests; run one for longer with
//
//	go test -run '^$' -fuzz FuzzDecodeTencentEnvelope -fuzztime 20s ./internal/client/

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fzMaxErrorLen bounds every error text built from a response: errors quote
// at most a short snippet of a body, never the body.
const fzMaxErrorLen = 2000

// fzRoundTripper answers every request itself: no network, no server.
type fzRoundTripper func(*http.Request) (*http.Response, error)

func (f fzRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fzAnswer is a transport that answers HTTP 200 with body (and a request id
// header, which only UCloud reads).
func fzAnswer(body []byte) fzRoundTripper {
	return func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-UCLOUD-REQUEST-UUID", "fuzz-request-id")
		return &http.Response{
			Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
		}, nil
	}
}

// --- Tencent Cloud -----------------------------------------------------------

// fzTencentClient is a client whose every call is answered with body, without
// retries or pacing (the default 20 calls per second would throttle the
// fuzzer, not the code under test).
func fzTencentClient(t *testing.T, body []byte) *TencentClient {
	t.Helper()
	c, err := NewTencentClient(TencentConfig{
		SecretID: "AKIDfuzz", SecretKey: "fuzz-secret-key", Endpoint: "http://tencent.fuzz.invalid",
		MaxRetries: 0, RequestTimeout: 10 * time.Second, Transport: fzAnswer(body),
	})
	if err != nil {
		t.Fatal(err)
	}
	c.pace = newPacer(0, 0, nil)
	return c
}

// fzHasResponseObject reports whether body is a JSON object with a
// "Response" member (matched as encoding/json matches field names) whose
// value is an object: the shape of every API 3.0 answer.
func fzHasResponseObject(body []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	for k, v := range top {
		v = bytes.TrimSpace(v)
		if strings.EqualFold(k, "Response") && len(v) > 0 && v[0] == '{' {
			return true
		}
	}
	return false
}

// fzCheckTencent decodes body into a new T directly and through a whole
// client call (observingTransport, the SDK, exchange.result), and checks
// that both agree.
func fzCheckTencent[T any, P typedResponse[T]](t *testing.T, body []byte, call func(*TencentClient) (*T, error)) {
	direct := new(T)
	// The transport drops a leading byte order mark before decoding
	// (readResponseBody), and refuses gzip data for what it is.
	sent := body
	body = bytes.TrimPrefix(body, utf8BOM)
	derr := decodeTencentEnvelope(body, P(direct))
	gzipped := bytes.HasPrefix(body, []byte{0x1f, 0x8b})
	typeName := reflect.TypeFor[T]().Name()

	if derr == nil {
		meta := *P(direct).responseMeta()
		// The action's own fields never shadow or steal the envelope's:
		// decoding only the envelope gives the same ResponseMeta.
		var only struct{ Response ResponseMeta }
		if err := json.Unmarshal(body, &only); err != nil {
			t.Fatalf("%s decodes, but its envelope alone does not: %v", typeName, err)
		}
		if !reflect.DeepEqual(only.Response, meta) {
			t.Fatalf("%s: ResponseMeta %+v, but the envelope alone decodes to %+v", typeName, meta, only.Response)
		}
		// The meta survives a JSON round trip: what was decoded is what any
		// re-encoding of it (such as an envelope for the SDK) carries.
		standIn, err := json.Marshal(struct{ Response ResponseMeta }{Response: meta})
		if err != nil {
			t.Fatalf("%s: encoding the stand-in envelope: %v", typeName, err)
		}
		var back struct{ Response ResponseMeta }
		if err := json.Unmarshal(standIn, &back); err != nil || !reflect.DeepEqual(back.Response, meta) {
			t.Fatalf("%s: the stand-in envelope %s does not round-trip: %+v, %v", typeName, standIn, back.Response, err)
		}
	}

	got, err := call(fzTencentClient(t, sent))
	if err != nil {
		// The API's own code, message and RequestId are quoted whole; of
		// the rest of the body, only a snippet.
		limit := fzMaxErrorLen
		if derr == nil {
			meta := P(direct).responseMeta()
			limit += len(meta.RequestId)
			if meta.Error != nil {
				limit += len(meta.Error.Code) + len(meta.Error.Message)
			}
		}
		if len(err.Error()) > limit {
			t.Errorf("%s: error of %d bytes quotes far more than a snippet of the body: %.300s…", typeName, len(err.Error()), err)
		}
	}
	var te *TencentError
	envelope := fzHasResponseObject(body)
	switch {
	case derr != nil:
		if !errors.As(err, &te) || te.Code != "ClientError.ParseJsonError" {
			t.Fatalf("%s: body does not decode (%v), yet the call returned %v (%T), want ClientError.ParseJsonError", typeName, derr, err, err)
		}
		if te.Retryable() != (garbled(derr) && !gzipped) {
			t.Errorf("%s: Retryable() = %v for decoding error %v; want it only for damaged bytes", typeName, te.Retryable(), derr)
		}
	case !envelope:
		// A success is an API 3.0 envelope. Anything else (null, {}, a
		// 2.0-style {"code": 4100, "codeDesc": ...} error) is not an
		// answer, and must never read as an empty page.
		if err == nil {
			t.Fatalf("%s: a body without a Response object was accepted as a successful answer: %q", typeName, fzShort(body))
		}
		if !errors.As(err, &te) {
			t.Fatalf("%s: error %v (%T), want a *TencentError", typeName, err, err)
		}
	case P(direct).responseMeta().Error != nil:
		// Any Error object is an error; one without a Code still quotes
		// its Message.
		meta := P(direct).responseMeta()
		if meta.Error.Code == "" {
			if !errors.As(err, &te) || te.Code != codeErrorWithoutCode || !strings.Contains(te.Message, meta.Error.Message) || te.RequestID != meta.RequestId {
				t.Fatalf("%s: Error without a Code %+v (RequestId %q), yet the call returned %v", typeName, *meta.Error, meta.RequestId, err)
			}
			break
		}
		if !errors.As(err, &te) || te.Code != meta.Error.Code || te.Message != meta.Error.Message || te.RequestID != meta.RequestId {
			t.Fatalf("%s: API error %+v (RequestId %q), yet the call returned %v", typeName, *meta.Error, meta.RequestId, err)
		}
	default:
		if err != nil {
			t.Fatalf("%s: body decodes without an API error, yet the call failed: %v", typeName, err)
		}
		if !reflect.DeepEqual(got, direct) {
			t.Fatalf("%s: the call returned %+v, the body decodes to %+v", typeName, got, direct)
		}
	}
}

func fzShort(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

func FuzzDecodeTencentEnvelope(f *testing.F) {
	for _, s := range []string{
		// The documentation's examples (CloudAudit, CSIP with its missing
		// comma fixed, then as published).
		`{"Response":{"Tracks":[{"TrackId":1,"Name":"audit","ActionType":"Read","ResourceType":"audit","EventNames":["LookUpEvents"],"Storage":{"StorageName":"audit-cos","StoragePrefix":"test","StorageRegion":"ap-guangzhou","StorageType":"cos"},"Status":1,"CreateTime":"2021-01-14 14:43:38"}],"TotalCount":1,"RequestId":"2d4a7fba-bba8-452e-a99e-ccf11fdaa583"}}`,
		`{"Response":{"Data":[{"AppID":10001,"CallCount":5941,"Code":0,"Date":"","EventType":1,"FirstCallTime":"2025-05-16 00:01:44","ISP":"Tencent Cloud","LastCallTime":"2025-05-22 11:09:39","Region":"China-Guangdong Province-Guangzhou","SourceIP":"106.55.***.47","SourceIPRemark":"","UserName":"name"}],"RequestId":"502c625d-756e-4bdb-bd5f-784d008150b5","Total":1}}`,
		"{\n    \"Response\": {\n        \"Data\": [\n            {\n                \"AppID\": 10001,\n\"Region\": \"China-Guangdong Province-Guangzhou\"\n                \"SourceIP\": \"106.55.***.47\"\n            }\n        ],\n        \"RequestId\": \"502c625d-756e-4bdb-bd5f-784d008150b5\",\n        \"Total\": 1\n    }\n}",
		// Errors.
		`{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"ab7c2fd8-0000-4000-8000-000000000001"}}`,
		`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"Your current request times exceeds the frequency limit."},"RequestId":"r-2"}}`,
		`{"Response":{"Error":{"Code":"","Message":"no code"},"RequestId":"r-3","Tracks":[],"TotalCount":0}}`,
		`{"Response":{"Error":"InternalError","RequestId":"r-4"}}`,
		// Empty, partial and foreign bodies.
		``, ` `, `{`, `{"Response":`, `{"Response":{"Tracks":[{"TrackId":1`, `[]`, `"Response"`, `0`,
		`{"Response":{}}`, `{"Response":[]}`,
		`<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`,
		"\xef\xbb\xbf{\"Response\":{\"RequestId\":\"bom\"}}",
		// Shapes that do not fit the schema, and numbers at the edges.
		`{"Response":{"Tracks":{"TrackId":1},"RequestId":"r-5"}}`,
		`{"Response":{"TotalCount":-1,"RequestId":"r-6"}}`,
		`{"Response":{"TotalCount":18446744073709551615,"Total":9223372036854775807,"RequestId":"r-7"}}`,
		`{"Response":{"TotalCount":18446744073709551616,"Total":-9223372036854775809,"RequestId":"r-8"}}`,
		`{"Response":{"TotalCount":1e3,"RequestId":"r-9"}}`,
		`{"Response":{"Data":[{"SourceIP":null,"EventType":"1"}],"Total":1,"RequestId":"r-10"}}`,
		`{"response":{"requestid":"lower-case keys","tracks":[{"trackid":2}]}}`,
		`{"Response":{"RequestId":"dup-1","RequestId":"dup-2","Tracks":null}}`,
		"{\"Response\":{\"RequestId\":\"\xff\xfe invalid utf-8\",\"Tracks\":[]}}",
		`{"Response":{"Tracks":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"RequestId":"deep"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.Background()
		fzCheckTencent[DescribeAuditTracksResponse](t, body, func(c *TencentClient) (*DescribeAuditTracksResponse, error) {
			return c.DescribeAuditTracks(ctx, "ap-guangzhou", DescribeAuditTracksRequest{PageNumber: 1, PageSize: 20})
		})
		fzCheckTencent[DescribeUserCallRecordResponse](t, body, func(c *TencentClient) (*DescribeUserCallRecordResponse, error) {
			return c.DescribeUserCallRecord(ctx, "", DescribeUserCallRecordRequest{SubUin: "100021372635"})
		})
	})
}

// --- UCloud envelope ---------------------------------------------------------

func fzUCloudClient(t *testing.T, body []byte) *UCloudClient {
	t.Helper()
	c, err := NewUCloudClient(UCloudConfig{
		PublicKey: testPublicKey, PrivateKey: testPrivateKey, BaseURL: "http://ucloud.fuzz.invalid",
		MaxRetries: 0, RequestTimeout: 10 * time.Second, HTTPClient: &http.Client{Transport: fzAnswer(body)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fzRetCode decodes a body's RetCode as GetUserOperationEvents does.
func fzRetCode(body string) (ucloudRetCode, error) {
	var b getUserOperationEventsBody
	err := json.Unmarshal([]byte(body), &b)
	return b.RetCode, err
}

// fzIsJSONNumber reports whether s is one JSON number.
func fzIsJSONNumber(s string) bool {
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) && json.Valid([]byte(s))
}

func FuzzUCloudEnvelope(f *testing.F) {
	for _, s := range []struct{ body, retCode string }{
		// Success pages, after the documentation and the simulator.
		{`{"RetCode":0,"Action":"GetUserOperationEventsResponse","NextToken":"eyJwIjoyfQ==","Events":[{"Region":"cn-bj2","Api":"DeleteUHostInstance","IsSuccess":true,"OperateTime":1700000000,"UserName":"alice","UserEmail":"alice@example.com","RelatedResource":[{"ResourceId":"uhost-1a2b3c4d","ResourceName":"web-1"}],"RemoteIP":"2001:db8::1","AccessKeyID":"4R8pQm2ZkX7bN1cV5yT9wL3sD6fG0hJ"}]}`, `0`},
		{`{"RetCode":0,"Action":"GetUserOperationEventsResponse","Events":[]}`, `"0"`},
		{`{"RetCode":"0","Action":"GetUserOperationEventsResponse","Events":[{"Api":"CreateULB","RelatedResource":[]}],"NextToken":"n1"}`, `153`},
		{`{"RetCode":0}`, `0.0`},
		// Gateway and API errors, RetCode as a number and as a string.
		{`{"RetCode":171,"Message":"Signature VerifyAC Error"}`, `171`},
		{`{"RetCode":"171","Message":"Signature VerifyAC Error"}`, `"171"`},
		{`{"RetCode":" 153 ","Action":"GetUserOperationEventsResponse","Message":"Request throttled"}`, `" 153 "`},
		{`{"RetCode":230,"Action":"GetUserOperationEventsResponse","Message":"Params [MaxResults] not available","Events":"oops"}`, `230.0`},
		{`{"RetCode":299.0,"Message":"permission denied"}`, `2.99e2`},
		{`{"RetCode":-1,"Message":"negative"}`, `-1`},
		{`{"RetCode":"\u0031\u0037\u0032","Message":"User Not Exists"}`, `"\u0031\u0037\u0032"`},
		// RetCode absent, null, or not an integer.
		{`{"Action":"GetUserOperationEventsResponse"}`, `1.5`},
		{`{"RetCode":null,"Events":[]}`, `null`},
		{`{"RetCode":"abc"}`, `"abc"`},
		{`{"RetCode":true}`, `true`},
		{`{"RetCode":9223372036854775808}`, `9223372036854775807`},
		{`{"RetCode":1e400}`, `-9223372036854775808`},
		// Empty, partial and foreign bodies.
		{``, ``}, {`   `, `-0`}, {`null`, `1E2`}, {`{"RetCode":0,"Events":[{"Api":"Cre`, `"1e2"`},
		{`<html><body><h1>502 Bad Gateway</h1></body></html>`, `502`},
		{`{"RetCode":0,"Events":[{"OperateTime":"1700000000"}]}`, `"-0"`},
		{`{"RetCode":0,"Events":[{"IsSuccess":"true","RelatedResource":{}}]}`, `"\t7"`},
		{`[{"RetCode":0}]`, `0`},
	} {
		f.Add([]byte(s.body), s.retCode)
	}
	f.Fuzz(func(t *testing.T, body []byte, retCode string) {
		// 1. The whole body through GetUserOperationEvents, against the
		// same decoding done directly.
		var direct getUserOperationEventsBody
		// The transport drops a leading byte order mark before decoding
		// (readResponseBody), and refuses gzip data for what it is.
		trimmed := bytes.TrimPrefix(body, utf8BOM)
		gzipped := bytes.HasPrefix(trimmed, []byte{0x1f, 0x8b})
		derr := decodeUserOperationEventsBody(trimmed, &direct)
		resp, err := fzUCloudClient(t, body).GetUserOperationEvents(context.Background(), GetUserOperationEventsRequest{})
		if err == nil {
			if derr != nil || !direct.RetCode.Set || direct.RetCode.Code != 0 {
				t.Fatalf("accepted a body that does not decode to RetCode 0 (RetCode %+v, %v): %q", direct.RetCode, derr, fzShort(body))
			}
			if !reflect.DeepEqual(resp.Events, direct.Events) || resp.NextToken != direct.NextToken || resp.RequestID != "fuzz-request-id" {
				t.Fatalf("response %+v differs from the body's decoding %+v", resp, direct)
			}
		} else {
			var uerr *UCloudError
			if !errors.As(err, &uerr) {
				t.Fatalf("error %v (%T), want a *UCloudError", err, err)
			}
			if uerr.Action != ucloudActionGetUserOperationEvents || uerr.HTTPStatus != http.StatusOK || uerr.RequestID != "fuzz-request-id" {
				t.Errorf("error %+v lacks the action, HTTP status or RequestId", uerr)
			}
			switch {
			case gzipped:
				if uerr.Retryable() || !strings.Contains(uerr.Message, "gzip") {
					t.Errorf("gzip data: %v (retryable %v), want a final error saying it is gzip", err, uerr.Retryable())
				}
			case direct.RetCode.Set && direct.RetCode.Code != 0:
				// A non-zero RetCode wins over trouble in the payload.
				if uerr.RetCode != direct.RetCode.Code || uerr.Message != direct.Message {
					t.Fatalf("RetCode %d %q in the body, error says %d %q", direct.RetCode.Code, direct.Message, uerr.RetCode, uerr.Message)
				}
			default:
				if uerr.RetCode != 0 {
					t.Fatalf("error RetCode %d, but the body has none", uerr.RetCode)
				}
				if derr == nil && direct.RetCode.Set {
					t.Fatalf("RetCode 0 and a clean decoding, yet the call failed: %v", err)
				}
				empty := len(bytes.TrimSpace(trimmed)) == 0
				if want := empty || (derr != nil && garbled(derr)); uerr.Malformed != want {
					t.Errorf("Malformed = %v for decoding error %v (empty body: %v)", uerr.Malformed, derr, empty)
				}
			}
			// The API's own message is quoted whole; of the rest of the
			// body, only a snippet.
			if n := len(err.Error()); n > fzMaxErrorLen+len(direct.Message) {
				t.Errorf("error of %d bytes quotes far more than a snippet of the body: %.300s…", n, err)
			}
		}

		// 2. RetCode: a JSON number and the same text as a JSON string decode
		// to the same code, and a string holding an integer decodes to it.
		tok := strings.TrimSpace(retCode)
		if fzIsJSONNumber(tok) {
			num, nerr := fzRetCode(`{"RetCode":` + tok + `}`)
			str, serr := fzRetCode(`{"RetCode":"` + tok + `"}`)
			if (nerr == nil) != (serr == nil) || num != str {
				t.Fatalf("RetCode %s decodes to %+v (%v), as a string to %+v (%v)", tok, num, nerr, str, serr)
			}
			if n, err := strconv.ParseInt(tok, 10, strconv.IntSize); err == nil && (nerr != nil || num != (ucloudRetCode{Code: int(n), Set: true})) {
				t.Fatalf("RetCode %s decodes to %+v (%v), want %d", tok, num, nerr, n)
			}
		}
		if strings.HasPrefix(tok, `"`) && json.Valid([]byte(tok)) {
			var s string
			_ = json.Unmarshal([]byte(tok), &s)
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
				got, gerr := fzRetCode(`{"RetCode":` + tok + `}`)
				if gerr != nil || got != (ucloudRetCode{Code: n, Set: true}) {
					t.Fatalf("RetCode %s (the string %q) decodes to %+v (%v), want %d", tok, s, got, gerr, n)
				}
			}
		}
		// The decoder alone never panics on any token.
		var rc ucloudRetCode
		_ = rc.UnmarshalJSON([]byte(retCode))
	})
}

// --- UCloud parameter flattening ----------------------------------------------

// fzNested is a struct parameter: Go names, a renamed field, a skipped one
// and an unexported one.
type fzNested struct {
	Zone   string
	Count  *int64 `ucloud:"Cnt"`
	Skip   string `ucloud:"-"`
	Flags  []bool
	hidden string
}

func fzFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func FuzzFlattenUCloudParams(f *testing.F) {
	type seed struct {
		name1, s1, name2, s2, sub string
		n                         int64
		u                         uint16
		b                         bool
		fl                        float64
	}
	for _, s := range []seed{
		{"ProjectId", "org-abc123", "AccessKeyIDs", "key-a", "Sub", 50, 1, true, 42},
		{"Action", "AllocateBackendBatch", "Backends", "foo", "Port", 42, 80, false, 0.5},
		{"NextToken", "tok+/==", "Disks", "", "IsBoot", -1, 0, true, math.Copysign(0, -1)}, // negative zero
		{"Name", "Host01", "Tags", "环境", "键", math.MaxInt64, math.MaxUint16, false, 1e21},
		{"Password", "VUNsb3VkLmNu", "List", "\x00\xff", "", math.MinInt64, 7, true, 5e-324},
		{"A", "", "B", "", ".", 0, 0, false, 1e39},              // float32 overflow: an error
		{"", "no name", "B", "x", "k", 1, 1, true, 1},           // empty name: an error
		{"F", "x", "G", "y", "k", 1, 1, true, math.NaN()},       // NaN: an error
		{"F", "x", "G", "y", "k", 1, 1, true, math.Inf(-1)},     // -Inf: an error
		{"Same", "first", "Same", "second", "k", 3, 3, true, 3}, // one name, the later value
	} {
		f.Add(s.name1, s.s1, s.name2, s.s2, s.sub, s.n, s.u, s.b, s.fl)
	}
	f.Fuzz(func(t *testing.T, name1, s1, name2, s2, sub string, n int64, u uint16, b bool, fl float64) {
		// A map whose keys are both fuzzed: sub, and s1 when it differs.
		m := map[string]any{sub: []string{s1, s2}}
		if s1 != sub {
			m[s1] = n
		}
		list := []any{
			s2,  // 0
			n,   // 1
			b,   // 2
			fl,  // 3
			m,   // 4
			nil, // 5
			&n,  // 6
			fzNested{Zone: s1, Count: &n, Skip: s2, Flags: []bool{b, !b}, hidden: s2}, // 7
			u,                 // 8
			float32(fl),       // 9
			[2]string{s1, s2}, // 10
			(*string)(nil),    // 11
			[]string{},        // 12
			json.Number(s1),   // 13
			map[string]int{},  // 14
			[]any{[]any{s2}},  // 15
			any(nil),          // 16
			[]*int64{nil, &n}, // 17
		}
		params := map[string]any{}
		params[name1] = s1
		params[name2] = list // replaces s1 when the names are the same

		// What the documented rules give, computed independently. A name
		// produced twice (by different parameters or map keys) is a
		// collision: the result is then either an error or one of the
		// values, but the same every time.
		want := map[string]string{}
		floats := map[string]int{} // name -> bits, checked by round trip
		collision := false
		set := func(k, v string) {
			if v == "" {
				return
			}
			if _, dup := want[k]; dup {
				collision = true
			}
			want[k] = v
		}
		at := func(i int) string { return name2 + "." + strconv.Itoa(i) }
		if name1 != name2 {
			set(name1, s1)
		}
		set(at(0), s2)
		set(at(1), strconv.FormatInt(n, 10))
		set(at(2), strconv.FormatBool(b))
		set(at(3), "float")
		floats[at(3)] = 64
		set(at(4)+"."+sub+".0", s1)
		set(at(4)+"."+sub+".1", s2)
		if s1 != sub {
			set(at(4)+"."+s1, strconv.FormatInt(n, 10))
		}
		set(at(6), strconv.FormatInt(n, 10))
		set(at(7)+".Zone", s1)
		set(at(7)+".Cnt", strconv.FormatInt(n, 10))
		set(at(7)+".Flags.0", strconv.FormatBool(b))
		set(at(7)+".Flags.1", strconv.FormatBool(!b))
		set(at(8), strconv.FormatUint(uint64(u), 10))
		set(at(9), "float")
		floats[at(9)] = 32
		set(at(10)+".0", s1)
		set(at(10)+".1", s2)
		set(at(13), s1)
		set(at(15)+".0.0", s2)
		set(at(17)+".1", strconv.FormatInt(n, 10))

		out, err := FlattenUCloudParams(params)
		wantErr := name1 == "" || name2 == "" || !fzFinite(fl) || !fzFinite(float64(float32(fl)))
		if wantErr && err == nil {
			t.Fatalf("FlattenUCloudParams(%q, %q) with float %v: no error", name1, name2, fl)
		}
		if !wantErr && err != nil && !collision {
			t.Fatalf("FlattenUCloudParams(%q, %q): %v", name1, name2, err)
		}

		// Deterministic: the same input always flattens the same way,
		// error or not (repeated, so that map order gets its chances).
		for i := 0; i < 32; i++ {
			again, aerr := FlattenUCloudParams(params)
			if (aerr == nil) != (err == nil) {
				t.Fatalf("flattening is not deterministic: error %v, then %v (parameters %q and %q)", err, aerr, name1, name2)
			}
			for k, v := range out {
				if again[k] != v {
					t.Fatalf("flattening is not deterministic: parameter %q is %q, then %q (parameters %q and %q)", k, v, again[k], name1, name2)
				}
			}
			if len(again) != len(out) {
				t.Fatalf("flattening is not deterministic: %d parameters, then %d", len(out), len(again))
			}
		}
		if err != nil {
			return
		}

		for k, v := range out {
			if k == "" {
				t.Fatalf("empty parameter name in %q", out)
			}
			if v == "" {
				t.Fatalf("parameter %q is empty: empty values are never sent", k)
			}
			if k != name1 && !strings.HasPrefix(k, name2+".") {
				t.Fatalf("parameter %q comes from neither %q nor %q", k, name1, name2)
			}
		}
		if collision {
			return // which value wins is not defined; determinism is checked above
		}
		if len(out) != len(want) {
			t.Fatalf("flattened to %d parameters %q, want %d %q", len(out), out, len(want), want)
		}
		for k, v := range want {
			got, ok := out[k]
			if !ok {
				t.Fatalf("parameter %q missing from %q", k, out)
			}
			if bits, isFloat := floats[k]; isFloat {
				// Shortest decimal, no exponent, exact round trip.
				p, perr := strconv.ParseFloat(got, bits)
				wantF := fl
				if bits == 32 {
					wantF = float64(float32(fl))
				}
				if perr != nil || p != wantF || strings.ContainsAny(got, "eE") {
					t.Fatalf("float %v (%d bits) flattened to %q", wantF, bits, got)
				}
				continue
			}
			if got != v {
				t.Fatalf("parameter %q = %q, want %q", k, got, v)
			}
		}
	})
}

// --- UCloud signature -------------------------------------------------------

// The published test vectors (ucloud.md 2.5), as fuzz inputs: parameters one
// per line, name=value (split at the first '='), and the private key.
const (
	fzVectorPublicKey  = "ucloudsomeone@example.com1296235120854146120"
	fzVectorPrivateKey = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
)

var fzV2 = "Action=CreateUHostInstance\nCPU=2\nChargeType=Month\nDiskSpace=10\nImageId=f43736e1-65a5-4bea-ad2e-8a46e18883c2\n" +
	"LoginMode=Password\nMemory=2048\nName=Host01\nPassword=VUNsb3VkLmNu\nQuantity=1\nRegion=cn-bj2\nZone=cn-bj2-04\nPublicKey=" + fzVectorPublicKey

var fzV5 = "Action=GetUserOperationEvents\nBeginTime=1700000000\nEndTime=1700086400\nMaxResults=50\nProjectId=org-abc123\nPublicKey=" + fzVectorPublicKey

func fzV4() string {
	vals := []string{"foo", "bar", "42"}
	lines := []string{"Action=AllocateBackendBatch", "PublicKey=" + fzVectorPublicKey}
	for i := 0; i < 12; i++ {
		lines = append(lines, "Backends."+strconv.Itoa(i)+"="+vals[i%3])
	}
	return strings.Join(lines, "\n")
}

// fzVectors maps params+"\x00"+privateKey to the published signature.
var fzVectors = map[string]string{
	"Action=DescribeUHostInstance\nRegion=cn-bj2\nLimit=10\nPublicKey=" + fzVectorPublicKey + "\x00" + fzVectorPrivateKey: "cba5cf5ec4d4233d206b1b54951e3787350a642f",
	fzV2 + "\x00" + fzVectorPrivateKey:                                                                "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65",
	fzV2 + "\nSecurityToken=some_stoken\x00" + fzVectorPrivateKey:                                     "170c480ad176a247b324eb92a2cfe536aacfbd04",
	fzV4() + "\x00" + fzVectorPrivateKey:                                                              "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3",
	fzV5 + "\x00" + fzVectorPrivateKey:                                                                "36138b94c513c2daa2361aba44033628875e8548",
	"PublicKey=my_public_key\nfoo=bar\x00my_private_key":                                              "d4411ab30953fb0bbcb1e7313081f05e4e91a394",
	"foo=bar\x00my_private_key":                                                                       "634edc1bb957c0d65e5ab5494cf3b7784fbc87af",
	fzV5 + "\nNextToken=tok+/==\nAccessKeyIDs.0=key-a\nAccessKeyIDs.1=key-b\x00" + fzVectorPrivateKey: "41db1107c7419fe8e73f8e1ef818566a33889a94",
}

// fzParseParams reads "name=value" lines; the last of a repeated name wins.
func fzParseParams(encoded string) map[string]string {
	params := map[string]string{}
	if encoded == "" {
		return params
	}
	for _, line := range strings.Split(encoded, "\n") {
		k, v, _ := strings.Cut(line, "=")
		params[k] = v
	}
	return params
}

var fzLowerHex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

// fzSign is the signature computed from the published algorithm alone:
// names (but Signature) in raw byte order, name and raw value concatenated,
// the private key appended, SHA-1, lower-case hex.
func fzSign(params map[string]string, privateKey string) (toSign, sig string) {
	names := make([][]byte, 0, len(params))
	for k := range params {
		if k != "Signature" {
			names = append(names, []byte(k))
		}
	}
	sort.Slice(names, func(i, j int) bool { return bytes.Compare(names[i], names[j]) < 0 })
	var buf bytes.Buffer
	for _, k := range names {
		buf.Write(k)
		buf.WriteString(params[string(k)])
	}
	toSign = buf.String()
	sum := sha1.Sum(append(buf.Bytes(), privateKey...))
	return toSign, hex.EncodeToString(sum[:])
}

func FuzzSignUCloud(f *testing.F) {
	keys := make([]string, 0, len(fzVectors))
	for k := range fzVectors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		params, key, _ := strings.Cut(k, "\x00")
		f.Add(params, key)
	}
	f.Add("", "")
	f.Add("Signature=ignored\nAction=X", "k")
	f.Add("CPU=1\nChargeType=Month\nBackends.10=a\nBackends.2=b\nfoo=\nPublicKey=p", "k")
	f.Add("名前=値\n\xff=\x00\nA=B=C", "私")
	f.Add("=empty name\nAction=Describe", "key")

	f.Fuzz(func(t *testing.T, encoded, privateKey string) {
		params := fzParseParams(encoded)
		sig := SignUCloud(params, privateKey)
		if !fzLowerHex40.MatchString(sig) {
			t.Fatalf("signature %q is not 40 lower-case hex characters", sig)
		}
		if want, known := fzVectors[encoded+"\x00"+privateKey]; known && sig != want {
			t.Fatalf("published vector: signature %s, want %s", sig, want)
		}

		// The byte-order property: the same as the algorithm computed here.
		toSign, want := fzSign(params, privateKey)
		if got := ucloudStringToSign(params); got != toSign {
			t.Fatalf("string to sign %q, want %q", got, toSign)
		}
		if sig != want {
			t.Fatalf("signature %s, want %s (string to sign %q)", sig, want, toSign)
		}

		// Deterministic, whatever order the map was filled in.
		names := make([]string, 0, len(params))
		for k := range params {
			names = append(names, k)
		}
		sort.Sort(sort.Reverse(sort.StringSlice(names)))
		clone := make(map[string]string, len(params))
		for _, k := range names {
			clone[k] = params[k]
		}
		if again := SignUCloud(clone, privateKey); again != sig {
			t.Fatalf("signature changed from %s to %s on the same input", sig, again)
		}

		// Changing any one signed value, or the key, changes the signature;
		// Signature itself is never signed.
		checked := 0
		for _, k := range names {
			if k == "Signature" || checked >= 16 {
				continue
			}
			checked++
			v := params[k]
			variants := []string{v + "x"}
			if v != "" {
				last := v[len(v)-1]
				variants = append(variants, v[:len(v)-1]+string([]byte{last ^ 1}), v[:len(v)-1])
			}
			for _, nv := range variants {
				clone[k] = nv
				if SignUCloud(clone, privateKey) == sig {
					t.Fatalf("changing %q from %q to %q leaves the signature %s unchanged", k, v, nv, sig)
				}
			}
			clone[k] = v
		}
		if SignUCloud(params, privateKey+"x") == sig {
			t.Fatalf("changing the private key leaves the signature unchanged")
		}
		clone["Signature"] = "0123456789abcdef0123456789abcdef01234567" + encoded
		if SignUCloud(clone, privateKey) != sig {
			t.Fatalf("the Signature parameter changed the signature")
		}
	})
}
