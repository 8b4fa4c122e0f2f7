package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource                   = &ucloudOperationEventsDataSource{}
	_ datasource.DataSourceWithConfigure      = &ucloudOperationEventsDataSource{}
	_ datasource.DataSourceWithValidateConfig = &ucloudOperationEventsDataSource{}
)

// NewUCloudOperationEventsDataSource is the auditlog_ucloud_operation_events
// data source: ULog's GetUserOperationEvents.
func NewUCloudOperationEventsDataSource() datasource.DataSource {
	return &ucloudOperationEventsDataSource{}
}

type ucloudOperationEventsDataSource struct {
	dataSourceBase
}

type ucloudOperationEventsModel struct {
	ID           types.String       `tfsdk:"id"`
	ProjectID    types.String       `tfsdk:"project_id"`
	BeginTime    types.Int64        `tfsdk:"begin_time"`
	EndTime      types.Int64        `tfsdk:"end_time"`
	MaxResults   types.Int64        `tfsdk:"max_results"`
	NextToken    types.String       `tfsdk:"next_token"`
	ResourceID   types.String       `tfsdk:"resource_id"`
	AccessKeyIDs []types.String     `tfsdk:"access_key_ids"`
	MaxItems     types.Int64        `tfsdk:"max_items"`
	ResumeToken  types.String       `tfsdk:"resume_token"`
	Events       types.List         `tfsdk:"events"` // of ucloudEventAttrTypes objects
	Evidence     types.Object       `tfsdk:"evidence"`
	Timeouts     timeouts.Value     `tfsdk:"timeouts"`
	Select       *ucloudSelectModel `tfsdk:"select"`
}

func (m *ucloudOperationEventsModel) readTimeouts() timeouts.Value { return m.Timeouts }

// ucloudOperationEventsWindow is how far back GetUserOperationEvents serves.
const ucloudOperationEventsWindow = 365 * 24 * time.Hour

// ucloudWindowGrace is how much older than 365 days begin_time and end_time
// may be at plan time. A pipeline computes "365 days ago" from a timestamp
// taken before terraform plan, so by the time the window is checked it is a
// few seconds to minutes older than 365 days; refusing it would make the
// documented limit unusable. The check exists to catch gross mistakes (a
// year off, milliseconds for seconds); the API has the final word on the
// exact limit, and its error names the argument.
const ucloudWindowGrace = 15 * time.Minute

// ucloudMaxAccessKeyIDs is the documented maximum count of AccessKeyIDs.N.
const ucloudMaxAccessKeyIDs = 50

var ucloudRelatedResourceAttrTypes = map[string]attr.Type{
	"resource_id":   types.StringType,
	"resource_name": types.StringType,
}

var ucloudRelatedResourceObjectType = types.ObjectType{AttrTypes: ucloudRelatedResourceAttrTypes}

var ucloudEventAttrTypes = map[string]attr.Type{
	"region":           types.StringType,
	"api":              types.StringType,
	"is_success":       types.BoolType,
	"operate_time":     types.Int64Type,
	"user_name":        types.StringType,
	"user_email":       types.StringType,
	"related_resource": types.ListType{ElemType: ucloudRelatedResourceObjectType},
	"remote_ip":        types.StringType,
	"access_key_id":    types.StringType,
}

var ucloudEventObjectType = types.ObjectType{AttrTypes: ucloudEventAttrTypes}

func (d *ucloudOperationEventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ucloud_operation_events"
}

