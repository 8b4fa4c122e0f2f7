package cloudsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind names a failure the simulator can inject.
type FaultKind string

const (
	// FaultThrottle answers with a throttling error: Code, or by default
	// RequestLimitExceeded (Tencent) or RetCode 153 (UCloud).
	FaultThrottle FaultKind = "throttle"
	// FaultAPIError answers with the API error Code: a Tencent error code
	// such as "InternalError", or a UCloud RetCode such as "150".
	FaultAPIError FaultKind = "api-error"
	// FaultHTTPStatus answers HTTPStatus (default 502) with an HTML body, as
	// a load balancer in front of the API does.
	FaultHTTPStatus FaultKind = "http-status"
	// FaultSlow answers normally, after Delay.
	FaultSlow FaultKind = "slow"
	// FaultReset closes the connection without answering.
	FaultReset FaultKind = "reset"
	// FaultTruncate sends the first half of the real answer.
	FaultTruncate FaultKind = "truncate"
	// FaultMalformed answers HTTP 200 with a body that is not JSON.
	FaultMalformed FaultKind = "malformed"
	// FaultStringRetCode sends UCloud's RetCode as a JSON string, as some
	// gateways do. The answer is otherwise the real one.
	FaultStringRetCode FaultKind = "string-retcode"
	// FaultExpireTokens expires every temporary credential issued so far,
	// then answers normally (so a request signed with one is refused).
	FaultExpireTokens FaultKind = "expire-tokens"
	// FaultClockSkew checks the request's signature time as if the server's
	// clock were Delay ahead.
	FaultClockSkew FaultKind = "clock-skew"
	// FaultInsertRecords adds Records new records to the data set before
	// answering, as activity during a long read does.
	FaultInsertRecords FaultKind = "insert"
	// FaultRepeatToken answers with the NextToken the request carried, as a
	// faulty pager would (UCloud).
	FaultRepeatToken FaultKind = "repeat-token"
	// FaultEmptyPage answers a page with no event but a new NextToken for
	// the position asked for, so the events come one call later (UCloud).
	FaultEmptyPage FaultKind = "empty-page"
	// FaultIgnoreOffset answers as an API that ignores the page's position
	// does: DescribeUserCallRecord as if Offset were 0, DescribeAuditTracks
	// as if PageNumber were 1. Totals are right.
	FaultIgnoreOffset FaultKind = "ignore-offset"
	// FaultShiftDown, before answering, adds a call record newer than any
	// to every sub-account and ages out its oldest: Total stays, and in the
	// default order (LastCallTime descending) every other record moves one
	// offset down, as activity during a long read does (CSIP). On
	// DescribeOrganizationMembers the last member leaves and a new one is
	// listed first after the administrator.
	FaultShiftDown FaultKind = "shift-down"
	// FaultShiftUp, before answering, removes every sub-account's newest
	// call record and adds one older than any: Total stays, and every other
	// record moves one offset up (CSIP). On DescribeOrganizationMembers the
	// first member after the administrator leaves and a new one joins at
	// the end: no member is listed twice, and one who belonged the whole
	// time moves back across a page border.
	FaultShiftUp FaultKind = "shift-up"
	// FaultExpireContext expires every CLS SearchLog Context issued so
	// far, then answers normally: the next page asked with one is
	// FailedOperation.InvalidContext, as after the cursor's hour.
	FaultExpireContext FaultKind = "expire-context"
	// FaultHistogramSkew makes the next CLS DescribeLogHistogram answer
	// count Records (default 1; negative: fewer) more logs than match, in
	// its TotalCount and first bucket: a histogram that disagrees with the
	// raw search.
	FaultHistogramSkew FaultKind = "histogram-skew"
)

// Fault is one failure to inject. It applies to requests for Action (any
// action when empty), skipping the first After of them, for Times requests
// (every later request when Times is 0).
type Fault struct {
	Kind       FaultKind
	Action     string
	After      int
	Times      int
	Code       string
	HTTPStatus int
	Delay      time.Duration
	Records    int
}

type activeFault struct {
	Fault
	seen, applied int
}

// faultSet holds the injected faults; a request takes the first that applies.
type faultSet struct {
	mu     sync.Mutex
	faults []*activeFault
}

func (fs *faultSet) add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = append(fs.faults, &activeFault{Fault: f})
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

func (fs *faultSet) empty() bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.faults) == 0
}

func (fs *faultSet) take(action string) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.faults {
		if f.Action != "" && f.Action != action {
			continue
		}
		f.seen++
		if f.seen <= f.After || (f.Times > 0 && f.applied >= f.Times) {
			continue
		}
		f.applied++
		out := f.Fault
		return &out
	}
	return nil
}

// InjectFault adds a fault; faults apply in the order they were added.
func (s *Server) InjectFault(f Fault) { s.faults.add(f) }

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// emptyPageKey marks a request that FaultEmptyPage applies to.
type emptyPageKey struct{}

