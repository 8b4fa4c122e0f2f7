package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// Named accounts: `account` blocks inside `tencentcloud`, each a role that
// the provider's own key pair assumes. Every Tencent Cloud data source
// takes `account` (a name) to read as one of them.

// accountModel is one `account` block.
type accountModel struct {
	Name            types.String `tfsdk:"name"`
	RoleArn         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	ExternalID      types.String `tfsdk:"external_id"`
	Region          types.String `tfsdk:"region"`
}

// externalIDPattern is what an external ID may be, wherever it is set.
var externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9_+=,.@:/-]{2,128}$`)

// externalIDRule is the message of an external ID externalIDPattern refuses.
const externalIDRule = "must be 2 to 128 letters, digits or _+=,.@:/-"

// externalIDAttribute is the external_id of assume_role and of every
// account block. It is sensitive: an external ID stands in for a shared
// secret between the role's owner and the party assuming it, so it stays
// out of plans and logs.
func externalIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "External ID the role's trust policy requires, if any: 2 to 128 letters, digits or `_+=,.@:/-`.",
		Validators:          []validator.String{stringvalidator.RegexMatches(externalIDPattern, externalIDRule)},
	}
}

// accountNamePattern is what an account name may be: it is also the
// default session name's suffix, so it keeps to the session name's
// characters.
var accountNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)

// defaultSessionName is the role session name of an account block without
// session_name; it appears in the account's audit trail.
func defaultSessionName(account string) string {
	s := "auditlog-" + account
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

func accountBlockSchema() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A named account, a repeatable block: `account { name = \"prod\" role_arn = \"qcs::cam::uin/100000000002:roleName/auditor\" }`. " +
			"Each is reached by STS `AssumeRole` of its role with the provider's own key pair (`secret_id`, `secret_key`, " +
			"`security_token`, the environment or the profile; never with the role of `assume_role`), once per provider " +
			"configuration and again shortly before the credentials expire. A Tencent Cloud data source reads as the account " +
			"whose name its `account` argument gives, and with the provider's own credentials when it has none. Each account " +
			"has its own rate budgets (see `rate_limit`). Names are unique.",
		Validators: []validator.List{uniqueAccountNames{}},
		NestedObject: schema.NestedBlockObject{
			Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: "Name of the account, which data sources give as `account`: 1 to 64 letters, digits or `_.@-`. Unique among the `account` blocks.",
					Validators:          []validator.String{stringvalidator.RegexMatches(accountNamePattern, "must be 1 to 64 letters, digits or _.@-")},
				},
				"role_arn": schema.StringAttribute{
					Required:            true,
					MarkdownDescription: "ARN of the role to assume in the account, such as `qcs::cam::uin/100000000002:roleName/auditor`; its trust policy must name the account of the provider's key pair.",
					Validators:          []validator.String{stringvalidator.RegexMatches(roleArnPattern, "must be a CAM role ARN such as qcs::cam::uin/100000000002:roleName/auditor")},
				},
				"session_name": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Name of the role session, 2 to 128 letters, digits or `_+=,.@-`; it appears in the account's audit trail. Default `auditlog-<name>`.",
					Validators:          []validator.String{stringvalidator.RegexMatches(sessionNamePattern, "must be 2 to 128 letters, digits or _+=,.@-")},
				},
				"session_duration": schema.Int64Attribute{
					Optional:            true,
					MarkdownDescription: "Lifetime of the temporary credentials in seconds, 1 to 43200. Default 7200. They are reused until the last fifth of their lifetime (at most its last 5 minutes), then renewed; if the renewal fails, reads go on with them until they expire.",
					Validators:          []validator.Int64{int64validator.Between(1, 43200)},
				},
				"external_id": externalIDAttribute(),
				"region": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Default region of this account's reads: a data source's `region` comes first, then this, then the provider's `tencentcloud.region`.",
					Validators:          regionValidators(),
				},
			},
		},
	}
}

// uniqueAccountNames refuses two account blocks of one name at plan time,
// naming the second.
type uniqueAccountNames struct{}

func (uniqueAccountNames) Description(context.Context) string {
	return "account names must be unique"
}

func (v uniqueAccountNames) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueAccountNames) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]int{}
	for i, e := range req.ConfigValue.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		name, ok := obj.Attributes()["name"].(types.String)
		if !ok || name.IsNull() || name.IsUnknown() {
			continue
		}
		if j, dup := seen[name.ValueString()]; dup {
			resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i).AtName("name"), "Duplicate account name",
				fmt.Sprintf("Two tencentcloud.account blocks (numbers %d and %d) are named %q: each name selects one account, so names must be unique.", j+1, i+1, name.ValueString()))
			continue
		}
		seen[name.ValueString()] = i
	}
}

// tencentAccount is a configured account: its role, default region and the
// client that reads as it.
type tencentAccount struct {
	name    string
	roleArn string
	region  string
	client  *client.TencentClient
}

// newTencentAccounts builds one client per account block from the
// provider's own client (nil when its settings are wrong: the accounts are
// then only named, and their reads report what is wrong).
func newTencentAccounts(base *client.TencentClient, blocks []accountModel) map[string]*tencentAccount {
	out := make(map[string]*tencentAccount, len(blocks))
	for _, b := range blocks {
		name := b.Name.ValueString()
		a := &tencentAccount{name: name, roleArn: b.RoleArn.ValueString(), region: b.Region.ValueString()}
		if base != nil {
			a.client = base.WithRole(client.AssumeRoleConfig{
				RoleArn: a.roleArn, SessionName: stringValueOr(b.SessionName, defaultSessionName(name)),
				SessionDuration: b.SessionDuration.ValueInt64(), ExternalID: b.ExternalID.ValueString(),
			})
		}
		out[name] = a
	}
	return out
}

// accountNames lists the configured account names, sorted.
func (d *providerData) accountNames() []string {
	names := make([]string, 0, len(d.tencentAccounts))
	for n := range d.tencentAccounts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// quotedList is names as "a", "b", for messages.
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
