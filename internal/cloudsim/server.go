// Package cloudsim is a local stand-in for the two clouds whose audit APIs the
// provider reads: Tencent Cloud API 3.0 (CloudAudit, CSIP and STS) and the
// UCloud API gateway. It checks signatures the way the real services do,
// answers in the real envelopes, pages like the real APIs and serves a
// deterministic data set whose size is configurable, so that tests, the demo
// and the benchmarks exercise the provider exactly as real clouds would.
//
// One HTTP listener serves both clouds. A request shaped like a Tencent one
// goes to the Tencent half and is always answered in Tencent's envelope:
// it carries X-TC-Action or a TC3 Authorization header, or its query or form
// body has a SecretId (or Nonce, Timestamp or SignatureMethod, without
// UCloud's PublicKey). Everything else goes to the UCloud half, whose
// requests are form or JSON bodies naming an Action.
//
// The Tencent half accepts every request form the official SDKs send, for
// every action it serves:
//
//   - TC3-HMAC-SHA256, POST with a JSON body (the default of every SDK);
//   - TC3-HMAC-SHA256, GET with the parameters in the query string (the
//     signed canonical query is the query as sent, the payload hash that
//     of the empty body);
//   - signature v1 (SignatureMethod HmacSHA1, the default, or HmacSHA256):
//     every parameter, common ones included (Action, Version, Region,
//     Timestamp, Nonce, SecretId, Signature, Token, Language), in a POST
//     form body or a GET query string; the string to sign is the method,
//     host and path, "?", then every parameter but Signature as name=value
//     (values unescaped), sorted by name and joined with "&"; Signature is
//     the base64 of its HMAC.
//
// In the query and form forms nested parameters are flattened
// (Filter.Limit=10, Filter.Filters.0.Name=Status, MemberId.0=mem-1) and
// decoded into the same request as the JSON body, text converted to the
// types the action expects.
//
// A signature over the Host with or without its port is accepted: the Go
// SDK signs the Host it sends, the Node.js SDK signs the name without the
// port, and the real API never sees one. On a Tencent API host name
// (<service>[.<region>|.intl].tencentcloudapi.com) the host names the
// service, and the credential scope must name the same; on any other host
// (an IP address, localhost) the action and version find the service, and
// a TC3 signature is checked with the service its scope names (the Node.js
// SDK names "127" for 127.0.0.1). Failures carry the real codes:
// AuthFailure.InvalidAuthorization (malformed TC3 Authorization),
// MissingParameter (a v1 common parameter missing),
// AuthFailure.SignatureExpire (Timestamp more than 5 minutes off),
// AuthFailure.SecretIdNotFound, AuthFailure.SignatureFailure,
// AuthFailure.TokenFailure, InvalidAction, NoSuchVersion,
// UnsupportedProtocol (a method other than GET or POST, or a v1 POST body
// that is not a form).
package cloudsim

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Credentials the simulator accepts out of the box. They are test fixtures,
// not secrets: the simulator only runs on loopback.
const (
	DefaultTencentSecretID  = "AKIDsimulator0000000000000000000000"
	DefaultTencentSecretKey = "simulatorSecretKey00000000000000"
	DefaultTencentAppID     = 1250000000
	DefaultTencentOwnerUin  = "100000000001"

	DefaultUCloudPublicKey  = "ucloudsimulator@example.com1000000000000000000"
	DefaultUCloudPrivateKey = "0123456789abcdef0123456789abcdef01234567"
	DefaultUCloudProjectID  = "org-sim001"
)

