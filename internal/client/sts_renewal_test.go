package client

import (
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now()} }

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
