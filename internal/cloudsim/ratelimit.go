package cloudsim

import "time"

// How the simulator enforces a rate limit. The APIs document a rate
// ("20 requests/second") and no window shape: counting the calls of each
// calendar second, as the simulator once did, lets 40 calls through within
// a few milliseconds across a second's border and refuses the 21st call of
// a second even when the calls before it were spread over the whole
// second. The simulator's choice is a token bucket: a bucket holds at most
// burst tokens, starts full, and gains rate tokens per second; a call
// takes one token, and a call that finds none is refused and takes
// nothing. With rate = burst = the documented limit, no second-long
// interval (wherever it starts) admits more than twice the limit, any
// client that keeps its calls at least 1/rate apart is never refused, and
// 20 calls at once are admitted after an idle second. The provider's
// pacer spaces calls evenly, so it passes under any of these shapes.

// tokenBucket is one budget: an action's calls for one key. It keeps no
// clock of its own; the caller passes the time, so tests step it.
type tokenBucket struct {
	rate   float64 // tokens gained per second
	burst  float64 // the most tokens it holds
	tokens float64
	last   time.Time // when tokens was last brought up to date
}

func newTokenBucket(rate, burst int, now time.Time) *tokenBucket {
	return &tokenBucket{rate: float64(rate), burst: float64(burst), tokens: float64(burst), last: now}
}

// take reports whether a call at now is admitted, and spends a token if
// so. A clock that steps back (now before the last call) adds nothing.
func (b *tokenBucket) take(now time.Time) bool {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
