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
func (p retryPolicy) do(ctx context.Context, call func(attempt int) (retryable bool, err error)) error {
	for attempt := 0; ; attempt++ {
		retryable, err := call(attempt)
		if err == nil || !retryable || attempt >= p.MaxRetries {
			return err
		}
		if ctxErr := sleepCtx(ctx, p.backoff(attempt)); ctxErr != nil {
			// Keep the real cause, and say why it was not retried.
			return fmt.Errorf("%w (retry abandoned: %w)", err, ctxErr)
		}
	}
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