func (d *ucloudOperationEventsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the operation log of a UCloud account (ULog API `GetUserOperationEvents`): who called which API, " +
			"when, from where, with which API key, on which resources, and whether it succeeded. Only the last 365 days can be queried.\n\n" +
			"Every page is read, one call after the other (the API forbids concurrent calls, so reads of this data source that share " +
			"a provider configuration take turns), newest event first. `max_items` stops the read early; " +
			"`resume_token` then tells where to continue, by passing it as `next_token` to another read with the same arguments.\n\n" +
			"**Paging.** The API accepts a `NextToken` only with every other parameter identical to the call that returned it, so every " +
			"page of a read sends the same parameters, `MaxResults` included; only `NextToken` changes. For `resume_token` to be exact, " +
			"a read that stops at `max_items` must stop on a page boundary. So when `max_items` is set and `max_results` is not, the page " +
			"size is the largest size up to 50 that divides `max_items` (`max_items = 60` reads two pages of 30; `max_items = 1000`, twenty " +
			"pages of 50). Its cost: a `max_items` with no large divisor needs many small calls (a prime such as 53 reads 53 pages of one " +
			"event, where pages of 50 would need 2); the read then warns, and a `max_items` that is a multiple of 50, or an explicit " +
			"`max_results`, avoids it. When an explicit `max_results` does not divide `max_items`, the read returns the first `max_items` " +
			"events, `resume_token` is null and `evidence.complete` false (the API's token would skip the rest of the last page), " +
			"and a warning says so. " +
			"A continuation read must send the same `MaxResults` as the read that returned the token: keep `max_items` " +
			"(or `max_results`) the same in both." +
			evidenceNote("`narrowed_by` lists `next_token` when set (the read starts there, after the newest events), `resource_id` "+
				"and `access_key_ids` when set, and `max_items` when set; `max_results` changes no event read. `window_start` and "+
				"`window_end` are `begin_time` and `end_time` as sent, null for a bound not sent, with `window_chosen_by_api` true: "+
				"the API then applies bounds it does not document. `complete` is true when the read, from `next_token` if set, "+
				"reached the page the API ends with an empty `NextToken`, with nothing of it left out. `project_id` is the project "+
				"sent; `region`, `account_id` and `principal_arn` are null (the operation log takes no region, and UCloud documents "+
				"no API that names the account of a key). With a `select` block, `narrowed_by` lists `select`, `scanned` counts "+
				"the events the API returned, `records` the kept ones, and `selection` states the conditions, all applied by "+
				"the provider (`api` is empty)."),
		Blocks: map[string]schema.Block{
			"timeouts":      timeoutsBlock(ctx),
			selectBlockName: ucloudSelectBlock(),
		},
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			evidenceAttrName: evidenceSchema(),
			"project_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Project whose operations are listed (the API's `ProjectId`), such as `org-abc123`. Defaults to the provider's " +
					"`ucloud.project_id`; when neither is set none is sent, the API uses the account's default project (main accounts only: " +
					"sub-accounts must set a project), and this attribute stays null.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"begin_time": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Start of the time window, a UNIX timestamp in seconds (the API's `BeginTime`), inclusive. " +
					"Must not be in the future, nor more than 365 days ago (the API serves only the last 365 days), nor after `end_time`; " +
					"the 365 days are checked at plan time with 15 minutes of grace, so a window computed as 365 days before a timestamp " +
					"taken shortly before the plan (such as `provider::auditlog::unix_time(plantimestamp()) - 365 * 86400`) is accepted, " +
					"and the API has the final word. Unset, none is sent and the API applies its own lower bound, which it does not " +
					"document (it serves the last 365 days).",
				Validators: []validator.Int64{int64validator.AtLeast(0), ucloudTimeValidator{}},
			},
			"end_time": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "End of the time window, a UNIX timestamp in seconds (the API's `EndTime`), inclusive. " +
					"Must not be in the future, nor more than 365 days ago (with the same 15 minutes of grace as `begin_time`), nor before `begin_time`. " +
					"Unset, none is sent and the API applies its own upper bound, the present.",
				Validators: []validator.Int64{int64validator.AtLeast(0), ucloudTimeValidator{}},
			},
			"max_results": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("Events per API call (the API's `MaxResults`), 1 to %d, the same on every page. "+
					"Default %d, the documented maximum, which needs the fewest sequential calls; with `max_items`, the largest size up to %d "+
					"that divides `max_items`, so that `resume_token` is exact. It does not limit how many events are read: see `max_items`.",
					client.UCloudMaxOperationEventsPage, client.UCloudMaxOperationEventsPage, client.UCloudMaxOperationEventsPage),
				Validators: []validator.Int64{int64validator.Between(1, client.UCloudMaxOperationEventsPage)},
			},
			"next_token": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Start the read at this position (the API's `NextToken`) instead of at the newest event: the `resume_token` " +
					"of another read of this data source. Every other argument that is sent (`project_id`, `begin_time`, `end_time`, `resource_id`, " +
					"`access_key_ids`, and `max_results`, whose default follows `max_items`) must be the same as in that read, or the API rejects " +
					"the token. Keep `select` the same as well: the provider applies it and sends none of it, so the API accepts a token from a " +
					"read with another `select`, but this read then applies its own `select` to the events after the token, which is not " +
					"the rest of the other selection: a token from one selection does not continue another. An empty string is rejected: to chain reads, create the next one only while `resume_token` is not null. " +
					"This is an input only: the token to continue from after this read is `resume_token`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"resource_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "List only the events related to this resource (the API's `ResourceID`), such as `uhost-1a2b3c4d`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"access_key_ids": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: fmt.Sprintf("List only the events made with any of these API keys (the API's `AccessKeyIDs.N`), "+
					"1 to %d non-empty keys. Console operations, which use no key, are then left out.", ucloudMaxAccessKeyIDs),
				Validators: []validator.List{
					listvalidator.SizeBetween(1, ucloudMaxAccessKeyIDs),
					listvalidator.NoNullValues(),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"max_items": maxItemsAttribute("Unless `max_results` is set, it also sets the page size (see the paging note above), so that `resume_token` is exact."),
			"resume_token": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: resumeTokenDescription + " The continuation must send the same `MaxResults`: keep `max_items` " +
					"(or `max_results`) the same, and keep `select` the same to continue this selection (see `next_token`). A page the API returned shorter than `max_results` before the end also leaves " +
					"no exact token. (The API calls this `NextToken`; it is a separate attribute so that `next_token` can stay an input.)",
			},
			"events": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Operation events in API order, newest first (the API's `Events`). Empty, not null, when none match; " +
					"a field the API leaves out is null.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"region":       schema.StringAttribute{Computed: true, MarkdownDescription: "Region of the operation (`Region`), such as `cn-bj2`."},
						"api":          schema.StringAttribute{Computed: true, MarkdownDescription: "API that was called (`Api`), such as `DeleteUHostInstance`."},
						"is_success":   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the operation succeeded (`IsSuccess`)."},
						"operate_time": schema.Int64Attribute{Computed: true, MarkdownDescription: "Time of the operation, a UNIX timestamp in seconds (`OperateTime`)."},
						"user_name":    schema.StringAttribute{Computed: true, MarkdownDescription: "User who operated (`UserName`)."},
						"user_email":   schema.StringAttribute{Computed: true, MarkdownDescription: "That user's email address (`UserEmail`)."},
						"related_resource": schema.ListNestedAttribute{
							Computed: true,
							MarkdownDescription: "Resources the operation touched (`RelatedResource`). Empty for operations that touch none; " +
								"null when the API leaves the field out.",
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"resource_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "Resource ID (`ResourceId`), such as `uhost-1a2b3c4d`."},
									"resource_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Resource name (`ResourceName`)."},
								},
							},
						},
						"remote_ip": schema.StringAttribute{Computed: true, MarkdownDescription: "Source IP of the request, IPv4 or IPv6 (`RemoteIP`)."},
						"access_key_id": schema.StringAttribute{
							Computed:            true,
							MarkdownDescription: "API key the operation was made with (`AccessKeyID`); null for operations made in the console.",
						},
					},
				},
			},
		},
	}
}

