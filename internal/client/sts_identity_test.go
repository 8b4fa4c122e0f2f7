package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

func tctIdentityCalls(s *tctServer) int {
	n := 0
	for _, r := range s.requests() {
		if r.Action == "GetCallerIdentity" {
			n++
		}
	}
	return n
}

// Many reads of one client ask for the identity at once: one call is made,
// and every caller gets its answer. Run under -race.
func TestCallerIdentityOnceForConcurrentCallers(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSlow, Action: "GetCallerIdentity", Delay: 200 * time.Millisecond, Times: 1})
	c := tctClient(t, s.URL(), nil)

	const callers = 16
	var wg sync.WaitGroup
	ids := make([]*CallerIdentity, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = c.CallerIdentity(context.Background())
		}()
	}
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("caller %d got another answer than caller 0", i)
		}
	}
	want := cloudsim.DefaultTencentOwnerUin
	if id := ids[0]; id.AccountId != want || id.Arn != "qcs::cam:"+want+":uin/"+want || id.Type != "CAMUser" || id.RequestId == "" {
		t.Errorf("identity %+v, want the owner account %s", id, want)
	}
	if _, err := c.CallerIdentity(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := tctIdentityCalls(s); n != 1 {
		t.Errorf("GetCallerIdentity called %d times for %d callers, want 1", n, callers+1)
	}
	for _, r := range s.requests() {
		if r.Action == "GetCallerIdentity" && r.Header.Get("X-Tc-Region") == "" {
			t.Error("GetCallerIdentity sent without the region its documentation requires")
		}
	}
}

// A refusal is kept and logged once at WARN; the identity is not asked for
// again, and the error carries the API's code and RequestId.
func TestCallerIdentityRefusedOnce(t *testing.T) {
	s := tctStart(t, cloudsim.Options{RefuseCallerIdentity: "AuthFailure.UnauthorizedOperation"}, nil)
	log := &tctLogger{}
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.Logger = log })
	for i := range 3 {
		id, err := c.CallerIdentity(context.Background())
		if id != nil || err == nil {
			t.Fatalf("call %d: identity %+v, error %v; want the refusal", i, id, err)
		}
		if te := tctAsError(t, err); te.Code != "AuthFailure.UnauthorizedOperation" || te.RequestID == "" {
			t.Errorf("call %d: error %v, want the API's code and RequestId", i, err)
		}
	}
	if n := tctIdentityCalls(s); n != 1 {
		t.Errorf("GetCallerIdentity called %d times, want 1 (a refusal is not retried)", n)
	}
	warns := 0
	for _, e := range log.all() {
		if strings.HasPrefix(e, "WARN ") && strings.Contains(e, "caller identity unknown") {
			warns++
			if !strings.Contains(e, "AuthFailure.UnauthorizedOperation") {
				t.Errorf("the warning does not name the code: %s", e)
			}
		}
	}
	if warns != 1 {
		t.Errorf("%d warnings about the unknown identity, want 1", warns)
	}
}

// An answer without an AccountId identifies nobody: an error, not an
// empty account.
func TestCallerIdentityWithoutAccountID(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"Response":{"Arn":"qcs::cam:1:uin/1","Type":"CAMUser","RequestId":"8d4d1c8a-0a4f-4a52-b9f1-000000000001"}}`))
	}))
	c := tctClient(t, s.URL(), nil)
	if id, err := c.CallerIdentity(context.Background()); id != nil || err == nil || !strings.Contains(err.Error(), "AccountId") {
		t.Errorf("identity %+v, error %v; want an error naming AccountId", id, err)
	}
}

// The caller making the call gives up on its own deadline: that says
// nothing about the identity, so nothing is kept, and a caller with time
// makes the call itself.
func TestCallerIdentityAbandonedCallIsNotKept(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	s.sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultSlow, Action: "GetCallerIdentity", Delay: 1500 * time.Millisecond, Times: 1})
	log := &tctLogger{}
	c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.Logger = log })

	first := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.CallerIdentity(ctx)
		first <- err
	}()
	tctWaitFor(t, "the slow GetCallerIdentity call", func() bool { return tctIdentityCalls(s) >= 1 })
	// A waiter with a short deadline of its own gives up on it.
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.CallerIdentity(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a waiter with a 50 ms deadline got %v, want its deadline", err)
	}
	id, err := c.CallerIdentity(context.Background())
	if err != nil || id == nil || id.AccountId != cloudsim.DefaultTencentOwnerUin {
		t.Fatalf("the caller with time got %+v, %v", id, err)
	}
	if err := <-first; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the caller with a 200 ms deadline got %v, want its deadline", err)
	}
	if _, err := c.CallerIdentity(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := tctIdentityCalls(s); n != 2 {
		t.Errorf("GetCallerIdentity called %d times, want 2 (the abandoned call and one more)", n)
	}
	for _, e := range log.all() {
		if strings.HasPrefix(e, "WARN ") {
			t.Errorf("an abandoned call was logged as an unknown identity: %s", e)
		}
	}
}

// Assumed-role credentials act as the role, in the account that owns it:
// the call is signed with the role's temporary credentials.
func TestCallerIdentityOfAssumedRole(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	c := tctAssumeRoleClient(t, s, 3600, nil)
	id, err := c.CallerIdentity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	owner := cloudsim.DefaultTencentOwnerUin
	if id.AccountId != owner || id.Type != "CAMRole" || !strings.HasPrefix(id.Arn, "qcs::sts:"+owner+":assumed-role/") ||
		!strings.HasSuffix(id.UserId, ":auditlog-test") {
		t.Errorf("identity %+v, want the role auditlog-reader of %s in session auditlog-test", id, owner)
	}
	for _, r := range s.requests() {
		if r.Action == "GetCallerIdentity" && (r.Token == "" || r.SecretID == cloudsim.DefaultTencentSecretID) {
			t.Errorf("GetCallerIdentity signed by %s with token %q; want the role's temporary credentials", r.SecretID, r.Token)
		}
	}
}