// Options sets the data set and behaviour of a simulator. The zero value is a
// small, realistic account. Every size is a record count: zero means the
// default, a negative count means none (an empty account).
type Options struct {
	// Tracks is the number of CloudAudit tracking sets. Default 7.
	Tracks int
	// CallRecords is the number of CSIP call records per sub-account. Default 40.
	CallRecords int
	// Events is the number of UCloud operation events. Default 120.
	Events int
	// UCloudFailureEvery, when positive, makes about one in this many
	// generated UCloud operation events a failed one (IsSuccess false);
	// 0 keeps the default, one in seven.
	UCloudFailureEvery int
	// CloudAuditEvents is the number of CloudAudit events (DescribeEvents),
	// spread over the 28 days before the simulator's start. Default 300.
	CloudAuditEvents int
	// OrgMembers is the number of member accounts of the Tencent Cloud
	// Organization (DescribeOrganizationMembers), the administrator account
	// included. Default 5. Negative: the account belongs to no organization
	// (ResourceNotFound.OrganizationNotExist).
	OrgMembers int
	// UCloudProjects is the number of projects of the UCloud account
	// (GetProjectList), the default project UCloudProjectID included.
	// Default 3; negative: only the default project (as 1).
	UCloudProjects int

	// TencentSecretID and TencentSecretKey replace the default key pair.
	TencentSecretID  string
	TencentSecretKey string
	// UCloudPublicKey, UCloudPrivateKey and UCloudProjectID replace the defaults.
	UCloudPublicKey  string
	UCloudPrivateKey string
	UCloudProjectID  string

	// Now is the simulator's clock. Default time.Now. Tests pin it to make the
	// data set, and the signature time checks, deterministic.
	Now func() time.Time

	// Latency delays every answer, as a distant API would (the network-bound
	// benchmark uses 100 ms).
	Latency time.Duration

	// EnforceRateLimits makes the Tencent half refuse, with
	// RequestLimitExceeded, calls beyond the documented rate of one action
	// for one SecretId (20 per second; AssumeRole 600), as the real API
	// does. The rate is enforced as a token bucket holding one second's
	// calls (ratelimit.go): the documents give no window shape.
	EnforceRateLimits bool

	// TrackPageCap, when positive, silently caps the number of tracking sets
	// returned per DescribeAuditTracks page, as an API with an undocumented
	// maximum page size would: CapPageSize("DescribeAuditTracks", n).
	TrackPageCap int

	// UCloudLatency, when positive, makes every GetUserOperationEvents call
	// hold its slot this long before answering, as a slow real API would.
	// Calls are not allowed to overlap, so tests use it to provoke
	// RetCode 153 with two concurrent calls, and to exercise client timeouts.
	UCloudLatency time.Duration

	// RefuseCallerIdentity, when set, is the error code STS
	// GetCallerIdentity refuses every call with, after the signature
	// checks, as a CAM policy that denies it would (such as
	// "AuthFailure.UnauthorizedOperation"). Its permission is not
	// documented, so the provider must read on without the identity.
	RefuseCallerIdentity string

	// EventNameMatch is how DescribeEvents' EventName lookup condition
	// compares names. The API's documents do not say whether the match is
	// exact and case-sensitive; the default is (EventNameExact), and the
	// other choices let a test prove that a reader checks what comes back.
	EventNameMatch EventNameMatching

	// Data, when set, replaces the generated records of the actions it
	// names with its own (see DataSet, LoadDataSet and Scenario).
	Data *DataSet

	// CLS sets the CLS half: generated deliveries, per-topic options,
	// delivery lag (cls_topics.go).
	CLS CLSOptions

	// Accounts are member accounts served besides the simulator's own,
	// each read through one of its roles (see Account).
	Accounts []Account

	// ownerUin is the account the data set belongs to: DefaultTencentOwnerUin,
	// or a member account's UIN.
	ownerUin string
}

func (o Options) withDefaults() Options {
	if o.Tracks == 0 {
		o.Tracks = 7
	}
	if o.CallRecords == 0 {
		o.CallRecords = 40
	}
	if o.Events == 0 {
		o.Events = 120
	}
	if o.CloudAuditEvents == 0 {
		o.CloudAuditEvents = 300
	}
	if o.OrgMembers == 0 {
		o.OrgMembers = 5
	}
	if o.UCloudProjects == 0 {
		o.UCloudProjects = 3
	}
	if o.TencentSecretID == "" {
		o.TencentSecretID = DefaultTencentSecretID
	}
	if o.TencentSecretKey == "" {
		o.TencentSecretKey = DefaultTencentSecretKey
	}
	if o.UCloudPublicKey == "" {
		o.UCloudPublicKey = DefaultUCloudPublicKey
	}
	if o.UCloudPrivateKey == "" {
		o.UCloudPrivateKey = DefaultUCloudPrivateKey
	}
	if o.UCloudProjectID == "" {
		o.UCloudProjectID = DefaultUCloudProjectID
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ownerUin == "" {
		o.ownerUin = DefaultTencentOwnerUin
	}
	return o
}

// Server is the simulator. It is an http.Handler; Start serves it on loopback.
type Server struct {
	opts  Options
	start time.Time // Options.Now when New ran: every data set ends here

	tencent *tencentAPI
	ucloud  *ucloudAPI
	faults  faultSet

	mu       sync.Mutex
	listener net.Listener
	httpSrv  *http.Server
	stats    Stats
	faulted  map[string]int // faulted requests by action and body
	pageCaps map[string]int // silent page-size caps by action; see CapPageSize
	members  map[string]*member
}

// Stats counts what the simulator has answered, so tests can assert how many
// calls a read made.
type Stats struct {
	// Calls counts accepted calls by action name (after authentication).
	Calls map[string]int
	// Throttled counts calls refused for exceeding a rate or concurrency
	// limit (not injected faults).
	Throttled int
	// Faults counts requests an injected fault applied to.
	Faults int
	// RepeatedFaults counts faulted requests identical to an earlier
	// faulted one (retries).
	RepeatedFaults int
}

// New builds a simulator with the given options.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	start := opts.Now().Truncate(time.Second)
	if opts.Data != nil {
		opts.Data = opts.Data.forStart(start)
	}
	s := &Server{opts: opts, start: start, stats: Stats{Calls: map[string]int{}}}
	s.members = newMembers(opts)
	s.tencent = newTencentAPI(s)
	s.ucloud = newUCloudAPI(s)
	if opts.TrackPageCap > 0 {
		s.CapPageSize("DescribeAuditTracks", opts.TrackPageCap)
	}
	return s
}

