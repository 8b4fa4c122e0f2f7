package cloudsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The UCloud gateway answers every call with HTTP 200 and a JSON envelope
// {RetCode, Action, Message, ...}. These are the codes and messages the real
// gateway uses for the failures the simulator reproduces.
const (
	ucloudRetMissingAction   = 160 // "Missing Action"
	ucloudRetNoSuchAction    = 161 // "Action not exists"
	ucloudRetMissingSig      = 170 // "Missing signature"
	ucloudRetBadSignature    = 171 // "Signature VerifyAC Error"
	ucloudRetNoSuchUser      = 172 // "User Not Exists"
	ucloudRetNoSuchToken     = 174 // "Token does not exist"
	ucloudRetTooFrequent     = 153 // "Request too frequent"
	ucloudRetNoSuchProject   = 292 // "Project does not exist"
	ucloudRetParamNotAllowed = 230 // "Params [X] not available"
)

const (
	// ucloudQueryWindow is how far back GetUserOperationEvents can look.
	ucloudQueryWindow = 365 * 24 * time.Hour
	// ucloudQueryWindowGrace is how much older than ucloudQueryWindow a
	// BeginTime or EndTime may be before the simulator refuses it. The API
	// documents "only the last 365 days can be queried" and nothing about a
	// start slightly older than that: the limit is a retention period, and a
	// window whose first seconds reach past it can be served (they hold no
	// events). The simulator refuses what is clearly outside the window, and
	// accepts a start up to 15 minutes older, as a window computed as
	// "365 days ago" shortly before a request is; the provider's own
	// plan-time check allows the same grace.
	ucloudQueryWindowGrace = 15 * time.Minute
	// ucloudDefaultPageSize is the page size when MaxResults is absent (the
	// API documents none; 20 is a common gateway default).
	ucloudDefaultPageSize = 20
	// ucloudMaxPageSize is the documented maximum of MaxResults, and
	// ucloudMaxAccessKeyIDs the documented maximum count of AccessKeyIDs.N.
	ucloudMaxPageSize     = 50
	ucloudMaxAccessKeyIDs = 50
	// ucloudMaxBody bounds a request body; real requests are tiny.
	ucloudMaxBody = 1 << 20
)

// ucloudAPI is the UCloud half of the simulator.
type ucloudAPI struct {
	srv      *Server
	tokenKey []byte // HMAC key of NextTokens

	dataOnce sync.Once
	dataSet  *ucloudDataSet
	projects ucloudProjectSet

	mu        sync.Mutex
	inFlight  map[string]int                  // GetUserOperationEvents calls running, by PublicKey
	tempCreds map[string]ucloudTempCredential // by temporary PublicKey
}

// ucloudTempCredential is an STS-style key pair bound to a SecurityToken.
type ucloudTempCredential struct {
	privateKey string
	token      string
	expires    time.Time
}

// ucloudActions are the actions the simulator implements.
var ucloudActions = map[string]func(*ucloudAPI, *ucloudCall) any{
	"GetUserOperationEvents": (*ucloudAPI).getUserOperationEvents,
	"GetProjectList":         (*ucloudAPI).getProjectList,
}

func newUCloudAPI(srv *Server) *ucloudAPI {
	// Tokens are keyed on the account, so they are stable across restarts of
	// a simulator with the same options, as the data set is.
	key := sha256.Sum256([]byte("cloudsim ucloud NextToken\x00" + srv.opts.UCloudPrivateKey + "\x00" + srv.opts.UCloudProjectID))
	return &ucloudAPI{
		srv:       srv,
		tokenKey:  key[:],
		inFlight:  map[string]int{},
		tempCreds: map[string]ucloudTempCredential{},
	}
}

