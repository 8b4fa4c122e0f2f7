package client

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// testClock is a clock the test moves by hand. It starts on a whole
// second: the API gives the end of a session to the second, so a session
// of one second asked at 0.95 past would end 0.05 s later.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now().Truncate(time.Second)} }

func (k *testClock) Now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.now
}

func (k *testClock) advance(d time.Duration) {
	k.mu.Lock()
	k.now = k.now.Add(d)
	k.mu.Unlock()
}

// With max_retries = 0 a token the API refuses as expired is still renewed
// and the call sent again once: a renewal is not a retry. A second refusal
// after the renewal fails the call.
func TestTencentAssumeRoleRenewedWithoutRetries(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctAssumeRoleClient(t, s, 3600, func(cfg *TencentConfig) { cfg.MaxRetries = 0 })
	if _, err := tctRead(c); err != nil {
		t.Fatal(err)
	}
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, Action: "DescribeAuditTracks", Times: 1})
	if _, err := tctRead(c); err != nil {
		t.Fatalf("a read with max_retries = 0 after the role's token expired: %v", err)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 {
		t.Errorf("AssumeRole called %d times, want 2 (once more after the token expired)", n)
	}

	// Tokens that keep failing: one renewal, then the refusal.
	s = tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, Action: "DescribeAuditTracks"})
	_, err := tctRead(tctAssumeRoleClient(t, s, 3600, func(cfg *TencentConfig) { cfg.MaxRetries = 0 }))
	if te := tctAsError(t, err); te.Code != "AuthFailure.TokenFailure" {
		t.Errorf("code %s, want AuthFailure.TokenFailure", te.Code)
	}
	var refused *RoleTokenRefusedError
	if !errors.As(err, &refused) || refused.RoleArn != tctRoleArn {
		t.Errorf("a token refused after renewal is not reported as the role's: %#v", err)
	}
	sent := 0
	for _, r := range s.requests() {
		if r.Action == "DescribeAuditTracks" {
			sent++
		}
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 || sent != 2 {
		t.Errorf("AssumeRole called %d times and DescribeAuditTracks sent %d times, want 2 and 2", n, sent)
	}
}

// tctClockedRoleClient is a role client and a simulator on one clock the
// test moves (signatures stay valid while it is moved less than 5 minutes).
func tctClockedRoleClient(t *testing.T, duration int64) (*tctServer, *TencentClient, *testClock) {
	t.Helper()
	clock := newTestClock()
	s := tctStart(t, cloudsim.Options{Now: clock.Now}, nil)
	c := tctAssumeRoleClient(t, s, duration, nil)
	c.now = clock.Now
	return s, c, clock
}

// tctReadsAssuming reads n times and returns how many AssumeRole calls the
// simulator answered by then.
func tctReadsAssuming(t *testing.T, s *tctServer, c *TencentClient, n int) int {
	t.Helper()
	for i := range n {
		if _, err := tctRead(c); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	return s.sim.CallCount("AssumeRole")
}

// A session of 300 s or less is reused while it is valid: the refresh
// margin is scaled to the session (a fifth of it, at most 5 minutes), not
// larger than the session.
func TestTencentAssumeRoleShortSessionReused(t *testing.T) {
	s, c, clock := tctClockedRoleClient(t, 300)
	if n := tctReadsAssuming(t, s, c, 3); n != 1 {
		t.Fatalf("a 300 s session was assumed %d times for 3 reads at once, want 1", n)
	}
	clock.advance(230 * time.Second) // 10 s before its last fifth
	if n := tctReadsAssuming(t, s, c, 2); n != 1 {
		t.Errorf("after 230 s of a 300 s session AssumeRole was called %d times, want 1", n)
	}
	clock.advance(20 * time.Second) // inside the last fifth: renewed once
	if n := tctReadsAssuming(t, s, c, 3); n != 2 {
		t.Errorf("after 250 s of a 300 s session AssumeRole was called %d times, want 2", n)
	}

	// The shortest session the attribute accepts, one second.
	s, c, clock = tctClockedRoleClient(t, 1)
	if n := tctReadsAssuming(t, s, c, 3); n != 1 {
		t.Errorf("a 1 s session was assumed %d times for 3 reads at once, want 1", n)
	}
	clock.advance(900 * time.Millisecond)
	if n := tctReadsAssuming(t, s, c, 1); n != 2 {
		t.Errorf("after 0.9 s of a 1 s session AssumeRole was called %d times, want 2", n)
	}
}

// A long session is renewed 5 minutes before it ends, no sooner. (Only the
// client's clock moves: the simulator's stays near the signatures' time.)
func TestTencentAssumeRoleRenewedFiveMinutesBeforeExpiry(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctAssumeRoleClient(t, s, 3600, nil)
	clock := newTestClock()
	c.now = clock.Now
	if n := tctReadsAssuming(t, s, c, 1); n != 1 {
		t.Fatalf("AssumeRole called %d times, want 1", n)
	}
	clock.advance(3600*time.Second - 301*time.Second)
	if n := tctReadsAssuming(t, s, c, 2); n != 1 {
		t.Errorf("301 s before the end of a 1-hour session AssumeRole was called %d times, want 1", n)
	}
	clock.advance(2 * time.Second)
	if n := tctReadsAssuming(t, s, c, 1); n != 2 {
		t.Errorf("299 s before the end of a 1-hour session AssumeRole was called %d times, want 2", n)
	}
}

// An AssumeRole answer without ExpiredTime ends at its Expiration (RFC
// 3339); one with neither is an error naming the RequestId.
func TestTencentAssumeRoleExpiration(t *testing.T) {
	s, c, clock := tctClockedRoleClient(t, 3600)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultNoExpiredTime, Action: "AssumeRole"})
	if n := tctReadsAssuming(t, s, c, 3); n != 1 {
		t.Errorf("credentials with only an Expiration were assumed %d times for 3 reads, want 1", n)
	}
	c.now = func() time.Time { return clock.Now().Add(3600*time.Second - time.Minute) } // 1 min before the end
	if n := tctReadsAssuming(t, s, c, 1); n != 2 {
		t.Errorf("a minute before their Expiration the credentials were assumed %d times, want 2 (renewed)", n)
	}

	s, c, _ = tctClockedRoleClient(t, 3600)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultNoExpiry, Action: "AssumeRole"})
	_, err := tctRead(c)
	var ar *AssumeRoleError
	if !errors.As(err, &ar) {
		t.Fatalf("got %v, want an AssumeRoleError", err)
	}
	var reqID string
	for _, a := range s.simAnswers() {
		var out struct{ Response struct{ RequestId string } }
		if json.Unmarshal(a, &out) == nil {
			reqID = out.Response.RequestId
		}
	}
	if msg := err.Error(); reqID == "" || !strings.Contains(msg, reqID) || !strings.Contains(msg, "ExpiredTime") || !strings.Contains(msg, "Expiration") {
		t.Errorf("error %q does not name the missing fields and the RequestId %q", msg, reqID)
	}
	if n := s.sim.CallCount("DescribeAuditTracks"); n != 0 {
		t.Errorf("DescribeAuditTracks called %d times with credentials of unknown end", n)
	}
}

