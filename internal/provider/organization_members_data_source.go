package provider

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

var (
	_ datasource.DataSource              = &organizationMembersDataSource{}
	_ datasource.DataSourceWithConfigure = &organizationMembersDataSource{}
)

// NewOrganizationMembersDataSource is the auditlog_organization_members data
// source: Tencent Cloud Organization's DescribeOrganizationMembers.
func NewOrganizationMembersDataSource() datasource.DataSource {
	return &organizationMembersDataSource{}
}

type organizationMembersDataSource struct {
	dataSourceBase
}

type organizationMembersModel struct {
	ID        types.String   `tfsdk:"id"`
	Account   types.String   `tfsdk:"account"`
	Lang      types.String   `tfsdk:"lang"`
	SearchKey types.String   `tfsdk:"search_key"`
	AuthName  types.String   `tfsdk:"auth_name"`
	Product   types.String   `tfsdk:"product"`
	Tags      []orgTagModel  `tfsdk:"tags"`
	MaxItems  types.Int64    `tfsdk:"max_items"`
	Total     types.Int64    `tfsdk:"total"`
	Items     types.List     `tfsdk:"items"` // of orgMemberAttrTypes objects
	Evidence  types.Object   `tfsdk:"evidence"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (m *organizationMembersModel) readTimeouts() timeouts.Value { return m.Timeouts }

// readTarget: the Organization API takes no region, so none is sent.
func (m *organizationMembersModel) readTarget() (account, region types.String) {
	return m.Account, types.StringNull()
}

type orgTagModel struct {
	TagKey   types.String `tfsdk:"tag_key"`
	TagValue types.String `tfsdk:"tag_value"`
}

// orgMaxSearchTags is the documented maximum of Tags.N in a request.
const orgMaxSearchTags = 10

var (
	orgPermissionAttrTypes = map[string]attr.Type{"id": types.Int64Type, "name": types.StringType}
	orgIdentityAttrTypes   = map[string]attr.Type{"identity_id": types.Int64Type, "identity_alias_name": types.StringType}
	orgTagAttrTypes        = map[string]attr.Type{"tag_key": types.StringType, "tag_value": types.StringType}
)

var orgMemberAttrTypes = map[string]attr.Type{
	"member_uin":        types.Int64Type,
	"name":              types.StringType,
	"member_type":       types.StringType,
	"org_policy_type":   types.StringType,
	"org_policy_name":   types.StringType,
	"org_permission":    types.ListType{ElemType: types.ObjectType{AttrTypes: orgPermissionAttrTypes}},
	"node_id":           types.Int64Type,
	"node_name":         types.StringType,
	"remark":            types.StringType,
	"create_time":       types.StringType,
	"update_time":       types.StringType,
	"is_allow_quit":     types.StringType,
	"pay_uin":           types.StringType,
	"pay_name":          types.StringType,
	"org_identity":      types.ListType{ElemType: types.ObjectType{AttrTypes: orgIdentityAttrTypes}},
	"bind_status":       types.StringType,
	"permission_status": types.StringType,
	"tags":              types.ListType{ElemType: types.ObjectType{AttrTypes: orgTagAttrTypes}},
	"nick_name":         types.StringType,
}

func (d *organizationMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_members"
}

// organizationMembersDescription is the data source's description: what it
// lists, and when to use it rather than CSIP's member_id.
var organizationMembersDescription = "Lists the member accounts of the Tencent Cloud Organization the credentials " +
	"belong to (API `DescribeOrganizationMembers`, Organization 2021-03-31), every page: the accounts a compliance check " +
	"must cover. Call it as the organization's administrator account (or as a trusted-service administrator, with " +
	"`product`); what a plain member sees is not documented.\n\n" +
	"Pages of 50 (the API's maximum `Limit`) are read concurrently once the first has given the API's `Total`, and the " +
	"read is checked against it: it fails, naming the page, the offset and the RequestId, rather than return a partial or " +
	"shuffled list (a total that changes during the read, pages that overlap, a member listed twice, members missing). " +
	"The API wants every `Offset` to be a multiple of `Limit`, so when it silently serves shorter pages the read logs the " +
	"cap at WARN and starts again from the first member with pages of the cap. For the same reason pages cannot overlap: " +
	"once a page has been read, the last member of the page before it is read again alone (`Limit` 1), one extra call " +
	"per page border, and must be the same member. A member leaving ahead of a border while another joins at the end " +
	"keeps the `Total` and repeats no member but moves one back onto a page already read; the border shows it, the read " +
	"starts again once, and fails naming the offset, both members and the RequestId if the second read sees a change " +
	"too. An answer without `Items` or without `Total` is an error naming the field, not an organization of no members.\n\n" +
	"**Regions.** The Organization API takes no region: none is sent, and `evidence.region` is null.\n\n" +
	"**Which to use: this listing, or `member_id` of `auditlog_csip_user_call_records`.** This listing says *who is in " +
	"the organization*, by UIN (`member_uin`): it is the expected set of a coverage check. A policy compares it with the " +
	"`evidence.account_id` of the reads that audited each account (`tostring(member_uin)`, since `account_id` is a " +
	"string) and denies when a member was not audited. CSIP's `member_id` is something else: it reads Cloud Security " +
	"Center call records of members *through the administrator account*, by CSIP's own member IDs (`mem-…`, not UINs, " +
	"which this API does not return), in one read without a role per member; which records it selects is not documented, " +
	"and it covers CSIP call records only. CloudAudit does not show other accounts' operation records, so " +
	"`auditlog_cloudaudit_events` must be read as each member; neither `member_id` nor this listing replaces that." +
	evidenceNote("`narrowed_by` lists `search_key`, `auth_name`, `product` and `tags` when set (the API's `Total` then "+
		"counts only the matching members, so a narrowed read can be complete), and `max_items` when set. `lang` only "+
		"names the site and narrows nothing. `complete` is true when the members read reach the API's `Total`. Members "+
		"have no time window: `window_start` and `window_end` are null. `region` is null (none is sent), `account_id` "+
		"and `principal_arn` are the identity of the credentials, the account whose organization is listed.")

func (d *organizationMembersDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedString := func(desc string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: organizationMembersDescription,
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
			"tags": schema.ListNestedBlock{
				MarkdownDescription: "Members carrying tags (the API's `Tags`), one `tags { ... }` block per tag, at most 10. " +
					"Whether a member must carry every tag or any of them is not documented.",
				Validators: []validator.List{listvalidator.SizeAtMost(orgMaxSearchTags)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"tag_key": schema.StringAttribute{
							Required: true, MarkdownDescription: "Tag key (`TagKey`).",
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"tag_value": schema.StringAttribute{Required: true, MarkdownDescription: "Tag value (`TagValue`)."},
					},
				},
			},
		},
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			"lang": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The site (the API's `Lang`): `en` for the international site, `zh` for the China site. Unset, none is sent.",
				Validators:          []validator.String{stringvalidator.OneOf("en", "zh")},
			},
			"search_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep the members whose name or UIN matches (the API's `SearchKey`). How it matches (whole or part) is not documented.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"auth_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep the members of the verified entity of this name (the API's `AuthName`); the entity is not among the fields returned.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"product": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Product code of a trusted service (the API's `Product`), required when the credentials are those of a " +
					"trusted-service (delegated) administrator rather than the organization's administrator. Which members such a read " +
					"covers is not documented, so it counts as narrowing.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"account":        accountAttribute(),
			"max_items":      maxItemsAttribute(""),
			evidenceAttrName: evidenceSchema(),
			"total": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of members matching the arguments (the API's `Total`), whatever was read.",
			},
			"items": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Members in API order (the API's `Items` of `OrgMember`). Empty, not null, when there are none; a field the API leaves out is null.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"member_uin":      schema.Int64Attribute{Computed: true, MarkdownDescription: "UIN of the member account (`MemberUin`); compare `tostring(member_uin)` with `evidence.account_id`."},
						"name":            computedString("Member name (`Name`)."),
						"member_type":     computedString("`Invite` (invited) or `Create` (created in the organization) (`MemberType`)."),
						"org_policy_type": computedString("Relationship policy type, such as `Financial` (`OrgPolicyType`)."),
						"org_policy_name": computedString("Relationship policy name (`OrgPolicyName`)."),
						"org_permission": schema.ListNestedAttribute{
							Computed:            true,
							MarkdownDescription: "Permissions of the relationship policy (`OrgPermission`).",
							NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
								"id":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Permission ID (`Id`)."},
								"name": computedString("Permission name (`Name`)."),
							}},
						},
						"node_id":       schema.Int64Attribute{Computed: true, MarkdownDescription: "ID of the organization unit (department) the member belongs to (`NodeId`)."},
						"node_name":     computedString("Name of that unit (`NodeName`)."),
						"remark":        computedString("Remark (`Remark`)."),
						"create_time":   computedString("When the member joined, `YYYY-MM-DD hh:mm:ss` (`CreateTime`), in the API's time zone, which it does not document."),
						"update_time":   computedString("Last update, `YYYY-MM-DD hh:mm:ss` (`UpdateTime`)."),
						"is_allow_quit": computedString("`Allow` or `Denied`: whether the member may leave the organization (`IsAllowQuit`)."),
						"pay_uin":       computedString("UIN of the account paying for the member (`PayUin`); often empty."),
						"pay_name":      computedString("Name of that account (`PayName`); often empty."),
						"org_identity": schema.ListNestedAttribute{
							Computed:            true,
							MarkdownDescription: "Management identities of the member (`OrgIdentity`).",
							NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
								"identity_id":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Identity ID (`IdentityId`)."},
								"identity_alias_name": computedString("Identity name (`IdentityAliasName`)."),
							}},
						},
						"bind_status":       computedString("Security information binding: `Unbound`, `Valid` (to be activated), `Success` or `Failed` (`BindStatus`)."),
						"permission_status": computedString("`Confirmed` or `UnConfirmed` (`PermissionStatus`)."),
						"tags": schema.ListNestedAttribute{
							Computed:            true,
							MarkdownDescription: "Tags of the member (`Tags`); null when the API leaves them out.",
							NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
								"tag_key":   computedString("Tag key (`TagKey`)."),
								"tag_value": computedString("Tag value (`TagValue`)."),
							}},
						},
						"nick_name": computedString("Tencent Cloud nickname of the account (`NickName`); null when the API leaves it out."),
					},
				},
			},
		},
	}
}

func (d *organizationMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *organizationMembersDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, "auditlog_organization_members", regionOptional, config, state, d.readMembers)
}

// readMembers reads the members as m asks, with the account and region of target
// (see readTencent).
func (d *organizationMembersDataSource) readMembers(ctx context.Context, m *organizationMembersModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client

	apiReq := client.DescribeOrganizationMembersRequest{
		Lang:      m.Lang.ValueString(),
		SearchKey: m.SearchKey.ValueString(),
		AuthName:  m.AuthName.ValueString(),
		Product:   m.Product.ValueString(),
	}
	for _, t := range m.Tags {
		apiReq.Tags = append(apiReq.Tags, client.OrgTag{TagKey: t.TagKey.ValueStringPointer(), TagValue: t.TagValue.ValueStringPointer()})
	}
	maxItems := int(m.MaxItems.ValueInt64())
	res, err := c.ListOrganizationMembers(ctx, apiReq, maxItems)
	if err != nil {
		addOrganizationReadError(ctx, &diags, err)
		return diags
	}
	members := res.Members

	ev := evidence{complete: uint64(len(members)) >= res.Total, records: len(members)}
	ev.narrow("search_key", apiReq.SearchKey != "")
	ev.narrow("auth_name", apiReq.AuthName != "")
	ev.narrow("product", apiReq.Product != "")
	ev.narrow("tags", len(apiReq.Tags) > 0)
	ev.narrow("max_items", maxItems > 0)
	ev.identify(ctx, target, client.OrganizationService)

	// The request, encoded, is every argument that shapes the answer.
	query, _ := json.Marshal(apiReq)
	diags.Append(out.set(ctx, len(members), map[string]tftypes.Value{
		"id":       tfString(organizationMembersID(string(query), maxItems, target.account)),
		"total":    tfInt(int64(res.Total)),
		"items":    orgMembersValue(members),
		"evidence": ev.value(),
	})...)
	return diags
}

// addOrganizationReadError reports a failed read, attached to the argument
// the API blames, with what to check when the account has no organization.
func addOrganizationReadError(ctx context.Context, diags *diag.Diagnostics, err error) {
	const summary = "Reading Tencent Cloud Organization members"
	var te *client.TencentError
	if errors.As(err, &te) {
		switch te.Code {
		case "ResourceNotFound.OrganizationNotExist":
			err = adviceError{err, "The account of these credentials belongs to no Tencent Cloud Organization, or cannot see it: " +
				"call with the credentials of the organization's administrator account."}
		case "ResourceNotFound.OrganizationServiceNotExist":
			err = adviceError{err, "No trusted service of this product code exists: check product, which only a trusted-service administrator needs."}
		}
	}
	addReadError(ctx, diags, summary, err, organizationErrorPath(err))
}

// adviceError appends advice to an error's message, keeping it unwrappable.
type adviceError struct {
	err    error
	advice string
}

func (e adviceError) Error() string { return e.err.Error() + "\n\n" + e.advice }
func (e adviceError) Unwrap() error { return e.err }

// orgParamPattern finds the request parameter an API message names.
var orgParamPattern = regexp.MustCompile(`\b(Lang|SearchKey|AuthName|Product|Tags)\b`)

var orgParamAttrs = map[string]string{"Lang": "lang", "SearchKey": "search_key", "AuthName": "auth_name", "Product": "product", "Tags": "tags"}

// organizationErrorPath attaches a parameter error to the argument its
// message names, and an unknown trusted service to product.
func organizationErrorPath(err error) func(code string) (path.Path, bool) {
	return func(code string) (path.Path, bool) {
		if code == "ResourceNotFound.OrganizationServiceNotExist" {
			return path.Root("product"), true
		}
		var te *client.TencentError
		if !codeHasPrefix(code, "InvalidParameter") && !codeHasPrefix(code, "InvalidParameterValue") || !errors.As(err, &te) {
			return path.Empty(), false
		}
		if m := orgParamPattern.FindStringSubmatch(te.Message); m != nil {
			return path.Root(orgParamAttrs[m[1]]), true
		}
		return path.Empty(), false
	}
}

// The items list is built directly, without reflection.
var (
	orgMemberTFType         = tfType(types.ObjectType{AttrTypes: orgMemberAttrTypes})
	orgMemberListTFType     = tftypes.List{ElementType: orgMemberTFType}
	orgPermissionTFType     = tfType(types.ObjectType{AttrTypes: orgPermissionAttrTypes})
	orgPermissionListTFType = tftypes.List{ElementType: orgPermissionTFType}
	orgIdentityTFType       = tfType(types.ObjectType{AttrTypes: orgIdentityAttrTypes})
	orgIdentityListTFType   = tftypes.List{ElementType: orgIdentityTFType}
	orgTagTFType            = tfType(types.ObjectType{AttrTypes: orgTagAttrTypes})
	orgTagListTFType        = tftypes.List{ElementType: orgTagTFType}
)

func orgMembersValue(members []client.OrgMember) tftypes.Value {
	elems := make([]tftypes.Value, len(members))
	for i := range members {
		elems[i] = orgMemberValue(&members[i])
	}
	return tftypes.NewValue(orgMemberListTFType, elems)
}

func orgMemberValue(m *client.OrgMember) tftypes.Value {
	return tftypes.NewValue(orgMemberTFType, map[string]tftypes.Value{
		"member_uin":      tfInt64Ptr(m.MemberUin),
		"name":            tfStringPtr(m.Name),
		"member_type":     tfStringPtr(m.MemberType),
		"org_policy_type": tfStringPtr(m.OrgPolicyType),
		"org_policy_name": tfStringPtr(m.OrgPolicyName),
		"org_permission": tfListOf(orgPermissionListTFType, m.OrgPermission, func(p client.OrgPermission) tftypes.Value {
			return tftypes.NewValue(orgPermissionTFType, map[string]tftypes.Value{"id": tfUint64Ptr(p.Id), "name": tfStringPtr(p.Name)})
		}),
		"node_id":       tfInt64Ptr(m.NodeId),
		"node_name":     tfStringPtr(m.NodeName),
		"remark":        tfStringPtr(m.Remark),
		"create_time":   tfStringPtr(m.CreateTime),
		"update_time":   tfStringPtr(m.UpdateTime),
		"is_allow_quit": tfStringPtr(m.IsAllowQuit),
		"pay_uin":       tfStringPtr(m.PayUin),
		"pay_name":      tfStringPtr(m.PayName),
		"org_identity": tfListOf(orgIdentityListTFType, m.OrgIdentity, func(id client.MemberIdentity) tftypes.Value {
			return tftypes.NewValue(orgIdentityTFType, map[string]tftypes.Value{
				"identity_id": tfInt64Ptr(id.IdentityId), "identity_alias_name": tfStringPtr(id.IdentityAliasName),
			})
		}),
		"bind_status":       tfStringPtr(m.BindStatus),
		"permission_status": tfStringPtr(m.PermissionStatus),
		"tags": tfListOf(orgTagListTFType, m.Tags, func(t client.OrgTag) tftypes.Value {
			return tftypes.NewValue(orgTagTFType, map[string]tftypes.Value{"tag_key": tfStringPtr(t.TagKey), "tag_value": tfStringPtr(t.TagValue)})
		}),
		"nick_name": tfStringPtr(m.NickName),
	})
}

// tfListOf is a list of the values of items, or null when the API left the
// list out (nil).
func tfListOf[T any](typ tftypes.List, items []T, value func(T) tftypes.Value) tftypes.Value {
	if items == nil {
		return tftypes.NewValue(typ, nil)
	}
	elems := make([]tftypes.Value, len(items))
	for i, it := range items {
		elems[i] = value(it)
	}
	return tftypes.NewValue(typ, elems)
}

// organizationMembersID is the id of a read: its arguments, and the account
// when one is named (so ids of reads without one are unchanged).
func organizationMembersID(query string, maxItems int, account string) string {
	if account == "" {
		return inputID("organization-members", query, maxItems)
	}
	return inputID("organization-members", query, maxItems, "@"+account)
}
