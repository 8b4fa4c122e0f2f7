package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// accountsFake answers AssumeRole with a key pair per role account
// ("AKIDtmp<uin>") and DescribeAuditTracks with an empty list, or with the
// throttling code queued for the account whose key signed the call. It
// records when each account's calls arrived.
type accountsFake struct {
	mu       sync.Mutex
	throttle map[string][]string // by signing SecretId: codes to answer next
	arrivals map[string][]time.Time
	assumed  map[string]int // AssumeRole calls by role ARN
}

func newAccountsFake() *accountsFake {
	return &accountsFake{throttle: map[string][]string{}, arrivals: map[string][]time.Time{}, assumed: map[string]int{}}
}

func (f *accountsFake) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	auth := r.Header.Get("Authorization")
	id := ""
	if _, rest, ok := strings.Cut(auth, "Credential="); ok {
		id, _, _ = strings.Cut(rest, "/")
	}
	var resp string
	f.mu.Lock()
	switch r.Header.Get("X-TC-Action") {
	case "GetCallerIdentity":
		// The provider's key belongs to account A, the account of roleA;
		// a role's key to the role's account.
		acct := strings.TrimPrefix(id, "AKIDtmp")
		if acct == id {
			acct = "100000000002"
		}
		resp = `{"Response":{"AccountId":"` + acct + `","Arn":"qcs::cam::uin/` + acct + `:uin/` + acct + `","UserId":"` + acct +
			`","PrincipalId":"` + acct + `","Type":"CAMUser","RequestId":"r-id"}}`
	case "AssumeRole":
		var req struct{ RoleArn string }
		_ = json.Unmarshal(body, &req)
		f.assumed[req.RoleArn]++
		uin, _ := RoleAccount(req.RoleArn)
		resp = fmt.Sprintf(`{"Response":{"Credentials":{"Token":"tok","TmpSecretId":"AKIDtmp%s","TmpSecretKey":"key"},"ExpiredTime":%d,"RequestId":"r-ar"}}`,
			uin, time.Now().Add(time.Hour).Unix())
	default:
		f.arrivals[id] = append(f.arrivals[id], time.Now())
		if q := f.throttle[id]; len(q) > 0 {
			f.throttle[id] = q[1:]
			resp = `{"Response":{"Error":{"Code":"` + q[0] + `","Message":"over the limit"},"RequestId":"r-lim"}}`
		} else {
			resp = `{"Response":{"TotalCount":0,"Tracks":[],"RequestId":"r-ok"}}`
		}
	}
	f.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader([]byte(resp))), Request: r}, nil
}

func (f *accountsFake) arrivalsOf(id string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.arrivals[id]...)
}

