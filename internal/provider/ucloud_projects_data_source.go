package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
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
	_ datasource.DataSource              = &ucloudProjectsDataSource{}
	_ datasource.DataSourceWithConfigure = &ucloudProjectsDataSource{}
)

// NewUCloudProjectsDataSource is the auditlog_ucloud_projects data source:
// UAccount's GetProjectList.
func NewUCloudProjectsDataSource() datasource.DataSource {
	return &ucloudProjectsDataSource{}
}

type ucloudProjectsDataSource struct {
	dataSourceBase
}

type ucloudProjectsModel struct {
	ID           types.String   `tfsdk:"id"`
	IsFinance    types.String   `tfsdk:"is_finance"`
	MaxItems     types.Int64    `tfsdk:"max_items"`
	ProjectCount types.Int64    `tfsdk:"project_count"`
	ProjectSet   types.List     `tfsdk:"project_set"` // of ucloudProjectAttrTypes objects
	Evidence     types.Object   `tfsdk:"evidence"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

func (m *ucloudProjectsModel) readTimeouts() timeouts.Value { return m.Timeouts }

var ucloudProjectAttrTypes = map[string]attr.Type{
	"project_id":     types.StringType,
	"project_name":   types.StringType,
	"parent_id":      types.StringType,
	"parent_name":    types.StringType,
	"create_time":    types.Int64Type,
	"is_default":     types.BoolType,
	"member_count":   types.Int64Type,
	"resource_count": types.Int64Type,
}

func (d *ucloudProjectsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ucloud_projects"
}

func (d *ucloudProjectsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the projects of the UCloud account (UAccount API `GetProjectList`), in one call: the " +
			"projects a compliance check must cover, each audited with its own `auditlog_ucloud_operation_events` " +
			"(`project_id`). The API has no paging; the answer is checked against itself, and a `ProjectCount` that differs " +
			"from the number of projects in `ProjectSet` fails the read, quoting both. What a sub-account's key lists (every " +
			"project, or only its own) is not documented. The API takes no `ProjectId` and no region: none is sent, whatever " +
			"the provider's `ucloud.project_id`. Several UCloud accounts are several provider configurations (aliases)." +
			evidenceNote("`narrowed_by` lists `is_finance` when set (its effect on the list is not documented, so it counts as "+
				"narrowing) and `max_items` when set. `complete` is true when the projects returned reach the API's "+
				"`ProjectCount`. Projects have no time window: `window_start` and `window_end` are null. `project_id` and "+
				"`region` are null, since none is sent; `account_id` and `principal_arn` are null, as on every UCloud data source."),
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			"is_finance": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`Yes` or `No` (the API's `IsFinance`, \"is a finance account\"). Its effect on the list " +
					"is not documented. Unset, none is sent.",
				Validators: []validator.String{stringvalidator.OneOf("Yes", "No")},
			},
			"max_items":      maxItemsAttribute("The API answers every project in one call; the list is cut after this many."),
			evidenceAttrName: evidenceSchema(),
			"project_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of projects of the account (the API's `ProjectCount`), whatever `max_items` kept.",
			},
			"project_set": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Projects in API order (the API's `ProjectSet` of `ProjectListInfo`). A field the API leaves out is null.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"project_id":     schema.StringAttribute{Computed: true, MarkdownDescription: "Project ID (`ProjectId`), such as `org-abc123`: the `project_id` of `auditlog_ucloud_operation_events`."},
						"project_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "Project name (`ProjectName`)."},
						"parent_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "Deprecated by the API (`ParentId`); null when it is left out."},
						"parent_name":    schema.StringAttribute{Computed: true, MarkdownDescription: "Deprecated by the API (`ParentName`); null when it is left out."},
						"create_time":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Creation time in UNIX seconds (`CreateTime`)."},
						"is_default":     schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this is the account's default project (`IsDefault`)."},
						"member_count":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of members of the project (`MemberCount`)."},
						"resource_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Deprecated by the API, \"do not use\" (`ResourceCount`)."},
					},
				},
			},
		},
	}
}

func (d *ucloudProjectsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *ucloudProjectsDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readUCloud(ctx, d.data, "auditlog_ucloud_projects", config, state, d.readProjects)
}

// readProjects reads the projects as m asks, with the UCloud client c (see
// readUCloud).
func (d *ucloudProjectsDataSource) readProjects(ctx context.Context, m *ucloudProjectsModel, c *client.UCloudClient, out *readState) (diags diag.Diagnostics) {
	apiReq := client.GetProjectListRequest{IsFinance: m.IsFinance.ValueString()}
	res, err := c.GetProjectList(ctx, apiReq)
	if err != nil {
		addUCloudProjectsReadError(ctx, &diags, err)
		return diags
	}
	projects := res.Projects
	maxItems := int(m.MaxItems.ValueInt64())
	if maxItems > 0 && len(projects) > maxItems {
		projects = projects[:maxItems]
	}

	ev := evidence{complete: int64(len(projects)) >= res.ProjectCount, records: len(projects)}
	ev.ucloudServer(d.data, c)
	ev.narrow("is_finance", apiReq.IsFinance != "")
	ev.narrow("max_items", maxItems > 0)

	diags.Append(out.set(ctx, len(projects), map[string]tftypes.Value{
		"id":            tfString(inputID("ucloud-projects", apiReq.IsFinance, maxItems)),
		"project_count": tfInt(res.ProjectCount),
		"project_set":   ucloudProjectsValue(projects),
		"evidence":      ev.value(),
	})...)
	return diags
}

// addUCloudProjectsReadError reports a failed read with the API's RetCode,
// Message and RequestId, attached to is_finance when the API refuses it.
func addUCloudProjectsReadError(ctx context.Context, diags *diag.Diagnostics, err error) {
	const summary = "Reading UCloud projects"
	if addReadTimeoutError(ctx, diags, summary, err) {
		return
	}
	detail := err.Error() + readErrorAdvice(ctx, err)
	var uerr *client.UCloudError
	if errors.As(err, &uerr) && uerr.RetCode == 230 && strings.Contains(strings.ToLower(uerr.Message), "isfinance") {
		diags.AddAttributeError(path.Root("is_finance"), summary, detail)
		return
	}
	diags.AddError(summary, detail)
}

var (
	ucloudProjectTFType     = tfType(types.ObjectType{AttrTypes: ucloudProjectAttrTypes})
	ucloudProjectListTFType = tftypes.List{ElementType: ucloudProjectTFType}
)

func ucloudProjectsValue(projects []client.UCloudProject) tftypes.Value {
	return tfListOf(ucloudProjectListTFType, projects, func(p client.UCloudProject) tftypes.Value {
		return tftypes.NewValue(ucloudProjectTFType, map[string]tftypes.Value{
			"project_id":     tfStringPtr(p.ProjectId),
			"project_name":   tfStringPtr(p.ProjectName),
			"parent_id":      tfStringPtr(p.ParentId),
			"parent_name":    tfStringPtr(p.ParentName),
			"create_time":    tfInt64Ptr(p.CreateTime),
			"is_default":     tfBoolPtr(p.IsDefault),
			"member_count":   tfInt64Ptr(p.MemberCount),
			"resource_count": tfInt64Ptr(p.ResourceCount),
		})
	})
}
