package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	tcjson "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/json"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/auditlog/terraform-provider-auditlog/jsonkeys"
)

// DefaultRequestTimeout bounds one HTTP exchange (not a whole paged read).
const DefaultRequestTimeout = 60 * time.Second

// TencentConfig configures a TencentClient. Credentials must already be
// resolved (attribute, environment or profile file); the client does not look
// anything up by itself.
type TencentConfig struct {
	SecretID      string
	SecretKey     string
	SecurityToken string

	// Endpoint, when set, is a full URL such as "http://127.0.0.1:8080" that
	// replaces the host of every Tencent service (CloudAudit, CSIP, STS).
	Endpoint string
	// Domain is the root domain, for example "intl.tencentcloudapi.com".
	// Ignored when Endpoint is set. Default DefaultTencentRootDomain.
	Domain string
	// Protocol is "HTTPS" (default) or "HTTP". Ignored when Endpoint is set.
	Protocol string

	// AssumeRole, when set, exchanges the key pair above for temporary
	// credentials of a role through STS before the first call.
	AssumeRole *AssumeRoleConfig

	MaxRetries     int
	RequestTimeout time.Duration
	// RateLimit is the budget of each action, in requests per second, shared
	// by every caller of this client. Default DefaultTencentRateLimit.
	RateLimit float64
	// UserAgent is sent as the SDK's RequestClient tag, for example
	// "terraform-provider-auditlog/0.1.0".
	UserAgent string
	Logger    Logger
	// Transport replaces the HTTP transport (tests and fault injection).
	Transport http.RoundTripper
}

// TencentClient calls Tencent Cloud API 3.0 actions. It is safe for
// concurrent use.
type TencentClient struct {
	cfg       TencentConfig
	scheme    string
	endpoint  string // host[:port][/path] replacing every service host, or ""
	transport *observingTransport
	retry     retryPolicy
	pace      *pacer
	log       Logger
	// budgetKey is the credential part of this client's pacing budgets:
	// the SecretId, or for a named account's role "uin/<its account>".
	budgetKey string

	// now is the clock credentials are judged by: time.Now, or a test's.
	now func() time.Time

	credMu  sync.Mutex
	cred    *tccommon.Credential
	credExp time.Time // zero for permanent credentials
	// credRefreshAt is when temporary credentials are renewed, before
	// credExp by refreshMargin.
	credRefreshAt time.Time
	renewing      *renewal // the AssumeRole call in flight, if any
	// renewalWarned: a failed early renewal was logged at WARN, and no
	// renewal has succeeded since.
	renewalWarned bool

	identity identityCache // who the credentials act as; see CallerIdentity
}

