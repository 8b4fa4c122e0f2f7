package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// The external ID of tencentcloud.assume_role is what the external ID of
// an account block is: sensitive (never shown in a plan), and checked at
// plan time against the same rule, with the same message.
func TestAssumeRoleExternalIDLikeAccounts(t *testing.T) {
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	tencent, ok1 := resp.Schema.Blocks["tencentcloud"].(schema.SingleNestedBlock)
	assumeRole, ok2 := tencent.Blocks["assume_role"].(schema.SingleNestedBlock)
	accounts, ok3 := tencent.Blocks["account"].(schema.ListNestedBlock)
	role, ok4 := assumeRole.Attributes["external_id"].(schema.StringAttribute)
	account, ok5 := accounts.NestedObject.Attributes["external_id"].(schema.StringAttribute)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		t.Fatal("the schema has no tencentcloud.assume_role.external_id or tencentcloud.account.external_id string")
	}

	if !role.Sensitive || !account.Sensitive {
		t.Errorf("sensitive: assume_role %v, account %v; want both", role.Sensitive, account.Sensitive)
	}
	if role.MarkdownDescription != account.MarkdownDescription {
		t.Errorf("descriptions differ:\n  assume_role: %s\n  account:     %s", role.MarkdownDescription, account.MarkdownDescription)
	}
	validate := func(attr schema.StringAttribute, p path.Path, v string) []string {
		var msgs []string
		for _, val := range attr.Validators {
			var r validator.StringResponse
			val.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: types.StringValue(v)}, &r)
			for _, d := range r.Diagnostics.Errors() {
				msgs = append(msgs, d.Detail())
			}
		}
		return msgs
	}
	rolePath := path.Root("tencentcloud").AtName("assume_role").AtName("external_id")
	accountPath := path.Root("tencentcloud").AtName("account").AtListIndex(0).AtName("external_id")
	for _, v := range []string{"x", "has space", "semi;colon", strings.Repeat("a", 129)} {
		got, want := validate(role, rolePath, v), validate(account, accountPath, v)
		if len(got) == 0 {
			t.Errorf("assume_role.external_id %q accepted", v)
			continue
		}
		if !strings.Contains(got[0], "tencentcloud.assume_role.external_id") ||
			strings.ReplaceAll(got[0], rolePath.String(), "") != strings.ReplaceAll(want[0], accountPath.String(), "") {
			t.Errorf("%q: %q, want the account block's message %q for its own path", v, got, want)
		}
	}
	for _, v := range []string{"ab", "tenant-42:audit/ok", strings.Repeat("a", 128)} {
		if got := validate(role, rolePath, v); len(got) != 0 {
			t.Errorf("assume_role.external_id %q refused: %v", v, got)
		}
	}
}

// TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID keeps to the same rule, and the
// refusal does not quote it.
func TestAssumeRoleExternalIDFromTheEnvironment(t *testing.T) {
	env := mapEnv{"TENCENTCLOUD_ASSUME_ROLE_ARN": "qcs::cam::uin/100000000001:roleName/auditor",
		"TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME": "audit", "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID": "not valid;id"}
	_, err := resolveAssumeRole(nil, env, client.TccliProfile{})
	if err == nil || !strings.Contains(err.detail, "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID "+externalIDRule) || strings.Contains(err.detail, "not valid;id") {
		t.Errorf("got %+v, want a refusal naming the variable and the rule, without the value", err)
	}
	env["TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"] = "tenant-42"
	if ar, err := resolveAssumeRole(nil, env, client.TccliProfile{}); err != nil || ar.ExternalID != "tenant-42" {
		t.Errorf("a valid external ID: %+v, %+v", ar, err)
	}
}
