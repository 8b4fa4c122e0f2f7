package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// useSimFromEnvironment points the provider at the simulator through the
// environment, as a user of cmd/cloudsim does, so the configuration is only
// the data source.
func useSimFromEnvironment(t *testing.T, sim *testSim) {
	o := sim.Options()
	t.Setenv("UCLOUD_API_BASE_URL", sim.URL)
	t.Setenv("UCLOUD_PUBLIC_KEY", o.UCloudPublicKey)
	t.Setenv("UCLOUD_PRIVATE_KEY", o.UCloudPrivateKey)
	t.Setenv("UCLOUD_PROJECT_ID", o.UCloudProjectID)
}

// A pipeline takes the time, then runs terraform plan with a window of
// "the last 365 days" computed from it. By the time the provider and the API
// check the window, its start is a little more than 365 days ago; it must be
// accepted, with every event of the window read.
func TestAccUCloudOperationEvents_windowOf365DaysFromAnEarlierTimestamp(t *testing.T) {
	sim := startSim(t, cloudsim.Options{}) // on the real clock, as the API is
	useSimFromEnvironment(t, sim)
	taken := time.Now().Add(-10 * time.Second).UTC().Format(time.RFC3339)
	window := func(extra string) string {
		return fmt.Sprintf(`
data "auditlog_ucloud_operation_events" "test" {
  begin_time = provider::auditlog::unix_time(%q) - 365 * 86400 %s
}
`, taken, extra)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				// Beyond the grace, the plan fails before any call.
				Config:      window("- 20 * 60"),
				ExpectError: regexp.MustCompile(words("Attribute begin_time") + `.*` + words("is more than 365 days ago")),
			},
			{
				PreConfig: func() {
					if n := sim.CallCount("GetUserOperationEvents"); n != 0 {
						t.Errorf("the refused window made %d calls, want none", n)
					}
				},
				Config: window(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ucloudEventsAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(len(sim.UCloudEvents()))),
				},
			},
		},
	})
}
