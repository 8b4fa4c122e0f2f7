package cloudsim_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// tcsimStoppedClock is a simulator clock that moves only when the test
// moves it, from the start of a calendar second.
type tcsimStoppedClock struct {
	mu  sync.Mutex
	at  time.Time
	off time.Duration
}

func newStoppedClock() *tcsimStoppedClock {
	return &tcsimStoppedClock{at: time.Now().Truncate(time.Second)}
}

func (c *tcsimStoppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at.Add(c.off)
}

func (c *tcsimStoppedClock) set(off time.Duration) {
	c.mu.Lock()
	c.off = off
	c.mu.Unlock()
}

// With EnforceRateLimits, each action and SecretId has a token bucket of
// its documented rate (20 per second; AssumeRole 600) holding as many: 20
// calls at one instant pass and the 21st is refused with
// RequestLimitExceeded, a call 50 ms later passes, and calls spaced 50 ms
// apart pass even when the 21st falls inside the first calendar second.
func TestTencentSimRateLimitIsATokenBucket(t *testing.T) {
	t.Run("burst, then the rate", func(t *testing.T) {
		clock := newStoppedClock()
		sim, host := tcsimStart(t, cloudsim.Options{Tracks: 3, EnforceRateLimits: true, Now: clock.Now})
		c := tcsimDefaultCaller(t, host)
		for i := range 20 {
			if res := c.page(1, 10); res.err != nil {
				t.Fatalf("call %d of 20 at one instant: %v", i+1, res.err)
			}
		}
		tcsimExpectError(t, c.page(1, 10), "RequestLimitExceeded")
		if sim.ThrottledCount() != 1 {
			t.Errorf("ThrottledCount %d, want 1", sim.ThrottledCount())
		}
		clock.set(50 * time.Millisecond)
		if res := c.page(1, 10); res.err != nil {
			t.Errorf("a call 50 ms after the burst: %v", res.err)
		}
		tcsimExpectError(t, c.page(1, 10), "RequestLimitExceeded")
		// Another action has its own bucket; AssumeRole's holds 600.
		for i := range 25 {
			res := c.call("sts", "2018-08-13", "AssumeRole",
				fmt.Sprintf(`{"RoleArn":%q,"RoleSessionName":"tcsim-rate","DurationSeconds":900}`, tcsimRoleArn))
			if res.err != nil {
				t.Fatalf("AssumeRole call %d at one instant: %v", i+1, res.err)
			}
		}
	})
	t.Run("evenly spaced across a second's border", func(t *testing.T) {
		clock := newStoppedClock()
		sim, host := tcsimStart(t, cloudsim.Options{Tracks: 3, EnforceRateLimits: true, Now: clock.Now})
		c := tcsimDefaultCaller(t, host)
		// 20 calls from 0 to 950 ms, then one at 999 ms, a millisecond
		// early: 21 in one calendar second, 20 per second all the same.
		for i := range 20 {
			clock.set(time.Duration(i) * 50 * time.Millisecond)
			if res := c.page(1, 10); res.err != nil {
				t.Fatalf("call %d: %v", i+1, res.err)
			}
		}
		clock.set(999 * time.Millisecond)
		if res := c.page(1, 10); res.err != nil {
			t.Errorf("the 21st call, 49 ms after the 20th: %v", res.err)
		}
		if sim.ThrottledCount() != 0 {
			t.Errorf("ThrottledCount %d, want 0", sim.ThrottledCount())
		}
	})
}