// NewTencentClient checks the configuration and builds a client. It makes no
// network call: assumed-role credentials are fetched on first use.
func NewTencentClient(cfg TencentConfig) (*TencentClient, error) {
	if cfg.SecretID == "" || cfg.SecretKey == "" {
		return nil, errors.New("tencentcloud: secret_id and secret_key are required")
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Domain == "" {
		cfg.Domain = DefaultTencentRootDomain
	}
	if !TencentDomainPattern.MatchString(cfg.Domain) {
		// The host is <service>.<domain>: anything but a name would let
		// the domain carry user info, a port or a path.
		shown := cfg.Domain
		if at := strings.LastIndexByte(shown, '@'); at >= 0 {
			shown = "(user info)@" + shown[at+1:] // never a password
		}
		return nil, fmt.Errorf("tencentcloud: domain %.80q %s", shown, TencentDomainRule)
	}
	documented := cfg.RateLimit <= 0
	if documented {
		cfg.RateLimit = DefaultTencentRateLimit
	}
	c := &TencentClient{cfg: cfg, retry: newRetryPolicy(cfg.MaxRetries), log: loggerOrNop(cfg.Logger), budgetKey: cfg.SecretID, now: time.Now}
	c.pace = newPacer(cfg.RateLimit, 0, c.log)
	if documented {
		// Without a configured rate, each action keeps to its own
		// documented limit.
		c.pace.perAction = documentedTencentLimits
	}

	switch strings.ToUpper(cfg.Protocol) {
	case "", "HTTPS":
		c.scheme = "HTTPS"
	case "HTTP":
		c.scheme = "HTTP"
	default:
		return nil, fmt.Errorf("tencentcloud: protocol must be HTTP or HTTPS, got %q", cfg.Protocol)
	}
	if cfg.Endpoint != "" {
		scheme, hostPath, err := ParseEndpointURL(cfg.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("tencentcloud: endpoint: %w", err)
		}
		c.scheme, c.endpoint = strings.ToUpper(scheme), hostPath
	}

	base := cfg.Transport
	if base == nil {
		base = newHTTPTransport(32)
	}
	c.transport = &observingTransport{base: base, log: c.log}

	if cfg.AssumeRole == nil {
		c.cred = tccommon.NewTokenCredential(cfg.SecretID, cfg.SecretKey, cfg.SecurityToken)
	} else {
		c.budgetKey = roleBudgetKey(cfg.SecretID, cfg.AssumeRole.RoleArn)
	}
	return c, nil
}

// ServiceURL is the URL the client calls for a service, such as
// "https://cloudaudit.tencentcloudapi.com", for messages.
func (c *TencentClient) ServiceURL(service string) string {
	if c.endpoint != "" {
		return strings.ToLower(c.scheme) + "://" + c.endpoint
	}
	return strings.ToLower(c.scheme) + "://" + service + "." + c.cfg.Domain
}

// tencentOp names one API action.
type tencentOp struct {
	Service string // "cloudaudit", "csip", "sts"
	Version string // "2019-03-19"
	Action  string // "DescribeAuditTracks"
	Region  string // "" sends no X-TC-Region
	// SecretResponse marks answers that carry credentials: no part of
	// their body is ever quoted in an error or a log line.
	SecretResponse bool
}

// ResponseMeta is embedded in every typed response. The API puts these two
// fields beside the action's own fields inside "Response".
type ResponseMeta struct {
	Error     *tencentErrorBody `json:"Error,omitempty"`
	RequestId string            `json:"RequestId"`
}

type tencentErrorBody struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

func (m *ResponseMeta) responseMeta() *ResponseMeta { return m }

// typedResponse is satisfied by a pointer to any struct that embeds ResponseMeta.
type typedResponse[T any] interface {
	*T
	responseMeta() *ResponseMeta
}

// callTencent sends one action with retries and decodes the answer into a new
// T. Each attempt is signed afresh, so a retry never reuses an expired
// timestamp.
func callTencent[T any, P typedResponse[T]](ctx context.Context, c *TencentClient, op tencentOp, req any) (*T, error) {
	out, _, err := callTencentCounted[T, P](ctx, c, op, req)
	return out, err
}

// callTencentCounted is callTencent that also reports how many attempts the
// call took (1 when the first succeeded), for progress logging.
func callTencentCounted[T any, P typedResponse[T]](ctx context.Context, c *TencentClient, op tencentOp, req any) (*T, int, error) {
	params, err := actionParameters(req)
	if err != nil {
		return nil, 0, fmt.Errorf("tencentcloud %s: encoding request: %w", op.Action, err)
	}
	var out *T
	renewed := false
	attempts := 0
	err = c.retry.do(ctx, func(attempt int) (bool, error) {
		attempts = attempt + 1
		res := new(T)
		used, callErr := c.send(ctx, op, params, P(res), attempt)
		if callErr != nil && !renewed && c.renewAssumedRole(callErr, used) {
			// Temporary credentials can lapse mid-read (or be revoked):
			// assume the role again and send the call again, at once and
			// once per call. A renewal is not a retry: it spends none of
			// max_retries, so it happens with max_retries = 0 too, and a
			// second refusal after it is final (it is not retryable).
			renewed = true
			c.log.Debug(ctx, "tencentcloud role token refused: renewing the credentials and sending the call again",
				map[string]any{"service": op.Service, "action": op.Action, "role_arn": c.RoleArn()})
			res = new(T)
			_, callErr = c.send(ctx, op, params, P(res), attempt)
			var te *TencentError
			if errors.As(callErr, &te) && te.Code == "AuthFailure.TokenFailure" {
				callErr = &RoleTokenRefusedError{RoleArn: c.RoleArn(), err: callErr}
			}
		}
		if callErr != nil {
			return isRetryable(ctx, callErr), callErr
		}
		out = res
		return false, nil
	})
	return out, attempts, err
}

// actionParameters turns a typed request into the map the SDK's generic
// request sends. Numbers are kept as the SDK's json.Number, which its
// encoder writes back digit for digit: decoding into float64, as
// SetActionParameters does with raw JSON, corrupts integers above 2^53.
func actionParameters(req any) (map[string]any, error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	dec := tcjson.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	params := map[string]any{}
	if err := dec.Decode(&params); err != nil {
		return nil, err
	}
	return params, nil
}

// send makes one signed HTTP exchange. It returns the credential it signed
// with, if it got that far.
func (c *TencentClient) send(ctx context.Context, op tencentOp, params map[string]any, into responseMetaHolder, attempt int) (_ *tccommon.Credential, err error) {
	cred, err := c.credential(ctx)
	if err != nil {
		return nil, err
	}
	release, err := c.pace.acquire(ctx, op.Service+"/"+op.Action, c.budgetKey)
	if err != nil {
		return cred, fmt.Errorf("tencentcloud %s: waiting for the rate budget: %w", op.Action, err)
	}
	defer release()
	defer func() { c.holdOnLimit(ctx, err) }()
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()

	ex := &exchange{into: into, action: op.Action, service: op.Service, attempt: attempt, secretBody: op.SecretResponse, timeout: c.cfg.RequestTimeout}
	attemptCtx = context.WithValue(attemptCtx, exchangeKey{}, ex)

	request := tchttp.NewCommonRequest(op.Service, op.Version, op.Action)
	request.SetContext(attemptCtx)
	if err := request.SetActionParameters(params); err != nil {
		return cred, fmt.Errorf("tencentcloud %s: encoding request: %w", op.Action, err)
	}
	sdk := tccommon.NewCommonClient(cred, op.Region, c.clientProfile()).WithHttpTransport(c.transport)
	if tag := requestClientTag(c.cfg.UserAgent); tag != "" {
		sdk.WithRequestClient(tag)
	}
	sdkErr := sdk.Send(request, tchttp.NewCommonResponse())
	err = ex.result(ctx, attemptCtx, sdkErr)
	return cred, err
}

// requestClientTag fits a user agent such as "terraform-provider-auditlog/1.0"
// into the characters the SDK accepts in X-TC-RequestClient
// ([0-9a-zA-Z-_ ,;.]); it drops a tag with anything else rather than log.
func requestClientTag(ua string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', strings.ContainsRune("-_ ,;.", r):
			return r
		case r == '/':
			return '_'
		}
		return -1
	}, ua)
}

