package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

type mapEnv map[string]string

func (m mapEnv) Getenv(k string) string { return m[k] }

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeTccliProfile writes a tccli profile the way `tccli configure` does.
func writeTccliProfile(t *testing.T, dir, profile, id, key, region string) {
	writeFile(t, filepath.Join(dir, profile+".credential"), fmt.Sprintf(`{"secretId": %q, "secretKey": %q}`, id, key))
	writeFile(t, filepath.Join(dir, profile+".configure"), fmt.Sprintf(`{"_sys_param": {"region": %q, "output": "json"}}`, region))
}

func TestResolveTencentPrecedence(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tccli := filepath.Join(home, ".tccli")
	writeTccliProfile(t, tccli, "default", "AKIDfile", "file-key", "ap-chengdu")
	writeTccliProfile(t, tccli, "audit", "AKIDaudit", "audit-key", "ap-tokyo")

	attrs := &tencentCloudModel{SecretID: types.StringValue("AKIDattr"), SecretKey: types.StringValue("attr-key"), Region: types.StringValue("ap-seoul")}
	env := mapEnv{"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "env-key", "TENCENTCLOUD_REGION": "ap-beijing"}

	tests := []struct {
		name                 string
		model                *tencentCloudModel
		env                  mapEnv
		wantID, wantKey, reg string
	}{
		{"attribute beats environment and file", attrs, env, "AKIDattr", "attr-key", "ap-seoul"},
		{"environment beats file", &tencentCloudModel{}, env, "AKIDenv", "env-key", "ap-beijing"},
		{"file when nothing else", &tencentCloudModel{}, mapEnv{}, "AKIDfile", "file-key", "ap-chengdu"},
		{"profile named by attribute", &tencentCloudModel{Profile: types.StringValue("audit")}, mapEnv{}, "AKIDaudit", "audit-key", "ap-tokyo"},
		{"profile named by environment", &tencentCloudModel{}, mapEnv{"TENCENTCLOUD_PROFILE": "audit"}, "AKIDaudit", "audit-key", "ap-tokyo"},
		{"keys from environment, region from file", &tencentCloudModel{}, mapEnv{"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "env-key"}, "AKIDenv", "env-key", "ap-chengdu"},
		{"region default", &tencentCloudModel{SharedCredentialsDir: types.StringValue(t.TempDir())}, env, "AKIDenv", "env-key", "ap-beijing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, region, err := resolveTencent(tc.model, tc.env)
			if err != nil {
				t.Fatalf("unexpected error: %s: %s", err.summary, err.detail)
			}
			if cfg.SecretID != tc.wantID || cfg.SecretKey != tc.wantKey || region != tc.reg {
				t.Errorf("got (%s, %s, %s), want (%s, %s, %s)", cfg.SecretID, cfg.SecretKey, region, tc.wantID, tc.wantKey, tc.reg)
			}
		})
	}

	t.Run("no pair is assembled from two sources", func(t *testing.T) {
		_, _, err := resolveTencent(&tencentCloudModel{}, mapEnv{"TENCENTCLOUD_SECRET_ID": "AKIDenv"})
		if err == nil || !strings.Contains(err.detail, "TENCENTCLOUD_SECRET_KEY") {
			t.Fatalf("want an error naming TENCENTCLOUD_SECRET_KEY, got %+v", err)
		}
	})
	t.Run("nothing anywhere", func(t *testing.T) {
		_, region, err := resolveTencent(&tencentCloudModel{SharedCredentialsDir: types.StringValue(t.TempDir())}, mapEnv{})
		if err == nil || !strings.Contains(err.detail, "tencentcloud.secret_id") || !strings.Contains(err.detail, "TENCENTCLOUD_SECRET_ID") {
			t.Fatalf("want an error naming the attribute and the variable, got %+v", err)
		}
		if region != defaultTencentRegion {
			t.Errorf("region = %q, want the default %q", region, defaultTencentRegion)
		}
	})
	t.Run("malformed profile names the file, not its content", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "default.credential"), `{"secretId": "AKIDx", "secretKey": "leaked-key"`)
		_, _, err := resolveTencent(&tencentCloudModel{SharedCredentialsDir: types.StringValue(dir)}, mapEnv{})
		if err == nil || !strings.Contains(err.detail, "default.credential") || strings.Contains(err.detail, "leaked-key") {
			t.Fatalf("got %+v", err)
		}
	})
	t.Run("assume role from environment", func(t *testing.T) {
		cfg, _, err := resolveTencent(&tencentCloudModel{}, mapEnv{
			"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "env-key",
			"TENCENTCLOUD_ASSUME_ROLE_ARN": "qcs::cam::uin/100000000001:roleName/auditor", "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME": "ci",
			"TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION": "900",
		})
		if err != nil || cfg.AssumeRole == nil || cfg.AssumeRole.SessionName != "ci" || cfg.AssumeRole.SessionDuration != 900 {
			t.Fatalf("got %+v, %+v", cfg.AssumeRole, err)
		}
		_, _, err = resolveTencent(&tencentCloudModel{}, mapEnv{
			"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "env-key",
			"TENCENTCLOUD_ASSUME_ROLE_ARN": "qcs::cam::uin/100000000001:roleName/auditor",
		})
		if err == nil || !strings.Contains(err.detail, "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME") {
			t.Fatalf("want an error naming the session name variable, got %+v", err)
		}
	})
}