// ignoreOffsetKey marks a request that FaultIgnoreOffset applies to.
type ignoreOffsetKey struct{}

// emptyPageFault reports whether FaultEmptyPage applies to r.
func emptyPageFault(r *http.Request) bool { return faultFlag(r, emptyPageKey{}) }

// faultFlag reports whether the fault marked by key applies to r.
func faultFlag(r *http.Request, key any) bool {
	on, _ := r.Context().Value(key).(bool)
	return on
}

// CapPageSize makes the simulator silently serve at most n records per page
// of action, as an API with an undocumented maximum page size does, while
// its total still counts every record: DescribeAuditTracks (tracking sets,
// page numbers still counted in the requested PageSize),
// DescribeUserCallRecord (call records), GetUserOperationEvents or
// DescribeEvents (events), DescribeOrganizationMembers (members).
// n <= 0 removes the cap. Every page it shortens counts as a fault.
func (s *Server) CapPageSize(action string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pageCaps == nil {
		s.pageCaps = map[string]int{}
	}
	if n <= 0 {
		delete(s.pageCaps, action)
		return
	}
	s.pageCaps[action] = n
}

// cappedPage is how many records a page of action asking for size serves.
func (s *Server) cappedPage(action string, size int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := int64(s.pageCaps[action]); c > 0 && size > c {
		s.stats.Faults++
		return c
	}
	return size
}

// pagedActions are the actions whose pages CapPageSize can cap.
var pagedActions = map[string]bool{
	"DescribeAuditTracks": true, "DescribeUserCallRecord": true, "GetUserOperationEvents": true, "DescribeEvents": true,
	"DescribeOrganizationMembers": true,
}

// ParsePageCap reads a page cap from the command line: "Action=N".
func ParsePageCap(spec string) (action string, n int, err error) {
	action, v, ok := strings.Cut(spec, "=")
	if ok {
		n, err = strconv.Atoi(v)
	}
	if !ok || err != nil || n < 1 || !pagedActions[action] {
		return "", 0, fmt.Errorf("page cap %q: want Action=N with N at least 1 and Action DescribeAuditTracks, DescribeUserCallRecord, GetUserOperationEvents, DescribeEvents or DescribeOrganizationMembers, such as DescribeAuditTracks=4", spec)
	}
	return action, n, nil
}

// ParseFault reads a fault from the command line:
// "KIND[,action=A][,after=N][,times=N][,code=C][,status=N][,delay=D][,records=N]",
// for example "throttle,action=DescribeAuditTracks,times=2".
func ParseFault(spec string) (Fault, error) {
	parts := strings.Split(spec, ",")
	f := Fault{Kind: FaultKind(parts[0])}
	switch f.Kind {
	case FaultThrottle, FaultAPIError, FaultHTTPStatus, FaultSlow, FaultReset, FaultTruncate, FaultMalformed,
		FaultStringRetCode, FaultExpireTokens, FaultClockSkew, FaultInsertRecords, FaultRepeatToken, FaultEmptyPage,
		FaultIgnoreOffset, FaultShiftDown, FaultShiftUp, FaultNoList, FaultNoTotal, FaultErrorWithoutCode, FaultDuplicateKey, FaultUnderstateTotal,
		FaultNoExpiredTime, FaultNoExpiry, FaultDeflateZlib, FaultDeflateRaw, FaultExpireContext, FaultHistogramSkew:
	default:
		return f, fmt.Errorf("unknown fault kind %q", parts[0])
	}
	for _, kv := range parts[1:] {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "action":
			f.Action = v
		case "code":
			f.Code = v
		case "after":
			f.After, err = strconv.Atoi(v)
		case "times":
			f.Times, err = strconv.Atoi(v)
		case "status":
			f.HTTPStatus, err = strconv.Atoi(v)
		case "records":
			f.Records, err = strconv.Atoi(v)
		case "delay":
			f.Delay, err = time.ParseDuration(v)
		default:
			err = fmt.Errorf("unknown setting %q", k)
		}
		if err != nil {
			return f, fmt.Errorf("fault %q: %w", spec, err)
		}
	}
	return f, nil
}