func (c *TencentClient) clientProfile() *profile.ClientProfile {
	p := profile.NewClientProfile()
	p.Language = "en-US"
	p.HttpProfile.Scheme = c.scheme
	p.HttpProfile.RootDomain = c.cfg.Domain
	p.HttpProfile.Endpoint = c.endpoint
	// Each attempt is bounded by its own context (RequestTimeout), which
	// ends it with a clear "request timed out"; the SDK's coarser
	// whole-second client timeout is only a backstop behind it.
	p.HttpProfile.ReqTimeout = int(c.cfg.RequestTimeout/time.Second) + 5
	return p
}

type responseMetaHolder interface{ responseMeta() *ResponseMeta }

type exchangeKey struct{}

// exchange carries one attempt's outcome from the transport, which sees the
// raw HTTP response, back to send, which sees only what the SDK returns.
type exchange struct {
	into       responseMetaHolder
	service    string
	action     string
	attempt    int
	secretBody bool

	status    int
	requestID string
	decoded   bool
	decodeErr error
	garbled   bool   // decodeErr means damaged bytes, not an unexpected shape
	snippet   string // start of a non-200 or undecodable body, for diagnostics

	timeout    time.Duration // the attempt's RequestTimeout, for messages
	bodyErr    error         // the body could not be read: cut short, too large, undecodable bytes
	bodyBytes  int           // how much of it arrived
	retryAfter time.Duration // a 429's or 503's Retry-After
	waitSet    bool          // the answer had a readable Retry-After
}

