package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// callClock serves the simulator and notes when each call of an action
// arrived.
type callClock struct {
	sim *cloudsim.Server
	mu  sync.Mutex
	at  map[string][]time.Time
}

func (c *callClock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.at[r.Header.Get("X-TC-Action")] = append(c.at[r.Header.Get("X-TC-Action")], time.Now())
	c.mu.Unlock()
	c.sim.ServeHTTP(w, r)
}

// busiestSecond is the largest number of calls of action that arrived
// within one second.
func (c *callClock) busiestSecond(action string) (most, all int) {
	c.mu.Lock()
	times := slices.Clone(c.at[action])
	c.mu.Unlock()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i, j := 0, 0; j < len(times); j++ {
		for times[j].Sub(times[i]) >= time.Second {
			i++
		}
		most = max(most, j-i+1)
	}
	return most, len(times)
}

// A data source without `account` (the provider's own key) and one whose
// account is a role in the same account share that account's 20 calls a
// second once the key's account is known, rather than getting 20 each.
func TestAccOneAccountOneBudget(t *testing.T) {
	sim := cloudsim.New(cloudsim.Options{Tracks: 40})
	clock := &callClock{sim: sim, at: map[string][]time.Time{}}
	srv := httptest.NewServer(clock)
	t.Cleanup(srv.Close)
	o := sim.Options()
	owner := cloudsim.DefaultTencentOwnerUin
	config := fmt.Sprintf(`
provider "auditlog" {
  tencentcloud {
    secret_id  = %q
    secret_key = %q
    endpoint   = %q
    account {
      name     = "same"
      role_arn = "qcs::cam::uin/%s:roleName/auditor"
    }
  }
  max_retries = 1
}
# The first read learns the account of the provider's key.
data "auditlog_cloudaudit_tracks" "first" {}
data "auditlog_cloudaudit_tracks" "own" {
  page_size  = 2
  depends_on = [data.auditlog_cloudaudit_tracks.first]
}
data "auditlog_cloudaudit_tracks" "role" {
  account    = "same"
  page_size  = 2
  depends_on = [data.auditlog_cloudaudit_tracks.first]
}
`, o.TencentSecretID, o.TencentSecretKey, srv.URL, owner)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: config, ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.auditlog_cloudaudit_tracks.own", tfjsonpath.New("evidence").AtMapKey("account_id"), knownvalue.StringExact(owner)),
			statecheck.ExpectKnownValue("data.auditlog_cloudaudit_tracks.role", tfjsonpath.New("evidence").AtMapKey("account_id"), knownvalue.StringExact(owner)),
			statecheck.ExpectKnownValue("data.auditlog_cloudaudit_tracks.role", tfjsonpath.New("tracks"), knownvalue.ListSizeExact(40)),
		}}},
	})
	most, all := clock.busiestSecond("DescribeAuditTracks")
	t.Logf("account %s: %d DescribeAuditTracks calls, %d in the busiest second", owner, all, most)
	if most > 21 {
		t.Errorf("account %s got %d DescribeAuditTracks calls in one second through the provider's key and a role of it, want at most its 20", owner, most)
	}
}

// With max_retries = 0, a role's token that the API has revoked (expired
// by the simulator) is renewed and the read goes on: a renewal is not a
// retry.
func TestAccAssumeRoleRevokedTokenWithoutRetries(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	// The second read's call finds every issued token expired.
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, Action: "DescribeAuditTracks", After: 1, Times: 1})
	o := sim.Options()
	config := fmt.Sprintf(`
provider "auditlog" {
  tencentcloud {
    secret_id  = %q
    secret_key = %q
    endpoint   = %q
    assume_role {
      role_arn     = "qcs::cam::uin/%s:roleName/auditor"
      session_name = "revoked"
    }
  }
  max_retries = 0
}
data "auditlog_cloudaudit_tracks" "first" {}
data "auditlog_cloudaudit_tracks" "second" {
  depends_on = [data.auditlog_cloudaudit_tracks.first]
}
`, o.TencentSecretID, o.TencentSecretKey, sim.URL, cloudsim.DefaultTencentOwnerUin)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: config, ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.auditlog_cloudaudit_tracks.second", tfjsonpath.New("tracks"), knownvalue.ListSizeExact(7)),
		}}},
	})
	if sim.FaultCount() != 1 {
		t.Errorf("the token was revoked %d times, want once", sim.FaultCount())
	}
}

// A role's token refused again after the role was assumed anew is not a key
// the user set: the error speaks of the role, not of security_token or the
// tccli profile.
func TestAccAssumeRoleTokenRefusedAfterRenewal(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	sim.InjectFault(cloudsim.Fault{Kind: cloudsim.FaultExpireTokens, Action: "DescribeAuditTracks"})
	role := "qcs::cam::uin/" + cloudsim.DefaultTencentOwnerUin + ":roleName/auditor"
	config := sim.providerBlock(without(ucloudBlock), withMaxRetries(0), withTencentBlocks(fmt.Sprintf(`assume_role {
  role_arn     = %q
  session_name = "refused"
}`, role))) + `
data "auditlog_cloudaudit_tracks" "test" {}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)AuthFailure\.TokenFailure.*` +
			icSeq(`The temporary credentials of the role `+role+` were refused, and refused again after the role was assumed anew:`,
				`the role's sessions may have been revoked, or the API's clock may be ahead.`))}},
	})
}
