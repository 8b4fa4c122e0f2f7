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
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults of the UCloud client.
const (
	// DefaultUCloudBaseURL is the public API gateway, the default of every
	// official SDK and of the official Terraform provider.
	DefaultUCloudBaseURL = "https://api.ucloud.cn"
	// DefaultUCloudRequestTimeout bounds one HTTP attempt. 60 s is what the
	// official SDK uses for its generic client and matches the gateway's own
	// 60 s limit (RetCode 110).
	DefaultUCloudRequestTimeout = 60 * time.Second

	// ucloudProductUserAgent is used when the configuration names no version.
	ucloudProductUserAgent = "terraform-provider-auditlog/dev"
	// ucloudBodySnippetBytes is how much of a bad body an error may quote.
	ucloudBodySnippetBytes = 200
)

// UCloudConfig configures a UCloudClient.
type UCloudConfig struct {
	// PublicKey and PrivateKey are the API key pair (or the AccessKeyId and
	// AccessKeySecret of STS credentials). Both are required.
	PublicKey  string
	PrivateKey string
	// SecurityToken is set for STS credentials; it is sent and signed.
	SecurityToken string
	// ProjectID is the default ProjectId of requests that set none. Empty
	// means the account's default project (main accounts only).
	ProjectID string
	// BaseURL is the gateway, an absolute http or https URL.
	// Default DefaultUCloudBaseURL.
	BaseURL string
	// UserAgent names the caller, such as "terraform-provider-auditlog/0.1.0".
	// It is appended to "GO/<go version>", the way UCloud SDKs identify
	// themselves.
	UserAgent string
	// MaxRetries is how many times a retryable failure is retried; 0 disables
	// retries. The provider passes DefaultMaxRetries unless told otherwise.
	MaxRetries int
	// RequestTimeout bounds each HTTP attempt. Default 60 s.
	RequestTimeout time.Duration
	// HTTPClient sends the requests. Default: a client with its own pooled,
	// keep-alive transport.
	HTTPClient *http.Client
	// Logger receives one Debug line per attempt. Default: discard.
	Logger Logger
	// RateLimit caps each action's calls per second, shared by every caller
	// of this client. 0: no rate limit. Whatever it is, an action never has
	// more than one call in flight per key: the operation log forbids
	// concurrent calls.
	RateLimit float64
}

// String keeps key material out of logs and panics if a config is printed.
func (c UCloudConfig) String() string {
	return fmt.Sprintf("UCloudConfig{PublicKey: %q, PrivateKey: %s, SecurityToken: %s, ProjectID: %q, BaseURL: %q}",
		c.PublicKey, redacted(c.PrivateKey), redacted(c.SecurityToken), c.ProjectID, c.BaseURL)
}

// GoString is String, so that %#v is safe too.
func (c UCloudConfig) GoString() string { return c.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "(redacted)"
}

// UCloudClient calls the UCloud API gateway. It is safe for concurrent use,
// although GetUserOperationEvents itself must be called sequentially.
type UCloudClient struct {
	publicKey     string
	privateKey    string
	securityToken string
	projectID     string
	endpoint      *url.URL
	userAgent     string
	timeout       time.Duration
	httpClient    *http.Client
	logger        Logger
	retry         retryPolicy
	pace          *pacer
}

// NewUCloudClient validates cfg and builds a client.
func NewUCloudClient(cfg UCloudConfig) (*UCloudClient, error) {
	if cfg.PublicKey == "" || cfg.PrivateKey == "" {
		return nil, errors.New("ucloud: both a public key and a private key are required")
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = DefaultUCloudBaseURL
	}
	// The rules of the provider block's base_url, wherever the URL came
	// from: the environment and ~/.ucloud/config.json are checked alike.
	if _, _, err := ParseEndpointURL(base); err != nil {
		return nil, fmt.Errorf("ucloud: invalid base URL: %w", err)
	}
	endpoint, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("ucloud: invalid base URL: %w", err)
	}
	if endpoint.Path == "" {
		endpoint.Path = "/"
	}

	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultUCloudRequestTimeout
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = newPooledHTTPClient()
	}
	return &UCloudClient{
		publicKey:     cfg.PublicKey,
		privateKey:    cfg.PrivateKey,
		securityToken: cfg.SecurityToken,
		projectID:     cfg.ProjectID,
		endpoint:      endpoint,
		userAgent:     ucloudUserAgent(cfg.UserAgent),
		timeout:       timeout,
		httpClient:    httpClient,
		logger:        loggerOrNop(cfg.Logger),
		retry:         newRetryPolicy(cfg.MaxRetries),
		pace:          newPacer(cfg.RateLimit, 1, loggerOrNop(cfg.Logger)),
	}, nil
}

