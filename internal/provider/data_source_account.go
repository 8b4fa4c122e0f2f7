package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// tencentTarget is what a Tencent Cloud read reads: the client of the
// account it names (or the provider's own), and the region it sends.
type tencentTarget struct {
	client  *client.TencentClient
	region  string // "" when none is sent
	account string // the account argument, "" for the provider's own credentials
	// accountRegion: the region is the account block's.
	accountRegion bool
	// endpointSource says where the client's URLs were set
	// (evidence.endpoint_source): a named account's client calls the
	// servers of the provider's own.
	endpointSource string
}

// idPart is the part of a data source's id that says what it read: the
// region, with the account when one is named (so ids of configurations
// without accounts are unchanged).
func (t tencentTarget) idPart() string {
	if t.account == "" {
		return t.region
	}
	return t.region + "@" + t.account
}

// regionFrom says where the region came from, for messages.
func (t tencentTarget) regionFrom(region types.String) string {
	switch {
	case region.ValueString() != "":
		return "the data source's region"
	case t.account != "" && t.accountRegion:
		return "the region of account " + fmt.Sprintf("%q", t.account)
	}
	return "the provider's tencentcloud.region"
}

type readAccountKey struct{}

// readAccount is the account a read's context reads as, for its errors.
type readAccount struct{ name, roleArn string }

// tencentTarget resolves a data source's account and region arguments.
// An account no block names is an error on `account` listing the configured
// ones. The returned context carries the account, so that a role that
// cannot be assumed is reported naming it (see accountReadError).
func (d *providerData) tencentTarget(ctx context.Context, account, region types.String, use regionUse) (context.Context, tencentTarget, diag.Diagnostics) {
	c, diags := d.tencentClient()
	if diags.HasError() {
		return ctx, tencentTarget{}, diags
	}
	t := tencentTarget{client: c, region: region.ValueString(), endpointSource: d.tencentEndpointSource}
	accountRegion := ""
	if name := account.ValueString(); name != "" {
		a, ok := d.tencentAccounts[name]
		if !ok {
			names := d.accountNames()
			detail := fmt.Sprintf("account = %q names no tencentcloud.account block of this provider configuration, which has none: "+
				"add one (account { name = %q role_arn = \"...\" }) or remove the account argument to read with the provider's own credentials.", name, name)
			if len(names) > 0 {
				detail = fmt.Sprintf("account = %q names no tencentcloud.account block of this provider configuration. The configured accounts are: %s.",
					name, quotedList(names))
			}
			diags.AddAttributeError(path.Root("account"), "Unknown account", detail)
			return ctx, tencentTarget{}, diags
		}
		t.client, t.account, accountRegion = a.client, name, a.region
		ctx = context.WithValue(ctx, readAccountKey{}, readAccount{name: name, roleArn: a.roleArn})
	}
	if t.region == "" && use == regionRequired {
		t.region, t.accountRegion = first(accountRegion, d.tencentRegion), accountRegion != ""
	}
	return ctx, t, diags
}

// accountReadError reports a read that failed because its account's role
// could not be assumed, on `account`, naming the account and the role and
// quoting the API's answer (its code and RequestId). Only the data sources
// of that account fail this way; it reports whether it did.
func accountReadError(ctx context.Context, diags *diag.Diagnostics, summary string, err error) bool {
	a, ok := ctx.Value(readAccountKey{}).(readAccount)
	var are *client.AssumeRoleError
	if !ok || !errors.As(err, &are) {
		return false
	}
	code := ""
	var te *client.TencentError
	if errors.As(err, &te) {
		code = " (" + te.Code + ")"
	}
	diags.AddAttributeError(path.Root("account"), summary,
		fmt.Sprintf("The role %s of account %q could not be assumed%s with the provider's own credentials, so this account cannot be read: %s. "+
			"Check that the role exists, that its trust policy names the account of the provider's key pair (and its external_id, if it "+
			"requires one), and that the key may call sts:AssumeRole on it. Reads of other accounts are not affected.",
			a.roleArn, a.name, code, err.Error()))
	return true
}