// Started is when the simulator was created, on its clock (to the second).
// Every data set is dated relative to it: UCloud events reach back 300 days
// from a minute before it, CSIP call records 90 days from it, so queries for
// "the last N days" find records whenever the simulator runs, and a pinned
// clock gives the same data set every run.
func (s *Server) Started() time.Time { return s.start }

// CSIPDataEnd is the end of the CSIP data set, the simulator's start in
// Beijing time (the time zone the simulator writes CSIP times in): every
// call record's LastCallTime lies within the 90 days before it.
func (s *Server) CSIPDataEnd() time.Time { return s.start.In(csipZone) }

// Options returns the effective options (defaults applied).
func (s *Server) Options() Options { return s.opts }

// ServeHTTP sends each request to the half of the simulator that speaks its
// protocol, after applying any injected fault.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tencent := isTencentRequest(r)
	if d := s.opts.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if !s.faults.empty() {
		s.serveFaulty(tencent, w, r)
		return
	}
	s.dispatch(tencent, w, r)
}

// serveFaulty applies the first injected fault that matches the request's
// action, then serves it. Only here is a UCloud body parsed for its action:
// without faults, requests go straight to their half of the simulator (a
// form body's parameter names are scanned once, to tell the clouds apart).
func (s *Server) serveFaulty(tencent bool, w http.ResponseWriter, r *http.Request) {
	var action string
	if tencent {
		action = tencentRequestAction(r)
	} else {
		action = ucloudRequestParams(r)["Action"]
	}
	if f := s.faults.take(action); f != nil {
		s.countFault(r)
		switch {
		case f.Kind == FaultClockSkew:
			r = r.WithContext(context.WithValue(r.Context(), clockSkewKey{}, f.Delay))
		case f.Kind == FaultEmptyPage:
			r = r.WithContext(context.WithValue(r.Context(), emptyPageKey{}, true))
		case f.Kind == FaultIgnoreOffset:
			r = r.WithContext(context.WithValue(r.Context(), ignoreOffsetKey{}, true))
		case s.serveWithFault(f, tencent, action, w, r):
			return
		}
	}
	s.dispatch(tencent, w, r)
}

func (s *Server) dispatch(tencent bool, w http.ResponseWriter, r *http.Request) {
	if tencent {
		s.tencent.ServeHTTP(w, r)
		return
	}
	s.ucloud.ServeHTTP(w, r)
}

// clockSkewKey carries a FaultClockSkew offset to the signature check.
type clockSkewKey struct{}

// insertRecords grows the data set an action reads, as new activity would.
func (s *Server) insertRecords(action string, n int) {
	switch action {
	case "DescribeAuditTracks":
		s.tencent.insertTracks(n)
	case "DescribeUserCallRecord":
		s.tencent.csip.insertRecords(n)
	case "DescribeOrganizationMembers":
		s.tencent.org.insertMembers(n)
	}
}

// Start listens on addr (for example "127.0.0.1:0" for a free port) and
// serves in the background. It returns the base URL, such as
// "http://127.0.0.1:41234".
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.listener, s.httpSrv = ln, srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Close stops a server started with Start.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// CallCount reports how many authenticated calls of an action were answered.
func (s *Server) CallCount(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Calls[action]
}

func (s *Server) countCall(action string) {
	s.mu.Lock()
	s.stats.Calls[action]++
	s.mu.Unlock()
}

// ThrottledCount reports how many calls the simulator refused for exceeding
// the API's rate or concurrency limits.
func (s *Server) ThrottledCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Throttled
}

// FaultCount reports how many requests an injected fault applied to.
func (s *Server) FaultCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Faults
}

func (s *Server) countThrottled() {
	s.mu.Lock()
	s.stats.Throttled++
	s.mu.Unlock()
}

// countFault counts a faulted request, and whether the same request (same
// action and body; a retry repeats both) was faulted before.
func (s *Server) countFault(r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	key := r.Header.Get("X-TC-Action") + "\x00" + r.URL.RawQuery + "\x00" + string(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Faults++
	if s.faulted == nil {
		s.faulted = map[string]int{}
	}
	s.faulted[key]++
	if s.faulted[key] > 1 {
		s.stats.RepeatedFaults++
	}
}

// RepeatedFaultCount reports how many faulted requests repeated a request
// that had already been faulted: retries of a failed call.
func (s *Server) RepeatedFaultCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.RepeatedFaults
}

// newRequestID returns a random UUID-shaped request id, as both clouds use.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