// tctSent counts the requests of action the test server received.
func tctSent(s *tctServer, action string) int {
	n := 0
	for _, r := range s.requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

// When the early renewal fails, the credentials in hand, still valid, are
// used, and the renewal is tried again with the next call; the failure is
// logged at WARN once. Only once they have expired does a failed renewal
// fail the call. (Only the client's clock moves: the simulator's
// credentials stay valid.)
func TestTencentAssumeRoleEarlyRenewalFailureUsesValidCredentials(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	log := &tctLogger{}
	c := tctAssumeRoleClient(t, s, 300, func(cfg *TencentConfig) { cfg.Logger = log })
	clock := newTestClock()
	c.now = clock.Now
	if _, err := tctRead(c); err != nil {
		t.Fatal(err)
	}
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "AssumeRole", Code: "InternalError.SystemError"})
	clock.advance(250 * time.Second) // inside the last fifth, 50 s before the end
	for i := range 3 {
		if _, err := tctRead(c); err != nil {
			t.Fatalf("read %d with credentials valid for 50 s more, while their renewal fails: %v", i+1, err)
		}
	}
	if n := tctSent(s, "AssumeRole"); n != 1+3 {
		t.Errorf("AssumeRole sent %d times, want 4: once at first, then once with each read while it fails", n)
	}
	warned := 0
	for _, e := range log.all() {
		if strings.HasPrefix(e, "WARN") && strings.Contains(e, "renew") {
			warned++
			if !strings.Contains(e, "InternalError.SystemError") || !strings.Contains(e, tctRoleArn) {
				t.Errorf("the warning does not name the role and the cause: %s", e)
			}
		}
	}
	if warned != 1 {
		t.Errorf("%d warnings about the failed renewal, want 1", warned)
	}

	// The renewal works again: the next read renews.
	s.sim.ClearFaults()
	if _, err := tctRead(c); err != nil {
		t.Fatal(err)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 {
		t.Errorf("AssumeRole answered %d times, want 2 (renewed once it works again)", n)
	}

	// Expired credentials whose renewal fails fail the call.
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultAPIError, Action: "AssumeRole", Code: "InternalError.SystemError"})
	clock.advance(301 * time.Second)
	_, err := tctRead(c)
	var ar *AssumeRoleError
	if !errors.As(err, &ar) {
		t.Fatalf("a read with expired credentials whose renewal fails: got %v, want the AssumeRole failure", err)
	}
}

// While one read renews early (slowly), the other reads do not wait: the
// credentials in hand are still valid. Run under -race.
func TestTencentAssumeRoleEarlyRenewalDoesNotHoldOtherReads(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctAssumeRoleClient(t, s, 300, nil)
	clock := newTestClock()
	c.now = clock.Now
	if _, err := tctRead(c); err != nil {
		t.Fatal(err)
	}
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSlow, Action: "AssumeRole", Delay: 1500 * time.Millisecond, Times: 1})
	clock.advance(250 * time.Second)
	renewing := make(chan error, 1)
	go func() {
		_, err := tctRead(c)
		renewing <- err
	}()
	tctWaitFor(t, "the slow renewal", func() bool { return tctSent(s, "AssumeRole") == 2 })
	var wg sync.WaitGroup
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := tctRead(c); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d > time.Second {
		t.Errorf("8 reads took %v while another read renewed the valid credentials, want no wait", d)
	}
	if err := <-renewing; err != nil {
		t.Fatal(err)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 {
		t.Errorf("AssumeRole answered %d times, want 2", n)
	}
}
