package provider

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An endpoint written without http:// or https:// is told so in those
// words, from whichever place it was set, on both clouds.
func TestEndpointWithoutSchemeGetsPlainMessage(t *testing.T) {
	const want = `"127.0.0.1:8787" must start with http:// or https://`
	home := t.TempDir()
	t.Setenv("HOME", home)
	keys := mapEnv{"TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": "k", "UCLOUD_PUBLIC_KEY": "p", "UCLOUD_PRIVATE_KEY": "k"}
	with := func(extra map[string]string) mapEnv {
		env := mapEnv{}
		for k, v := range keys {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}

	check := func(name string, err *settingsError) {
		t.Helper()
		if err == nil || !strings.Contains(err.detail, want) || strings.Contains(err.detail, "first path segment") {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
	data, _ := newProviderData(context.Background(), "test", providerModel{TencentCloud: &tencentCloudModel{Endpoint: types.StringValue("127.0.0.1:8787")}}, keys)
	check("tencentcloud.endpoint", data.tencentErr)
	data, _ = newProviderData(context.Background(), "test", providerModel{}, with(map[string]string{"TENCENTCLOUD_ENDPOINT": "127.0.0.1:8787", "UCLOUD_API_BASE_URL": "127.0.0.1:8787"}))
	check("TENCENTCLOUD_ENDPOINT", data.tencentErr)
	check("UCLOUD_API_BASE_URL", data.ucloudErr)
	data, _ = newProviderData(context.Background(), "test", providerModel{UCloud: &ucloudModel{BaseURL: types.StringValue("127.0.0.1:8787")}}, keys)
	check("ucloud.base_url", data.ucloudErr)
	writeFile(t, filepath.Join(home, ".ucloud", "config.json"), `[{"profile": "default", "active": true, "base_url": "127.0.0.1:8787"}]`)
	data, _ = newProviderData(context.Background(), "test", providerModel{}, keys)
	check("~/.ucloud/config.json", data.ucloudErr)

	// In the provider block, validation says it at plan time.
	resp := &validator.StringResponse{}
	urlValidator{}.ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("ucloud").AtName("base_url"), ConfigValue: types.StringValue("127.0.0.1:8787"),
	}, resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "ucloud.base_url: "+want) {
		t.Errorf("validator: %v", resp.Diagnostics)
	}
}
