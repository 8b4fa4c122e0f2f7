package client

import (
	"fmt"
	"net/http"
	"strings"
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
// Authentication and parameter errors are final.
func (e *TencentError) Retryable() bool {
	switch prefix, _, _ := strings.Cut(e.Code, "."); prefix {
	case "RequestLimitExceeded", "InternalError", "ResourceUnavailable":
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