func TestResolveUCloudPrecedence(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	writeFile(t, filepath.Join(home, ".ucloud", "credential.json"), `[
  {"profile": "default", "public_key": "pub-file", "private_key": "priv-file"},
  {"profile": "audit", "public_key": "pub-audit", "private_key": "priv-audit"}
]`)
	writeFile(t, filepath.Join(home, ".ucloud", "config.json"), `[
  {"profile": "default", "active": true, "project_id": "org-file", "base_url": "https://api.ucloud-global.com"}
]`)
	attrs := &ucloudModel{PublicKey: types.StringValue("pub-attr"), PrivateKey: types.StringValue("priv-attr"), ProjectID: types.StringValue("org-attr")}
	env := mapEnv{"UCLOUD_PUBLIC_KEY": "pub-env", "UCLOUD_PRIVATE_KEY": "priv-env", "UCLOUD_PROJECT_ID": "org-env"}

	tests := []struct {
		name                      string
		model                     *ucloudModel
		env                       mapEnv
		wantPub, wantPriv, wantPj string
	}{
		{"attribute beats environment and file", attrs, env, "pub-attr", "priv-attr", "org-attr"},
		{"environment beats file", &ucloudModel{}, env, "pub-env", "priv-env", "org-env"},
		{"file when nothing else", &ucloudModel{}, mapEnv{}, "pub-file", "priv-file", "org-file"},
		// config.json has no "audit" entry, so no project comes from it.
		{"profile named by environment", &ucloudModel{}, mapEnv{"UCLOUD_PROFILE": "audit"}, "pub-audit", "priv-audit", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := resolveUCloud(tc.model, tc.env)
			if err != nil {
				t.Fatalf("unexpected error: %s: %s", err.summary, err.detail)
			}
			if cfg.PublicKey != tc.wantPub || cfg.PrivateKey != tc.wantPriv || cfg.ProjectID != tc.wantPj {
				t.Errorf("got (%s, %s, %s), want (%s, %s, %s)", cfg.PublicKey, cfg.PrivateKey, cfg.ProjectID, tc.wantPub, tc.wantPriv, tc.wantPj)
			}
		})
	}
	t.Run("base URL from config file, environment wins", func(t *testing.T) {
		cfg, _ := resolveUCloud(&ucloudModel{}, mapEnv{})
		if cfg.BaseURL != "https://api.ucloud-global.com" {
			t.Errorf("base URL = %q", cfg.BaseURL)
		}
		cfg, _ = resolveUCloud(&ucloudModel{}, mapEnv{"UCLOUD_API_BASE_URL": "http://127.0.0.1:1"})
		if cfg.BaseURL != "http://127.0.0.1:1" {
			t.Errorf("base URL = %q", cfg.BaseURL)
		}
	})
	t.Run("missing keys name the attribute and the variables", func(t *testing.T) {
		_, err := resolveUCloud(&ucloudModel{SharedCredentialsFile: types.StringValue(filepath.Join(home, "none.json"))}, mapEnv{})
		if err == nil {
			t.Fatal("want an error for an explicitly named credential file that does not exist")
		}
		t.Setenv("HOME", t.TempDir())
		_, err = resolveUCloud(&ucloudModel{}, mapEnv{})
		if err == nil || !strings.Contains(err.detail, "ucloud.public_key") || !strings.Contains(err.detail, "UCLOUD_PUBLIC_KEY") {
			t.Fatalf("got %+v", err)
		}
	})
}

// Lazy credentials: a provider with keys for one cloud only configures fine,
// and only reading the other cloud fails.
func TestNewProviderDataIsLazyPerCloud(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	data, diags := newProviderData(context.Background(), "test", providerModel{
		UCloud: &ucloudModel{PublicKey: types.StringValue("pub"), PrivateKey: types.StringValue("priv")},
	}, mapEnv{})
	if diags.HasError() {
		t.Fatalf("configuring with UCloud keys only failed: %v", diags)
	}
	if _, d := data.ucloudClient(); d.HasError() {
		t.Errorf("UCloud client: %v", d)
	}
	if _, d := data.tencentClient(); !d.HasError() {
		t.Error("a Tencent Cloud client was built without Tencent Cloud credentials")
	}
	if len(data.secrets) != 1 || data.secrets[0] != "priv" {
		t.Errorf("secrets to mask = %v, want the private key", data.secrets)
	}
}

