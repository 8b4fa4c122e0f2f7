package provider

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Which places a key pair may come from (docs/index.md, "Authentication"):
// the provider block and the environment may be combined, key by key; the
// security token goes with the secret key; profile files are read only when
// no credential is set in either, and then supply every one.
func TestTencentCredentialCombinations(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	writeFile(t, filepath.Join(home, ".tccli", "default.credential"), `{"secretId": "AKIDfile", "secretKey": "file-key", "token": "file-token"}`)
	block := func(id, key, token string) *tencentCloudModel {
		m := &tencentCloudModel{}
		if id != "" {
			m.SecretID = types.StringValue(id)
		}
		if key != "" {
			m.SecretKey = types.StringValue(key)
		}
		if token != "" {
			m.SecurityToken = types.StringValue(token)
		}
		return m
	}
	for _, tc := range []struct {
		name                string
		model               *tencentCloudModel
		env                 mapEnv
		id, key, token, err string // err: a settings error whose summary and detail hold it
		source              string // where the error advice says the key came from
	}{
		{name: "ID in the block, key in the environment", model: block("AKIDblock", "", ""), env: mapEnv{"TENCENTCLOUD_SECRET_KEY": "env-key"},
			id: "AKIDblock", key: "env-key", source: "tencentcloud.secret_id in the provider block (with the secret key from the environment variable TENCENTCLOUD_SECRET_KEY)"},
		{name: "key in the block, ID in the environment", model: block("", "block-key", ""), env: mapEnv{"TENCENTCLOUD_SECRET_ID": "AKIDenv"},
			id: "AKIDenv", key: "block-key", source: "the environment variable TENCENTCLOUD_SECRET_ID (with the secret key from tencentcloud.secret_key in the provider block)"},
		{name: "token with the key from the environment", model: block("AKIDblock", "", ""),
			env: mapEnv{"TENCENTCLOUD_SECRET_KEY": "env-key", "TENCENTCLOUD_SECURITY_TOKEN": "env-token"}, id: "AKIDblock", key: "env-key", token: "env-token"},
		{name: "a key in the block takes no token from the environment", model: block("AKIDblock", "block-key", ""),
			env: mapEnv{"TENCENTCLOUD_SECURITY_TOKEN": "env-token"}, id: "AKIDblock", key: "block-key", token: "", source: "tencentcloud.secret_id in the provider block"},
		{name: "token with the key from the block", model: block("AKIDblock", "block-key", "block-token"),
			env: mapEnv{"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "env-key", "TENCENTCLOUD_SECURITY_TOKEN": "env-token"},
			id:  "AKIDblock", key: "block-key", token: "block-token"},
		{name: "token in the block, key in the environment", model: block("", "", "block-token"),
			env: mapEnv{"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "env-key"},
			err: "credentials from two places|tencentcloud.security_token is set in the provider block, but the secret key comes from the environment variable TENCENTCLOUD_SECRET_KEY"},
		{name: "an ID alone does not open the profile", model: block("AKIDblock", "", ""), env: mapEnv{},
			err: "Missing Tencent Cloud SecretKey|the tccli profile is not read"},
		{name: "a key alone does not open the profile", model: block("", "", ""), env: mapEnv{"TENCENTCLOUD_SECRET_KEY": "env-key"},
			err: "Missing Tencent Cloud SecretId|the tccli profile is not read"},
		{name: "a token alone does not open the profile", model: block("", "", ""), env: mapEnv{"TENCENTCLOUD_SECURITY_TOKEN": "env-token"},
			err: "Missing Tencent Cloud credentials"},
		{name: "nothing set: all from the profile", model: block("", "", ""), env: mapEnv{},
			id: "AKIDfile", key: "file-key", token: "file-token", source: "the tccli profile " + filepath.Join(home, ".tccli", "default.credential")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, serr := resolveTencent(tc.model, tc.env)
			if tc.err != "" {
				if serr == nil {
					t.Fatalf("no error; got %q / %q / %q", cfg.SecretID, cfg.SecretKey, cfg.SecurityToken)
				}
				summary, detail, _ := strings.Cut(tc.err, "|")
				if !strings.Contains(serr.summary, summary) || !strings.Contains(serr.detail, detail) {
					t.Errorf("error %q: %q, want %q: %q", serr.summary, serr.detail, summary, detail)
				}
				return
			}
			if serr != nil {
				t.Fatalf("%s: %s", serr.summary, serr.detail)
			}
			if cfg.SecretID != tc.id || cfg.SecretKey != tc.key || cfg.SecurityToken != tc.token {
				t.Errorf("got %q / %q / %q, want %q / %q / %q", cfg.SecretID, cfg.SecretKey, cfg.SecurityToken, tc.id, tc.key, tc.token)
			}
			if tc.source != "" {
				if got, _ := tencentKeySource(tc.model, tc.env, cfg); got != tc.source {
					t.Errorf("key source %q, want %q", got, tc.source)
				}
			}
		})
	}
}

func TestUCloudCredentialCombinations(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	writeFile(t, filepath.Join(home, ".ucloud", "credential.json"), `[{"profile": "default", "public_key": "pub-file", "private_key": "priv-file"}]`)
	for _, tc := range []struct {
		name           string
		model          *ucloudModel
		env            mapEnv
		pub, priv, err string
		source         string
	}{
		{name: "public key in the block, private key in the environment", model: &ucloudModel{PublicKey: types.StringValue("pub-block")},
			env: mapEnv{"UCLOUD_PRIVATE_KEY": "priv-env"}, pub: "pub-block", priv: "priv-env",
			source: "ucloud.public_key in the provider block (with the private key from the environment variable UCLOUD_PRIVATE_KEY)"},
		{name: "private key in the block, public key in the environment", model: &ucloudModel{PrivateKey: types.StringValue("priv-block")},
			env: mapEnv{"UCLOUD_PUBLIC_KEY": "pub-env"}, pub: "pub-env", priv: "priv-block",
			source: "the environment variable UCLOUD_PUBLIC_KEY (with the private key from ucloud.private_key in the provider block)"},
		{name: "a public key alone does not open the credential file", model: &ucloudModel{PublicKey: types.StringValue("pub-block")}, env: mapEnv{},
			err: "the shared credential file is not read"},
		{name: "a private key alone does not open the credential file", model: &ucloudModel{}, env: mapEnv{"UCLOUD_PRIVATE_KEY": "priv-env"},
			err: "the shared credential file is not read"},
		{name: "nothing set: both from the file", model: &ucloudModel{}, env: mapEnv{}, pub: "pub-file", priv: "priv-file",
			source: "the shared credential file ~/.ucloud/credential.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, serr := resolveUCloud(tc.model, tc.env)
			if tc.err != "" {
				if serr == nil || !strings.Contains(serr.detail, tc.err) {
					t.Fatalf("error %+v, want %q", serr, tc.err)
				}
				return
			}
			if serr != nil {
				t.Fatalf("%s: %s", serr.summary, serr.detail)
			}
			if cfg.PublicKey != tc.pub || cfg.PrivateKey != tc.priv {
				t.Errorf("got %q / %q, want %q / %q", cfg.PublicKey, cfg.PrivateKey, tc.pub, tc.priv)
			}
			if got := ucloudKeySource(tc.model, tc.env, cfg); got != tc.source {
				t.Errorf("key source %q, want %q", got, tc.source)
			}
		})
	}
}

