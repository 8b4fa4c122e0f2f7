package cloudsim_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	tcjson "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/json"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// These tests drive the Tencent half of the simulator with the OFFICIAL Go
// SDK (github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common): if the
// simulator accepts what the SDK signs and refuses what it should, the
// provider's tests against it mean something.

const (
	tcsimAuditService = "cloudaudit"
	tcsimAuditVersion = "2019-03-19"
	tcsimAuditAction  = "DescribeAuditTracks"
	tcsimRegion       = "ap-guangzhou"
	tcsimRoleArn      = "qcs::cam::uin/" + cloudsim.DefaultTencentOwnerUin + ":roleName/auditlog-reader"
)

var tcsimUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tcsimStart serves a simulator on loopback and returns it with its
// "127.0.0.1:PORT" address.
func tcsimStart(t *testing.T, opts cloudsim.Options) (*cloudsim.Server, string) {
	t.Helper()
	sim := cloudsim.New(opts)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim, strings.TrimPrefix(base, "http://")
}

// tcsimClock is a simulator clock the test moves.
type tcsimClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *tcsimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *tcsimClock) set(off time.Duration) {
	c.mu.Lock()
	c.off = off
	c.mu.Unlock()
}

// tcsimResult is what one SDK call produced, with the raw HTTP answer.
type tcsimResult struct {
	err    error
	status int
	header http.Header
	body   []byte
	sent   int // HTTP requests that reached the transport
}

// sdkErr returns the SDK's typed error, or nil.
func (r tcsimResult) sdkErr() *tcerr.TencentCloudSDKError {
	var e *tcerr.TencentCloudSDKError
	if errors.As(r.err, &e) {
		return e
	}
	return nil
}

// tcsimTransport sits under the SDK: it may tamper with the request after the
// SDK signed it, and records the raw answer.
type tcsimTransport struct {
	tamper func(t *testing.T, r *http.Request)
	t      *testing.T
	res    *tcsimResult
}

func (tr *tcsimTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = nil
	}
	if tr.tamper != nil {
		tr.tamper(tr.t, r)
	}
	tr.res.sent++
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	tr.res.status, tr.res.header, tr.res.body = resp.StatusCode, resp.Header.Clone(), body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// tcsimCaller sends actions to a simulator through the official SDK.
type tcsimCaller struct {
	t      *testing.T
	host   string
	cred   tccommon.CredentialIface
	region string
	tamper func(t *testing.T, r *http.Request)
}

func tcsimDefaultCaller(t *testing.T, host string) tcsimCaller {
	return tcsimCaller{t: t, host: host, region: tcsimRegion,
		cred: tccommon.NewCredential(cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey)}
}

// call sends action with params: a JSON string, or a map whose numbers may be
// tcjson.Number to reach the wire exactly (the SDK re-encodes a JSON string
// through float64, which rounds integers of more than 16 digits).
func (c tcsimCaller) call(service, version, action string, params any) tcsimResult {
	c.t.Helper()
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = c.host
	prof.HttpProfile.Scheme = "HTTP"
	prof.HttpProfile.ReqTimeout = 10
	var res tcsimResult
	sdk := tccommon.NewCommonClient(c.cred, c.region, prof).
		WithHttpTransport(&tcsimTransport{tamper: c.tamper, t: c.t, res: &res})
	req := tchttp.NewCommonRequest(service, version, action)
	if err := req.SetActionParameters(params); err != nil {
		c.t.Fatalf("parameters %v: %v", params, err)
	}
	res.err = sdk.Send(req, tchttp.NewCommonResponse())
	return res
}

func (c tcsimCaller) tracks(params string) tcsimResult {
	c.t.Helper()
	return c.call(tcsimAuditService, tcsimAuditVersion, tcsimAuditAction, params)
}

func (c tcsimCaller) page(number, size int) tcsimResult {
	c.t.Helper()
	return c.tracks(fmt.Sprintf(`{"PageNumber":%d,"PageSize":%d}`, number, size))
}

// tcsimPage is a decoded DescribeAuditTracks answer; numbers stay exact.
type tcsimPage struct {
	Tracks     []json.RawMessage `json:"Tracks"`
	TotalCount json.Number       `json:"TotalCount"`
	RequestId  string            `json:"RequestId"`
	rawTracks  json.RawMessage
}

func tcsimDecodePage(t *testing.T, res tcsimResult) tcsimPage {
	t.Helper()
	if res.err != nil {
		t.Fatalf("DescribeAuditTracks failed: %v", res.err)
	}
	var env struct {
		Response map[string]json.RawMessage
	}
	if err := json.Unmarshal(res.body, &env); err != nil {
		t.Fatalf("answer %q is not JSON: %v", res.body, err)
	}
	for _, k := range []string{"Tracks", "TotalCount", "RequestId"} {
		if _, ok := env.Response[k]; !ok {
			t.Fatalf("answer %s lacks Response.%s", res.body, k)
		}
	}
	var p tcsimPage
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.UseNumber()
	var wrapped struct{ Response *tcsimPage }
	wrapped.Response = &p
	if err := dec.Decode(&wrapped); err != nil {
		t.Fatalf("decoding %s: %v", res.body, err)
	}
	p.rawTracks = env.Response["Tracks"]
	if !tcsimUUID.MatchString(p.RequestId) {
		t.Errorf("RequestId %q is not a UUID", p.RequestId)
	}
	return p
}

