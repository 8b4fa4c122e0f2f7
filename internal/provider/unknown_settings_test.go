package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Through the real terraform binary: a provider argument set from a value
// only known after apply is never replaced by the environment (which here
// holds working keys of the same simulator, standing for another account),
// and the error names it. A cloud whose settings are all known still reads.
func TestAccProviderSettingsNotKnownYet(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 2, Events: 3})
	o := sim.Options()
	t.Setenv("TENCENTCLOUD_SECRET_ID", o.TencentSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", o.TencentSecretKey)
	t.Setenv("TENCENTCLOUD_ENDPOINT", sim.URL)
	t.Setenv("UCLOUD_PUBLIC_KEY", o.UCloudPublicKey)
	t.Setenv("UCLOUD_PRIVATE_KEY", o.UCloudPrivateKey)
	t.Setenv("UCLOUD_PROJECT_ID", o.UCloudProjectID)
	t.Setenv("UCLOUD_API_BASE_URL", sim.URL)

	// later.output is known only once terraform_data.later is created.
	config := func(tencent, ucloud, dataSource string) string {
		return fmt.Sprintf(`
resource "terraform_data" "later" {
  input = %q
}
provider "auditlog" {
  tencentcloud {
%s
  }
  ucloud {
%s
  }
}
data %s "test" {}
`, o.TencentSecretID, tencent, ucloud, dataSource)
	}
	knownTencent := fmt.Sprintf("secret_id = %q\nsecret_key = %q\nendpoint = %q", o.TencentSecretID, o.TencentSecretKey, sim.URL)
	unknownError := func(cloud, attr string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)` + cloud + ` settings not known yet.*` + regexp.QuoteMeta(attr) + ` is not known yet`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(fmt.Sprintf("secret_id = terraform_data.later.output\nsecret_key = %q", o.TencentSecretKey), "", `"auditlog_cloudaudit_tracks"`),
				ExpectError: unknownError("Tencent Cloud", "tencentcloud.secret_id"),
			},
			{
				Config:      config(fmt.Sprintf("secret_id = %q\nsecret_key = %q\nendpoint = terraform_data.later.output == \"\" ? null : %q", o.TencentSecretID, o.TencentSecretKey, sim.URL), "", `"auditlog_cloudaudit_tracks"`),
				ExpectError: unknownError("Tencent Cloud", "tencentcloud.endpoint"),
			},
			{
				Config:      config(knownTencent, "public_key = terraform_data.later.output", `"auditlog_ucloud_operation_events"`),
				ExpectError: unknownError("UCloud", "ucloud.public_key"),
			},
			{
				// Last, as it applies and so makes later.output known.
				Config: config(knownTencent, "public_key = terraform_data.later.output", `"auditlog_cloudaudit_tracks"`),
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
	if n := sim.CallCount("GetUserOperationEvents"); n != 0 {
		t.Errorf("GetUserOperationEvents answered %d times with keys from the environment", n)
	}
}

// When Terraform can defer a read (deferred actions), a read under settings
// not known yet is deferred, through the server's direct read path too;
// when it cannot, the read fails naming the setting. Neither calls the API.
func TestReadUnderUnknownSettingsIsDeferredOrFails(t *testing.T) {
	ctx := context.Background()
	sim := startSim(t, cloudsim.Options{Tracks: 2})
	o := sim.Options()
	t.Setenv("TENCENTCLOUD_SECRET_ID", o.TencentSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", o.TencentSecretKey)

	for _, deferralAllowed := range []bool{true, false} {
		t.Run(fmt.Sprintf("deferral allowed %v", deferralAllowed), func(t *testing.T) {
			server := NewProtocol6Server("test")()
			schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				t.Fatal(err)
			}
			config := benchDynamicValue(t, benchNullExcept(schemas.Provider.ValueType(), map[string]any{
				"tencentcloud": map[string]any{"secret_id": tftypes.UnknownValue, "secret_key": o.TencentSecretKey, "endpoint": sim.URL},
			}))
			caps := &tfprotov6.ConfigureProviderClientCapabilities{DeferralAllowed: deferralAllowed}
			configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config, ClientCapabilities: caps})
			if err != nil || benchDiagsError(configured.Diagnostics) != nil {
				t.Fatalf("configure: %v %v", err, benchDiagsError(configured.Diagnostics))
			}
			typeName := "auditlog_cloudaudit_tracks"
			got, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
				TypeName:           typeName,
				Config:             benchDynamicValue(t, benchNullExcept(schemas.DataSourceSchemas[typeName].ValueType(), nil)),
				ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: deferralAllowed},
			})
			if err != nil {
				t.Fatal(err)
			}
			if deferralAllowed {
				if got.Deferred == nil || got.Deferred.Reason != tfprotov6.DeferredReasonProviderConfigUnknown || len(got.Diagnostics) != 0 {
					t.Errorf("got deferred %+v, diagnostics %v; want a read deferred for unknown provider settings", got.Deferred, benchDiagsError(got.Diagnostics))
				}
			} else {
				err := benchDiagsError(got.Diagnostics)
				if got.Deferred != nil || err == nil || !strings.Contains(err.Error(), "tencentcloud.secret_id") {
					t.Errorf("got deferred %+v, error %v; want an error naming tencentcloud.secret_id", got.Deferred, err)
				}
			}
		})
	}
	if n := sim.CallCount("DescribeAuditTracks"); n != 0 {
		t.Errorf("DescribeAuditTracks answered %d times with keys from the environment", n)
	}
}