// result turns what the SDK returned, plus what the transport saw, into our
// error type (or nil).
func (ex *exchange) result(ctx, attemptCtx context.Context, sdkErr error) error {
	base := TencentError{Service: ex.service, Action: ex.action, HTTPStatus: ex.status, RequestID: ex.requestID,
		RetryAfter: ex.retryAfter, retryAfterSet: ex.waitSet}
	if ex.bodyErr != nil {
		return ex.bodyFailure(ctx, attemptCtx, base)
	}
	switch {
	case ex.status != 0 && ex.status != http.StatusOK:
		base.Code = "ClientError.HttpStatusCodeError"
		base.Message = fmt.Sprintf("HTTP %d %s: %s", ex.status, http.StatusText(ex.status), ex.snippet)
		return &base
	case ex.decodeErr != nil:
		base.Code = "ClientError.ParseJsonError"
		base.Message = fmt.Sprintf("response is not a valid API envelope (%s): %s", briefError(ex.decodeErr), ex.snippet)
		base.garbled = ex.garbled
		var shape *shapeError
		if errors.As(ex.decodeErr, &shape) {
			base.RequestID = shape.requestID
		}
		return &base
	case ex.decoded:
		meta := ex.into.responseMeta()
		if meta.Error != nil {
			// Any Error object is an error, with a Code or without.
			base.Code, base.Message = meta.Error.Code, meta.Error.Message
			if base.Code == "" {
				base.Code, base.Message = codeErrorWithoutCode, "the answer carries an Error object without a Code; its Message: "+meta.Error.Message
			}
			return &base
		}
		if sdkErr != nil {
			return fmt.Errorf("tencentcloud %s: %w", ex.action, sdkErr)
		}
		return nil
	}
	// The transport never produced a response: a network failure, a
	// timeout, or the caller's cancellation.
	if sdkErr == nil {
		sdkErr = errors.New("no response")
	}
	if ctx.Err() != nil {
		return fmt.Errorf("tencentcloud %s: %w", ex.action, ctx.Err())
	}
	if attemptCtx.Err() != nil {
		return ex.timedOut(attemptCtx)
	}
	var sdkE *tcerr.TencentCloudSDKError
	if errors.As(sdkErr, &sdkE) {
		te := &TencentError{Service: ex.service, Action: ex.action, Code: sdkE.Code, Message: sdkE.Message, RequestID: sdkE.RequestId}
		// The SDK says "Fail to get response" and keeps the reason (refused,
		// reset, no such host) as the cause: say it.
		if cause := errors.Unwrap(sdkE); cause != nil {
			te.Message, te.cause = te.Message+": "+cause.Error(), cause
		}
		return te
	}
	return &TencentError{Service: ex.service, Action: ex.action, Code: "ClientError.NetworkError", Message: sdkErr.Error(), cause: sdkErr}
}

// observingTransport decodes each API response exactly once, into the typed
// struct the caller asked for, and records the HTTP status and RequestId.
// The SDK would otherwise parse the body up to four times (twice looking for
// errors, then to validate, then to decode into a map of float64s, which also
// corrupts integers above 2^53). It is handed back a minimal envelope.
type observingTransport struct {
	base http.RoundTripper
	log  Logger
}