// data builds the data set on first use, so a simulator that only serves
// Tencent calls never pays for it.
func (u *ucloudAPI) data() *ucloudDataSet {
	u.dataOnce.Do(func() {
		if d := u.srv.opts.Data; d != nil && d.ucloud != nil {
			u.dataSet = ucloudDataSetFrom(d.ucloud)
			return
		}
		u.dataSet = buildUCloudDataSet(u.srv.opts.Events, u.srv.opts.UCloudFailureEvery, u.srv.start)
	})
	return u.dataSet
}

// IssueUCloudToken mints temporary credentials, as STS AssumeRole would: a
// key pair usable only together with the returned SecurityToken, until ttl
// has passed (on the simulator's clock). ttl <= 0 means one hour.
func (s *Server) IssueUCloudToken(ttl time.Duration) (publicKey, privateKey, securityToken string) {
	if ttl <= 0 {
		ttl = time.Hour
	}
	publicKey = "TEMP_" + ucloudRandomHex(16)
	privateKey = ucloudRandomHex(20)
	securityToken = "sts-" + ucloudRandomHex(32)
	u := s.ucloud
	u.mu.Lock()
	u.tempCreds[publicKey] = ucloudTempCredential{privateKey: privateKey, token: securityToken, expires: s.opts.Now().Add(ttl)}
	u.mu.Unlock()
	return publicKey, privateKey, securityToken
}

func ucloudRandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ucloudCall is an authenticated request.
type ucloudCall struct {
	r         *http.Request
	action    string
	publicKey string
	params    map[string]string
}

// ucloudReply is the envelope of every answer. Gateway-level errors carry no
// Action, as on the real gateway.
type ucloudReply struct {
	RetCode int    `json:"RetCode"`
	Action  string `json:"Action,omitempty"`
	Message string `json:"Message,omitempty"`
}

func gatewayError(code int, msg string) ucloudReply { return ucloudReply{RetCode: code, Message: msg} }

func (c *ucloudCall) fail(code int, msg string) ucloudReply {
	return ucloudReply{RetCode: code, Action: c.action + "Response", Message: msg}
}

func (u *ucloudAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reply := u.serve(r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-UCLOUD-REQUEST-UUID", newRequestID())
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(reply)
}

// serve authenticates a request and runs its action, in the gateway's order
// of checks.
func (u *ucloudAPI) serve(r *http.Request) any {
	params := parseUCloudParams(r)

	action := params["Action"]
	if action == "" {
		return gatewayError(ucloudRetMissingAction, "Missing Action")
	}
	signature := params["Signature"]
	if signature == "" {
		return gatewayError(ucloudRetMissingSig, "Missing signature")
	}
	publicKey := params["PublicKey"]
	privateKey, temp, ok := u.lookupKey(publicKey)
	if !ok {
		return gatewayError(ucloudRetNoSuchUser, "User Not Exists")
	}
	// Compared exactly, as lower-case hex, in constant time.
	if !hmac.Equal([]byte(signature), []byte(ucloudSign(params, privateKey))) {
		return gatewayError(ucloudRetBadSignature, "Signature VerifyAC Error")
	}
	// The token is signed like any parameter, so it is checked after the
	// signature. Temporary keys are useless without their token.
	if token, has := params["SecurityToken"]; has || temp != nil {
		if temp == nil || token != temp.token || !u.srv.opts.Now().Before(temp.expires) {
			return gatewayError(ucloudRetNoSuchToken, "Token does not exist")
		}
	}
	handler, known := ucloudActions[action]
	if !known {
		return gatewayError(ucloudRetNoSuchAction, "Action not exists")
	}

	call := &ucloudCall{r: r, action: action, publicKey: publicKey, params: params}
	u.srv.countCall(action)
	if p := params["ProjectId"]; p != "" && !u.projectExists(p) {
		return call.fail(ucloudRetNoSuchProject, "Project does not exist")
	}
	return handler(u, call)
}

// lookupKey finds the private key of a long-term or temporary public key.
func (u *ucloudAPI) lookupKey(publicKey string) (privateKey string, temp *ucloudTempCredential, ok bool) {
	if publicKey == "" {
		return "", nil, false
	}
	if publicKey == u.srv.opts.UCloudPublicKey {
		return u.srv.opts.UCloudPrivateKey, nil, true
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if c, found := u.tempCreds[publicKey]; found {
		return c.privateKey, &c, true
	}
	return "", nil, false
}

// ucloudSign is the gateway's signature: names sorted bytewise, name+value
// concatenated without escaping, private key appended, SHA-1, lower hex. It
// is written out here rather than imported from the client, so that a bug in
// the client cannot hide itself by being on both sides.
func ucloudSign(params map[string]string, privateKey string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	h := sha1.New()
	for _, k := range names {
		h.Write([]byte(k))
		h.Write([]byte(params[k]))
	}
	h.Write([]byte(privateKey))
	return hex.EncodeToString(h.Sum(nil))
}

// parseUCloudParams collects a request's parameters the ways the gateway
// accepts them: the query string (GET, and ?Action= on POST), and a POST body
// that is either form-encoded or a JSON object of flattened keys with typed
// values. Body values win over query values of the same name. A body that
// cannot be parsed contributes nothing, so the request then fails on the
// first missing parameter, as it would on the gateway.
func parseUCloudParams(r *http.Request) map[string]string {
	params := map[string]string{}
	if r.Method == http.MethodPost && r.Body != nil {
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, ucloudMaxBody))
		if err == nil {
			mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			switch mediaType {
			case "application/json":
				parseUCloudJSON(body, params)
			case "application/x-www-form-urlencoded", "":
				if form, err := url.ParseQuery(string(body)); err == nil {
					for k, vs := range form {
						params[k] = vs[0]
					}
				}
			}
		}
	}
	for k, vs := range r.URL.Query() {
		if _, set := params[k]; !set {
			params[k] = vs[0]
		}
	}
	return params
}

