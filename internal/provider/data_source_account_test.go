package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

func accountsProviderData(t *testing.T, blocks ...accountModel) *providerData {
	t.Helper()
	base, err := client.NewTencentClient(client.TencentConfig{SecretID: "AKIDbase000000000000", SecretKey: "k", Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{tencent: base, tencentRegion: "ap-guangzhou", tencentAccounts: newTencentAccounts(base, blocks)}
}

// The region of a read: the data source's, then its account's, then the
// provider's; sent only when set where the API does not need one.
func TestTencentTargetRegionOrder(t *testing.T) {
	d := accountsProviderData(t,
		accountModel{Name: types.StringValue("prod"), RoleArn: types.StringValue("qcs::cam::uin/100000000002:roleName/auditor"), Region: types.StringValue("ap-shanghai")},
		accountModel{Name: types.StringValue("dev"), RoleArn: types.StringValue("qcs::cam::uin/100000000004:roleName/auditor")},
	)
	for _, c := range []struct {
		account, region string
		use             regionUse
		want            string
	}{
		{"", "", regionRequired, "ap-guangzhou"},
		{"prod", "", regionRequired, "ap-shanghai"},
		{"prod", "ap-tokyo", regionRequired, "ap-tokyo"},
		{"dev", "", regionRequired, "ap-guangzhou"},
		{"prod", "", regionOptional, ""},
		{"prod", "ap-tokyo", regionOptional, "ap-tokyo"},
	} {
		_, tt, diags := d.tencentTarget(context.Background(), types.StringValue(c.account), types.StringValue(c.region), c.use)
		if diags.HasError() {
			t.Fatalf("%+v: %v", c, diags)
		}
		if tt.region != c.want {
			t.Errorf("account %q region %q: region %q, want %q", c.account, c.region, tt.region, c.want)
		}
		if c.account != "" && tt.client.RoleArn() != d.tencentAccounts[c.account].roleArn {
			t.Errorf("account %q reads as %q", c.account, tt.client.RoleArn())
		}
		if c.account == "" && tt.client != d.tencent {
			t.Error("without account, the provider's own client must read")
		}
	}
}

// An unknown name is an error on account that lists the configured names,
// or says that none is configured.
func TestTencentTargetUnknownAccount(t *testing.T) {
	d := accountsProviderData(t,
		accountModel{Name: types.StringValue("prod"), RoleArn: types.StringValue("qcs::cam::uin/100000000002:roleName/auditor")},
		accountModel{Name: types.StringValue("dev"), RoleArn: types.StringValue("qcs::cam::uin/100000000004:roleName/auditor")},
	)
	_, _, diags := d.tencentTarget(context.Background(), types.StringValue("qa"), types.StringNull(), regionRequired)
	if !diags.HasError() {
		t.Fatal("no error for an unknown account")
	}
	e := diags.Errors()[0]
	if p, ok := e.(interface{ Path() path.Path }); !ok || !p.Path().Equal(path.Root("account")) {
		t.Errorf("the error is not on account: %v", e)
	}
	if !strings.Contains(e.Detail(), `The configured accounts are: "dev", "prod".`) {
		t.Errorf("detail %q does not list the configured accounts", e.Detail())
	}
	_, _, diags = accountsProviderData(t).tencentTarget(context.Background(), types.StringValue("qa"), types.StringNull(), regionRequired)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "which has none") {
		t.Errorf("without account blocks: %v", diags)
	}
}
