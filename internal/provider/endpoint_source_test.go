package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// evidence.endpoint_source names the place that chose each cloud's URL, as
// the provider resolves the settings: the block before the environment
// before a profile file before the default. Tencent Cloud's endpoint alone
// decides when set; domain and protocol from two places say so.
func TestEndpointSourceResolution(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	// A tccli profile with keys and a region: it holds no endpoint, so it
	// never is the source.
	writeFile(t, filepath.Join(home, ".tccli", "default.credential"), `{"secretId": "AKIDfile", "secretKey": "file-key"}`)
	writeFile(t, filepath.Join(home, ".tccli", "default.configure"), `{"_sys_param": {"region": "ap-beijing"}}`)
	keys := mapEnv{"UCLOUD_PUBLIC_KEY": "p", "UCLOUD_PRIVATE_KEY": "k"}
	envWith := func(extra mapEnv) mapEnv {
		env := mapEnv{}
		for k, v := range keys {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	s := types.StringValue

	for _, tc := range []struct {
		name  string
		block tencentCloudModel
		env   mapEnv
		want  string
	}{
		{name: "nothing set", want: "default"},
		{name: "endpoint in the block", block: tencentCloudModel{Endpoint: s("http://127.0.0.1:8787")}, want: "provider_block"},
		{name: "TENCENTCLOUD_ENDPOINT", env: mapEnv{"TENCENTCLOUD_ENDPOINT": "http://127.0.0.1:8787"}, want: "environment"},
		{name: "the block's endpoint over the environment's", block: tencentCloudModel{Endpoint: s("https://gw.example")},
			env: mapEnv{"TENCENTCLOUD_ENDPOINT": "http://127.0.0.1:8787"}, want: "provider_block"},
		{name: "the environment's endpoint decides over the block's domain and protocol",
			block: tencentCloudModel{Domain: s("intl.tencentcloudapi.com"), Protocol: s("HTTP")},
			env:   mapEnv{"TENCENTCLOUD_ENDPOINT": "https://gw.example"}, want: "environment"},
		{name: "domain in the block", block: tencentCloudModel{Domain: s("intl.tencentcloudapi.com")}, want: "provider_block"},
		{name: "protocol in the block", block: tencentCloudModel{Protocol: s("HTTPS")}, want: "provider_block"},
		{name: "TENCENTCLOUD_DOMAIN", env: mapEnv{"TENCENTCLOUD_DOMAIN": "intl.tencentcloudapi.com"}, want: "environment"},
		{name: "TENCENTCLOUD_PROTOCOL", env: mapEnv{"TENCENTCLOUD_PROTOCOL": "HTTP"}, want: "environment"},
		{name: "domain and protocol in the environment",
			env: mapEnv{"TENCENTCLOUD_DOMAIN": "intl.tencentcloudapi.com", "TENCENTCLOUD_PROTOCOL": "HTTP"}, want: "environment"},
		{name: "domain in the block, protocol in the environment", block: tencentCloudModel{Domain: s("intl.tencentcloudapi.com")},
			env: mapEnv{"TENCENTCLOUD_PROTOCOL": "HTTP"}, want: "provider_block_and_environment"},
		{name: "protocol in the block, domain in the environment", block: tencentCloudModel{Protocol: s("HTTP")},
			env: mapEnv{"TENCENTCLOUD_DOMAIN": "intl.tencentcloudapi.com"}, want: "provider_block_and_environment"},
		{name: "the block's domain over the environment's", block: tencentCloudModel{Domain: s("intl.tencentcloudapi.com")},
			env: mapEnv{"TENCENTCLOUD_DOMAIN": "tencentcloudapi.com"}, want: "provider_block"},
		{name: "assume_role changes nothing", block: tencentCloudModel{AssumeRole: &assumeRoleModel{
			RoleArn: s("qcs::cam::uin/100000000001:roleName/auditor"), SessionName: s("audit")}},
			env: mapEnv{"TENCENTCLOUD_ENDPOINT": "http://127.0.0.1:8787"}, want: "environment"},
		{name: "a named account changes nothing", block: tencentCloudModel{Accounts: []accountModel{{
			Name: s("prod"), RoleArn: s("qcs::cam::uin/100000000002:roleName/auditor")}}},
			want: "default"},
	} {
		t.Run("Tencent Cloud: "+tc.name, func(t *testing.T) {
			block := tc.block
			data, diags := newProviderData(context.Background(), "test", providerModel{TencentCloud: &block}, envWith(tc.env))
			if diags.HasError() || data.tencentErr != nil {
				t.Fatalf("configuration refused: %v %v", diags, data.tencentErr)
			}
			if data.tencentEndpointSource != tc.want {
				t.Errorf("endpoint_source %q, want %q", data.tencentEndpointSource, tc.want)
			}
			// Every read of the provider, and of each named account, says it.
			_, target, diags := data.tencentTarget(context.Background(), types.StringNull(), types.StringNull(), regionRequired)
			if diags.HasError() || target.endpointSource != tc.want {
				t.Errorf("the provider's own reads say %q (%v), want %q", target.endpointSource, diags, tc.want)
			}
			for _, a := range block.Accounts {
				_, target, diags := data.tencentTarget(context.Background(), a.Name, types.StringNull(), regionRequired)
				if diags.HasError() || target.endpointSource != tc.want {
					t.Errorf("the reads of account %s say %q (%v), want %q", a.Name.ValueString(), target.endpointSource, diags, tc.want)
				}
			}
		})
	}

	configJSON := filepath.Join(home, ".ucloud", "config.json")
	for _, tc := range []struct {
		name   string
		block  ucloudModel
		env    mapEnv
		config string // ~/.ucloud/config.json
		want   string
	}{
		{name: "nothing set", config: `[{"profile": "default", "active": true, "project_id": "org-x"}]`, want: "default"},
		{name: "no config file", want: "default"},
		{name: "base_url in the block", block: ucloudModel{BaseURL: s("http://127.0.0.1:8787")},
			config: `[{"profile": "default", "active": true, "base_url": "https://gw.example"}]`, want: "provider_block"},
		{name: "UCLOUD_API_BASE_URL", env: mapEnv{"UCLOUD_API_BASE_URL": "http://127.0.0.1:8787"},
			config: `[{"profile": "default", "active": true, "base_url": "https://gw.example"}]`, want: "environment"},
		{name: "the block's base_url over the environment's", block: ucloudModel{BaseURL: s("http://127.0.0.1:8787")},
			env: mapEnv{"UCLOUD_API_BASE_URL": "https://gw.example"}, want: "provider_block"},
		{name: "the active profile's base_url", config: `[{"profile": "default", "active": true, "base_url": "http://127.0.0.1:8787"}]`,
			want: "profile_file"},
		{name: "the named profile's base_url", block: ucloudModel{Profile: s("audit")},
			config: `[{"profile": "default", "active": true}, {"profile": "audit", "base_url": "http://127.0.0.1:8787"}]`, want: "profile_file"},
		{name: "a blank base_url in the profile", config: `[{"profile": "default", "active": true, "base_url": "  "}]`, want: "default"},
	} {
		t.Run("UCloud: "+tc.name, func(t *testing.T) {
			if tc.config != "" {
				writeFile(t, configJSON, tc.config)
				t.Cleanup(func() { removeFile(t, configJSON) })
			}
			block := tc.block
			data, diags := newProviderData(context.Background(), "test", providerModel{UCloud: &block}, envWith(tc.env))
			if diags.HasError() || data.ucloudErr != nil {
				t.Fatalf("configuration refused: %v %v", diags, data.ucloudErr)
			}
			if data.ucloudEndpointSource != tc.want {
				t.Errorf("endpoint_source %q, want %q", data.ucloudEndpointSource, tc.want)
			}
		})
	}
}

// The value every read writes: endpoint_source beside endpoint, null only
// where no read set it.
func TestEvidenceEndpointSourceValue(t *testing.T) {
	for _, src := range []string{"provider_block", "environment", "provider_block_and_environment", "profile_file", "default"} {
		ev := evidence{endpoint: "https://api.ucloud.cn", endpointSource: src}
		got := attrOf(t, ev.value(), "endpoint_source")
		if !got.Equal(tftypes.NewValue(tftypes.String, src)) {
			t.Errorf("endpoint_source %v, want %q", got, src)
		}
	}
	if got := attrOf(t, evidence{}.value(), "endpoint_source"); !got.IsNull() {
		t.Errorf("endpoint_source of an evidence no read filled is %v, want null", got)
	}
}

func attrOf(t *testing.T, v tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	a, ok := attrs[name]
	if !ok {
		t.Fatalf("no attribute %s in %v", name, v)
	}
	return a
}

func removeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// endpointSourceVars are the settings of the servers that the environment
// may hold; each case sets them itself, so the machine's own never count.
var endpointSourceVars = []string{"TENCENTCLOUD_ENDPOINT", "TENCENTCLOUD_DOMAIN", "TENCENTCLOUD_PROTOCOL", "UCLOUD_API_BASE_URL", "UCLOUD_PROFILE"}

// Every data source of both clouds reports where its server was set: the
// provider block, the environment, or (UCloud) the profile file; a read as a
// named account, and reads with assume_role (the environment's and the
// profile's cases), report the provider's own settings, since they call the
// same servers. The default (the clouds'
// public APIs) is TestAccEvidence_endpointSourceDefault's.
func TestAccEvidence_endpointSource(t *testing.T) {
	sim := startSim(t, cloudsim.Options{OrgMembers: 3, Accounts: []cloudsim.Account{{
		Uin: "100000000002", Roles: map[string][]string{"auditor": {cloudsim.DefaultTencentOwnerUin}}}}})
	o := sim.Options()
	w := evWindowsOf(sim)
	account := `account {
  name     = "prod"
  role_arn = "qcs::cam::uin/100000000002:roleName/auditor"
}`
	// Reads with assume_role: one provider server serves every
	// configuration of a test, so the role is the provider's own in one case.
	assumeRole := fmt.Sprintf(`assume_role {
  role_arn     = "qcs::cam::uin/%s:roleName/auditor"
  session_name = "endpoint-source"
}`, cloudsim.DefaultTencentOwnerUin)
	reads := fmt.Sprintf(`
data "auditlog_cloudaudit_tracks" "test" {}

data "auditlog_cloudaudit_track" "test" {
  track_id = 1003
}

data "auditlog_cloudaudit_events" "test" {
  start_time = %d
  end_time   = %d
}

data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
  filter {
    start_time = %q
    end_time   = %q
  }
}

data "auditlog_organization_members" "test" {}

data "auditlog_cloudaudit_tracks" "account" {
  account = "prod"
}

data "auditlog_ucloud_operation_events" "test" {
  begin_time = %d
  end_time   = %d
}

data "auditlog_ucloud_projects" "test" {}
`, w.eventsStart, w.eventsEnd, cloudsim.CSIPSubUins[0], w.csipStart, w.csipEnd, w.ucloudBegin, w.ucloudEnd)
	tencentReads := []string{"auditlog_cloudaudit_tracks.test", "auditlog_cloudaudit_track.test", "auditlog_cloudaudit_events.test",
		"auditlog_csip_user_call_records.test", "auditlog_organization_members.test", "auditlog_cloudaudit_tracks.account"}
	ucloudReads := []string{"auditlog_ucloud_operation_events.test", "auditlog_ucloud_projects.test"}
	checks := func(tencent, ucloud string) []statecheck.StateCheck {
		var out []statecheck.StateCheck
		add := func(addrs []string, source string) {
			for _, a := range addrs {
				out = append(out,
					statecheck.ExpectKnownValue("data."+a, tfjsonpath.New("evidence").AtMapKey("endpoint_source"), knownvalue.StringExact(source)),
					statecheck.ExpectKnownValue("data."+a, tfjsonpath.New("evidence").AtMapKey("endpoint"), knownvalue.StringRegexp(simEndpointRe)))
			}
		}
		add(tencentReads, tencent)
		add(ucloudReads, ucloud)
		return out
	}
	run := func(t *testing.T, config string, tencent, ucloud string) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: config + reads, ConfigStateChecks: checks(tencent, ucloud)}},
		})
	}
	clearEnv := func(t *testing.T) {
		t.Setenv("HOME", t.TempDir())
		for _, k := range endpointSourceVars {
			t.Setenv(k, "")
		}
	}

	t.Run("provider block", func(t *testing.T) {
		clearEnv(t)
		// The environment's servers are there, and not used.
		t.Setenv("TENCENTCLOUD_ENDPOINT", "http://127.0.0.1:1")
		t.Setenv("UCLOUD_API_BASE_URL", "http://127.0.0.1:1")
		run(t, sim.providerBlock(withTencentBlocks(account)), "provider_block", "provider_block")
	})
	t.Run("environment", func(t *testing.T) {
		clearEnv(t)
		t.Setenv("TENCENTCLOUD_ENDPOINT", sim.URL)
		t.Setenv("UCLOUD_API_BASE_URL", sim.URL)
		run(t, sim.providerBlock(without("tencentcloud.endpoint", "ucloud.base_url"), withTencentBlocks(account, assumeRole)),
			"environment", "environment")
	})
	t.Run("profile file", func(t *testing.T) {
		clearEnv(t)
		home := os.Getenv("HOME")
		// UCloud's gateway from the active profile; Tencent Cloud's keys
		// from the tccli profile, which holds no endpoint: the block's is
		// the one used.
		writeFile(t, filepath.Join(home, ".ucloud", "config.json"),
			fmt.Sprintf(`[{"profile": "default", "active": true, "base_url": %q}]`, sim.URL))
		writeFile(t, filepath.Join(home, ".tccli", "default.credential"),
			fmt.Sprintf(`{"secretId": %q, "secretKey": %q}`, o.TencentSecretID, o.TencentSecretKey))
		run(t, sim.providerBlock(without("tencentcloud.secret_id", "tencentcloud.secret_key", "ucloud.base_url"), withTencentBlocks(account, assumeRole)),
			"provider_block", "profile_file")
	})
}