// ValidateConfig checks what single attributes cannot: the time window must
// not end before it starts.
func (d *ucloudOperationEventsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	beginPath, endPath := path.Root("begin_time"), path.Root("end_time")
	var begin, end types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, beginPath, &begin)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, endPath, &end)...)
	if resp.Diagnostics.HasError() || begin.IsNull() || begin.IsUnknown() || end.IsNull() || end.IsUnknown() {
		return
	}
	if b, e := begin.ValueInt64(), end.ValueInt64(); e < b {
		resp.Diagnostics.AddAttributeError(endPath, "Invalid time window",
			fmt.Sprintf("Attribute end_time (%d, %s) must not be before begin_time (%d, %s).", e, unixUTC(e), b, unixUTC(b)))
	}
}

func (d *ucloudOperationEventsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *ucloudOperationEventsDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readUCloud(ctx, d.data, "auditlog_ucloud_operation_events", config, state, d.readEvents)
}

// readEvents reads the operation events as m asks, with the UCloud client c (see
// readUCloud).
func (d *ucloudOperationEventsDataSource) readEvents(ctx context.Context, m *ucloudOperationEventsModel, c *client.UCloudClient, out *readState) (diags diag.Diagnostics) {
	project := stringValueOr(m.ProjectID, d.data.ucloudProjectID)
	maxItems := int(m.MaxItems.ValueInt64())
	// Unset, the client picks the page size from max_items (see
	// client.UCloudEventsPageSize), and sends it on every page.
	var maxResults *int
	if !m.MaxResults.IsNull() {
		n := int(m.MaxResults.ValueInt64())
		maxResults = &n
	}
	apiReq := client.GetUserOperationEventsRequest{
		ProjectId:    project,
		BeginTime:    m.BeginTime.ValueInt64Pointer(),
		EndTime:      m.EndTime.ValueInt64Pointer(),
		MaxResults:   maxResults,
		NextToken:    m.NextToken.ValueString(),
		ResourceID:   m.ResourceID.ValueString(),
		AccessKeyIDs: ucloudStringValues(m.AccessKeyIDs),
	}

	// The client pages strictly sequentially, and never has two calls of
	// this action in flight per key, so parallel reads of this data source
	// share the API's single slot instead of being throttled.
	sel, err := ucloudSelection(m.Select)
	if err != nil { // the validators have refused it already
		diags.AddAttributeError(path.Root(selectBlockName), "Invalid select", err.Error())
		return diags
	}
	var keep func(*client.UserOperationEvent) bool
	if sel != nil {
		keep = sel.keepUCloud
	}
	res, err := c.ListUserOperationEventsKept(ctx, apiReq, maxItems, keep)
	if err != nil {
		// The client returns what it read before the failure; none of it
		// may reach the state, which is left unset.
		addUCloudReadError(ctx, &diags, "Reading UCloud operation events", err, project, res.PageSize)
		return diags
	}
	diags.Append(ucloudPagingWarnings(*m, res, maxItems)...)
	// One meaning on every data source: where to continue an incomplete
	// read; null when it is complete, and when no token resumes exactly.
	resume := tfNullString
	if !res.Complete && res.TokenWithheld == "" && res.NextToken != "" {
		resume = tfString(res.NextToken)
	}
	ev := evidence{
		complete: res.Complete, records: len(res.Events), scanned: &res.Scanned, selection: sel,
		windowStart: apiReq.BeginTime, windowEnd: apiReq.EndTime,
		windowChosenByAPI: apiReq.BeginTime == nil || apiReq.EndTime == nil, projectID: project,
	}
	ev.ucloudServer(d.data, c)
	ev.narrow("next_token", apiReq.NextToken != "")
	ev.narrow("resource_id", apiReq.ResourceID != "")
	ev.narrow("access_key_ids", len(apiReq.AccessKeyIDs) > 0)
	ev.narrow("max_items", maxItems > 0)
	ev.narrow(selectBlockName, !sel.empty())

	// The request, encoded, is every argument that shapes the answer.
	query, _ := json.Marshal(apiReq)
	projectValue := tfNullString
	if project != "" {
		projectValue = tfString(project)
	}
	diags.Append(out.set(ctx, len(res.Events), map[string]tftypes.Value{
		"id":           tfString(inputID("ucloud-operation-events", string(query), maxItems, selectionID(sel))),
		"project_id":   projectValue,
		"max_results":  tfInt(int64(res.PageSize)),
		"resume_token": resume,
		"events":       ucloudEventsValue(res.Events),
		"evidence":     ev.value(),
	})...)
	return diags
}