// Through the real terraform binary: an ID in the provider block with its
// secret in the environment reads; a refused split pair names both places;
// a token in the block beside a key from the environment fails the plan
// naming both.
func TestAccCredentialsSplitBetweenBlockAndEnvironment(t *testing.T) {
	sim := startSim(t, cloudsim.Options{Tracks: 2, Events: 3})
	o := sim.Options()
	t.Setenv("HOME", t.TempDir()) // no profile files to fall back on
	tencent := func(extra string) string {
		return sim.providerBlock(without("tencentcloud.secret_key", "ucloud.private_key", "ucloud.project_id", "max_retries"), withTencentBlocks(extra)) + `
data "auditlog_cloudaudit_tracks" "test" {}
data "auditlog_ucloud_operation_events" "test" {}
`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					t.Setenv("TENCENTCLOUD_SECRET_KEY", o.TencentSecretKey)
					t.Setenv("UCLOUD_PRIVATE_KEY", o.UCloudPrivateKey)
				},
				Config: tencent(""),
				ConfigStateChecks: []statecheck.StateCheck{
					tracksCheck(tfjsonpath.New("tracks"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.auditlog_ucloud_operation_events.test", tfjsonpath.New("events"), knownvalue.ListSizeExact(3)),
				},
			},
			{
				PreConfig:   func() { t.Setenv("TENCENTCLOUD_SECRET_KEY", "wrong-key") },
				Config:      tencent(""),
				ExpectError: regexp.MustCompile(`(?s)AuthFailure\.SignatureFailure.*taken\s+from\s+tencentcloud\.secret_id\s+in\s+the\s+provider\s+block\s+\(with\s+the\s+secret\s+key\s+from\s+the\s+environment\s+variable\s+TENCENTCLOUD_SECRET_KEY\)`),
			},
			{
				PreConfig:   func() { t.Setenv("TENCENTCLOUD_SECRET_KEY", o.TencentSecretKey) },
				Config:      tencent(`security_token = "token-for-another-key"`),
				ExpectError: regexp.MustCompile(`(?s)credentials\s+from\s+two\s+places.*tencentcloud\.security_token\s+is\s+set\s+in\s+the\s+provider\s+block,\s+but\s+the\s+secret\s+key\s+comes\s+from\s+the\s+environment\s+variable\s+TENCENTCLOUD_SECRET_KEY`),
			},
		},
	})
}