func accountsClient(t *testing.T, f *accountsFake) *TencentClient {
	t.Helper()
	c, err := NewTencentClient(TencentConfig{SecretID: "AKIDbase000000000000", SecretKey: "basekey", Endpoint: "http://sim.invalid",
		Transport: f, MaxRetries: 3, RateLimit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	roleA = "qcs::cam::uin/100000000002:roleName/auditor"
	roleB = "qcs::cam::uin/100000000003:roleName/auditor"
)

func tracksOnce(c *TencentClient) error {
	_, err := c.DescribeAuditTracks(context.Background(), "ap-guangzhou", DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
	return err
}

// Each named account assumes its role once, however many reads run at once,
// and reads with its own credentials.
func TestTencentWithRoleAssumesOncePerAccount(t *testing.T) {
	f := newAccountsFake()
	base := accountsClient(t, f)
	a, b := base.WithRole(AssumeRoleConfig{RoleArn: roleA, SessionName: "audit"}), base.WithRole(AssumeRoleConfig{RoleArn: roleB, SessionName: "audit"})
	var wg sync.WaitGroup
	for range 8 {
		for _, c := range []*TencentClient{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := tracksOnce(c); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if f.assumed[roleA] != 1 || f.assumed[roleB] != 1 {
		t.Errorf("AssumeRole calls = %v, want one per role", f.assumed)
	}
	if n, m := len(f.arrivalsOf("AKIDtmp100000000002")), len(f.arrivalsOf("AKIDtmp100000000003")); n != 8 || m != 8 {
		t.Errorf("calls signed as account A: %d, as B: %d; want 8 each", n, m)
	}
	if n := len(f.arrivalsOf("AKIDbase000000000000")); n != 0 {
		t.Errorf("%d reads signed with the provider's own key, want 0", n)
	}
}

// UinLimitExceeded holds the calls of the account it was answered to, and
// no other account's.
func TestTencentUinLimitHoldsOnlyThatAccount(t *testing.T) {
	f := newAccountsFake()
	base := accountsClient(t, f)
	a, b := base.WithRole(AssumeRoleConfig{RoleArn: roleA, SessionName: "audit"}), base.WithRole(AssumeRoleConfig{RoleArn: roleB, SessionName: "audit"})
	for _, c := range []*TencentClient{a, b} { // assume both roles first
		if err := tracksOnce(c); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	f.throttle["AKIDtmp100000000002"] = []string{codeUinLimitExceeded}
	f.mu.Unlock()

	done := make(chan error, 1)
	go func() { done <- tracksOnce(a) }() // throttled, held, retried
	var throttledAt time.Time
	tctWaitFor(t, "account A's throttled call", func() bool {
		arr := f.arrivalsOf("AKIDtmp100000000002")
		if len(arr) < 2 {
			return false
		}
		throttledAt = arr[1]
		return true
	})
	time.Sleep(20 * time.Millisecond) // the answer is in: the hold is set
	if err := tracksOnce(b); err != nil {
		t.Fatal(err)
	}
	bAt := f.arrivalsOf("AKIDtmp100000000003")[1]
	if bAt.Sub(throttledAt) >= limitHold/2 {
		t.Errorf("account B's call waited %v after account A was throttled, want no hold on B", bAt.Sub(throttledAt))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	arr := f.arrivalsOf("AKIDtmp100000000002")
	if retry := arr[2]; retry.Sub(throttledAt) < limitHold-50*time.Millisecond {
		t.Errorf("account A's next call came %v after its UinLimitExceeded, want at least %v", retry.Sub(throttledAt), limitHold)
	}
}

// IPLimitExceeded holds every account read from this address.
func TestTencentIPLimitHoldsEveryAccount(t *testing.T) {
	f := newAccountsFake()
	base := accountsClient(t, f)
	a, b := base.WithRole(AssumeRoleConfig{RoleArn: roleA, SessionName: "audit"}), base.WithRole(AssumeRoleConfig{RoleArn: roleB, SessionName: "audit"})
	for _, c := range []*TencentClient{a, b} {
		if err := tracksOnce(c); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	f.throttle["AKIDtmp100000000002"] = []string{codeIPLimitExceeded}
	f.mu.Unlock()
	go func() { _ = tracksOnce(a) }()
	var throttledAt time.Time
	tctWaitFor(t, "account A's throttled call", func() bool {
		arr := f.arrivalsOf("AKIDtmp100000000002")
		if len(arr) < 2 {
			return false
		}
		throttledAt = arr[1]
		return true
	})
	time.Sleep(20 * time.Millisecond) // the answer is in: the hold is set
	if err := tracksOnce(b); err != nil {
		t.Fatal(err)
	}
	bAt := f.arrivalsOf("AKIDtmp100000000003")[1]
	if bAt.Sub(throttledAt) < limitHold-50*time.Millisecond {
		t.Errorf("account B's call came %v after IPLimitExceeded, want at least %v", bAt.Sub(throttledAt), limitHold)
	}
}

func TestRoleAccount(t *testing.T) {
	for arn, want := range map[string]string{
		roleA: "100000000002", "qcs::cam::uin/7:role/4611686018400000001": "7", "qcs::cam::uin/:roleName/x": "", "arn:x": "", "qcs::cam::uin/12a:roleName/x": "",
	} {
		if got, _ := RoleAccount(arn); got != want {
			t.Errorf("RoleAccount(%q) = %q, want %q", arn, got, want)
		}
	}
}

// Without a configured rate, AssumeRole keeps to its own documented limit
// (600/s), not the 20/s of the audit actions: twenty accounts assuming
// their roles at once do not queue for a second.
func TestTencentAssumeRoleHasItsDocumentedBudget(t *testing.T) {
	c, err := NewTencentClient(TencentConfig{SecretID: "AKIDbase000000000000", SecretKey: "k", Endpoint: "http://sim.invalid", Transport: newAccountsFake()})
	if err != nil {
		t.Fatal(err)
	}
	timeOf := func(action string) time.Duration {
		start := time.Now()
		for range 10 {
			release, err := c.pace.acquire(context.Background(), action, c.budgetKey)
			if err != nil {
				t.Fatal(err)
			}
			release()
		}
		return time.Since(start)
	}
	if d := timeOf("sts/AssumeRole"); d > 200*time.Millisecond {
		t.Errorf("10 AssumeRole calls waited %v for their budget, want the 600/s budget (about 15 ms)", d)
	}
	if d := timeOf("cloudaudit/DescribeEvents"); d < 400*time.Millisecond {
		t.Errorf("10 DescribeEvents calls took %v, want the 20/s budget (at least 450 ms)", d)
	}
}
