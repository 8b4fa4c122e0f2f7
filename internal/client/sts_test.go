package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// tctWaitFor polls cond until it holds or 5 s pass.
func tctWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// A read that needs the role's credentials while another read is assuming
// the role waits only as long as its own context allows.
func TestTencentAssumeRoleWaiterKeepsItsOwnDeadline(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSlow, Action: "AssumeRole", Delay: 1500 * time.Millisecond, Times: 1})
	c := tctAssumeRoleClient(t, s, 3600, nil)

	first := make(chan error, 1)
	go func() {
		_, err := tctRead(c)
		first <- err
	}()
	tctWaitFor(t, "the slow AssumeRole call", func() bool { return s.count() >= 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.DescribeAuditTracks(ctx, tctRegion, DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
	if elapsed := time.Since(start); elapsed > 700*time.Millisecond {
		t.Errorf("a read with a 200 ms deadline returned after %v, while another read renewed the credentials", elapsed)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want the read's own deadline", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("the read that assumed the role: %v", err)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 1 {
		t.Errorf("AssumeRole called %d times, want 1", n)
	}
}

// When the read assuming the role gives up on its own deadline, a read
// waiting with more time assumes the role itself instead of failing with
// the other read's deadline.
func TestTencentAssumeRoleWaiterTakesOverAbandonedRenewal(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSlow, Action: "AssumeRole", Delay: 1500 * time.Millisecond, Times: 1})
	c := tctAssumeRoleClient(t, s, 3600, nil)

	first := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := c.DescribeAuditTracks(ctx, tctRegion, DescribeAuditTracksRequest{PageNumber: 1, PageSize: 10})
		first <- err
	}()
	tctWaitFor(t, "the slow AssumeRole call", func() bool { return s.count() >= 1 })
	if _, err := tctRead(c); err != nil {
		t.Fatalf("the read with time to spare failed: %v", err)
	}
	if err := <-first; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the read with a 300 ms deadline got %v, want its deadline", err)
	}
	sent := 0
	for _, r := range s.requests() {
		if r.Action == "AssumeRole" {
			sent++
		}
	}
	if sent != 2 {
		t.Errorf("AssumeRole sent %d times, want 2 (the abandoned call and the one that took over)", sent)
	}
}

// Requests refused because the role's token was revoked renew the
// credentials once, not once per request: a refusal that arrives after the
// credentials were renewed must not throw the renewed ones away.
func TestTencentAssumeRoleRevokedTokenRenewedOnce(t *testing.T) {
	const readers = 8
	var (
		mu      sync.Mutex
		revoked string // the token refused from now on
		refused int
		allSent = make(chan struct{}) // every reader has sent a request with the revoked token
		renewed = make(chan struct{}) // a request signed with a renewed token arrived
		seenNew bool
	)
	// The first refusal is answered once every reader has sent its request;
	// the other refusals only after the credentials have been renewed, as
	// answers of slower requests are.
	plan := func(_ int, req tctSeen) http.HandlerFunc {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case revoked == "":
			return nil
		case req.Token == revoked:
			refused++
			if refused == readers {
				close(allSent)
			}
			wait := renewed
			if refused == 1 {
				wait = allSent
			}
			return func(w http.ResponseWriter, r *http.Request) {
				<-wait
				tctAPIError("AuthFailure.TokenFailure", "revoked")(w, r)
			}
		case req.Action == "DescribeAuditTracks" && !seenNew:
			seenNew = true
			close(renewed)
		}
		return nil
	}
	s := tctStart(t, cloudsim.Options{}, plan)
	c := tctAssumeRoleClient(t, s, 3600, nil)
	if _, err := tctRead(c); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	mu.Lock()
	revoked = reqs[len(reqs)-1].Token
	mu.Unlock()

	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := tctRead(c)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if refused != readers {
		t.Fatalf("%d requests refused, want %d", refused, readers)
	}
	if n := s.sim.CallCount("AssumeRole"); n != 2 {
		t.Errorf("AssumeRole called %d times, want 2: once at first, once after %d requests were refused with the revoked token", n, readers)
	}
}
