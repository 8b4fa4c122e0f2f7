package client

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// busiestSecond is the largest number of calls among times that fall in
// any one second.
func busiestSecond(times []time.Time) int {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most := 0
	for i, j := 0, 0; j < len(times); j++ {
		for times[j].Sub(times[i]) >= time.Second {
			i++
		}
		most = max(most, j-i+1)
	}
	return most
}

// hammer calls call from 4 goroutines each, for every client, until d has
// passed.
func hammer(t *testing.T, d time.Duration, call func(*TencentClient) error, clients ...*TencentClient) {
	t.Helper()
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for _, c := range clients {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					if err := call(c); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
}

// The provider's own key and a role of the same account share that
// account's budget once the key's account is known (GetCallerIdentity):
// together they keep to 20 calls a second, not 20 each.
func TestTencentOneAccountOneBudget(t *testing.T) {
	f := newAccountsFake()
	base, err := NewTencentClient(TencentConfig{SecretID: "AKIDbase000000000000", SecretKey: "basekey", Endpoint: "http://sim.invalid",
		Transport: f, MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	role := base.WithRole(AssumeRoleConfig{RoleArn: roleA, SessionName: "audit"}) // the key's own account
	if id, err := base.CallerIdentity(context.Background()); err != nil || id.AccountId != "100000000002" {
		t.Fatalf("identity %+v, %v", id, err)
	}
	hammer(t, 1500*time.Millisecond, tracksOnce, base, role)
	arrivals := append(f.arrivalsOf("AKIDbase000000000000"), f.arrivalsOf("AKIDtmp100000000002")...)
	if most := busiestSecond(arrivals); most > 21 {
		t.Errorf("account 100000000002 got %d calls in one second through its two credentials, want at most its budget of 20", most)
	}
	t.Logf("account 100000000002: %d calls in its busiest second, %d in all", busiestSecond(arrivals), len(arrivals))
}

// A UinLimitExceeded answered to a role holds the calls of the provider's
// own key when both are of the same account, and the other way round.
func TestTencentUinLimitHoldsEveryCredentialOfTheAccount(t *testing.T) {
	for _, throttled := range []string{"AKIDtmp100000000002", "AKIDbase000000000000"} {
		f := newAccountsFake()
		base := accountsClient(t, f)
		role := base.WithRole(AssumeRoleConfig{RoleArn: roleA, SessionName: "audit"})
		if _, err := base.CallerIdentity(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*TencentClient{base, role} {
			if err := tracksOnce(c); err != nil {
				t.Fatal(err)
			}
		}
		f.mu.Lock()
		f.throttle[throttled] = []string{codeUinLimitExceeded}
		f.mu.Unlock()
		held, other, otherKey := role, base, "AKIDbase000000000000"
		if throttled == "AKIDbase000000000000" {
			held, other, otherKey = base, role, "AKIDtmp100000000002"
		}
		go func() { _ = tracksOnce(held) }()
		var throttledAt time.Time
		tctWaitFor(t, "the throttled call", func() bool {
			arr := f.arrivalsOf(throttled)
			if len(arr) < 2 {
				return false
			}
			throttledAt = arr[1]
			return true
		})
		time.Sleep(20 * time.Millisecond) // the answer is in: the hold is set
		if err := tracksOnce(other); err != nil {
			t.Fatal(err)
		}
		arr := f.arrivalsOf(otherKey)
		if d := arr[len(arr)-1].Sub(throttledAt); d < limitHold-50*time.Millisecond {
			t.Errorf("UinLimitExceeded answered to %s: a call of the same account with the other credential came %v later, want at least %v", throttled, d, limitHold)
		}
	}
}

// Budgets move from a SecretId to its account while calls are being paced
// under both: no call is lost or stuck, and from the move on the account
// keeps to one budget. Run under -race.
func TestPacerJoinAccountWhileCalling(t *testing.T) {
	p := newPacer(20, 0, nil)
	const action = "cloudaudit/DescribeAuditTracks"
	var (
		mu     sync.Mutex
		after  []time.Time
		joined atomic.Bool
		wg     sync.WaitGroup
	)
	stop := time.Now().Add(1500 * time.Millisecond)
	for _, key := range []string{"AKIDbase000000000000", roleBudgetPrefix + "100000000002"} {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					release, err := p.acquire(context.Background(), action, key)
					if err != nil {
						t.Error(err)
						return
					}
					if joined.Load() {
						mu.Lock()
						after = append(after, time.Now())
						mu.Unlock()
					}
					release()
				}
			}()
		}
	}
	time.Sleep(300 * time.Millisecond)
	p.joinAccount("AKIDbase000000000000", "100000000002")
	joined.Store(true)
	wg.Wait()
	if most := busiestSecond(after); most > 21 {
		t.Errorf("after the move the account got %d calls in one second, want at most 20", most)
	}
	if len(after) < 15 {
		t.Errorf("%d calls after the move, want the account's budget to go on", len(after))
	}
}

// A role read with the top-level assume_role is paced as its account too.
func TestTencentAssumeRoleBudgetIsTheRoleAccount(t *testing.T) {
	c, err := NewTencentClient(TencentConfig{SecretID: "AKIDbase000000000000", SecretKey: "k", Endpoint: "http://sim.invalid",
		AssumeRole: &AssumeRoleConfig{RoleArn: roleB, SessionName: "audit"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.budgetKey != roleBudgetPrefix+"100000000003" {
		t.Errorf("budget key %q, want uin/100000000003", c.budgetKey)
	}
}