// parseUCloudJSON flattens a JSON body into params: scalars as the SDKs
// format them for signing, arrays as Name.N, objects as Name.Sub.
func parseUCloudJSON(body []byte, params map[string]string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil {
		return
	}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch v := v.(type) {
		case string:
			params[name] = v
		case bool:
			params[name] = strconv.FormatBool(v)
		case json.Number:
			if n, err := v.Int64(); err == nil {
				params[name] = strconv.FormatInt(n, 10)
			} else if f, err := v.Float64(); err == nil {
				params[name] = strconv.FormatFloat(f, 'f', -1, 64)
			} else {
				params[name] = v.String()
			}
		case []any:
			for i, e := range v {
				walk(name+"."+strconv.Itoa(i), e)
			}
		case map[string]any:
			for k, e := range v {
				walk(name+"."+k, e)
			}
		}
	}
	for k, v := range obj {
		walk(k, v)
	}
}

// ucloudEventsQuery is a parsed GetUserOperationEvents request.
type ucloudEventsQuery struct {
	project          string
	beginRaw, endRaw string // as sent ("" = absent); they bind the token
	begin, end       int64  // effective window
	maxResults       int
	resourceID       string
	accessKeys       []string // sorted, distinct
	nextToken        string
	hasBegin, hasEnd bool
	offset           int
	// epoch counts the tokens issued for one position: an empty page
	// (FaultEmptyPage) hands out a new token for the position it was asked
	// for, which a client must follow.
	epoch uint64
	// bound is every parameter of the request but NextToken and the
	// credentials, encoded canonically: a token is valid only with them.
	bound []byte
}