// Through the real terraform binary: with no keys in the provider block or
// the environment, the tccli profile is used; keys in the environment win
// over a profile holding wrong ones.
func TestAccProviderCredentialsFromProfileFiles(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 2})
	o := sim.Options()
	good, bad := t.TempDir(), t.TempDir()
	writeTccliProfile(t, good, "default", o.TencentSecretID, o.TencentSecretKey, "ap-hongkong")
	writeTccliProfile(t, bad, "default", o.TencentSecretID, "wrong-key", "ap-hongkong")
	config := func(dir string) string {
		return sim.providerBlock(without("tencentcloud.secret_id", "tencentcloud.secret_key", ucloudBlock, "max_retries"),
			withTencent("shared_credentials_dir", strconv.Quote(dir))) + `
data "auditlog_cloudaudit_tracks" "test" {}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(good),
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(2)),
					tracksCheck(tfjsonpath.New("region"), knownvalue.StringExact("ap-hongkong")),
				},
			},
			{
				Config:      config(bad),
				ExpectError: regexp.MustCompile(`AuthFailure\.SignatureFailure`),
			},
			{
				PreConfig: func() {
					t.Setenv("TENCENTCLOUD_SECRET_ID", o.TencentSecretID)
					t.Setenv("TENCENTCLOUD_SECRET_KEY", o.TencentSecretKey)
				},
				Config: config(bad),
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}

// Through the real terraform binary: a tccli profile's role-arn belongs to
// the profile's keys. Keys from the provider block or the environment are
// used as they are; only the profile's own keys assume its role.
func TestAccProfileRoleOnlyWithProfileKeys(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 2})
	o := sim.Options()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "default.credential"), fmt.Sprintf(
		`{"secretId": %q, "secretKey": %q, "role-arn": "qcs::cam::uin/%s:roleName/profile-role", "role-session-name": "from-profile"}`,
		o.TencentSecretID, o.TencentSecretKey, cloudsim.DefaultTencentOwnerUin))
	config := func(keys string) string {
		return sim.providerBlock(without("tencentcloud.secret_id", "tencentcloud.secret_key", ucloudBlock, "max_retries"),
			withTencent("shared_credentials_dir", strconv.Quote(dir)), withTencentBlocks(keys)) + `
data "auditlog_cloudaudit_tracks" "test" {}
`
	}
	assumed := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := sim.CallCount("AssumeRole"); n != want {
				return fmt.Errorf("AssumeRole called %d times so far, want %d", n, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Keys in the provider block: the profile's role is not assumed.
				Config: config(fmt.Sprintf("secret_id = %q\nsecret_key = %q", o.TencentSecretID, o.TencentSecretKey)),
				Check:  assumed(0),
			},
			{
				// Keys in the environment: neither.
				PreConfig: func() {
					t.Setenv("TENCENTCLOUD_SECRET_ID", o.TencentSecretID)
					t.Setenv("TENCENTCLOUD_SECRET_KEY", o.TencentSecretKey)
				},
				Config: config(""),
				Check:  assumed(0),
			},
			{
				// Keys from the profile: its role is assumed.
				PreConfig: func() {
					os.Unsetenv("TENCENTCLOUD_SECRET_ID")
					os.Unsetenv("TENCENTCLOUD_SECRET_KEY")
				},
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(2)),
				},
				Check: func(*terraform.State) error {
					if sim.CallCount("AssumeRole") == 0 {
						return fmt.Errorf("the profile's keys did not assume the profile's role")
					}
					return nil
				},
			},
		},
	})
}

// Through the real terraform binary: with no profile configured, the keys
// and the project come from one profile, the one config.json marks active
// (as ucloud-cli does), never the keys of "default" with the project of the
// active one.
func TestAccUCloudKeysAndProjectFromOneProfile(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Events: 3})
	o := sim.Options()
	home := t.TempDir()
	t.Setenv("HOME", home)
	writeFile(t, filepath.Join(home, ".ucloud", "credential.json"), fmt.Sprintf(`[
  {"profile": "default", "public_key": %q, "private_key": "not-the-audit-key"},
  {"profile": "audit", "public_key": %q, "private_key": %q}
]`, o.UCloudPublicKey, o.UCloudPublicKey, o.UCloudPrivateKey))
	writeFile(t, filepath.Join(home, ".ucloud", "config.json"), fmt.Sprintf(`[
  {"profile": "default", "active": false, "project_id": "org-default", "base_url": %q},
  {"profile": "audit", "active": true, "project_id": %q, "base_url": %q}
]`, sim.URL, o.UCloudProjectID, sim.URL))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "auditlog" {}
data "auditlog_ucloud_operation_events" "test" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ucloudEventsAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(o.UCloudProjectID)),
				statecheck.ExpectKnownValue(ucloudEventsAddr, tfjsonpath.New("events"), knownvalue.ListSizeExact(3)),
			},
		}},
	})
}