// ucloudPagingWarnings tells the user when the read has no exact
// resume_token, and when the page size chosen for max_items costs many more
// calls than pages of 50 would.
func ucloudPagingWarnings(m ucloudOperationEventsModel, res *client.UserOperationEventsResult, maxItems int) diag.Diagnostics {
	var diags diag.Diagnostics
	if res.TokenWithheld != "" {
		how := fmt.Sprintf("To get one, choose a max_results that divides max_items (%d), or leave max_results unset "+
			"so that the page size is chosen to divide it.", maxItems)
		if maxItems%res.PageSize == 0 {
			how = "The API returned a page shorter than max_results before the end; read again, or continue from the " +
				"resume_token of a read that stopped on a page boundary."
		}
		diags.AddAttributeWarning(path.Root("max_items"), "No resume_token for this read",
			fmt.Sprintf("The read returned the first %d events, but resume_token is null: %s. %s", res.Scanned, res.TokenWithheld, how))
	}
	if m.MaxResults.IsNull() && maxItems > 0 {
		calls := (maxItems + res.PageSize - 1) / res.PageSize
		fewest := (maxItems + client.UCloudMaxOperationEventsPage - 1) / client.UCloudMaxOperationEventsPage
		if calls > 2*fewest {
			diags.AddAttributeWarning(path.Root("max_items"), "Small pages for this max_items",
				fmt.Sprintf("The largest page size up to %d that divides max_items (%d) is %d, so up to %d sequential calls are made "+
					"where pages of %d would need %d. The page size must divide max_items for resume_token to be exact. "+
					"Choose a max_items with a larger divisor (a multiple of %d is best), or set max_results = %d if this read "+
					"needs no resume_token.", client.UCloudMaxOperationEventsPage, maxItems, res.PageSize, calls,
					client.UCloudMaxOperationEventsPage, fewest, client.UCloudMaxOperationEventsPage, client.UCloudMaxOperationEventsPage))
		}
	}
	return diags
}

