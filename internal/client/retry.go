package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// DefaultMaxRetries is how many times a retryable failure is retried when the
// configuration does not say otherwise.
const DefaultMaxRetries = 3

// retryPolicy retries a call with exponential backoff and full jitter. It is
// bounded by MaxRetries and by the context, whichever ends first.
type retryPolicy struct {
	MaxRetries int
	BaseDelay  time.Duration
	MaxDelay   time.Duration
}

func newRetryPolicy(maxRetries int) retryPolicy {
	if maxRetries < 0 {
		maxRetries = 0
	}
	return retryPolicy{MaxRetries: maxRetries, BaseDelay: 200 * time.Millisecond, MaxDelay: 10 * time.Second}
}

// backoff returns the wait before retry number n (0 for the first retry):
// a random duration in [d/2, d] where d doubles each time up to MaxDelay.
func (p retryPolicy) backoff(n int) time.Duration {
	d := p.BaseDelay << min(n, 16)
	if d <= 0 || d > p.MaxDelay {
		d = p.MaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// do runs call until it succeeds, fails with an error that is not retryable,
// runs out of retries, or ctx ends. call reports whether its error may be
// retried. The last error is returned, so the caller sees the real cause.
// A retry waits at least as long as the failed answer's Retry-After asked;
// one that asks for more than MaxRetryAfter, or for more than is left
// before ctx's deadline, ends the call at once with a *RetryAfterError.
func (p retryPolicy) do(ctx context.Context, call func(attempt int) (retryable bool, err error)) error {
	for attempt := 0; ; attempt++ {
		retryable, err := call(attempt)
		noteAttempt(ctx, attempt)
		if err == nil {
			return nil
		}
		if !retryable || attempt >= p.MaxRetries {
			return &attemptsError{err: err, attempts: attempt + 1, retryable: retryable}
		}
		wait := p.backoff(attempt)
		if asked, ok := serverRetryAfter(err); ok {
			// The server (or a gateway or proxy on the way) said when to
			// come back: never sooner. A wait it cannot have fails now,
			// saying so, rather than retrying early or sleeping until the
			// deadline only to fail then.
			deadline, bounded := ctx.Deadline()
			left := time.Until(deadline)
			switch {
			case asked > MaxRetryAfter:
				return &attemptsError{err: &RetryAfterError{Wait: asked, err: err}, attempts: attempt + 1}
			case bounded && asked >= left:
				return &attemptsError{err: &RetryAfterError{Wait: asked, Left: max(left, 0), err: err}, attempts: attempt + 1}
			}
			wait = max(wait, asked)
		}
		if ctxErr := sleepCtx(ctx, wait); ctxErr != nil {
			// Keep the real cause, and say why it was not retried.
			return &attemptsError{err: fmt.Errorf("%w (retry abandoned: %w)", err, ctxErr), attempts: attempt + 1, retryable: retryable}
		}
	}
}

// attemptsError is the last error of a failed call, with how many attempts
// were made. Its text is the cause's: the provider adds the count where it
// tells the user what to do.
type attemptsError struct {
	err       error
	attempts  int
	retryable bool
}

func (e *attemptsError) Error() string { return e.err.Error() }
func (e *attemptsError) Unwrap() error { return e.err }

// Attempts returns how many attempts the failed call behind err made, and
// whether its last error was one that is retried (so that the count is the
// retry budget spent, not a refusal on the first try). ok is false when err
// carries no count.
func Attempts(err error) (attempts int, retryable, ok bool) {
	var ae *attemptsError
	if !errors.As(err, &ae) {
		return 0, false, false
	}
	return ae.attempts, ae.retryable, true
}

// sleepCtx waits for d or until ctx ends, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// garbled reports whether a decoding error means the bytes were damaged or
// cut short on their way (worth asking again, since reads are idempotent),
// as opposed to well-formed JSON of an unexpected shape (which a retry will
// not change).
func garbled(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// briefError returns err's text, cut to a length fit for a diagnostic: a
// decoder's message can quote a value of the body at any length.
func briefError(err error) string {
	const maxLen = 200
	s := err.Error()
	if len(s) > maxLen {
		return s[:maxLen] + "…"
	}
	return s
}