// serveWithFault applies f to one request. It reports whether it answered
// the request itself; if not, the request is served normally.
func (s *Server) serveWithFault(f *Fault, tencent bool, action string, w http.ResponseWriter, r *http.Request) bool {
	switch f.Kind {
	case FaultThrottle, FaultAPIError:
		code := f.Code
		if code == "" && f.Kind == FaultThrottle {
			code = map[bool]string{true: "RequestLimitExceeded", false: "153"}[tencent]
		}
		if code == "" {
			code = map[bool]string{true: "InternalError", false: "150"}[tencent]
		}
		writeFaultError(w, tencent, action, code)
		return true
	case FaultHTTPStatus:
		status := f.HTTPStatus
		if status == 0 {
			status = http.StatusBadGateway
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>gateway</center></body></html>\n",
			status, http.StatusText(status), status, http.StatusText(status))
		return true
	case FaultSlow:
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
		return false
	case FaultReset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without an answer
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "<html><body>upstream returned an invalid answer</body></html>")
		return true
	case FaultTruncate, FaultStringRetCode, FaultRepeatToken, FaultNoList, FaultNoTotal, FaultErrorWithoutCode, FaultDuplicateKey, FaultUnderstateTotal,
		FaultNoExpiredTime, FaultNoExpiry:
		var requestToken string
		if !tencent {
			requestToken = ucloudRequestParams(r)["NextToken"] // before the handler reads the body
		} else {
			requestToken = tencentRequestToken(r)
		}
		rec := &recorder{header: http.Header{}}
		s.dispatch(tencent, rec, r)
		body := rec.body.Bytes()
		switch f.Kind {
		case FaultTruncate:
			body = body[:len(body)/2]
		case FaultStringRetCode:
			body = retCodeNumber.ReplaceAll(body, []byte(`"RetCode":"$1"`))
		case FaultRepeatToken:
			if tencent {
				body = repeatTencentToken(body, requestToken)
			} else {
				body = repeatToken(body, requestToken)
			}
		case FaultNoExpiredTime, FaultNoExpiry:
			body = dropAssumeRoleExpiry(f.Kind, body)
		default:
			body = damageEnvelope(f.Kind, tencent, action, body, f.Records)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.statusOr200())
		_, _ = w.Write(body)
		return true
	case FaultDeflateZlib, FaultDeflateRaw:
		s.serveDeflated(f.Kind, tencent, w, r)
		return true
	case FaultExpireTokens:
		s.tencent.expireTemporaryCredentials()
		return false
	case FaultInsertRecords:
		s.insertRecords(action, max(f.Records, 1))
		return false
	case FaultExpireContext:
		s.tencent.cls.expireContexts()
		return false
	case FaultHistogramSkew:
		n := f.Records
		if n == 0 {
			n = 1
		}
		s.tencent.cls.skewNextHistogram(n)
		return false
	case FaultShiftDown, FaultShiftUp:
		switch action {
		case "DescribeUserCallRecord":
			s.tencent.csip.shiftRecords(f.Kind == FaultShiftDown)
		case "DescribeOrganizationMembers":
			s.tencent.org.shiftMembers(f.Kind == FaultShiftUp)
		}
		return false
	}
	return false
}

var retCodeNumber = regexp.MustCompile(`"RetCode":\s*(-?[0-9]+)`)

// repeatToken rewrites an answer's NextToken to the one the request carried.
func repeatToken(body []byte, token string) []byte {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || token == "" {
		return body
	}
	m["NextToken"] = token
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// tencentRequestToken returns the NextToken of a Tencent request body, as
// its JSON text (a number for DescribeEvents), without consuming the body.
func tencentRequestToken(r *http.Request) string {
	if r.Body == nil {
		return ""
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	return string(m["NextToken"])
}

// repeatTencentToken rewrites Response.NextToken of a Tencent answer to the
// request's own token (JSON text, kept digit for digit).
func repeatTencentToken(body []byte, token string) []byte {
	var env map[string]map[string]json.RawMessage
	if token == "" || json.Unmarshal(body, &env) != nil || env["Response"] == nil {
		return body
	}
	env["Response"]["NextToken"] = json.RawMessage(token)
	out, err := json.Marshal(env)
	if err != nil {
		return body
	}
	return out
}

func writeFaultError(w http.ResponseWriter, tencent bool, action, code string) {
	requestID := newRequestID()
	w.Header().Set("Content-Type", "application/json")
	if tencent {
		w.Header().Set("X-TC-RequestId", requestID)
		msg := map[string]string{
			"RequestLimitExceeded": "Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.",
			"InternalError":        "An internal error has occurred. Retry your request, but if the problem persists, contact us.",
			"ResourceUnavailable":  "The resource is unavailable.",
		}[strings.SplitN(code, ".", 2)[0]]
		if msg == "" {
			msg = "Injected fault " + code + "."
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
			"Error": map[string]string{"Code": code, "Message": msg}, "RequestId": requestID}})
		return
	}
	w.Header().Set("X-UCLOUD-REQUEST-UUID", requestID)
	retCode, _ := strconv.Atoi(code)
	msg := map[int]string{110: "API response timeout", 130: "API gateway or auth service failure",
		150: "Service temporarily unavailable", 153: "Request too frequent"}[retCode]
	if msg == "" {
		msg = "Injected fault " + code
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"RetCode": retCode, "Message": msg, "Action": action + "Response"})
}

// recorder captures an answer so a fault can damage it before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) statusOr200() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// ucloudRequestParams reads a UCloud request's parameters without consuming
// its body: the query, then a form or JSON body.
func ucloudRequestParams(r *http.Request) map[string]string {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	if r.Body == nil {
		return params
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			for k, v := range m {
				if s, ok := v.(string); ok {
					params[k] = s
				}
			}
		}
		return params
	}
	if form, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range form {
			params[k] = v[0]
		}
	}
	return params
}