func (p tcsimPage) total(t *testing.T) int {
	t.Helper()
	n, err := strconv.Atoi(p.TotalCount.String())
	if err != nil {
		t.Fatalf("TotalCount %q is not an integer", p.TotalCount)
	}
	return n
}

// trackIDs returns the TrackId of each track on the page.
func (p tcsimPage) trackIDs(t *testing.T) []int {
	t.Helper()
	ids := make([]int, len(p.Tracks))
	for i, raw := range p.Tracks {
		var tr struct{ TrackId json.Number }
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&tr); err != nil {
			t.Fatalf("track %s: %v", raw, err)
		}
		id, err := strconv.Atoi(tr.TrackId.String())
		if err != nil {
			t.Fatalf("track %s: TrackId %q is not an integer", raw, tr.TrackId)
		}
		ids[i] = id
	}
	return ids
}

func tcsimSeq(from, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = from + i
	}
	return s
}

func tcsimEqualInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// tcsimExpectError checks that the call failed with code, that the SDK saw
// the same code and a UUID RequestId, and that the raw answer is the real
// API 3.0 error envelope with HTTP 200.
func tcsimExpectError(t *testing.T, res tcsimResult, code string) {
	t.Helper()
	e := res.sdkErr()
	if e == nil {
		t.Fatalf("want error %s, got success or untyped error %v (body %s)", code, res.err, res.body)
	}
	if e.GetCode() != code {
		t.Fatalf("want error %s, got %s: %s", code, e.GetCode(), e.GetMessage())
	}
	if !tcsimUUID.MatchString(e.GetRequestId()) {
		t.Errorf("%s: RequestId %q is not a UUID", code, e.GetRequestId())
	}
	tcsimCheckEnvelope(t, res.status, res.header, res.body, code)
}

func tcsimCheckEnvelope(t *testing.T, status int, header http.Header, body []byte, code string) {
	t.Helper()
	if status != http.StatusOK {
		t.Errorf("%s answered with HTTP %d, the API answers errors with 200", code, status)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", code, ct)
	}
	var env map[string]map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil || len(env) != 1 || env["Response"] == nil {
		t.Fatalf("%s: body %s is not {\"Response\":{…}} (%v)", code, body, err)
	}
	resp := env["Response"]
	if len(resp) != 2 || resp["Error"] == nil || resp["RequestId"] == nil {
		t.Fatalf("%s: Response %s must hold exactly Error and RequestId", code, body)
	}
	var errObj map[string]any
	if err := json.Unmarshal(resp["Error"], &errObj); err != nil || len(errObj) != 2 {
		t.Fatalf("%s: Error %s must hold exactly Code and Message", code, resp["Error"])
	}
	if errObj["Code"] != code {
		t.Errorf("Error.Code %v, want %s", errObj["Code"], code)
	}
	if msg, _ := errObj["Message"].(string); msg == "" {
		t.Errorf("%s: empty Error.Message", code)
	}
	var rid string
	if err := json.Unmarshal(resp["RequestId"], &rid); err != nil || !tcsimUUID.MatchString(rid) {
		t.Errorf("%s: RequestId %s is not a UUID string", code, resp["RequestId"])
	}
}

// tcsimAssume calls STS AssumeRole with the SDK and returns the temporary
// credentials.
func tcsimAssume(t *testing.T, host string, duration int) (id, key, token string, expired int64) {
	t.Helper()
	c := tcsimDefaultCaller(t, host)
	res := c.call("sts", "2018-08-13", "AssumeRole",
		fmt.Sprintf(`{"RoleArn":%q,"RoleSessionName":"tcsim-test","DurationSeconds":%d}`, tcsimRoleArn, duration))
	if res.err != nil {
		t.Fatalf("AssumeRole: %v", res.err)
	}
	var out struct {
		Response struct {
			Credentials struct{ Token, TmpSecretId, TmpSecretKey string }
			ExpiredTime int64
			Expiration  string
			RequestId   string
		}
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatalf("AssumeRole answer %s: %v", res.body, err)
	}
	cr := out.Response.Credentials
	if cr.TmpSecretId == "" || cr.TmpSecretKey == "" || cr.Token == "" {
		t.Fatalf("AssumeRole answered without credentials: %s", res.body)
	}
	if !tcsimUUID.MatchString(out.Response.RequestId) {
		t.Errorf("AssumeRole RequestId %q is not a UUID", out.Response.RequestId)
	}
	return cr.TmpSecretId, cr.TmpSecretKey, cr.Token, out.Response.ExpiredTime
}

// --- 1. The official SDK is accepted ---------------------------------------