// ucloudStringValues returns the non-null values of a list argument.
func ucloudStringValues(list []types.String) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		if !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}

// addUCloudReadError turns a client error into a diagnostic carrying the
// API's RetCode, Message and RequestId (as the client formats them),
// attached to the argument the API blames, if any. ctx is the read's
// context: when it has expired, the error is reported against timeouts.read.
func addUCloudReadError(ctx context.Context, diags *diag.Diagnostics, summary string, err error, project string, pageSize int) {
	if addReadTimeoutError(ctx, diags, summary, err) {
		return
	}
	detail := err.Error() + readErrorAdvice(ctx, err)
	var uerr *client.UCloudError
	if !errors.As(err, &uerr) {
		diags.AddError(summary, detail)
		return
	}
	if uerr.RetCode == 299 && project == "" {
		detail += "\n\nSub-accounts must name a project: set project_id, or the provider's ucloud.project_id."
	}
	if uerr.RetCode == 230 && strings.Contains(strings.ToLower(uerr.Message), "nexttoken") {
		detail += fmt.Sprintf("\n\nA next_token is valid only with exactly the arguments of the read that returned it, "+
			"max_results included (this read sent MaxResults = %d; unset, it follows max_items).", pageSize)
	}
	if p, ok := ucloudEventsErrorPath(uerr); ok {
		diags.AddAttributeError(p, summary, detail)
		return
	}
	diags.AddError(summary, detail)
}

// ucloudEventsErrorPath names the argument a GetUserOperationEvents error
// blames: an unknown project (292), or a parameter the API rejects (230,
// "Params [X] not available").
func ucloudEventsErrorPath(e *client.UCloudError) (path.Path, bool) {
	switch e.RetCode {
	case 292:
		return path.Root("project_id"), true
	case 230:
		msg := strings.ToLower(e.Message)
		switch {
		case strings.Contains(msg, "maxresults"):
			return path.Root("max_results"), true
		case strings.Contains(msg, "nexttoken"):
			return path.Root("next_token"), true
		case strings.Contains(msg, "endtime"):
			return path.Root("end_time"), true
		case strings.Contains(msg, "begintime"), strings.Contains(msg, "365"):
			return path.Root("begin_time"), true
		case strings.Contains(msg, "resourceid"):
			return path.Root("resource_id"), true
		case strings.Contains(msg, "accesskeyid"):
			return path.Root("access_key_ids"), true
		case strings.Contains(msg, "projectid"):
			return path.Root("project_id"), true
		}
	}
	return path.Empty(), false
}

