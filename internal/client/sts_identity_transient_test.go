package client

import (
	"context"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// A GetCallerIdentity failure that a later call may not meet (throttling,
// an internal error, the network) after the retries is not kept: the next
// caller asks again, so one transient STS fault leaves one read without
// the identity, not every read of the provider. Each such failure is
// logged at WARN.
func TestCallerIdentityTransientFailureIsNotKept(t *testing.T) {
	for _, fault := range []cloudsim.Fault{
		{Kind: cloudsim.FaultAPIError, Action: "GetCallerIdentity", Code: "InternalError", Times: 2},
		{Kind: cloudsim.FaultThrottle, Action: "GetCallerIdentity", Times: 2},
		{Kind: cloudsim.FaultReset, Action: "GetCallerIdentity", Times: 2},
	} {
		t.Run(string(fault.Kind), func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, nil)
			s.sim.InjectFault(fault)
			log := &tctLogger{}
			// One retry: both attempts of the first call fail.
			c := tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.Logger, cfg.MaxRetries = log, 1 })
			if id, err := c.CallerIdentity(context.Background()); id != nil || err == nil {
				t.Fatalf("first call: %+v, %v; want the fault", id, err)
			}
			id, err := c.CallerIdentity(context.Background())
			if err != nil || id == nil || id.AccountId != cloudsim.DefaultTencentOwnerUin {
				t.Fatalf("second call: %+v, %v; want the identity", id, err)
			}
			if _, err := c.CallerIdentity(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := tctIdentityCalls(s); n != 3 {
				t.Errorf("GetCallerIdentity called %d times, want 3 (two failed attempts, then one answer kept)", n)
			}
			warns := 0
			for _, e := range log.all() {
				if strings.HasPrefix(e, "WARN ") && strings.Contains(e, "caller identity unknown") {
					warns++
				}
			}
			if warns != 1 {
				t.Errorf("%d warnings, want 1 for the one failed call", warns)
			}
		})
	}
}