func TestTencentSimAcceptsOfficialSDK(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	p := tcsimDecodePage(t, c.page(1, 10))
	if got := p.total(t); got != 7 {
		t.Errorf("TotalCount %d, want the default 7", got)
	}
	if got, want := p.trackIDs(t), tcsimSeq(1000, 7); !tcsimEqualInts(got, want) {
		t.Errorf("TrackIds %v, want %v", got, want)
	}
	// Every list item has exactly the 8 fields of the API's Tracks type.
	for _, raw := range p.Tracks {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"TrackId", "Name", "ActionType", "ResourceType", "Status", "EventNames", "Storage", "CreateTime"} {
			if _, ok := fields[f]; !ok {
				t.Errorf("track %s lacks %s", raw, f)
			}
		}
		if len(fields) != 8 {
			t.Errorf("track %s has %d fields, the API's Tracks type has 8", raw, len(fields))
		}
	}
	if n := sim.CallCount(tcsimAuditAction); n != 1 {
		t.Errorf("CallCount(%s) = %d, want 1", tcsimAuditAction, n)
	}
}

func TestTencentSimAcceptsSDKTokenCredential(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{Tracks: 3})
	before := time.Now()
	id, key, token, expired := tcsimAssume(t, host, 3600)
	if lo, hi := before.Add(3600*time.Second).Unix()-2, time.Now().Add(3600*time.Second).Unix()+2; expired < lo || expired > hi {
		t.Errorf("ExpiredTime %d, want now+3600 (%d..%d)", expired, lo, hi)
	}
	if id == cloudsim.DefaultTencentSecretID || key == cloudsim.DefaultTencentSecretKey {
		t.Fatal("AssumeRole handed back the permanent key pair")
	}
	c := tcsimDefaultCaller(t, host)
	c.cred = tccommon.NewTokenCredential(id, key, token)
	p := tcsimDecodePage(t, c.page(1, 10))
	if got := p.trackIDs(t); !tcsimEqualInts(got, tcsimSeq(1000, 3)) {
		t.Errorf("TrackIds %v with temporary credentials", got)
	}
	if sim.CallCount("AssumeRole") != 1 || sim.CallCount(tcsimAuditAction) != 1 {
		t.Errorf("CallCount AssumeRole=%d %s=%d, want 1 and 1", sim.CallCount("AssumeRole"), tcsimAuditAction, sim.CallCount(tcsimAuditAction))
	}
}

// --- 2. Tampered requests are refused ----------------------------------------

func TestTencentSimRefusesTamperedRequests(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	port := host[strings.LastIndex(host, ":")+1:]
	replaceBody := func(t *testing.T, r *http.Request, old, replacement string) {
		body, _ := io.ReadAll(r.Body)
		if !bytes.Contains(body, []byte(old)) {
			t.Fatalf("signed body %s does not contain %s", body, old)
		}
		body = bytes.Replace(body, []byte(old), []byte(replacement), 1)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	authPart := func(t *testing.T, r *http.Request, prefix string) (start, end int) {
		h := r.Header.Get("Authorization")
		start = strings.Index(h, prefix)
		if start < 0 {
			t.Fatalf("Authorization %q has no %s", h, prefix)
		}
		start += len(prefix)
		end = strings.IndexByte(h[start:], ',')
		if end < 0 {
			end = len(h)
		} else {
			end += start
		}
		return start, end
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, r *http.Request)
	}{
		{"body PageSize 10 to 11", func(t *testing.T, r *http.Request) { replaceBody(t, r, `"PageSize":10`, `"PageSize":11`) }},
		{"body whitespace", func(t *testing.T, r *http.Request) { replaceBody(t, r, `}`, ` }`) }},
		{"signed Host header", func(t *testing.T, r *http.Request) { r.Host = "localhost:" + port }},
		{"signed Content-Type header", func(t *testing.T, r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}},
		{"timestamp moved by one second", func(t *testing.T, r *http.Request) {
			ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts-1, 10))
		}},
		{"Signature hex altered", func(t *testing.T, r *http.Request) {
			h := r.Header.Get("Authorization")
			s, _ := authPart(t, r, "Signature=")
			flip := byte('0')
			if h[s] == '0' {
				flip = '1'
			}
			r.Header.Set("Authorization", h[:s]+string(flip)+h[s+1:])
		}},
		{"Signature upper-cased", func(t *testing.T, r *http.Request) {
			h := r.Header.Get("Authorization")
			s, e := authPart(t, r, "Signature=")
			r.Header.Set("Authorization", h[:s]+strings.ToUpper(h[s:e])+h[e:])
		}},
		{"credential scope for another day", func(t *testing.T, r *http.Request) {
			h := r.Header.Get("Authorization")
			s, _ := authPart(t, r, "Credential="+cloudsim.DefaultTencentSecretID+"/")
			day := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
			r.Header.Set("Authorization", h[:s]+day+h[s+len(day):])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tcsimDefaultCaller(t, host)
			c.tamper = tc.tamper
			tcsimExpectError(t, c.page(1, 10), "AuthFailure.SignatureFailure")
		})
	}
	if n := sim.CallCount(tcsimAuditAction); n != 0 {
		t.Errorf("CallCount = %d after only tampered requests, want 0", n)
	}
	// Control: the same transport, passing the request through untouched,
	// is accepted, so the refusals above are due to the tampering alone.
	c := tcsimDefaultCaller(t, host)
	c.tamper = func(*testing.T, *http.Request) {}
	tcsimDecodePage(t, c.page(1, 10))
	// Unsigned headers are not covered by the SDK's signature.
	c.tamper = func(_ *testing.T, r *http.Request) { r.Header.Set("X-TC-Language", "zh-CN") }
	tcsimDecodePage(t, c.page(1, 10))
}

