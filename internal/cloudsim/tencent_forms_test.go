package cloudsim_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// These tests prove that every request form the official SDKs send is
// served, for every Tencent action, with the same answer as the default
// form (TC3 POST JSON). Requests are signed twice over: by hand, following
// the API documents (request structure, signature v1, signature v3), in code
// that shares nothing with the simulator, and by the official Go SDK with its
// own options (ReqMethod GET, SignMethod HmacSHA1 and HmacSHA256).

// tcform is one way of sending a request.
type tcform struct {
	name   string
	method string // GET or POST
	sign   string // "TC3-HMAC-SHA256", "HmacSHA1" or "HmacSHA256"
}

func (f tcform) v1() bool { return f.sign != "TC3-HMAC-SHA256" }

var tcforms = []tcform{
	{"TC3 POST", "POST", "TC3-HMAC-SHA256"},
	{"TC3 GET", "GET", "TC3-HMAC-SHA256"},
	{"v1 HmacSHA1 POST", "POST", "HmacSHA1"},
	{"v1 HmacSHA1 GET", "GET", "HmacSHA1"},
	{"v1 HmacSHA256 POST", "POST", "HmacSHA256"},
	{"v1 HmacSHA256 GET", "GET", "HmacSHA256"},
}

// tcformAction is one action with parameters that use every shape the
// action takes: numbers, text with spaces and non-ASCII, lists, objects and
// lists of objects.
type tcformAction struct {
	service, version, action, region string
	params                           map[string]any
}

func tcformActions() []tcformAction {
	// The CSIP data set ends when the simulator starts, in Beijing time.
	end := time.Now().In(time.FixedZone("UTC+8", 8*3600))
	return []tcformAction{
		{"cloudaudit", "2019-03-19", "DescribeAuditTracks", "ap-guangzhou",
			map[string]any{"PageNumber": 2, "PageSize": 3}},
		{"csip", "2022-11-21", "DescribeUserCallRecord", "", map[string]any{
			"SubUin":   cloudsim.CSIPSubUins[0],
			"MemberId": []any{"mem-6wfo0fzks3", "mem-2"},
			"Filter": map[string]any{
				"Limit": 4, "Offset": 1, "Order": "asc", "By": "CallCount",
				"StartTime": end.AddDate(0, 0, -80).Format(cloudsim.CSIPTimeLayout),
				"EndTime":   end.Format(cloudsim.CSIPTimeLayout),
				"Filters": []any{map[string]any{
					"Name": "Region", "OperatorType": 7,
					"Values": []any{"中国-广东省-广州市", "中国-北京市-北京市", "中国-香港"},
				}},
			},
		}},
		{"sts", "2018-08-13", "AssumeRole", "ap-guangzhou", map[string]any{
			"RoleArn": tcsimRoleArn, "RoleSessionName": "forms-test", "DurationSeconds": 900,
		}},
	}
}

// tcformFlatten writes nested parameters the way the request-structure
// document shows for GET and v1 requests: Name.Sub for objects and Name.N
// (from 0) for lists.
func tcformFlatten(prefix string, v any, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			tcformFlatten(prefix+k+".", e, out)
		}
	case []any:
		for i, e := range v {
			tcformFlatten(prefix+strconv.Itoa(i)+".", e, out)
		}
	default:
		out[strings.TrimSuffix(prefix, ".")] = fmt.Sprint(v)
	}
}

// tcformReq is a request signed by hand.
type tcformReq struct {
	form         tcform
	act          tcformAction
	host         string // Host header sent
	signHost     string // host as signed
	scopeService string // TC3 credential scope's service
	id, key      string
	token        string
	ts           int64
	// v1Params, when set, replaces the v1 common parameters after the
	// defaults are put in (and before signing).
	v1Params func(p map[string]string)
	// flat, when set, replaces the flattened action parameters.
	flat map[string]string
	// tamper changes the request after signing.
	tamper func(r *http.Request)
}

func tcformHex(b []byte) string { sum := sha256.Sum256(b); return hex.EncodeToString(sum[:]) }

