package cloudsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxClockSkew is how far X-TC-Timestamp may be from the server's clock.
const maxClockSkew = 5 * time.Minute

// tencentAPI is the Tencent Cloud API 3.0 half of the simulator.
type tencentAPI struct {
	srv     *Server
	actions map[string]tencentAction // by "service/Action"

	mu        sync.Mutex
	tempCreds map[string]tempCredential // by temporary SecretId

	tracksOnce sync.Once
	tracks     []json.RawMessage // guarded by mu once built

	csip *csipService
	org  *orgService
	cls  *clsService

	eventsOnce  sync.Once
	events      *tencentEventData // CloudAudit DescribeEvents data set
	eventsEpoch time.Time         // the simulator's start: events are dated before it

	rateBuckets map[string]*tokenBucket // by action and SecretId, guarded by mu
	assumed     map[string]int          // AssumeRole answers by role ARN, guarded by mu
}

// tencentRateLimit is the documented limit of every action served here but
// AssumeRole (tencentRateLimits). Each is enforced as a token bucket whose
// rate and burst are the limit (ratelimit.go).
const tencentRateLimit = 20

// tencentRateLimits are the actions whose documented limit is another:
// STS AssumeRole allows 600 calls per second
// (https://www.tencentcloud.com/document/product/1150/49456); the CLS
// actions' pages state theirs (cls.md §1).
var tencentRateLimits = map[string]int{"AssumeRole": 600,
	"SearchLog": 10000, "DescribeLogHistogram": 10000, "DescribeTopics": 50, "DescribeIndex": 20}

// rateLimitOf is the documented per-second limit of an action.
func rateLimitOf(action string) int {
	if n, ok := tencentRateLimits[action]; ok {
		return n
	}
	return tencentRateLimit
}

// tencentAction is one action the simulator answers.
type tencentAction struct {
	version        string
	regionRequired bool
	regions        map[string]bool // nil: any region (or none)
	handle         func(call *tencentCall) (any, *tencentError)
}

// tencentCall is an authenticated request, handed to an action's handler.
type tencentCall struct {
	service, action, region string
	secretID                string
	params                  params
	now                     time.Time
	// ignoreOffset is set by FaultIgnoreOffset: paged actions answer every
	// page from the first record.
	ignoreOffset bool
}

// tencentError is an API error answered in the {"Error": …} envelope.
type tencentError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

func errorf(code, format string, args ...any) *tencentError {
	return &tencentError{Code: code, Message: fmt.Sprintf(format, args...)}
}

type tempCredential struct {
	secretKey string
	token     string
	expires   time.Time
	// The role the credential was issued for: its owner account, role ID
	// and session name, and the UIN that assumed it.
	roleOwner, roleID, session, assumedBy string
}

func newTencentAPI(srv *Server) *tencentAPI {
	t := &tencentAPI{srv: srv, actions: map[string]tencentAction{}, tempCreds: map[string]tempCredential{}, rateBuckets: map[string]*tokenBucket{}, assumed: map[string]int{},
		eventsEpoch: srv.opts.Now()}
	t.register("sts", "AssumeRole", tencentAction{version: "2018-08-13", regionRequired: true, handle: t.assumeRole})
	t.register("sts", "GetCallerIdentity", tencentAction{version: "2018-08-13", regionRequired: true, handle: t.getCallerIdentity})
	t.register("cloudaudit", "DescribeAuditTracks", tencentAction{
		version: "2019-03-19", regionRequired: true, regions: cloudAuditRegions, handle: t.describeAuditTracks,
	})
	t.register("cloudaudit", "DescribeEvents", tencentAction{
		version: "2019-03-19", regionRequired: true, regions: cloudAuditRegions, handle: t.describeEvents,
	})
	t.register("cloudaudit", "DescribeAuditTrack", tencentAction{
		version: "2019-03-19", regionRequired: true, regions: cloudAuditRegions, handle: t.describeAuditTrack,
	})
	registerCSIP(t)
	registerOrganization(t)
	registerCLS(t)
	return t
}