// --- 3. Authentication rules -------------------------------------------------

func TestTencentSimUnknownSecretID(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	c.cred = tccommon.NewCredential("AKIDunknown000000000000000000000000", cloudsim.DefaultTencentSecretKey)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.SecretIdNotFound")

	c.cred = tccommon.NewCredential(cloudsim.DefaultTencentSecretID, "wrongSecretKey0000000000000000000")
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.SignatureFailure")
}

func TestTencentSimOptionsReplaceKeyPair(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{TencentSecretID: "AKIDcustom", TencentSecretKey: "customKey"})
	c := tcsimDefaultCaller(t, host)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.SecretIdNotFound")
	c.cred = tccommon.NewCredential("AKIDcustom", "customKey")
	tcsimDecodePage(t, c.page(1, 10))
}

func TestTencentSimClockSkew(t *testing.T) {
	for _, tc := range []struct {
		skew time.Duration
		code string
	}{
		{6 * time.Minute, "AuthFailure.SignatureExpire"},
		{-6 * time.Minute, "AuthFailure.SignatureExpire"},
		{4 * time.Minute, ""},
		{-4 * time.Minute, ""},
		{0, ""},
	} {
		t.Run(tc.skew.String(), func(t *testing.T) {
			skew := tc.skew
			sim, host := tcsimStart(t, cloudsim.Options{Now: func() time.Time { return time.Now().Add(skew) }})
			res := tcsimDefaultCaller(t, host).page(1, 10)
			if tc.code == "" {
				tcsimDecodePage(t, res)
				if sim.CallCount(tcsimAuditAction) != 1 {
					t.Errorf("CallCount %d, want 1", sim.CallCount(tcsimAuditAction))
				}
				return
			}
			tcsimExpectError(t, res, tc.code)
			if sim.CallCount(tcsimAuditAction) != 0 {
				t.Errorf("an expired request was counted")
			}
		})
	}
}

func TestTencentSimTemporaryCredentialRules(t *testing.T) {
	clock := &tcsimClock{}
	_, host := tcsimStart(t, cloudsim.Options{Now: clock.Now})
	id, key, token, _ := tcsimAssume(t, host, 120)
	c := tcsimDefaultCaller(t, host)

	c.cred = tccommon.NewCredential(id, key)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.TokenFailure")

	c.cred = tccommon.NewTokenCredential(id, key, token+"x")
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.TokenFailure")

	// Another session's token does not fit either.
	_, _, otherToken, _ := tcsimAssume(t, host, 120)
	c.cred = tccommon.NewTokenCredential(id, key, otherToken)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.TokenFailure")

	// A token sent with the permanent key.
	c.cred = tccommon.NewTokenCredential(cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey, token)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.TokenFailure")

	// The right token works until the session expires (the clock moves
	// less than the 5-minute skew allowance, so only expiry can fail).
	c.cred = tccommon.NewTokenCredential(id, key, token)
	clock.set(110 * time.Second)
	tcsimDecodePage(t, c.page(1, 10))
	clock.set(121 * time.Second)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.TokenFailure")

	// The temporary key signs: a wrong temporary key is a signature failure.
	clock.set(0)
	c.cred = tccommon.NewTokenCredential(id, key+"0", token)
	tcsimExpectError(t, c.page(1, 10), "AuthFailure.SignatureFailure")
}

// tcsimFirstPageBody is the body tcsimRaw posts: the first page of tracks.
const tcsimFirstPageBody = `{"PageNumber":1,"PageSize":10}`