// BaseURL is the gateway the client calls, for messages.
func (c *UCloudClient) BaseURL() string { return c.endpoint.String() }

// newPooledHTTPClient returns a client whose transport keeps connections
// alive between the pages of a read, with proxies and CAs from the
// environment (see newHTTPTransport). It is the client's own, so that
// nothing else in the process can change it under us.
func newPooledHTTPClient() *http.Client {
	return &http.Client{Transport: newHTTPTransport(8)}
}

// ucloudUserAgent builds "GO/go1.x.y terraform-provider-auditlog/0.1.0", the
// shape of the official SDKs' User-Agent with our product in place of theirs.
func ucloudUserAgent(custom string) string {
	custom = strings.TrimSpace(custom)
	switch {
	case custom == "":
		custom = ucloudProductUserAgent
	case !strings.Contains(custom, "/"):
		// A bare version such as "0.1.0".
		custom = "terraform-provider-auditlog/" + custom
	}
	return "GO/" + runtime.Version() + " " + custom
}

// UCloudResponse is the envelope of a successful generic call.
type UCloudResponse struct {
	// Action is the response's Action, such as "GetUserOperationEventsResponse".
	Action string
	// RequestID is the X-UCLOUD-REQUEST-UUID response header.
	RequestID string
	// Body is the whole JSON body, for the caller to decode.
	Body []byte
}

// Call sends action with params, flattened as by FlattenUCloudParams, and
// returns the response once its RetCode is 0. Failures are *UCloudError
// values, or wrapped network and context errors. Retryable failures are
// retried with backoff, up to the configured MaxRetries.
func (c *UCloudClient) Call(ctx context.Context, action string, params map[string]any) (*UCloudResponse, error) {
	flat, err := FlattenUCloudParams(params)
	if err != nil {
		return nil, err
	}
	var env ucloudEnvelope
	requestID, body, err := c.invoke(ctx, action, flat, func(body []byte) (*ucloudEnvelope, error) {
		env = ucloudEnvelope{}
		return &env, json.Unmarshal(body, &env) // attempt refuses a repeated key
	})
	if err != nil {
		return nil, err
	}
	return &UCloudResponse{Action: env.Action, RequestID: requestID, Body: body}, nil
}

// ucloudEnvelope is the part of every response body common to all actions.
// Typed responses embed it, so a body is decoded only once.
type ucloudEnvelope struct {
	RetCode ucloudRetCode `json:"RetCode"`
	Action  string        `json:"Action"`
	Message string        `json:"Message"`
	// keysScanned is set by a decoder that ran the key scan itself and
	// found no repeated key, so that attempt does not scan again.
	keysScanned bool
}

// ucloudRetCode decodes RetCode whether it arrives as a JSON number or as a
// JSON string such as "171" (seen in the wild; the Go SDK patches the body
// before decoding). It records whether the field was present at all.
type ucloudRetCode struct {
	Code int
	Set  bool
}

func (r *ucloudRetCode) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil && strings.HasPrefix(s, `"`) {
		s = strings.TrimSpace(unq)
	}
	if n, err := strconv.Atoi(s); err == nil {
		*r = ucloudRetCode{Code: n, Set: true}
		return nil
	}
	// A number written as 171.0 is still an integer code.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int(f)) {
		*r = ucloudRetCode{Code: int(f), Set: true}
		return nil
	}
	return fmt.Errorf("RetCode %.20q is not an integer", s)
}