// ucloudEventsValue builds the events list directly, without reflection: the
// cost is one small map per event.
var (
	ucloudEventTFType       = tfType(ucloudEventObjectType)
	ucloudEventListTFType   = tftypes.List{ElementType: ucloudEventTFType}
	ucloudRelatedTFType     = tfType(ucloudRelatedResourceObjectType)
	ucloudRelatedListTFType = tftypes.List{ElementType: ucloudRelatedTFType}
	nullUCloudRelatedList   = tftypes.NewValue(ucloudRelatedListTFType, nil)
)

func ucloudEventsValue(events []client.UserOperationEvent) tftypes.Value {
	elems := make([]tftypes.Value, len(events))
	for i := range events {
		elems[i] = ucloudEventValue(&events[i])
	}
	return tftypes.NewValue(ucloudEventListTFType, elems)
}

func ucloudEventValue(e *client.UserOperationEvent) tftypes.Value {
	related := nullUCloudRelatedList
	if e.RelatedResource != nil {
		rs := make([]tftypes.Value, len(e.RelatedResource))
		for i, r := range e.RelatedResource {
			rs[i] = tftypes.NewValue(ucloudRelatedTFType, map[string]tftypes.Value{
				"resource_id":   tfStringPtr(r.ResourceId),
				"resource_name": tfStringPtr(r.ResourceName),
			})
		}
		related = tftypes.NewValue(ucloudRelatedListTFType, rs)
	}
	return tftypes.NewValue(ucloudEventTFType, map[string]tftypes.Value{
		"region":           tfStringPtr(e.Region),
		"api":              tfStringPtr(e.Api),
		"is_success":       tfBoolPtr(e.IsSuccess),
		"operate_time":     tfInt64Ptr(e.OperateTime),
		"user_name":        tfStringPtr(e.UserName),
		"user_email":       tfStringPtr(e.UserEmail),
		"related_resource": related,
		"remote_ip":        tfStringPtr(e.RemoteIP),
		"access_key_id":    tfStringPtr(e.AccessKeyID),
	})
}

// ucloudTimeValidator accepts a UNIX time (seconds) that GetUserOperationEvents
// can serve: not in the future and not more than 365 days (plus
// ucloudWindowGrace) ago, on the clock of the machine running Terraform.
type ucloudTimeValidator struct{}

func (ucloudTimeValidator) Description(context.Context) string {
	return "value must be a UNIX time in seconds, not in the future and not more than 365 days ago"
}

func (v ucloudTimeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ucloudTimeValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	t := req.ConfigValue.ValueInt64()
	if t < 0 {
		return // int64validator.AtLeast(0) reports it
	}
	now := time.Now().Unix()
	oldest := now - int64((ucloudOperationEventsWindow+ucloudWindowGrace)/time.Second)
	switch {
	case t > now:
		resp.Diagnostics.AddAttributeError(req.Path, "Time in the future",
			fmt.Sprintf("Attribute %s (%d, %s) is in the future; the current time is %d (%s).", req.Path, t, unixUTC(t), now, unixUTC(now)))
	case t < oldest:
		resp.Diagnostics.AddAttributeError(req.Path, "Time outside the 365-day window",
			fmt.Sprintf("Attribute %s (%d, %s) is more than 365 days ago: GetUserOperationEvents serves only the last 365 days. "+
				"With 15 minutes of grace for a window computed shortly before the plan, the oldest accepted time is now %d (%s).",
				req.Path, t, unixUTC(t), oldest, unixUTC(oldest)))
	}
}

// unixUTC formats a UNIX time for messages.
func unixUTC(t int64) string {
	return time.Unix(t, 0).UTC().Format(time.RFC3339)
}