// tcsimRaw posts tcsimFirstPageBody with the given headers, without the SDK.
func tcsimRaw(t *testing.T, host string, headers map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+host+"/", strings.NewReader(tcsimFirstPageBody))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func TestTencentSimMalformedAuthorization(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	day := time.Now().UTC().Format("2006-01-02")
	cred := "Credential=" + cloudsim.DefaultTencentSecretID + "/" + day + "/cloudaudit/tc3_request"
	sig := "Signature=" + strings.Repeat("ab", 32)
	for _, auth := range []string{
		"",
		"Bearer abcdef",
		"TC3-HMAC-SHA256",
		"TC3-HMAC-SHA1 " + cred + ", SignedHeaders=content-type;host, " + sig,
		"TC3-HMAC-SHA256 " + cred + ", SignedHeaders=content-type;host",
		"TC3-HMAC-SHA256 SignedHeaders=content-type;host, " + sig,
		"TC3-HMAC-SHA256 Credential=" + cloudsim.DefaultTencentSecretID + "/" + day + "/cloudaudit, SignedHeaders=content-type;host, " + sig,
		"TC3-HMAC-SHA256 Credential=" + cloudsim.DefaultTencentSecretID + "/" + day + "/cloudaudit/tc2_request, SignedHeaders=content-type;host, " + sig,
		"TC3-HMAC-SHA256 " + cred + ", SignedHeaders=content-type, " + sig,
		"TC3-HMAC-SHA256 " + cred + ", SignedHeaders=host, " + sig,
	} {
		t.Run(auth, func(t *testing.T) {
			status, header, body := tcsimRaw(t, host, map[string]string{
				"Content-Type":   "application/json",
				"X-TC-Action":    tcsimAuditAction,
				"X-TC-Version":   tcsimAuditVersion,
				"X-TC-Region":    tcsimRegion,
				"X-TC-Timestamp": strconv.FormatInt(time.Now().Unix(), 10),
				"Authorization":  auth,
			})
			tcsimCheckEnvelope(t, status, header, body, "AuthFailure.InvalidAuthorization")
		})
	}
	if n := sim.CallCount(tcsimAuditAction); n != 0 {
		t.Errorf("CallCount %d after malformed requests", n)
	}
}

// --- 4. Action and parameter rules -------------------------------------------

func TestTencentSimActionAndRegionRules(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	const ok = `{"PageNumber":1,"PageSize":10}`

	tcsimExpectError(t, c.call(tcsimAuditService, tcsimAuditVersion, "DescribeNothing", ok), "InvalidAction")
	// On an IP address the action and version find the service, whatever
	// the scope names (some SDKs take it from the endpoint's first label);
	// on a service's host name the host decides, and a service without the
	// action is InvalidAction (TestTencentSimRequestFormErrors).
	tcsimDecodePage(t, c.call("nosuchservice", tcsimAuditVersion, tcsimAuditAction, ok))
	tcsimExpectError(t, c.call(tcsimAuditService, "2018-01-01", tcsimAuditAction, ok), "NoSuchVersion")

	noRegion := c
	noRegion.region = ""
	tcsimExpectError(t, noRegion.tracks(ok), "MissingParameter")
	tcsimExpectError(t, noRegion.call("sts", "2018-08-13", "AssumeRole",
		fmt.Sprintf(`{"RoleArn":%q,"RoleSessionName":"s1"}`, tcsimRoleArn)), "MissingParameter")

	badRegion := c
	badRegion.region = "xx-nowhere-1"
	tcsimExpectError(t, badRegion.tracks(ok), "UnsupportedRegion")

	for _, region := range []string{"ap-guangzhou", "ap-hongkong", "ap-singapore", "eu-frankfurt"} {
		inRegion := c
		inRegion.region = region
		tcsimDecodePage(t, inRegion.tracks(ok))
	}
}

func TestTencentSimDescribeAuditTracksParameters(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	for _, tc := range []struct{ params, code string }{
		{`{"PageNumber":1,"PageSize":10,"Offset":0}`, "UnknownParameter"},
		{`{"PageNumber":1,"PageSize":10,"pageSize":10}`, "UnknownParameter"},
		{`{"PageSize":10}`, "MissingParameter"},
		{`{"PageNumber":1}`, "MissingParameter"},
		{`{}`, "MissingParameter"},
		{`{"PageNumber":"x","PageSize":10}`, "InvalidParameter"},
		{`{"PageNumber":1,"PageSize":"10"}`, "InvalidParameter"},
		{`{"PageNumber":1.5,"PageSize":10}`, "InvalidParameter"},
		{`{"PageNumber":0,"PageSize":10}`, "InvalidParameterValue"},
		{`{"PageNumber":1,"PageSize":0}`, "InvalidParameterValue"},
	} {
		t.Run(tc.params, func(t *testing.T) {
			tcsimExpectError(t, c.tracks(tc.params), tc.code)
		})
	}
	// A page past the end is empty, not an error, and keeps TotalCount.
	p := tcsimDecodePage(t, c.page(3, 10))
	if len(p.Tracks) != 0 || p.total(t) != 7 || string(p.rawTracks) != "[]" {
		t.Errorf("page past the end: Tracks %s TotalCount %s, want [] and 7", p.rawTracks, p.TotalCount)
	}
}