// UCloudError is a failed UCloud call: either the gateway answered with a
// non-zero RetCode, or the HTTP exchange itself failed (HTTPStatus >= 400, or
// a body that is not a UCloud JSON envelope; RetCode is 0 then).
type UCloudError struct {
	// Action is the action that was called, such as "GetUserOperationEvents".
	Action string
	// RetCode is the gateway's return code; 0 for transport-level failures.
	RetCode int
	// Message is the gateway's message, or a description of the failure.
	Message string
	// RequestID is the X-UCLOUD-REQUEST-UUID header, when the response had one.
	RequestID string
	// HTTPStatus is the HTTP status of the response.
	HTTPStatus int
	// Malformed is set when the body was cut short or is not JSON at all.
	Malformed bool
	// RetryAfter is the wait a 429 or 503 answer asked for (Retry-After),
	// when it asked for one.
	RetryAfter    time.Duration
	retryAfterSet bool
	// final is set for answers no repeat can change: too large, or
	// compressed without saying so.
	final bool
	cause error
}

// Unwrap returns what made the body unreadable, if that is the failure.
func (e *UCloudError) Unwrap() error { return e.cause }

func (e *UCloudError) Error() string {
	var b strings.Builder
	b.WriteString("ucloud ")
	b.WriteString(e.Action)
	b.WriteString(": ")
	if e.RetCode != 0 {
		fmt.Fprintf(&b, "RetCode %d: ", e.RetCode)
	}
	if e.HTTPStatus != 0 && (e.RetCode == 0 || e.HTTPStatus != http.StatusOK) {
		fmt.Fprintf(&b, "HTTP %d: ", e.HTTPStatus)
	}
	msg := e.Message
	if msg == "" {
		msg = "(no message)"
	}
	b.WriteString(msg)
	if e.RequestID != "" {
		b.WriteString(" (RequestId: ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	} else {
		b.WriteString(" (no RequestId)")
	}
	return b.String()
}

// Retryable reports whether the same call may succeed later: the gateway
// timed out (110), failed (130), was unavailable (150) or throttled us (153),
// or the HTTP layer answered 429 or 5xx (500, 502, 503, 504). Everything else,
// authentication (17x), project and permission errors (292-299) and parameter
// errors, fails the same way every time.
func (e *UCloudError) Retryable() bool {
	// Reads are idempotent, and a body cut short or garbled on its way is
	// the usual cause of an undecodable answer: asking again is safe.
	if e.final {
		return false
	}
	if e.Malformed {
		return true
	}
	switch e.RetCode {
	case 110, 130, 150, 153:
		return true
	}
	switch e.HTTPStatus {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// decodeFunc decodes a response body, returning its envelope. It is called
// once per attempt with a fresh target, so a failed attempt leaves nothing
// behind in the next one.
type decodeFunc func(body []byte) (*ucloudEnvelope, error)

// invoke signs and sends one call, retrying as the policy allows, and returns
// the request id and body of the successful attempt.
func (c *UCloudClient) invoke(ctx context.Context, action string, params map[string]string, decode decodeFunc) (requestID string, body []byte, err error) {
	if action == "" {
		return "", nil, errors.New("ucloud: empty action")
	}
	err = c.retry.do(ctx, func(attempt int) (bool, error) {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, fmt.Errorf("ucloud %s: %w", action, ctxErr)
		}
		// Each attempt is signed afresh. UCloud signatures carry no
		// timestamp or nonce, so the value is the same every time; signing
		// per attempt keeps that an implementation detail.
		form := c.signedForm(action, params)
		release, err := c.pace.acquire(ctx, action, c.publicKey)
		if err != nil {
			return false, fmt.Errorf("ucloud %s: waiting for the call budget: %w", action, err)
		}
		start := time.Now()
		id, b, status, err := c.attempt(ctx, action, form, decode)
		release()
		requestID, body = id, b // kept from the last attempt
		retryable := isRetryableUCloudErr(ctx, err)
		fields := map[string]any{
			"action":      action,
			"attempt":     attempt + 1,
			"request_id":  id,
			"http_status": status,
			"duration_ms": time.Since(start).Milliseconds(),
			"retcode":     0,
		}
		var uerr *UCloudError
		if errors.As(err, &uerr) {
			fields["retcode"] = uerr.RetCode
		}
		if err != nil {
			// Error texts never contain keys, signatures, tokens or bodies
			// beyond a short snippet of a malformed one.
			fields["error"] = err.Error()
			fields["retryable"] = retryable
		}
		c.logger.Debug(ctx, "ucloud api call", fields)
		return retryable, err
	})
	if err != nil {
		// The policy returns the last attempt's error; if it stopped because
		// ctx ended while waiting to retry, say so too.
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (retry abandoned: %w)", err, ctxErr)
		}
		return "", nil, err
	}
	return requestID, body, nil
}

// signedForm returns the body of a call: params plus Action, PublicKey, the
// optional SecurityToken and the Signature over all of them.
func (c *UCloudClient) signedForm(action string, params map[string]string) url.Values {
	signed := make(map[string]string, len(params)+4)
	for k, v := range params {
		if v == "" {
			continue // never sent, so never signed
		}
		signed[k] = v
	}
	delete(signed, "Signature")
	delete(signed, "SecurityToken")
	signed["Action"] = action
	signed["PublicKey"] = c.publicKey
	if c.securityToken != "" {
		signed["SecurityToken"] = c.securityToken
	}
	form := make(url.Values, len(signed)+1)
	for k, v := range signed {
		form.Set(k, v)
	}
	form.Set("Signature", SignUCloud(signed, c.privateKey))
	return form
}

// attempt performs one HTTP exchange and decodes its answer.
func (c *UCloudClient) attempt(parent context.Context, action string, form url.Values, decode decodeFunc) (requestID string, body []byte, status int, err error) {
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()

	// The Go SDK posts to base URL + ?Action=<Action>, with Action also in
	// the body; the query copy helps gateway routing and access logs.
	u := *c.endpoint
	q := u.Query()
	q.Set("Action", action)
	u.RawQuery = q.Encode()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", nil, 0, fmt.Errorf("ucloud %s: %w", action, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("U-Timestamp-Ms", strconv.FormatInt(time.Now().UnixMilli(), 10))

	resp, err := c.httpClient.Do(req)
	if err != nil {
		return "", nil, 0, fmt.Errorf("ucloud %s: %w", action, c.timedOut(parent, ctx, err))
	}
	defer func() {
		// Drain what is left (bounded) so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	requestID = resp.Header.Get("X-UCLOUD-REQUEST-UUID")
	status = resp.StatusCode
	var wait time.Duration
	waitSet := false
	if retryAfterStatus(status) {
		wait, waitSet = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}

	body, err = readResponseBody(resp, MaxResponseBytes)
	var tooLarge *ResponseTooLargeError
	var enc *bodyEncodingError
	switch {
	case errors.As(err, &tooLarge):
		return requestID, nil, status, &UCloudError{Action: action, HTTPStatus: status, RequestID: requestID, Message: tooLarge.Error(), final: true, cause: tooLarge}
	case errors.As(err, &enc):
		return requestID, nil, status, &UCloudError{Action: action, HTTPStatus: status, RequestID: requestID,
			Message: enc.Error() + ": " + quoteSnippet(body), final: true, cause: enc}
	case err != nil:
		// The connection broke mid-body: a network failure, retryable.
		return requestID, nil, status, fmt.Errorf("ucloud %s: reading response (HTTP %d, RequestId: %s, %d bytes read): %w",
			action, status, requestIDOrNone(requestID), len(body), c.timedOut(parent, ctx, err))
	}

	// All SDKs treat HTTP >= 400 as a transport error, whatever the body says.
	if status >= 400 {
		msg := http.StatusText(status)
		if s := bodySnippet(body); s != "" {
			msg += ": " + strconv.Quote(s)
		}
		return requestID, nil, status, &UCloudError{Action: action, HTTPStatus: status, RequestID: requestID, Message: msg,
			RetryAfter: wait, retryAfterSet: waitSet}
	}

	env, decErr := decode(body)
	if dup := repeatedKey(body, env, decErr); dup != nil {
		// Checked before the RetCode: with a key repeated, even the RetCode
		// read may not be the one the gateway meant.
		return requestID, nil, status, &UCloudError{Action: action, HTTPStatus: status, RequestID: requestID,
			Message: "malformed response body (" + briefError(dup) + ")"}
	}
	if env != nil && env.RetCode.Set && env.RetCode.Code != 0 {
		// A non-zero RetCode wins over any decoding trouble in the payload:
		// error bodies rarely match the success schema.
		return requestID, nil, status, &UCloudError{Action: action, RetCode: env.RetCode.Code, Message: env.Message, RequestID: requestID, HTTPStatus: status}
	}
	if decErr != nil {
		msg := "malformed response body (" + describeJSONError(decErr) + "): " + quoteSnippet(body)
		if len(bytes.TrimSpace(body)) == 0 {
			msg = "empty response body"
		}
		garbledBody := garbled(decErr) || len(bytes.TrimSpace(body)) == 0
		return requestID, nil, status, &UCloudError{Action: action, HTTPStatus: status, RequestID: requestID, Message: msg, Malformed: garbledBody}
	}
	if !env.RetCode.Set {
		return requestID, nil, status, &UCloudError{Action: action, HTTPStatus: status, RequestID: requestID,
			Message: "response body has no RetCode: " + quoteSnippet(body)}
	}
	return requestID, body, status, nil
}

// isRetryableUCloudErr classifies an attempt's error for the retry policy.
func isRetryableUCloudErr(ctx context.Context, err error) bool {
	if err == nil {
		return false
	}
	// The caller gave up: never retry, whatever the error looks like.
	if ctx.Err() != nil {
		return false
	}
	var uerr *UCloudError
	if errors.As(err, &uerr) {
		return uerr.Retryable()
	}
	// A certificate problem or a proxy refusing us will not fix itself.
	if permanentTransportError(err) {
		return false
	}
	// Dial failures, resets, EOFs and the per-attempt timeout (the parent ctx
	// is still alive, so a DeadlineExceeded here is our own RequestTimeout).
	var netErr net.Error
	var urlErr *url.Error
	return errors.As(err, &netErr) || errors.As(err, &urlErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// timedOut marks err as the attempt's own RequestTimeout when that is what
// ended it: the attempt's context ctx expired while the caller's, parent,
// is still alive.
func (c *UCloudClient) timedOut(parent, ctx context.Context, err error) error {
	if parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", &RequestTimeoutError{Timeout: c.timeout, err: ctx.Err()}, err)
	}
	return err
}

func requestIDOrNone(id string) string {
	if id == "" {
		return "none"
	}
	return id
}

// bodySnippet returns at most ucloudBodySnippetBytes of a body, trimmed and
// cut at a character boundary, for error messages. Whole bodies never go
// into errors: they can be large and are not ours to print.
func bodySnippet(body []byte) string {
	b := bytes.TrimSpace(body)
	truncated := false
	if len(b) > ucloudBodySnippetBytes {
		// Cut before a character split in two, backing off at most the
		// length of one: a binary body has no character boundaries at all.
		cut := ucloudBodySnippetBytes
		for back := 0; back < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(b[cut]); back++ {
			cut--
		}
		b = b[:cut]
		truncated = true
	}
	s := strings.Join(strings.Fields(string(b)), " ")
	if truncated {
		s += "..."
	}
	return s
}

func quoteSnippet(body []byte) string {
	s := bodySnippet(body)
	if s == "" {
		return "empty body"
	}
	return strconv.Quote(s)
}

// describeJSONError names what was wrong with a body without echoing it.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &syn) && strings.Contains(syn.Error(), "unexpected end")):
		return "truncated JSON"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		// typ.Value can be the offending literal itself, at any length.
		return fmt.Sprintf("field %s: JSON %.40s where %s was expected", typ.Field, typ.Value, typ.Type)
	default:
		return briefError(err)
	}
}