// register adds an action; the CSIP half and later actions slot in here.
func (t *tencentAPI) register(service, action string, a tencentAction) {
	t.actions[service+"/"+action] = a
}

func (t *tencentAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	result, apiErr := t.serve(r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-TC-RequestId", requestID)
	if apiErr != nil {
		_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{"Error": apiErr, "RequestId": requestID}})
		return
	}
	writeTencentSuccess(w, result, requestID)
}

// writeTencentSuccess writes {"Response": {<result fields>, "RequestId": …}}.
// result is a struct or map that marshals to a JSON object.
func writeTencentSuccess(w io.Writer, result any, requestID string) {
	body, err := json.Marshal(result)
	if err != nil || len(body) < 2 || body[0] != '{' {
		_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
			"Error": errorf("InternalError", "simulator could not encode its answer"), "RequestId": requestID}})
		return
	}
	var b strings.Builder
	b.Grow(len(body) + 64)
	b.WriteString(`{"Response":{`)
	if inner := body[1 : len(body)-1]; len(inner) > 0 {
		b.Write(inner)
		b.WriteByte(',')
	}
	b.WriteString(`"RequestId":"` + requestID + `"}}`)
	_, _ = io.WriteString(w, b.String())
}

// serve authenticates the request exactly as the real gateway does, then
// runs the action. Checks happen in the gateway's order: request shape,
// timestamp, key, signature, token, then action, version and region. The
// request may come in any form readTencentRequest accepts; from the
// authentication on, every form takes the same path.
func (t *tencentAPI) serve(r *http.Request) (any, *tencentError) {
	now := t.srv.opts.Now()
	if skew, ok := r.Context().Value(clockSkewKey{}).(time.Duration); ok {
		now = now.Add(skew)
	}
	req, rerr := readTencentRequest(r)
	if rerr != nil {
		return nil, rerr
	}
	ts, err := strconv.ParseInt(req.timestamp, 10, 64)
	if err != nil {
		return nil, errorf("MissingParameter", "The request is missing a required parameter `Timestamp`.")
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > maxClockSkew || skew < -maxClockSkew {
		return nil, errorf("AuthFailure.SignatureExpire",
			"Signature expired. Timestamp:%d, server time:%d; the request timestamp must be within 5 minutes of the server time, check your system clock.", ts, now.Unix())
	}

	secretKey, temp, known := t.lookupKey(req.secretID)
	if !known {
		return nil, errorf("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
	}
	if !req.verify(secretKey, ts) {
		return nil, errorf("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.")
	}
	token := req.token
	switch {
	case temp != nil && token != temp.token:
		return nil, errorf("AuthFailure.TokenFailure", "The token is invalid; temporary credentials must be sent with the token they were issued with.")
	case temp != nil && !now.Before(temp.expires):
		return nil, errorf("AuthFailure.TokenFailure", "The token has expired; request new temporary credentials.")
	case temp == nil && token != "":
		return nil, errorf("AuthFailure.TokenFailure", "A token was sent with a permanent key; the token is invalid.")
	}

	actionName := req.action
	service, action, aerr := t.resolveAction(r.Host, req.scopeService, actionName, req.version)
	if aerr != nil {
		return nil, aerr
	}
	region := req.region
	if action.regionRequired && region == "" {
		return nil, errorf("MissingParameter", "The request is missing a required parameter `Region`.")
	}
	if region != "" && action.regions != nil && !action.regions[region] {
		return nil, errorf("UnsupportedRegion", "The action `%s` is not supported in region `%s`.", actionName, region)
	}
	var p params
	var perr *tencentError
	if req.flat != nil {
		p, perr = unflattenParams(req.flat)
	} else {
		p, perr = parseParams(req.body)
	}
	if perr != nil {
		return nil, perr
	}
	// The limit runs on the server's clock, without a FaultClockSkew.
	if t.srv.opts.EnforceRateLimits && !t.withinRateLimit(actionName, req.secretID, t.srv.opts.Now()) {
		t.srv.countThrottled()
		return nil, errorf("RequestLimitExceeded", "Your current request times exceeds the frequency limit `%d` for a second. Please reduce the frequency of calls.", rateLimitOf(actionName))
	}
	t.srv.countCall(actionName)
	handle := action.handle
	if m := t.memberFor(req.secretID); m != nil && service != "sts" {
		// A member account's role reads that account's data.
		handle = m.srv.tencent.actions[service+"/"+actionName].handle
		m.srv.countCall(actionName)
	}
	return handle(&tencentCall{service: service, action: actionName, region: region, secretID: req.secretID, params: p, now: now,
		ignoreOffset: faultFlag(r, ignoreOffsetKey{})})
}

// withinRateLimit counts a call against its action's budget: a token
// bucket of the documented rate per second, holding as many.
func (t *tencentAPI) withinRateLimit(action, secretID string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := action + "/" + secretID
	b := t.rateBuckets[key]
	if b == nil {
		limit := rateLimitOf(action)
		b = newTokenBucket(limit, limit, now)
		t.rateBuckets[key] = b
	}
	return b.take(now)
}

// expireTemporaryCredentials ends every STS session issued so far.
func (t *tencentAPI) expireTemporaryCredentials() {
	t.mu.Lock()
	defer t.mu.Unlock()
	past := t.srv.opts.Now().Add(-time.Second)
	for id, c := range t.tempCreds {
		c.expires = past
		t.tempCreds[id] = c
	}
}

// lookupKey returns the secret key of a permanent or temporary SecretId.
func (t *tencentAPI) lookupKey(secretID string) (key string, temp *tempCredential, ok bool) {
	if secretID == t.srv.opts.TencentSecretID {
		return t.srv.opts.TencentSecretKey, nil, true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, found := t.tempCreds[secretID]; found {
		return c.secretKey, &c, true
	}
	return "", nil, false
}

type tc3Auth struct {
	secretID, date, service string
	signedHeaders           []string
	signature               string
}

// parseTC3Authorization reads
// "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=a;b, Signature=<hex>".
func parseTC3Authorization(h string) (tc3Auth, *tencentError) {
	var a tc3Auth
	bad := errorf("AuthFailure.InvalidAuthorization", "The Authorization header is not a valid TC3-HMAC-SHA256 authorization.")
	rest, ok := strings.CutPrefix(h, "TC3-HMAC-SHA256 ")
	if !ok {
		return a, bad
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 4 || scope[3] != "tc3_request" {
				return a, bad
			}
			a.secretID, a.date, a.service = scope[0], scope[1], scope[2]
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	if a.secretID == "" || a.signature == "" || !contains(a.signedHeaders, "content-type") || !contains(a.signedHeaders, "host") {
		return a, bad
	}
	return a, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// tc3Signature computes the TC3-HMAC-SHA256 signature the request should
// carry, from the request as received, with host as the signed host. The
// canonical query string is the query as sent (GET). The credential scope's
// date must be the UTC date of the timestamp; if it is not, the signature
// cannot match.
func tc3Signature(secretKey string, r *http.Request, a tc3Auth, host string, body []byte, ts int64) string {
	// Names and values of signed headers are lower-cased and trimmed.
	var canonHeaders strings.Builder
	for _, name := range a.signedHeaders {
		value := r.Header.Get(name)
		if name == "host" {
			value = host
		}
		canonHeaders.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	payloadHash := sha256.Sum256(body)
	canonical := strings.Join([]string{
		r.Method, "/", r.URL.RawQuery, canonHeaders.String(), strings.Join(a.signedHeaders, ";"), hex.EncodeToString(payloadHash[:]),
	}, "\n")
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	scope := a.date + "/" + a.service + "/tc3_request"
	canonHash := sha256.Sum256([]byte(canonical))
	stringToSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + scope + "\n" + hex.EncodeToString(canonHash[:])
	if a.date != date {
		return "" // a scope for another day never verifies
	}
	kDate := hmacSHA256([]byte("TC3"+secretKey), date)
	kService := hmacSHA256(kDate, a.service)
	kSigning := hmacSHA256(kService, "tc3_request")
	return hex.EncodeToString(hmacSHA256(kSigning, stringToSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