// A page number so large that PageNumber*PageSize exceeds int64 must still be
// answered as a page past the end, not crash the handler or wrap around to
// the first page.
func TestTencentSimHugePageNumber(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	for _, tc := range []struct{ number, size string }{
		{"9223372036854775807", "1"}, // no overflow: the control
		{"4611686018427387905", "4"}, // (2^62)*4 wraps to 0: page 1 served again
		{"4611686018427387905", "2"}, // (2^62)*2 wraps to -2^63
		{"4611686018427387904", "2"}, // start 2^63-2 fits, start+size does not
		{"2305843009213693953", "16"},
	} {
		t.Run(tc.number+"x"+tc.size, func(t *testing.T) {
			res := c.call(tcsimAuditService, tcsimAuditVersion, tcsimAuditAction,
				map[string]any{"PageNumber": tcjson.Number(tc.number), "PageSize": tcjson.Number(tc.size)})
			if res.err != nil {
				t.Fatalf("PageNumber %s PageSize %s: %v (the simulator should answer an empty page)", tc.number, tc.size, res.err)
			}
			p := tcsimDecodePage(t, res)
			if len(p.Tracks) != 0 || p.total(t) != 7 {
				t.Errorf("PageNumber %s PageSize %s: %d tracks (ids %v), TotalCount %s; want an empty page past the end",
					tc.number, tc.size, len(p.Tracks), p.trackIDs(t), p.TotalCount)
			}
		})
	}
}