func tcformMAC(newHash func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(newHash, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// build signs the request, addressed to the simulator at addr.
func (q tcformReq) build(t *testing.T, addr string) *http.Request {
	t.Helper()
	flat := q.flat
	if flat == nil {
		flat = map[string]string{}
		tcformFlatten("", q.act.params, flat)
	}
	var req *http.Request
	var err error
	if q.form.v1() {
		// Signature v1: all parameters together; sign
		// METHOD + host + path + "?" + sorted name=value joined by "&".
		p := map[string]string{
			"Action": q.act.action, "Version": q.act.version, "Timestamp": strconv.FormatInt(q.ts, 10),
			"Nonce": "11886", "SecretId": q.id, "SignatureMethod": q.form.sign,
		}
		if q.act.region != "" {
			p["Region"] = q.act.region
		}
		if q.token != "" {
			p["Token"] = q.token
		}
		for k, v := range flat {
			p[k] = v
		}
		if q.v1Params != nil {
			q.v1Params(p)
		}
		names := make([]string, 0, len(p))
		for k := range p {
			names = append(names, k)
		}
		sort.Strings(names)
		pairs := make([]string, len(names))
		for i, k := range names {
			pairs[i] = k + "=" + p[k]
		}
		newHash := sha1.New
		if q.form.sign == "HmacSHA256" {
			newHash = sha256.New
		}
		if _, set := p["Signature"]; !set {
			p["Signature"] = base64.StdEncoding.EncodeToString(
				tcformMAC(newHash, []byte(q.key), q.form.method+q.signHost+"/?"+strings.Join(pairs, "&")))
		}
		values := url.Values{}
		for k, v := range p {
			values.Set(k, v)
		}
		if q.form.method == "GET" {
			req, err = http.NewRequest("GET", "http://"+addr+"/?"+values.Encode(), nil)
		} else {
			req, err = http.NewRequest("POST", "http://"+addr+"/", strings.NewReader(values.Encode()))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		}
	} else {
		// Signature v3: canonical request, string to sign, derived key.
		var query, body, contentType string
		if q.form.method == "GET" {
			values := url.Values{}
			for k, v := range flat {
				values.Set(k, v)
			}
			query, contentType = values.Encode(), "application/x-www-form-urlencoded"
		} else {
			b, _ := json.Marshal(q.act.params)
			body, contentType = string(b), "application/json"
		}
		canonical := q.form.method + "\n/\n" + query + "\ncontent-type:" + contentType + "\nhost:" + q.signHost +
			"\n\ncontent-type;host\n" + tcformHex([]byte(body))
		date := time.Unix(q.ts, 0).UTC().Format("2006-01-02")
		scope := date + "/" + q.scopeService + "/tc3_request"
		toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(q.ts, 10) + "\n" + scope + "\n" + tcformHex([]byte(canonical))
		k := tcformMAC(sha256.New, []byte("TC3"+q.key), date)
		k = tcformMAC(sha256.New, k, q.scopeService)
		k = tcformMAC(sha256.New, k, "tc3_request")
		target := "http://" + addr + "/"
		if query != "" {
			target += "?" + query
		}
		req, err = http.NewRequest(q.form.method, target, strings.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("X-TC-Action", q.act.action)
			req.Header.Set("X-TC-Version", q.act.version)
			req.Header.Set("X-TC-Timestamp", strconv.FormatInt(q.ts, 10))
			if q.act.region != "" {
				req.Header.Set("X-TC-Region", q.act.region)
			}
			if q.token != "" {
				req.Header.Set("X-TC-Token", q.token)
			}
			req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential="+q.id+"/"+scope+
				", SignedHeaders=content-type;host, Signature="+hex.EncodeToString(tcformMAC(sha256.New, k, toSign)))
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	req.Host = q.host
	if q.tamper != nil {
		q.tamper(req)
	}
	return req
}

// tcformSend sends req and returns the HTTP answer.
func tcformSend(t *testing.T, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// tcformAnswer returns a successful answer's Response without its
// RequestId, and with the values of issued credentials (new on every call)
// replaced by a placeholder once checked to be there.
func tcformAnswer(t *testing.T, status int, body []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var env struct{ Response map[string]any }
	if err := dec.Decode(&env); err != nil || env.Response == nil || status != http.StatusOK {
		t.Fatalf("HTTP %d, answer %s is not a Tencent envelope (%v)", status, body, err)
	}
	if e := env.Response["Error"]; e != nil {
		t.Fatalf("answered an error: %s", body)
	}
	if id, _ := env.Response["RequestId"].(string); !tcsimUUID.MatchString(id) {
		t.Errorf("RequestId %q is not a UUID", id)
	}
	delete(env.Response, "RequestId")
	if creds, ok := env.Response["Credentials"].(map[string]any); ok {
		for k, v := range creds {
			if s, _ := v.(string); s == "" {
				t.Errorf("Credentials.%s is empty in %s", k, body)
			}
			creds[k] = "<issued>"
		}
	}
	out, _ := json.Marshal(env.Response)
	return string(out)
}

// tcformPinnedClock returns a fixed clock near the real time, so that the
// SDK's own timestamps are accepted and answers that depend on the time
// (STS expiry) are the same on every call.
func tcformPinnedClock() (func() time.Time, int64) {
	now := time.Now().Truncate(time.Second)
	return func() time.Time { return now }, now.Unix()
}

// tcformBaseline is the answer to the default form: TC3 POST JSON, on the
// IP address, signed by hand with the host as sent and the real service.
func tcformBaseline(t *testing.T, addr string, act tcformAction, ts int64) string {
	t.Helper()
	q := tcformReq{form: tcforms[0], act: act, host: addr, signHost: addr, scopeService: act.service,
		id: cloudsim.DefaultTencentSecretID, key: cloudsim.DefaultTencentSecretKey, ts: ts}
	status, _, body := tcformSend(t, q.build(t, addr))
	return tcformAnswer(t, status, body)
}

// The baseline answers are not trivially equal: each reflects its
// parameters, so a form that lost or mangled one would answer differently.
func TestTencentSimFormsBaselineReflectsParameters(t *testing.T) {
	now, ts := tcformPinnedClock()
	_, addr := tcsimStart(t, cloudsim.Options{Now: now})
	for _, act := range tcformActions() {
		var got map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tcformBaseline(t, addr, act, ts)), &got); err != nil {
			t.Fatal(err)
		}
		switch act.action {
		case "DescribeAuditTracks":
			var tracks []struct{ TrackId int }
			_ = json.Unmarshal(got["Tracks"], &tracks)
			if len(tracks) != 3 || tracks[0].TrackId != 1003 {
				t.Errorf("page 2 of size 3: %s", got["Tracks"])
			}
		case "DescribeUserCallRecord":
			var recs []cloudsim.CSIPCallRecord
			var total int
			_ = json.Unmarshal(got["Data"], &recs)
			_ = json.Unmarshal(got["Total"], &total)
			if len(recs) != 4 || total <= 5 || total >= 40 {
				t.Fatalf("Limit 4 of a filtered set: %d records, Total %d", len(recs), total)
			}
			for i, r := range recs {
				if r.Region != "中国-广东省-广州市" && r.Region != "中国-北京市-北京市" && r.Region != "中国-香港" {
					t.Errorf("record %d of region %s passed the Region filter", i, r.Region)
				}
				if i > 0 && r.CallCount < recs[i-1].CallCount {
					t.Errorf("records not in ascending CallCount order: %d after %d", r.CallCount, recs[i-1].CallCount)
				}
			}
		case "AssumeRole":
			var expired int64
			_ = json.Unmarshal(got["ExpiredTime"], &expired)
			if expired != ts+900 {
				t.Errorf("ExpiredTime %d, want %d (DurationSeconds 900)", expired, ts+900)
			}
		}
	}
}

// Every form, on a Tencent host name and on an IP address (whose "service"
// a Node.js-style client takes from the first label, "127"), signed over
// the host with and without its port, answers exactly as the baseline.
func TestTencentSimAcceptsEveryRequestForm(t *testing.T) {
	now, ts := tcformPinnedClock()
	sim, addr := tcsimStart(t, cloudsim.Options{Now: now})
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	for _, act := range tcformActions() {
		want := tcformBaseline(t, addr, act, ts)
		for _, form := range tcforms {
			for _, ep := range []struct{ kind, name, scope string }{
				{"hostname", act.service + ".tencentcloudapi.com", act.service},
				{"IP", "127.0.0.1", "127"},
			} {
				for _, withPort := range []bool{true, false} {
					signHost := ep.name
					if withPort {
						signHost += ":" + port
					}
					name := fmt.Sprintf("%s/%s/%s endpoint/signed %s", act.action, form.name, ep.kind, signHost)
					t.Run(name, func(t *testing.T) {
						q := tcformReq{form: form, act: act, host: ep.name + ":" + port, signHost: signHost, scopeService: ep.scope,
							id: cloudsim.DefaultTencentSecretID, key: cloudsim.DefaultTencentSecretKey, ts: ts}
						status, _, body := tcformSend(t, q.build(t, addr))
						if got := tcformAnswer(t, status, body); got != want {
							t.Errorf("answer differs from TC3 POST:\n got %s\nwant %s", got, want)
						}
					})
				}
			}
		}
		if n := sim.CallCount(act.action); n != 1+len(tcforms)*4 {
			t.Errorf("CallCount(%s) = %d, want %d", act.action, n, 1+len(tcforms)*4)
		}
	}
}

// Typed requests as the per-service SDK packages declare them: json names
// for the JSON body, name tags for the SDK's flattening (GET, v1).
type tcformTracksRequest struct {
	*tchttp.BaseRequest
	PageNumber *uint64 `json:"PageNumber,omitempty" name:"PageNumber"`
	PageSize   *uint64 `json:"PageSize,omitempty" name:"PageSize"`
}

type tcformWhereFilter struct {
	Name         *string   `json:"Name,omitempty" name:"Name"`
	Values       []*string `json:"Values,omitempty" name:"Values"`
	OperatorType *int64    `json:"OperatorType,omitempty" name:"OperatorType"`
}

type tcformCSIPFilter struct {
	Limit     *int64               `json:"Limit,omitempty" name:"Limit"`
	Offset    *int64               `json:"Offset,omitempty" name:"Offset"`
	Order     *string              `json:"Order,omitempty" name:"Order"`
	By        *string              `json:"By,omitempty" name:"By"`
	Filters   []*tcformWhereFilter `json:"Filters,omitempty" name:"Filters"`
	StartTime *string              `json:"StartTime,omitempty" name:"StartTime"`
	EndTime   *string              `json:"EndTime,omitempty" name:"EndTime"`
}

type tcformCallRecordRequest struct {
	*tchttp.BaseRequest
	SubUin   *string           `json:"SubUin,omitempty" name:"SubUin"`
	MemberId []*string         `json:"MemberId,omitempty" name:"MemberId"`
	Filter   *tcformCSIPFilter `json:"Filter,omitempty" name:"Filter"`
}

type tcformAssumeRoleRequest struct {
	*tchttp.BaseRequest
	RoleArn         *string `json:"RoleArn,omitempty" name:"RoleArn"`
	RoleSessionName *string `json:"RoleSessionName,omitempty" name:"RoleSessionName"`
	DurationSeconds *uint64 `json:"DurationSeconds,omitempty" name:"DurationSeconds"`
}

// tcformSDKRequest builds the typed request of act from its parameters.
func tcformSDKRequest(t *testing.T, act tcformAction) tchttp.Request {
	t.Helper()
	base := &tchttp.BaseRequest{}
	base.Init().WithApiInfo(act.service, act.version, act.action)
	var req tchttp.Request
	var target any
	switch act.action {
	case "DescribeAuditTracks":
		r := &tcformTracksRequest{BaseRequest: base}
		req, target = r, r
	case "DescribeUserCallRecord":
		r := &tcformCallRecordRequest{BaseRequest: base}
		req, target = r, r
	case "AssumeRole":
		r := &tcformAssumeRoleRequest{BaseRequest: base}
		req, target = r, r
	default:
		t.Fatalf("no typed request for %s", act.action)
	}
	b, _ := json.Marshal(act.params)
	if err := json.Unmarshal(b, target); err != nil {
		t.Fatal(err)
	}
	return req
}

// tcformRedirect sends every connection to the simulator, so that an SDK
// endpoint may be a Tencent host name; it keeps the last answer.
type tcformRedirect struct {
	base   *http.Transport
	status int
	body   []byte
}

func newTCFormRedirect(addr string) *tcformRedirect {
	return &tcformRedirect{base: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
}

func (tr *tcformRedirect) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := tr.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	tr.status, tr.body = resp.StatusCode, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// tcformSDK sends a typed request with the official SDK's options.
func tcformSDK(t *testing.T, addr, endpoint string, form tcform, cred tccommon.CredentialIface, act tcformAction) (int, []byte, error) {
	t.Helper()
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = endpoint
	prof.HttpProfile.Scheme = "HTTP"
	prof.HttpProfile.ReqMethod = form.method
	prof.HttpProfile.ReqTimeout = 10
	prof.SignMethod = form.sign
	tr := newTCFormRedirect(addr)
	defer tr.base.CloseIdleConnections()
	sdk := tccommon.NewCommonClient(cred, act.region, prof).WithHttpTransport(tr)
	err := sdk.Send(tcformSDKRequest(t, act), tchttp.NewCommonResponse())
	return tr.status, tr.body, err
}

// The official Go SDK, in each of its request forms, on a host name and on
// an IP address endpoint (both with a port), gets the baseline answer.
func TestTencentSimAcceptsGoSDKInEveryForm(t *testing.T) {
	now, ts := tcformPinnedClock()
	_, addr := tcsimStart(t, cloudsim.Options{Now: now})
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	cred := tccommon.NewCredential(cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey)
	for _, act := range tcformActions() {
		want := tcformBaseline(t, addr, act, ts)
		for _, form := range tcforms {
			for _, endpoint := range []string{act.service + ".tencentcloudapi.com:" + port, addr} {
				t.Run(act.action+"/"+form.name+"/"+endpoint, func(t *testing.T) {
					status, body, err := tcformSDK(t, addr, endpoint, form, cred, act)
					if err != nil {
						t.Fatalf("SDK: %v (answer %s)", err, body)
					}
					if got := tcformAnswer(t, status, body); got != want {
						t.Errorf("answer differs from TC3 POST:\n got %s\nwant %s", got, want)
					}
				})
			}
		}
	}
}

// Temporary credentials work in every form (the token travels as
// X-TC-Token or as the Token parameter), and only with their token.
func TestTencentSimTemporaryCredentialsInEveryForm(t *testing.T) {
	_, addr := tcsimStart(t, cloudsim.Options{})
	id, key, token, _ := tcsimAssume(t, addr, 600)
	act := tcformActions()[0]
	for _, form := range tcforms {
		t.Run(form.name, func(t *testing.T) {
			status, body, err := tcformSDK(t, addr, addr, form, tccommon.NewTokenCredential(id, key, token), act)
			if err != nil {
				t.Fatalf("SDK with token: %v", err)
			}
			tcformAnswer(t, status, body)
			status, body, _ = tcformSDK(t, addr, addr, form, tccommon.NewTokenCredential(id, key, token+"x"), act)
			tcsimCheckEnvelope(t, status, http.Header{"Content-Type": {"application/json"}}, body, "AuthFailure.TokenFailure")
			status, body, _ = tcformSDK(t, addr, addr, form, tccommon.NewCredential(id, key), act)
			tcsimCheckEnvelope(t, status, http.Header{"Content-Type": {"application/json"}}, body, "AuthFailure.TokenFailure")
		})
	}
}

// Wrong keys, stale timestamps, stray tokens and changes after signing get
// the real error codes in every form.
func TestTencentSimAuthFailuresInEveryForm(t *testing.T) {
	now, ts := tcformPinnedClock()
	sim, addr := tcsimStart(t, cloudsim.Options{Now: now})
	act := tcformActions()[0]
	cases := []struct {
		name string
		edit func(q *tcformReq)
		code string
	}{
		{"wrong secret key", func(q *tcformReq) { q.key = "wrongSecretKey0000000000000000000" }, "AuthFailure.SignatureFailure"},
		{"unknown SecretId", func(q *tcformReq) { q.id = "AKIDunknown000000000000000000000000" }, "AuthFailure.SecretIdNotFound"},
		{"Timestamp 6 minutes old", func(q *tcformReq) { q.ts -= 360 }, "AuthFailure.SignatureExpire"},
		{"Timestamp 6 minutes ahead", func(q *tcformReq) { q.ts += 360 }, "AuthFailure.SignatureExpire"},
		{"token with a permanent key", func(q *tcformReq) { q.token = "a1b2c3" }, "AuthFailure.TokenFailure"},
		{"another host signed", func(q *tcformReq) { q.signHost = "localhost" }, "AuthFailure.SignatureFailure"},
		{"parameter changed after signing", func(q *tcformReq) {
			q.tamper = func(r *http.Request) {
				if r.URL.RawQuery != "" && r.Method == "GET" {
					r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "PageSize=3", "PageSize=4", 1)
					return
				}
				body, _ := io.ReadAll(r.Body)
				body = bytes.Replace(bytes.Replace(body, []byte("PageSize=3"), []byte("PageSize=4"), 1),
					[]byte(`"PageSize":3`), []byte(`"PageSize":4`), 1)
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			}
		}, "AuthFailure.SignatureFailure"},
	}
	for _, form := range tcforms {
		for _, tc := range cases {
			t.Run(form.name+"/"+tc.name, func(t *testing.T) {
				q := tcformReq{form: form, act: act, host: addr, signHost: addr, scopeService: "127",
					id: cloudsim.DefaultTencentSecretID, key: cloudsim.DefaultTencentSecretKey, ts: ts}
				tc.edit(&q)
				status, header, body := tcformSend(t, q.build(t, addr))
				tcsimCheckEnvelope(t, status, header, body, tc.code)
			})
		}
	}
	if n := sim.CallCount(act.action); n != 0 {
		t.Errorf("CallCount = %d after refused requests only", n)
	}
}

// Shape errors of the v1 and flattened forms, and routing errors.
func TestTencentSimRequestFormErrors(t *testing.T) {
	now, ts := tcformPinnedClock()
	_, addr := tcsimStart(t, cloudsim.Options{Now: now})
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	acts := tcformActions()
	tracks, csip := acts[0], acts[1]
	v1Get, v1Post, tc3Get := tcforms[3], tcforms[4], tcforms[1]
	drop := func(name string) func(p map[string]string) { return func(p map[string]string) { delete(p, name) } }
	flatTracks := func(extra map[string]string) map[string]string {
		m := map[string]string{"PageNumber": "1", "PageSize": "3"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name string
		q    tcformReq
		code string
	}{
		{"v1 without Action", tcformReq{form: v1Get, act: tracks, v1Params: drop("Action")}, "MissingParameter"},
		{"v1 without Version", tcformReq{form: v1Post, act: tracks, v1Params: drop("Version")}, "MissingParameter"},
		{"v1 without SecretId", tcformReq{form: v1Get, act: tracks, v1Params: drop("SecretId")}, "MissingParameter"},
		{"v1 without Timestamp", tcformReq{form: v1Post, act: tracks, v1Params: drop("Timestamp")}, "MissingParameter"},
		{"v1 without Nonce", tcformReq{form: v1Get, act: tracks, v1Params: drop("Nonce")}, "MissingParameter"},
		{"v1 without Signature", tcformReq{form: v1Get, act: tracks, v1Params: func(p map[string]string) { p["Signature"] = "" }}, "MissingParameter"},
		{"v1 SignatureMethod HmacMD5", tcformReq{form: v1Get, act: tracks, v1Params: func(p map[string]string) { p["SignatureMethod"] = "HmacMD5" }}, "InvalidParameterValue"},
		{"v1 POST with a JSON body", tcformReq{form: v1Post, act: tracks, tamper: func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }}, "UnsupportedProtocol"},
		{"PUT", tcformReq{form: tcforms[0], act: tracks, tamper: func(r *http.Request) { r.Method = "PUT" }}, "UnsupportedProtocol"},
		{"v1 without Region where required", tcformReq{form: v1Get, act: tracks, v1Params: drop("Region")}, "MissingParameter"},
		{"unknown action", tcformReq{form: v1Get, act: tcformAction{"cloudaudit", "2019-03-19", "DescribeNothing", "ap-guangzhou", nil}}, "InvalidAction"},
		{"unknown version", tcformReq{form: tc3Get, act: tcformAction{"cloudaudit", "2018-01-01", "DescribeAuditTracks", "ap-guangzhou", tracks.params}}, "NoSuchVersion"},
		{"service host without the action", tcformReq{form: tc3Get, act: tracks, host: "nosuchservice.tencentcloudapi.com:" + port,
			scopeService: "nosuchservice"}, "InvalidAction"},
		{"scope naming another service than the host", tcformReq{form: tc3Get, act: tracks, host: "cloudaudit.tencentcloudapi.com:" + port,
			scopeService: "csip"}, "AuthFailure.SignatureFailure"},
		{"text for an integer", tcformReq{form: v1Get, act: tracks, flat: flatTracks(map[string]string{"PageSize": "three"})}, "InvalidParameter"},
		{"list for an integer", tcformReq{form: tc3Get, act: tracks, flat: map[string]string{"PageNumber.0": "1", "PageSize": "3"}}, "InvalidParameter"},
		{"object for an integer", tcformReq{form: v1Post, act: tracks, flat: map[string]string{"PageNumber": "1", "PageSize.Value": "3"}}, "InvalidParameter"},
		{"JSON text posing as flattened text", tcformReq{form: tcforms[0], act: tcformAction{"cloudaudit", "2019-03-19", "DescribeAuditTracks", "ap-guangzhou",
			map[string]any{"PageNumber": "\x001", "PageSize": 3}}}, "InvalidParameter"},
		{"JSON text for an integer", tcformReq{form: tcforms[0], act: tcformAction{"cloudaudit", "2019-03-19", "DescribeAuditTracks", "ap-guangzhou",
			map[string]any{"PageNumber": "1", "PageSize": 3}}}, "InvalidParameter"},
		{"unknown parameter", tcformReq{form: v1Post, act: tracks, flat: flatTracks(map[string]string{"Foo": "1"})}, "UnknownParameter"},
		{"list with a gap", tcformReq{form: v1Get, act: csip, flat: map[string]string{"SubUin": cloudsim.CSIPSubUins[0], "MemberId.1": "mem-2"}}, "InvalidParameter"},
		{"value and object at once", tcformReq{form: tc3Get, act: csip, flat: map[string]string{"SubUin": cloudsim.CSIPSubUins[0],
			"Filter": "x", "Filter.Limit": "2"}}, "InvalidParameter"},
		{"empty name segment", tcformReq{form: tc3Get, act: csip, flat: map[string]string{"SubUin": cloudsim.CSIPSubUins[0], "Filter..Limit": "2"}}, "InvalidParameter"},
		{"nested text for an integer", tcformReq{form: v1Get, act: csip, flat: map[string]string{"SubUin": cloudsim.CSIPSubUins[0],
			"Filter.Filters.0.Name": "Code", "Filter.Filters.0.Values.0": "0", "Filter.Filters.0.OperatorType": "seven"}}, "InvalidParameter"},
		{"nested unknown parameter", tcformReq{form: v1Post, act: csip, flat: map[string]string{"SubUin": cloudsim.CSIPSubUins[0], "Filter.Size": "2"}}, "UnknownParameter"},
		{"required nested value missing", tcformReq{form: tc3Get, act: csip, flat: map[string]string{"SubUin": cloudsim.CSIPSubUins[0],
			"Filter.Filters.0.Values.0": "0"}}, "MissingParameter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.id, q.key, q.ts = cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey, ts
			if q.host == "" {
				q.host = addr
			}
			q.signHost = q.host
			if q.scopeService == "" {
				q.scopeService = "127"
			}
			status, header, body := tcformSend(t, q.build(t, addr))
			tcsimCheckEnvelope(t, status, header, body, tc.code)
		})
	}
}

// A request shaped like a Tencent one is answered in Tencent's envelope
// however wrong it is; UCloud requests still reach the UCloud half.
func TestTencentShapedRequestsNeverGetUCloudEnvelope(t *testing.T) {
	_, addr := tcsimStart(t, cloudsim.Options{})
	post := func(form url.Values, header map[string]string) *http.Request {
		r, _ := http.NewRequest("POST", "http://"+addr+"/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			r.Header.Set(k, v)
		}
		return r
	}
	get := func(q url.Values, header map[string]string) *http.Request {
		r, _ := http.NewRequest("GET", "http://"+addr+"/?"+q.Encode(), nil)
		for k, v := range header {
			r.Header.Set(k, v)
		}
		return r
	}
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		req  *http.Request
		code string
	}{
		{"GET Action and SecretId", get(v("Action", "DescribeAuditTracks", "SecretId", cloudsim.DefaultTencentSecretID), nil), "MissingParameter"},
		{"POST Action, SecretId and Signature", post(v("Action", "DescribeAuditTracks", "SecretId", "AKIDx", "Signature", "c2ln"), nil), "MissingParameter"},
		{"POST v1 without SecretId", post(v("Action", "DescribeAuditTracks", "Version", "2019-03-19", "Signature", "c2ln",
			"Nonce", "1", "Timestamp", "1700000000", "SignatureMethod", "HmacSHA256"), nil), "MissingParameter"},
		{"GET complete v1 with a bad signature", get(v("Action", "DescribeAuditTracks", "Version", "2019-03-19", "Region", "ap-guangzhou",
			"SecretId", cloudsim.DefaultTencentSecretID, "Signature", "c2ln", "Nonce", "1",
			"Timestamp", strconv.FormatInt(time.Now().Unix(), 10)), nil), "AuthFailure.SignatureFailure"},
		{"GET with X-TC-Action only", get(nil, map[string]string{"X-TC-Action": "DescribeAuditTracks"}), "AuthFailure.InvalidAuthorization"},
		{"POST form with X-TC-Action only", post(v("PageNumber", "1"), map[string]string{"X-TC-Action": "DescribeAuditTracks"}), "AuthFailure.InvalidAuthorization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, header, body := tcformSend(t, tc.req)
			if bytes.Contains(body, []byte("RetCode")) {
				t.Fatalf("answered in UCloud's envelope: %s", body)
			}
			tcsimCheckEnvelope(t, status, header, body, tc.code)
		})
	}
	// UCloud requests, right or wrong, still reach the UCloud half.
	for _, tc := range []struct {
		name    string
		form    url.Values
		retCode float64
	}{
		{"Action and Signature without PublicKey", v("Action", "GetUserOperationEvents", "Signature", "abc"), 172},
		{"unknown PublicKey", v("Action", "GetUserOperationEvents", "PublicKey", "nobody@example.com", "Signature", "abc"), 172},
		{"missing Action", v("PublicKey", cloudsim.DefaultUCloudPublicKey), 160},
	} {
		t.Run("UCloud "+tc.name, func(t *testing.T) {
			_, _, body := tcformSend(t, post(tc.form, nil))
			var reply map[string]any
			if err := json.Unmarshal(body, &reply); err != nil || reply["RetCode"] != tc.retCode {
				t.Errorf("want UCloud RetCode %v, got %s", tc.retCode, body)
			}
		})
	}
}

// Faults injected for an action apply to it in the v1 and GET forms too.
func TestTencentSimFaultsMatchEveryForm(t *testing.T) {
	now, ts := tcformPinnedClock()
	sim, addr := tcsimStart(t, cloudsim.Options{Now: now})
	act := tcformActions()[0]
	for _, form := range tcforms {
		t.Run(form.name, func(t *testing.T) {
			sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: act.action, Code: "InternalError", Times: 1})
			defer sim.ClearFaults()
			q := tcformReq{form: form, act: act, host: addr, signHost: addr, scopeService: act.service,
				id: cloudsim.DefaultTencentSecretID, key: cloudsim.DefaultTencentSecretKey, ts: ts}
			status, header, body := tcformSend(t, q.build(t, addr))
			tcsimCheckEnvelope(t, status, header, body, "InternalError")
			status, _, body = tcformSend(t, q.build(t, addr))
			tcformAnswer(t, status, body)
		})
	}
}
