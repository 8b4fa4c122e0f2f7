package provider

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A URL with user info before its host (http://api.ucloud.cn:x@127.0.0.1)
// sends requests to the host after the @ while a reader, or a policy
// reading evidence.endpoint, sees the user name as the host. It is refused
// wherever it comes from (the provider block, the environment, a profile
// file; either cloud), with the message the block's validator gives, and
// without quoting a password.
func TestEndpointUserInfoRefusedFromEverySource(t *testing.T) {
	const password = "pw-never-shown"
	tricky := "http://api.ucloud.cn:" + password + "@127.0.0.1:8787"
	const refusal = "must not carry a query, fragment or user info"

	// The provider block: the validator, at plan time.
	var resp validator.StringResponse
	urlValidator{}.ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("ucloud").AtName("base_url"), ConfigValue: types.StringValue(tricky),
	}, &resp)
	checkRefusal(t, "ucloud.base_url in the block", resp.Diagnostics, refusal, password)
	resp = validator.StringResponse{}
	urlValidator{}.ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("tencentcloud").AtName("endpoint"), ConfigValue: types.StringValue(tricky),
	}, &resp)
	checkRefusal(t, "tencentcloud.endpoint in the block", resp.Diagnostics, refusal, password)

	home := t.TempDir()
	t.Setenv("HOME", home)
	writeFile(t, filepath.Join(home, ".ucloud", "config.json"),
		`[{"profile": "default", "active": true, "project_id": "org-x", "base_url": "`+tricky+`"}]`)
	ucloudKeys := func() *ucloudModel {
		return &ucloudModel{PublicKey: types.StringValue("pub"), PrivateKey: types.StringValue("priv")}
	}
	tencentKeys := func() *tencentCloudModel {
		return &tencentCloudModel{SecretID: types.StringValue("AKIDexample"), SecretKey: types.StringValue("example-key")}
	}
	for _, tc := range []struct {
		name    string
		tencent bool
		env     mapEnv
		wantIn  []string
	}{
		{name: "UCLOUD_API_BASE_URL", env: mapEnv{"UCLOUD_API_BASE_URL": tricky}, wantIn: []string{refusal, "UCLOUD_API_BASE_URL"}},
		{name: "base_url of ~/.ucloud/config.json", env: mapEnv{}, wantIn: []string{refusal, "config.json"}},
		{name: "TENCENTCLOUD_ENDPOINT", tencent: true, env: mapEnv{"TENCENTCLOUD_ENDPOINT": tricky}, wantIn: []string{refusal, "TENCENTCLOUD_ENDPOINT"}},
		{name: "TENCENTCLOUD_DOMAIN", tencent: true, env: mapEnv{"TENCENTCLOUD_DOMAIN": "tencentcloudapi.com:" + password + "@127.0.0.1:8787"},
			wantIn: []string{"must be a domain name such as intl.tencentcloudapi.com", "TENCENTCLOUD_DOMAIN"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, diags := newProviderData(context.Background(), "test", providerModel{TencentCloud: tencentKeys(), UCloud: ucloudKeys()}, tc.env)
			if diags.HasError() {
				t.Fatal(diags)
			}
			var d diag.Diagnostics
			if tc.tencent {
				_, d = data.tencentClient()
			} else {
				_, d = data.ucloudClient()
			}
			for _, want := range tc.wantIn[1:] {
				if !d.HasError() || !strings.Contains(d[0].Detail(), want) {
					t.Errorf("diagnostics %v do not name %s", d, want)
				}
			}
			checkRefusal(t, tc.name, d, tc.wantIn[0], password)
		})
	}

	// The block's domain validator says the same about a domain.
	resp = validator.StringResponse{}
	domainValidator := tencentDomainValidator()
	domainValidator.ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("tencentcloud").AtName("domain"), ConfigValue: types.StringValue("x:" + password + "@127.0.0.1"),
	}, &resp)
	checkRefusal(t, "tencentcloud.domain in the block", resp.Diagnostics, "must be a domain name such as intl.tencentcloudapi.com", "")
}

func checkRefusal(t *testing.T, source string, d diag.Diagnostics, want, password string) {
	t.Helper()
	if !d.HasError() {
		t.Errorf("%s: accepted", source)
		return
	}
	text := d[0].Summary() + ": " + d[0].Detail()
	if !strings.Contains(text, want) {
		t.Errorf("%s: %q does not say %q", source, text, want)
	}
	if password != "" && strings.Contains(text, password) {
		t.Errorf("%s: %q quotes the password", source, text)
	}
}