func TestTencentSimAssumeRoleRules(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	assume := func(params string) tcsimResult { return c.call("sts", "2018-08-13", "AssumeRole", params) }
	otherUin := "qcs::cam::uin/200000000002:roleName/auditlog-reader"
	for _, tc := range []struct{ params, code string }{
		{`{"RoleArn":"arn:aws:iam::123456789012:role/x","RoleSessionName":"s1"}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"qcs::cam::uin/abc:roleName/x","RoleSessionName":"s1"}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + tcsimRoleArn + `x y","RoleSessionName":"s1"}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + otherUin + `","RoleSessionName":"s1"}`, "InvalidParameter.AccountNotAvaliable"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"s1","DurationSeconds":0}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"s1","DurationSeconds":43201}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"s1","DurationSeconds":-5}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"x"}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"has space"}`, "InvalidParameter.ParamError"},
		{`{"RoleArn":"` + tcsimRoleArn + `"}`, "MissingParameter"},
		{`{"RoleSessionName":"s1"}`, "MissingParameter"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"s1","DurationSeconds":"60"}`, "InvalidParameter"},
		{`{"RoleArn":"` + tcsimRoleArn + `","RoleSessionName":"s1","Duration":60}`, "UnknownParameter"},
	} {
		t.Run(tc.params, func(t *testing.T) { tcsimExpectError(t, assume(tc.params), tc.code) })
	}
	for _, d := range []int{1, 43200} {
		before := time.Now()
		res := assume(fmt.Sprintf(`{"RoleArn":%q,"RoleSessionName":"s1","DurationSeconds":%d}`, tcsimRoleArn, d))
		if res.err != nil {
			t.Fatalf("DurationSeconds %d: %v", d, res.err)
		}
		var out struct{ Response struct{ ExpiredTime int64 } }
		if err := json.Unmarshal(res.body, &out); err != nil {
			t.Fatal(err)
		}
		if want := before.Unix() + int64(d); out.Response.ExpiredTime < want-1 || out.Response.ExpiredTime > want+2 {
			t.Errorf("DurationSeconds %d: ExpiredTime %d, want about %d", d, out.Response.ExpiredTime, want)
		}
	}
	// The role-id form of the ARN is accepted too.
	if res := assume(`{"RoleArn":"qcs::cam::uin/` + cloudsim.DefaultTencentOwnerUin + `:role/4611686018427397919","RoleSessionName":"s1"}`); res.err != nil {
		t.Errorf("role-id ARN: %v", res.err)
	}
}

// --- 5. The data set -----------------------------------------------------------

func TestTencentSimTracksDeterministic(t *testing.T) {
	_, hostA := tcsimStart(t, cloudsim.Options{Tracks: 60})
	_, hostB := tcsimStart(t, cloudsim.Options{Tracks: 60})
	a := tcsimDecodePage(t, tcsimDefaultCaller(t, hostA).page(1, 1000))
	b := tcsimDecodePage(t, tcsimDefaultCaller(t, hostB).page(1, 1000))
	again := tcsimDecodePage(t, tcsimDefaultCaller(t, hostA).page(1, 1000))
	if len(a.Tracks) != 60 {
		t.Fatalf("%d tracks, want 60", len(a.Tracks))
	}
	if !bytes.Equal(a.rawTracks, b.rawTracks) {
		t.Errorf("two simulators with the same options serve different Tracks")
	}
	if !bytes.Equal(a.rawTracks, again.rawTracks) {
		t.Errorf("the same simulator served different Tracks twice")
	}
	if a.RequestId == b.RequestId || a.RequestId == again.RequestId {
		t.Errorf("RequestIds repeat: %s %s %s", a.RequestId, b.RequestId, again.RequestId)
	}
}

// The tracks look like real ones: the documented types, values and rules.
func TestTencentSimTracksShape(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{Tracks: 30})
	p := tcsimDecodePage(t, tcsimDefaultCaller(t, host).page(1, 100))
	if got := p.trackIDs(t); !tcsimEqualInts(got, tcsimSeq(1000, 30)) {
		t.Fatalf("TrackIds %v, want 1000..1029", got)
	}
	name := regexp.MustCompile(`^[A-Za-z0-9_-]{3,48}$`)
	storageTypes, statuses := map[string]int{}, map[uint64]int{}
	for _, raw := range p.Tracks {
		var tr struct {
			Name, ActionType, ResourceType, CreateTime string
			Status                                     *uint64
			EventNames                                 []string
			Storage                                    *struct {
				StorageType, StorageRegion, StorageName, StoragePrefix string
			}
		}
		if err := json.Unmarshal(raw, &tr); err != nil {
			t.Fatalf("track %s: %v", raw, err)
		}
		if !name.MatchString(tr.Name) {
			t.Errorf("Name %q breaks the 3-48 letters/digits/-/_ rule", tr.Name)
		}
		if tr.ActionType != "Read" && tr.ActionType != "Write" && tr.ActionType != "*" {
			t.Errorf("ActionType %q", tr.ActionType)
		}
		if tr.ResourceType == "" || len(tr.EventNames) == 0 {
			t.Errorf("track %s: empty ResourceType or EventNames", raw)
		}
		if tr.Status == nil || *tr.Status > 1 {
			t.Errorf("track %s: Status must be 0 or 1", raw)
		} else {
			statuses[*tr.Status]++
		}
		if _, err := time.Parse("2006-01-02 15:04:05", tr.CreateTime); err != nil {
			t.Errorf("CreateTime %q: %v", tr.CreateTime, err)
		}
		if s := tr.Storage; s == nil || s.StorageRegion == "" || s.StorageName == "" || s.StoragePrefix == "" {
			t.Errorf("track %s: Storage lacks a required field", raw)
		} else {
			storageTypes[s.StorageType]++
		}
	}
	for _, st := range []string{"cos", "cls", "ckafka"} {
		if storageTypes[st] == 0 {
			t.Errorf("no track delivers to %s (%v)", st, storageTypes)
		}
	}
	if len(storageTypes) != 3 || statuses[0] == 0 || statuses[1] == 0 {
		t.Errorf("storage types %v, statuses %v: want only cos/cls/ckafka and both statuses", storageTypes, statuses)
	}
}

func TestTencentSimPagingConsistent(t *testing.T) {
	const n = 60
	_, host := tcsimStart(t, cloudsim.Options{Tracks: n})
	c := tcsimDefaultCaller(t, host)
	whole := tcsimDecodePage(t, c.page(1, 1000))
	var paged []json.RawMessage
	pages := 0
	for number := 1; ; number++ {
		p := tcsimDecodePage(t, c.page(number, 7))
		if p.total(t) != n {
			t.Fatalf("page %d: TotalCount %s, want %d", number, p.TotalCount, n)
		}
		if len(p.Tracks) == 0 {
			break
		}
		if len(p.Tracks) > 7 {
			t.Fatalf("page %d holds %d tracks, more than PageSize 7", number, len(p.Tracks))
		}
		pages++
		paged = append(paged, p.Tracks...)
	}
	if pages != (n+6)/7 {
		t.Errorf("%d non-empty pages of 7, want %d", pages, (n+6)/7)
	}
	if len(paged) != len(whole.Tracks) {
		t.Fatalf("pages of 7 hold %d tracks, one page holds %d", len(paged), len(whole.Tracks))
	}
	for i := range paged {
		if !bytes.Equal(paged[i], whole.Tracks[i]) {
			t.Fatalf("track %d differs between paged and whole reads:\n%s\n%s", i, paged[i], whole.Tracks[i])
		}
	}
}

func TestTencentSimTrackCount(t *testing.T) {
	for _, tc := range []struct{ opt, want int }{{0, 7}, {1, 1}, {45, 45}, {1200, 1200}, {-1, 0}} {
		t.Run(strconv.Itoa(tc.opt), func(t *testing.T) {
			_, host := tcsimStart(t, cloudsim.Options{Tracks: tc.opt})
			p := tcsimDecodePage(t, tcsimDefaultCaller(t, host).page(1, 1000))
			if p.total(t) != tc.want {
				t.Errorf("Tracks %d: TotalCount %s, want %d", tc.opt, p.TotalCount, tc.want)
			}
			if len(p.Tracks) != min(tc.want, 1000) {
				t.Errorf("Tracks %d: %d on the first page of 1000", tc.opt, len(p.Tracks))
			}
			if tc.want == 0 && string(p.rawTracks) != "[]" {
				t.Errorf("empty account: Tracks is %s, want []", p.rawTracks)
			}
		})
	}
}

func TestTencentSimTrackPageCap(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{Tracks: 45, TrackPageCap: 5})
	c := tcsimDefaultCaller(t, host)
	p := tcsimDecodePage(t, c.page(1, 20))
	if got := p.trackIDs(t); !tcsimEqualInts(got, tcsimSeq(1000, 5)) || p.total(t) != 45 {
		t.Errorf("capped page 1: ids %v TotalCount %s, want 1000..1004 and 45", got, p.TotalCount)
	}
	// The cap is silent: page 2 still starts where a full page 1 would end.
	p = tcsimDecodePage(t, c.page(2, 20))
	if got := p.trackIDs(t); !tcsimEqualInts(got, tcsimSeq(1020, 5)) {
		t.Errorf("capped page 2: ids %v, want 1020..1024", got)
	}
	// Pages no larger than the cap are untouched.
	p = tcsimDecodePage(t, c.page(2, 5))
	if got := p.trackIDs(t); !tcsimEqualInts(got, tcsimSeq(1005, 5)) {
		t.Errorf("page 2 of 5: ids %v, want 1005..1009", got)
	}
}

func TestTencentSimCallCountCountsAuthenticatedCallsOnly(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	c := tcsimDefaultCaller(t, host)
	tcsimDecodePage(t, c.page(1, 10))
	tcsimDecodePage(t, c.page(2, 3))

	bad := c
	bad.cred = tccommon.NewCredential(cloudsim.DefaultTencentSecretID, "wrong")
	tcsimExpectError(t, bad.page(1, 10), "AuthFailure.SignatureFailure")
	bad.cred = tccommon.NewCredential("AKIDnobody", "x")
	tcsimExpectError(t, bad.page(1, 10), "AuthFailure.SecretIdNotFound")
	old := c
	old.tamper = func(_ *testing.T, r *http.Request) {
		r.Header.Set("X-TC-Timestamp", strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10))
	}
	tcsimExpectError(t, old.page(1, 10), "AuthFailure.SignatureExpire")
	tok := c
	tok.cred = tccommon.NewTokenCredential(cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey, "tok")
	tcsimExpectError(t, tok.page(1, 10), "AuthFailure.TokenFailure")

	if got := sim.CallCount(tcsimAuditAction); got != 2 {
		t.Errorf("CallCount(%s) = %d, want 2 (the authenticated calls)", tcsimAuditAction, got)
	}
	if got := sim.CallCount("AssumeRole"); got != 0 {
		t.Errorf("CallCount(AssumeRole) = %d, want 0", got)
	}
	tcsimAssume(t, host, 600)
	if got := sim.CallCount("AssumeRole"); got != 1 {
		t.Errorf("CallCount(AssumeRole) = %d after one AssumeRole, want 1", got)
	}
}

// tcsimSign signs a raw request the way the reference (and Tencent's
// signature-process demo) describes, independently of the SDK.
func tcsimSign(t *testing.T, host, secretID, secretKey, service string, ts int64, signed []string, headers map[string]string, body string) string {
	t.Helper()
	h := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	mac := func(key []byte, msg string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	var canon strings.Builder
	for _, name := range signed {
		v := headers[http.CanonicalHeaderKey(name)]
		if name == "host" {
			v = host
		}
		canon.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	canonical := strings.Join([]string{"POST", "/", "", canon.String(), strings.Join(signed, ";"), h(body)}, "\n")
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	scope := date + "/" + service + "/tc3_request"
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + scope + "\n" + h(canonical)
	key := mac(mac(mac([]byte("TC3"+secretKey), date), service), "tc3_request")
	return "TC3-HMAC-SHA256 Credential=" + secretID + "/" + scope + ", SignedHeaders=" + strings.Join(signed, ";") +
		", Signature=" + hex.EncodeToString(mac(key, toSign))
}

// The official demo signs X-TC-Action too (value lower-cased); the
// simulator checks whatever SignedHeaders lists.
func TestTencentSimAcceptsDemoStyleSignature(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{})
	ts := time.Now().Unix()
	body := tcsimFirstPageBody
	headers := map[string]string{
		"Content-Type":   "application/json; charset=utf-8",
		"X-Tc-Action":    tcsimAuditAction,
		"X-Tc-Version":   tcsimAuditVersion,
		"X-Tc-Region":    tcsimRegion,
		"X-Tc-Timestamp": strconv.FormatInt(ts, 10),
	}
	for _, signed := range [][]string{{"content-type", "host"}, {"content-type", "host", "x-tc-action"}} {
		headers["Authorization"] = tcsimSign(t, host, cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey, "cloudaudit", ts, signed, headers, body)
		status, _, got := tcsimRaw(t, host, headers)
		if !bytes.Contains(got, []byte(`"TotalCount":7`)) || status != http.StatusOK {
			t.Errorf("SignedHeaders %v: HTTP %d %s", signed, status, got)
		}
		// Changing a signed header after signing is caught.
		tampered := map[string]string{}
		for k, v := range headers {
			tampered[k] = v
		}
		tampered["Content-Type"] = "application/json"
		status, hdr, got := tcsimRaw(t, host, tampered)
		tcsimCheckEnvelope(t, status, hdr, got, "AuthFailure.SignatureFailure")
	}
	// X-TC-Action is signed in the second form: changing it is caught.
	headers["Authorization"] = tcsimSign(t, host, cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey, "cloudaudit", ts,
		[]string{"content-type", "host", "x-tc-action"}, headers, body)
	headers["X-Tc-Action"] = "DescribeAuditTrack"
	status, hdr, got := tcsimRaw(t, host, headers)
	tcsimCheckEnvelope(t, status, hdr, got, "AuthFailure.SignatureFailure")
}
