package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccReadErrorsTellWhatToCheck runs failing reads through terraform and
// checks that each error, after the API's own message, tells the user what
// to check: for a refused key, the settings and environment variables that
// supply it and where this provider instance took it from; for a refused
// connection, the endpoint and how many attempts were made.
func TestAccReadErrorsTellWhatToCheck(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	sim := startSim(t, cloudsim.Options{})
	o := sim.Options()
	url := regexp.QuoteMeta(sim.URL)

	tencentKeyHelp := icWords(`The key is tencentcloud.secret_id and tencentcloud.secret_key in the provider block, else the environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, else the tccli profile`)
	ucloudKeyHelp := icWords(`The key is ucloud.public_key and ucloud.private_key in the provider block, else the environment variables UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY, else the shared credential file`)

	cases := []struct {
		name   string
		env    map[string]string
		config string
		want   string
	}{
		{
			name: "tencentcloud wrong secret_key in the provider block",
			config: sim.providerBlock(withTencentSecretKey("wrong"), without(ucloudBlock, "max_retries")) + `
data "auditlog_cloudaudit_tracks" "test" {}
`,
			want: icSeq(`AuthFailure.SignatureFailure`, `Tencent Cloud refused the API key taken from tencentcloud.secret_id in the provider block.`) +
				`.*` + tencentKeyHelp + `.*Called\s+` + url + `\s+\(DescribeAuditTracks\)`,
		},
		{
			name: "tencentcloud wrong key from the environment",
			env:  map[string]string{"TENCENTCLOUD_SECRET_ID": o.TencentSecretID, "TENCENTCLOUD_SECRET_KEY": "wrong", "TENCENTCLOUD_ENDPOINT": sim.URL},
			config: fmt.Sprintf(`
provider "auditlog" {}
data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
}
`, cloudsim.CSIPSubUins[0]),
			want: icSeq(`AuthFailure.SignatureFailure`, `Tencent Cloud refused the API key taken from the environment variable TENCENTCLOUD_SECRET_ID.`) +
				`.*` + tencentKeyHelp,
		},
		{
			name: "ucloud wrong private_key in the provider block",
			config: sim.providerBlock(withUCloudPrivateKey("wrong"), without(tencentBlock, "ucloud.project_id", "max_retries")) + `
data "auditlog_ucloud_operation_events" "test" {}
`,
			want: icSeq(`RetCode 171`, `UCloud refused the API key taken from ucloud.public_key in the provider block.`) +
				`.*` + ucloudKeyHelp + `.*Called\s+` + url + `/?\s+\(GetUserOperationEvents\)`,
		},
		{
			name: "ucloud wrong key from the environment",
			env:  map[string]string{"UCLOUD_PUBLIC_KEY": o.UCloudPublicKey, "UCLOUD_PRIVATE_KEY": "wrong", "UCLOUD_API_BASE_URL": sim.URL},
			config: `
provider "auditlog" {}
data "auditlog_ucloud_operation_events" "test" {}
`,
			want: icSeq(`RetCode 171`, `UCloud refused the API key taken from the environment variable UCLOUD_PUBLIC_KEY.`) + `.*` + ucloudKeyHelp,
		},
		{
			name: "tencentcloud connection refused",
			config: sim.providerBlock(withTencentEndpoint("http://127.0.0.1:1"), without(ucloudBlock), withMaxRetries(2)) + `
data "auditlog_cloudaudit_tracks" "test" {}
`,
			want: `connection\s+refused.*` + icSeq(`Check tencentcloud.endpoint (TENCENTCLOUD_ENDPOINT)`, `Called http://127.0.0.1:1 (DescribeAuditTracks).`,
				`The call was made 3 times (max_retries = 2) before giving up.`),
		},
		{
			name: "ucloud connection refused",
			config: sim.providerBlock(withUCloudBaseURL("http://127.0.0.1:1"), without(tencentBlock, "ucloud.project_id"), withMaxRetries(2)) + `
data "auditlog_ucloud_operation_events" "test" {}
`,
			want: `connection\s+refused.*` + icSeq(`Could not reach http://127.0.0.1:1/: check ucloud.base_url (UCLOUD_API_BASE_URL)`,
				`The call was made 3 times (max_retries = 2) before giving up.`),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + tc.want),
				}},
			})
		})
	}
}