func (t *observingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	ex, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		return resp, err
	}
	// Attempts are numbered from 1, as in the UCloud client's lines and in
	// "page read".
	fields := map[string]any{"service": ex.service, "action": ex.action, "attempt": ex.attempt + 1}
	if err != nil {
		fields["error"] = err.Error()
		t.log.Debug(req.Context(), "tencentcloud request failed", fields)
		return resp, err
	}
	defer resp.Body.Close()
	quote := snippet
	if ex.secretBody {
		quote = func([]byte) string { return "(body withheld: it may carry credentials)" }
	}
	body, readErr := readResponseBody(resp, MaxResponseBytes)
	ex.status = resp.StatusCode
	if retryAfterStatus(resp.StatusCode) {
		ex.retryAfter, ex.waitSet = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	fields["http_status"] = resp.StatusCode
	fields["duration_ms"] = time.Since(start).Milliseconds()
	fields["bytes"] = len(body)
	if readErr != nil {
		fields["error"] = readErr.Error()
		t.log.Debug(req.Context(), "tencentcloud response unreadable", fields)
		ex.bodyErr, ex.bodyBytes, ex.snippet = readErr, len(body), quote(body)
		return nil, readErr
	}

	// The SDK only ever sees a well-formed stand-in: what it needs to know
	// is recorded in ex, and some bodies (the JSON null) make it panic.
	standIn := []byte(`{"Response":{}}`)
	if resp.StatusCode != http.StatusOK {
		ex.snippet = quote(body)
	} else if derr := recoverAPIError(body, ex.into, decodeTencentEnvelope(body, ex.into)); derr != nil {
		ex.decodeErr, ex.snippet, ex.garbled = withheldDecodeError(derr), quote(body), garbled(derr)
		if !ex.secretBody {
			ex.decodeErr = derr
		}
	} else {
		ex.decoded = true
		meta := ex.into.responseMeta()
		ex.requestID = meta.RequestId
		standIn, _ = json.Marshal(struct{ Response ResponseMeta }{Response: *meta})
		fields["request_id"] = meta.RequestId
		if meta.Error != nil {
			fields["error_code"] = meta.Error.Code
		}
	}
	t.log.Debug(req.Context(), "tencentcloud request", fields)

	resp.Body = io.NopCloser(bytes.NewReader(standIn))
	resp.ContentLength = int64(len(standIn))
	// The stand-in is plain JSON, whatever the answer's encoding was.
	resp.Header.Del("Content-Encoding")
	return resp, nil
}

// errNoEnvelope is an answer that is JSON but not the API's envelope.
var errNoEnvelope = errors.New(`no "Response" object with a RequestId`)

// decodeTencentEnvelope decodes {"Response": {...}} into a typed response
// (which embeds ResponseMeta, so errors and the RequestId land there too).
// Every answer of the API, success or error, carries a RequestId: JSON
// without one ({}, null, another service's error format) is not an answer,
// and must not be read as an empty page.
//
// The answer's shape is checked too (checkTencentShape): no object repeats
// a key, and a successful answer carries the fields its action promises.
func decodeTencentEnvelope(body []byte, into responseMetaHolder) error {
	if err := json.Unmarshal(body, &struct{ Response any }{Response: into}); err != nil {
		return err
	}
	if into.responseMeta().RequestId == "" {
		return errNoEnvelope
	}
	return checkTencentShape(body, into)
}

// recoverAPIError handles an error answer whose other fields do not fit
// the success type (decodeErr is why they do not): it decodes only the
// envelope's Error and RequestId, so the API's own error is reported rather
// than a decoding failure, and returns nil. Any Error object counts, with a
// Code or without. An answer that repeats a key is no answer: which Error
// is meant is ambiguous, and the repeated key is the error. Otherwise
// decodeErr stands.
func recoverAPIError(body []byte, into responseMetaHolder, decodeErr error) error {
	if decodeErr == nil {
		return nil
	}
	var env struct{ Response ResponseMeta }
	if json.Unmarshal(body, &env) != nil || env.Response.Error == nil {
		return decodeErr
	}
	if _, err := scanJSONKeys(body, "", nil); err != nil {
		return &shapeError{requestID: env.Response.RequestId, err: err}
	}
	*into.responseMeta() = env.Response
	return nil
}

// withheldDecodeError is what is said of an answer that could not be
// decoded when the answer may carry credentials: whether it was damaged,
// of another shape or repeated a key, and its RequestId, but nothing it
// holds (not even a key's name).
func withheldDecodeError(err error) error {
	var shape *shapeError
	if !errors.As(err, &shape) {
		return errors.New("undecodable JSON")
	}
	var dup *jsonkeys.DuplicateKeyError
	if errors.As(err, &dup) {
		return &shapeError{requestID: shape.requestID, err: errors.New("undecodable JSON: a key repeats (which one is withheld: the answer may carry credentials)")}
	}
	return &shapeError{requestID: shape.requestID, err: errors.New("undecodable JSON: an answer of an unexpected shape")}
}

// snippet returns the start of a body for an error message, quoted and
// escaped (see bodyQuote); whole bodies are never copied into errors or logs.
func snippet(body []byte) string { return bodyQuote(body) }

// isRetryable reports whether err may succeed if the call is repeated.
func isRetryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var te *TencentError
	if errors.As(err, &te) {
		return te.Retryable()
	}
	var ne net.Error
	return errors.As(err, &ne)
}
