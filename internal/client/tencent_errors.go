package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// TencentError is a failed Tencent Cloud API call: either the API's own
// {"Error": {"Code", "Message"}} answer, or a client-side failure whose Code
// starts with "ClientError." (network, HTTP status, undecodable body).
type TencentError struct {
	Service    string
	Action     string
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	// RetryAfter is the wait a 429 or 503 answer asked for (Retry-After),
	// when it asked for one.
	RetryAfter    time.Duration
	retryAfterSet bool

	cause error
	// garbled is set when the body was cut short or is not JSON at all.
	garbled bool
}

func (e *TencentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tencentcloud %s: %s: %s", e.Action, e.Code, e.Message)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (RequestId: %s)", e.RequestID)
	}
	return b.String()
}

func (e *TencentError) Unwrap() error { return e.cause }

// Retryable reports whether repeating the call may succeed: throttling in all
// its variants, transient server faults, network failures and HTTP 5xx.
// Authentication and parameter errors are final, and so are network
// failures that a repeat cannot fix: a certificate that does not verify, a
// proxy refusing us, an answer too large.
func (e *TencentError) Retryable() bool {
	if permanentTransportError(e.cause) {
		return false
	}
	switch prefix, _, _ := strings.Cut(e.Code, "."); prefix {
	case "RequestLimitExceeded", "InternalError", "ResourceUnavailable":
		return true
	}
	if e.Service == CLSService && clsRetryableCodes[e.Code] {
		return true
	}
	switch e.Code {
	case "ClientError.NetworkError":
		return true
	case "ClientError.ParseJsonError":
		// Reads are idempotent: an answer cut short or garbled on its way
		// is worth asking for again; JSON of an unexpected shape is not.
		return e.garbled
	case "ClientError.HttpStatusCodeError":
		return e.HTTPStatus >= http.StatusInternalServerError || e.HTTPStatus == http.StatusTooManyRequests
	}
	return false
}

// bodyFailure is the error of an answer whose body could not be read: the
// caller gave up, the attempt timed out, the body was too large, in an
// encoding that cannot be read, or cut short.
func (ex *exchange) bodyFailure(ctx, attemptCtx context.Context, base TencentError) error {
	var tooLarge *ResponseTooLargeError
	var enc *bodyEncodingError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("tencentcloud %s: %w", ex.action, ctx.Err())
	case attemptCtx.Err() != nil:
		return ex.timedOut(attemptCtx)
	case errors.As(ex.bodyErr, &tooLarge):
		base.Code, base.Message, base.cause = "ClientError.ResponseTooLarge", fmt.Sprintf("HTTP %d: %s", ex.status, tooLarge), tooLarge
	case errors.As(ex.bodyErr, &enc):
		base.Code, base.cause = "ClientError.ParseJsonError", enc
		base.Message = fmt.Sprintf("HTTP %d: %s: %s", ex.status, enc, ex.snippet)
	default:
		// A connection reset or closed mid-body: the bytes are worth
		// asking for again.
		base.Code, base.cause = "ClientError.NetworkError", ex.bodyErr
		base.Message = fmt.Sprintf("HTTP %d answer cut short after %d bytes: %s", ex.status, ex.bodyBytes, briefError(ex.bodyErr))
	}
	return &base
}

// timedOut is the error of an attempt that ran out of its RequestTimeout.
func (ex *exchange) timedOut(attemptCtx context.Context) error {
	to := &RequestTimeoutError{Timeout: ex.timeout, err: attemptCtx.Err()}
	return &TencentError{Service: ex.service, Action: ex.action, Code: "ClientError.NetworkError", Message: to.Error(), cause: to}
}