// getUserOperationEvents implements the ULog action.
func (u *ucloudAPI) getUserOperationEvents(c *ucloudCall) any {
	// The API forbids concurrent calls: a second call with the same key while
	// one is running is throttled. Only the slot is guarded; the work runs
	// outside the lock.
	u.mu.Lock()
	if u.inFlight[c.publicKey] > 0 {
		u.mu.Unlock()
		return c.fail(ucloudRetTooFrequent, "Request too frequent")
	}
	u.inFlight[c.publicKey]++
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		u.inFlight[c.publicKey]--
		u.mu.Unlock()
	}()
	if d := u.srv.opts.UCloudLatency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
		}
		t.Stop()
	}

	q, fail := u.parseEventsQuery(c)
	if fail != nil {
		return *fail
	}

	d := u.data()
	matches := d.window(d.view(q.resourceID, q.accessKeys), q.begin, q.end)
	if q.project != u.srv.opts.UCloudProjectID {
		matches = nil // the other projects of the account hold no operation events
	}
	if q.offset > len(matches) {
		return c.fail(ucloudRetParamNotAllowed, "NextToken is invalid")
	}
	served := int(u.srv.cappedPage(c.action, int64(q.maxResults)))
	page := matches[q.offset:min(q.offset+served, len(matches))]
	events := make([]UCloudEvent, len(page))
	for i, idx := range page {
		events[i] = d.events[idx]
	}
	next := ""
	if end := q.offset + len(page); end < len(matches) {
		next = u.issueToken(q, end, 0)
	}
	if emptyPageFault(c.r) {
		// A gateway that answers a page with no event but a token for the
		// same position: the events are still there, one call later.
		events, next = events[:0], u.issueToken(q, q.offset, q.epoch+1)
	}
	return struct {
		ucloudReply
		Events    []UCloudEvent `json:"Events"`
		NextToken string        `json:"NextToken,omitempty"`
	}{ucloudReply{Action: c.action + "Response"}, events, next}
}

// parseEventsQuery validates the parameters of GetUserOperationEvents.
func (u *ucloudAPI) parseEventsQuery(c *ucloudCall) (ucloudEventsQuery, *ucloudReply) {
	p := c.params
	bad := func(name, why string) (ucloudEventsQuery, *ucloudReply) {
		msg := "Params [" + name + "] not available"
		if why != "" {
			msg += ": " + why
		}
		r := c.fail(ucloudRetParamNotAllowed, msg)
		return ucloudEventsQuery{}, &r
	}
	q := ucloudEventsQuery{
		project:    u.srv.opts.UCloudProjectID, // empty ProjectId = the default project
		maxResults: ucloudDefaultPageSize,
		resourceID: p["ResourceID"],
		nextToken:  p["NextToken"],
	}
	if id := p["ProjectId"]; id != "" {
		q.project = id // serve checked that the project exists
	}

	if v, ok := p["MaxResults"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ucloudMaxPageSize {
			return bad("MaxResults", "must be an integer from 1 to 50")
		}
		q.maxResults = n
	}
	q.bound = ucloudBoundParams(p)
	var err error
	if q.beginRaw, q.hasBegin = p["BeginTime"]; q.hasBegin {
		if q.begin, err = strconv.ParseInt(q.beginRaw, 10, 64); err != nil {
			return bad("BeginTime", "must be a UNIX timestamp in seconds")
		}
	}
	if q.endRaw, q.hasEnd = p["EndTime"]; q.hasEnd {
		if q.end, err = strconv.ParseInt(q.endRaw, 10, 64); err != nil {
			return bad("EndTime", "must be a UNIX timestamp in seconds")
		}
	}
	keys := map[string]bool{}
	for k, v := range p {
		rest, isKey := strings.CutPrefix(k, "AccessKeyIDs.")
		if !isKey {
			continue
		}
		if _, err := strconv.ParseUint(rest, 10, 32); err != nil {
			return bad(k, "")
		}
		keys[v] = true
	}
	if len(keys) > ucloudMaxAccessKeyIDs {
		return bad("AccessKeyIDs", "at most 50 access keys")
	}
	for k := range keys {
		q.accessKeys = append(q.accessKeys, k)
	}
	sort.Strings(q.accessKeys)

	if q.nextToken != "" {
		// A token fixes the window it was issued for, so a read that spans
		// the clock moving on stays consistent; it has already been
		// checked against the 365-day limit.
		offset, begin, end, epoch, ok := u.openToken(q)
		if !ok {
			r := c.fail(ucloudRetParamNotAllowed, "NextToken is invalid")
			return ucloudEventsQuery{}, &r
		}
		q.offset, q.begin, q.end, q.epoch = offset, begin, end, epoch
		return q, nil
	}

	now := u.srv.opts.Now().Unix()
	oldest := now - int64(ucloudQueryWindow/time.Second)
	if !q.hasBegin {
		q.begin = oldest
	}
	if !q.hasEnd {
		q.end = now
	}
	oldest -= int64(ucloudQueryWindowGrace / time.Second)
	switch {
	case q.begin < oldest:
		return bad("BeginTime", "only the operation events of the last 365 days can be queried")
	case q.end < oldest:
		return bad("EndTime", "only the operation events of the last 365 days can be queried")
	case q.begin > q.end:
		return bad("BeginTime", "BeginTime is later than EndTime")
	}
	return q, nil
}

