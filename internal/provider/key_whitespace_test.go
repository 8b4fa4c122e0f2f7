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

// A key copied with a space, tab or line break is refused before any
// request, naming where it came from and never quoting it: the API would
// only answer that the key is unknown.
func TestKeyWithWhitespaceNamesItsSource(t *testing.T) {
	const secret = "S3cretKeyValue"
	t.Setenv("HOME", t.TempDir())
	tccli := t.TempDir()
	writeTccliProfile(t, tccli, "default", "AKIDfile", secret+"\n", "ap-guangzhou")
	ucloudFile := filepath.Join(t.TempDir(), "credential.json")
	writeFile(t, ucloudFile, `[{"profile": "default", "public_key": " pub-file", "private_key": "`+secret+`"}]`)

	tencentCases := []struct {
		name  string
		model *tencentCloudModel
		env   mapEnv
		want  string
	}{
		{"block secret_id", &tencentCloudModel{SecretID: types.StringValue("AKID " + secret), SecretKey: types.StringValue(secret)}, mapEnv{}, "tencentcloud.secret_id"},
		{"block security_token", &tencentCloudModel{SecretID: types.StringValue("AKID"), SecretKey: types.StringValue(secret), SecurityToken: types.StringValue(secret + "\t")}, mapEnv{}, "tencentcloud.security_token"},
		{"environment secret_key", &tencentCloudModel{}, mapEnv{"TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": " " + secret}, "TENCENTCLOUD_SECRET_KEY"},
		{"environment token", &tencentCloudModel{}, mapEnv{"TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": secret, "TENCENTCLOUD_SECURITY_TOKEN": secret + "\r\n"}, "TENCENTCLOUD_SECURITY_TOKEN"},
		{"profile secretKey", &tencentCloudModel{SharedCredentialsDir: types.StringValue(tccli)}, mapEnv{}, "secretKey in the tccli profile " + filepath.Join(tccli, "default.credential")},
	}
	for _, tc := range tencentCases {
		_, _, err := resolveTencent(tc.model, tc.env)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		msg := err.summary + " " + err.detail
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "whitespace") || strings.Contains(msg, secret) {
			t.Errorf("%s: %q, want it to name %s and whitespace, without the key", tc.name, msg, tc.want)
		}
	}

	ucloudCases := []struct {
		name  string
		model *ucloudModel
		env   mapEnv
		want  string
	}{
		{"block private_key", &ucloudModel{PublicKey: types.StringValue("pub"), PrivateKey: types.StringValue(secret + " ")}, mapEnv{}, "ucloud.private_key"},
		{"environment public_key", &ucloudModel{}, mapEnv{"UCLOUD_PUBLIC_KEY": "pub\n", "UCLOUD_PRIVATE_KEY": secret}, "UCLOUD_PUBLIC_KEY"},
		{"file public_key", &ucloudModel{SharedCredentialsFile: types.StringValue(ucloudFile)}, mapEnv{}, "public_key in the shared credential file " + ucloudFile},
	}
	for _, tc := range ucloudCases {
		_, err := resolveUCloud(tc.model, tc.env)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		msg := err.summary + " " + err.detail
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "whitespace") || strings.Contains(msg, secret) {
			t.Errorf("%s: %q, want it to name %s and whitespace, without the key", tc.name, msg, tc.want)
		}
	}

	// Clean keys from each source still pass.
	if _, _, err := resolveTencent(&tencentCloudModel{}, mapEnv{"TENCENTCLOUD_SECRET_ID": "AKID", "TENCENTCLOUD_SECRET_KEY": secret}); err != nil {
		t.Errorf("clean Tencent keys: %v", err.detail)
	}
	if _, err := resolveUCloud(&ucloudModel{}, mapEnv{"UCLOUD_PUBLIC_KEY": "pub", "UCLOUD_PRIVATE_KEY": secret}); err != nil {
		t.Errorf("clean UCloud keys: %v", err.detail)
	}
}

// In the provider block the key attributes refuse whitespace at validation,
// naming the attribute and not the value.
func TestKeyValidatorRefusesWhitespace(t *testing.T) {
	const secret = "S3cretKeyValue"
	for value, wantErr := range map[string]bool{secret: false, secret + "\n": true, " " + secret: true, "AB\tCD": true, "": false} {
		resp := &validator.StringResponse{}
		keyValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("tencentcloud").AtName("secret_key"), ConfigValue: types.StringValue(value),
		}, resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: error %v, want %v", value, resp.Diagnostics.HasError(), wantErr)
			continue
		}
		for _, d := range resp.Diagnostics {
			if !strings.Contains(d.Detail(), "tencentcloud.secret_key") || strings.Contains(d.Detail()+d.Summary(), secret) {
				t.Errorf("%q: %q, want the attribute named and the value not quoted", value, d.Detail())
			}
		}
	}
}