// A NextToken is base64url(offset | begin | end | epoch | mac), where mac is
// an HMAC-SHA256 (truncated to 16 bytes) over the request's parameters and
// the rest of the token. It is deterministic per (request, offset), opaque to
// clients, and valid only with exactly the parameters of the call that
// returned it, as the API documents: every parameter but NextToken, the
// signature and the credentials (PublicKey, SecurityToken) is bound,
// MaxResults included, byte for byte. A client that changes anything between
// pages, even only the page size of its last page, is refused with
// RetCode 230.
const ucloudTokenPayload = 32

// ucloudTokenUnbound are the parameters a NextToken is not bound to.
var ucloudTokenUnbound = map[string]bool{"NextToken": true, "Signature": true, "PublicKey": true, "SecurityToken": true}

// ucloudBoundParams encodes the parameters a token is bound to: names in
// byte order, every name and value length-prefixed so that no two requests
// encode alike.
func ucloudBoundParams(p map[string]string) []byte {
	names := make([]string, 0, len(p))
	for k := range p {
		if !ucloudTokenUnbound[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b []byte
	for _, k := range names {
		b = binary.BigEndian.AppendUint32(b, uint32(len(k)))
		b = append(b, k...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(p[k])))
		b = append(b, p[k]...)
	}
	return b
}

func (u *ucloudAPI) tokenMAC(q ucloudEventsQuery, payload []byte) []byte {
	m := hmac.New(sha256.New, u.tokenKey)
	m.Write(binary.BigEndian.AppendUint32(nil, uint32(len(q.bound))))
	m.Write(q.bound)
	m.Write(payload)
	return m.Sum(nil)[:16]
}

func (u *ucloudAPI) issueToken(q ucloudEventsQuery, offset int, epoch uint64) string {
	b := make([]byte, ucloudTokenPayload, ucloudTokenPayload+16)
	binary.BigEndian.PutUint64(b[0:], uint64(offset))
	binary.BigEndian.PutUint64(b[8:], uint64(q.begin))
	binary.BigEndian.PutUint64(b[16:], uint64(q.end))
	binary.BigEndian.PutUint64(b[24:], epoch)
	b = append(b, u.tokenMAC(q, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (u *ucloudAPI) openToken(q ucloudEventsQuery) (offset int, begin, end int64, epoch uint64, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(q.nextToken)
	if err != nil || len(b) != ucloudTokenPayload+16 {
		return 0, 0, 0, 0, false
	}
	if !hmac.Equal(b[ucloudTokenPayload:], u.tokenMAC(q, b[:ucloudTokenPayload])) {
		return 0, 0, 0, 0, false
	}
	off := binary.BigEndian.Uint64(b[0:])
	if off > 1<<31 {
		return 0, 0, 0, 0, false
	}
	return int(off), int64(binary.BigEndian.Uint64(b[8:])), int64(binary.BigEndian.Uint64(b[16:])), binary.BigEndian.Uint64(b[24:]), true
}
