package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource                   = &cloudAuditEventsDataSource{}
	_ datasource.DataSourceWithConfigure      = &cloudAuditEventsDataSource{}
	_ datasource.DataSourceWithValidateConfig = &cloudAuditEventsDataSource{}
)

// NewCloudAuditEventsDataSource is the auditlog_cloudaudit_events data
// source: CloudAudit's DescribeEvents.
func NewCloudAuditEventsDataSource() datasource.DataSource {
	return &cloudAuditEventsDataSource{}
}

type cloudAuditEventsDataSource struct {
	dataSourceBase
}

const cloudAuditEventsTypeName = "auditlog_cloudaudit_events"

type cloudAuditEventsModel struct {
	ID               types.String           `tfsdk:"id"`
	Account          types.String           `tfsdk:"account"`
	Region           types.String           `tfsdk:"region"`
	StartTime        types.Int64            `tfsdk:"start_time"`
	EndTime          types.Int64            `tfsdk:"end_time"`
	LookupAttributes []lookupAttributeModel `tfsdk:"lookup_attributes"`
	IsReturnLocation types.Bool             `tfsdk:"is_return_location"`
	MaxResults       types.Int64            `tfsdk:"max_results"`
	MaxItems         types.Int64            `tfsdk:"max_items"`
	NextToken        types.String           `tfsdk:"next_token"`
	ResumeToken      types.String           `tfsdk:"resume_token"`
	ListOver         types.Bool             `tfsdk:"list_over"`
	Events           types.List             `tfsdk:"events"` // of cloudAuditEventAttrTypes objects
	Evidence         types.Object           `tfsdk:"evidence"`
	Timeouts         timeouts.Value         `tfsdk:"timeouts"`
	Select           *cloudAuditSelectModel `tfsdk:"select"`
	IncludeRaw       types.Bool             `tfsdk:"include_cloud_audit_event"`
}

type lookupAttributeModel struct {
	AttributeKey   types.String `tfsdk:"attribute_key"`
	AttributeValue types.String `tfsdk:"attribute_value"`
}

func (m *cloudAuditEventsModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *cloudAuditEventsModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

// The API's documented limits. DescribeEvents serves the last 90 days, and
// one query spans under 30 days.
const (
	cloudAuditEventsLookback = 90 * 24 * time.Hour
	cloudAuditEventsMaxSpan  = 30 * 24 * time.Hour
	// cloudAuditEventsGrace lets a start_time computed as "90 days ago" a
	// little before the plan pass validation: the plan checks on its own
	// clock, later than the expression was evaluated. The API has the final
	// word.
	cloudAuditEventsGrace = 15 * time.Minute
	// cloudAuditEventsFutureGrace is how far in the future start_time may
	// lie at plan time: a window that starts later holds no event yet, and
	// its 0 events would pass for a quiet account. The grace allows for a
	// start computed on another machine's clock, a little ahead.
	cloudAuditEventsFutureGrace = 5 * time.Minute
)

// cloudAuditLookupKeys are the AttributeKey values DescribeEvents documents
// (API reference 629/54488 and the SDK's model comments). Username,
// ReadOnly and EventId belong to LookUpEvents only.
var cloudAuditLookupKeys = []string{
	"RequestId", "EventName", "ActionType", "PrincipalId", "ResourceType", "ResourceId", "ResourceName",
	"AccessKeyId", "SensitiveAction", "ApiErrorCode", "CamErrorCode", "SourceIPAddress", "Tags",
}

var cloudAuditEventResourcesAttrTypes = map[string]attr.Type{
	"resource_type": types.StringType,
	"resource_name": types.StringType,
}

var cloudAuditEventAttrTypes = map[string]attr.Type{
	"event_id":          types.StringType,
	"username":          types.StringType,
	"event_time":        types.StringType,
	"cloud_audit_event": types.StringType,
	"resource_type_cn":  types.StringType,
	"error_code":        types.Int64Type,
	"event_name":        types.StringType,
	"secret_id":         types.StringType,
	"event_source":      types.StringType,
	"request_id":        types.StringType,
	"resource_region":   types.StringType,
	"account_id":        types.Int64Type,
	"source_ip_address": types.StringType,
	"event_name_cn":     types.StringType,
	"resources":         types.ObjectType{AttrTypes: cloudAuditEventResourcesAttrTypes},
	"event_region":      types.StringType,
	"location":          types.StringType,
}

func (d *cloudAuditEventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloudaudit_events"
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func (d *cloudAuditEventsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the operation events CloudAudit recorded for a Tencent Cloud account (API `DescribeEvents`, version 2019-03-19): " +
			"who signed in to the console, who called which API on which resource, from which address, and which calls failed.\n\n" +
			"The API serves the last 90 days, and one query spans under 30 days.\n\n" +
			"**Regions.** `DescribeEvents` requires a region: `region`, else the account's, else the provider's `tencentcloud.region`. The international " +
			"documentation (2025) limits it to ap-guangzhou, ap-hongkong, ap-seoul, ap-singapore, ap-tokyo and eu-frankfurt (its 2023 " +
			"version named no limit); CloudAudit's own region list also names ap-shanghai, ap-beijing, ap-chengdu, ap-nanjing, " +
			"ap-bangkok, na-siliconvalley and na-ashburn, and a region the API does not serve fails with its `UnsupportedRegion`. " +
			"Whether a call in one region returns the events of other regions is undocumented, and no lookup attribute selects a " +
			"region: each event carries where it happened (`event_region`) and the region of its resource (`resource_region`).\n\n" +
			"Every page is read, one call after the other (each page needs the previous page's token), newest event first, until the API says " +
			"the list is over. `max_items` stops the read early; `resume_token` then tells where to continue, by passing it as `next_token` " +
			"to another read with the same other arguments. Every page is requested with identical parameters except the token, as the API requires." +
			evidenceNote("`narrowed_by` lists `lookup_attributes` when it holds a condition, `next_token` when set (the read starts "+
				"there, after the newest events), and `max_items` when set; `is_return_location` and `max_results` change no event "+
				"read. `window_start` and `window_end` are `start_time` and `end_time`, as sent. `complete` is true when the read, "+
				"from `next_token` if set, reached the page the API marks `ListOver`, with nothing of it left out. `region` is the "+
				"region called, `account_id` and `principal_arn` the identity of the credentials. With a `select` block, "+
				"`narrowed_by` lists `select`, `scanned` counts the events the API returned, `records` the kept ones, and "+
				"`selection` states the conditions sent to the API and those the provider applied; `complete` is about what "+
				"was sent to the API (its `ActionType` condition included)."),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			evidenceAttrName: evidenceSchema(),
			"start_time": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "Start of the time window, a UNIX timestamp in seconds (the API's `StartTime`). Not in the future " +
					"(5 minutes of grace for another machine's clock): the plan fails for a later start, whose window holds no event yet. At most 90 days ago: the plan " +
					"fails for an older start, allowing 15 minutes of grace for a window such as `timeadd(plantimestamp(), \"-2160h\")` evaluated just before " +
					"the check; a start that old may still be refused by the API, which has the final word.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"end_time": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: "End of the time window, a UNIX timestamp in seconds (the API's `EndTime`). Not before `start_time`, " +
					"and less than 30 days after it (the API's longest span).",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"include_cloud_audit_event": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: includeRawEventDescription,
			},
			"is_return_location": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether the API adds the location of each event's source address (`location`); sent as the API's " +
					"`IsReturnLocation`, `1` or `0`. Unset, none is sent and `location` is whatever the API returns by default.",
			},
			"max_results": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("Events per API call (the API's `MaxResults`), 1 to %d. Default %d, the documented maximum, "+
					"or, when `max_items` is set, the largest size up to %d that divides `max_items`, so that the read ends on a page boundary "+
					"and `resume_token` is exact. It does not limit how many events are read: see `max_items`.",
					client.CloudAuditMaxEventsPage, client.CloudAuditMaxEventsPage, client.CloudAuditMaxEventsPage),
				Validators: []validator.Int64{int64validator.Between(1, client.CloudAuditMaxEventsPage)},
			},
			"account": accountAttribute(),
			"region": regionAttribute(regionRequired, "One read calls one region; whether it returns the events of other regions "+
				"is undocumented (see **Regions** above). With the international site (`tencentcloud.domain = \"intl.tencentcloudapi.com\"`), "+
				"a region outside the six its documentation lists is an error before any call."),
			"max_items": maxItemsAttribute("When the read stops before the end, `resume_token` is set, unless `max_results` does not " +
				"divide `max_items` (a warning then says so)."),
			"next_token": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Start the read at this position (the API's `NextToken`) instead of at the newest event: the `resume_token` " +
					"of another read of this data source with the same `start_time`, `end_time`, `lookup_attributes`, `is_return_location`, " +
					"`max_results` and `select`, or the API rejects it. A changed `select` changes the query where it is sent to the API " +
					"(`action_type`; `event_names` when it is one exact name: `evidence.selection` shows which), so a token from one " +
					"selection does not continue another: the API refuses it. The parts the provider applies are not sent, so the API cannot " +
					"refuse a change of them; the read then applies its own `select` to the events after the token, which is not the rest " +
					"of the other selection. The API's token is an unsigned 64-bit integer, larger than a Terraform number keeps " +
					"exactly, so it is a string of decimal digits. This is an input only: the token to continue from after this read is `resume_token`.",
				Validators: []validator.String{uint64StringValidator{}},
			},
			"resume_token": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: resumeTokenDescription + " The continuation must send the same `start_time`, `end_time`, " +
					"`lookup_attributes`, `is_return_location` and `max_results`, and the same `select`: a token from one selection " +
					"does not continue another (see `next_token`).",
			},
			"list_over": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the read reached the end of the query's events (the API's `ListOver` on the last page read, with " +
					"nothing of that page left out).",
			},
			"events": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Events in API order, newest first (the API's `Events`). Empty, not null, when none match; " +
					"a field the API leaves out is null.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"event_id": computedString("Event ID (`EventId`)."),
						"username": computedString("Name of the identity that acted (`Username`): the root account, a sub-account, or a role."),
						"event_time": computedString("Time of the event (`EventTime`): a string, as the API types it, returned unconverted. " +
							"The API documents no format: its examples show UNIX seconds as decimal digits (`\"1742884755\"`, as current " +
							"answers give) and, in an older example of the sibling `LookUpEvents`, `YYYY-MM-DD hh:mm:ss` with no zone. " +
							"`provider::auditlog::rfc3339(tonumber(event_time))` turns the first form into RFC 3339."),
						"cloud_audit_event": computedString("The whole event as a JSON document (`CloudAuditEvent`), unchanged: " +
							"`jsondecode()` it for fields the API has no column for, such as `userIdentity` or `errorMessage`. Null when " +
							"`include_cloud_audit_event` is `false`."),
						"resource_type_cn": computedString("Product name in Chinese (`ResourceTypeCn`)."),
						"error_code": schema.Int64Attribute{Computed: true, MarkdownDescription: "Authentication (CAM) error code of " +
							"the call (`ErrorCode`): `0` when CAM let the call through; a denial carries the CAM code, such as `4102`. " +
							"`0` does not mean the call succeeded: a call that failed in the service after CAM let it through has " +
							"`error_code` `0`, and only `cloud_audit_event` says so (`apiErrorCode`, `apiErrorMessage`). " +
							"`select { failed_only = true }` reads both."},
						"event_name":      computedString("API or console action (`EventName`), such as `ConsoleLogin` or `DeleteUser`."),
						"secret_id":       computedString("API key the call was made with (`SecretId`); null for console operations."),
						"event_source":    computedString("Where the request came in (`EventSource`), such as `cvm.tencentcloudapi.com`."),
						"request_id":      computedString("RequestId of the recorded call (`RequestID`)."),
						"resource_region": computedString("Region of the resource (`ResourceRegion`); null for global products."),
						"account_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "UIN of the account (`AccountID`), kept " +
							"exactly, also above 2^53."},
						"source_ip_address": computedString("Source address, IPv4 or IPv6 (`SourceIPAddress`)."),
						"event_name_cn":     computedString("Action name in Chinese (`EventNameCn`)."),
						"resources": schema.SingleNestedAttribute{
							Computed:            true,
							MarkdownDescription: "The resource acted on (`Resources`): one object, as the API returns one.",
							Attributes: map[string]schema.Attribute{
								"resource_type": computedString("Product (`ResourceType`), such as `cvm` or `cam`."),
								"resource_name": computedString("Resource name or ID (`ResourceName`); null when the call names no single resource."),
							},
						},
						"event_region": computedString("Region the event happened in (`EventRegion`)."),
						"location":     computedString("Location of the source address (`Location`), when `is_return_location` asks for it."),
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts":      timeoutsBlock(ctx),
			selectBlockName: cloudAuditSelectBlock(),
			"lookup_attributes": schema.ListNestedBlock{
				MarkdownDescription: "Conditions on the events (the API's `LookupAttributes`). Conditions on different keys must all hold; " +
					"repeated conditions on one key match any of their values (so two `EventName` blocks list both actions).",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"attribute_key": schema.StringAttribute{
							Required: true,
							MarkdownDescription: "What to match (the API's `AttributeKey`): one of `" + strings.Join(cloudAuditLookupKeys, "`, `") +
								"`. `Tags` takes a JSON list such as `[{\"key\":\"env\",\"value\":\"prod\"}]`.",
							Validators: []validator.String{stringvalidator.OneOf(cloudAuditLookupKeys...)},
						},
						"attribute_value": schema.StringAttribute{
							Required: true,
							MarkdownDescription: "The value to match (the API's `AttributeValue`). The API accepts a key without a value, " +
								"but documents no meaning for it, so a value is required here.",
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
					},
				},
			},
		},
	}
}

// ValidateConfig checks the time window against the API's documented limits.
func (d *cloudAuditEventsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	startPath, endPath := path.Root("start_time"), path.Root("end_time")
	var start, end types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, startPath, &start)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, endPath, &end)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateActionTypeOnce(ctx, req.Config, &resp.Diagnostics)
	if !start.IsNull() && !start.IsUnknown() {
		s := start.ValueInt64()
		now := time.Now()
		oldest := now.Add(-cloudAuditEventsLookback).Unix()
		switch {
		case s >= 0 && s < oldest-int64(cloudAuditEventsGrace/time.Second):
			resp.Diagnostics.AddAttributeError(startPath, "Time outside the 90-day window",
				fmt.Sprintf("Attribute start_time (%d, %s) is more than 90 days ago: DescribeEvents serves only the last 90 days, from %d (%s) on.",
					s, unixUTC(s), oldest, unixUTC(oldest)))
		case s > now.Add(cloudAuditEventsFutureGrace).Unix():
			resp.Diagnostics.AddAttributeError(startPath, "Time in the future",
				fmt.Sprintf("Attribute start_time (%d, %s) is in the future; the current time is %d (%s). A window that starts "+
					"later holds no event yet, so its read would find none: check the expression, or its unit (seconds).",
					s, unixUTC(s), now.Unix(), unixUTC(now.Unix())))
		}
	}
	if start.IsNull() || start.IsUnknown() || end.IsNull() || end.IsUnknown() {
		return
	}
	s, e := start.ValueInt64(), end.ValueInt64()
	switch {
	case e < s:
		resp.Diagnostics.AddAttributeError(endPath, "Invalid time window",
			fmt.Sprintf("Attribute end_time (%d, %s) must not be before start_time (%d, %s).", e, unixUTC(e), s, unixUTC(s)))
	case e-s >= int64(cloudAuditEventsMaxSpan/time.Second):
		resp.Diagnostics.AddAttributeError(endPath, "Time window too long",
			fmt.Sprintf("Attribute end_time (%d, %s) must be less than 30 days after start_time (%d, %s): DescribeEvents spans under 30 days "+
				"per query; split the window into several reads.", e, unixUTC(e), s, unixUTC(s)))
	}
}

func (d *cloudAuditEventsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// eventsPageSize is the page size of a read, the same on every page (the
// API binds its tokens to the query): the user's max_results, else one that
// ends a read bounded by max_items on a page boundary.
func eventsPageSize(maxResults, maxItems types.Int64, apiMax int64) int64 {
	if !maxResults.IsNull() {
		return maxResults.ValueInt64()
	}
	return int64(client.PageSizeDividing(int(maxItems.ValueInt64()), int(apiMax)))
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *cloudAuditEventsDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, cloudAuditEventsTypeName, regionRequired, config, state, d.readEvents)
}

// readEvents reads the events as m asks, with the account and region of target
// (see readTencent).
func (d *cloudAuditEventsDataSource) readEvents(ctx context.Context, m *cloudAuditEventsModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client

	region := target.region
	if !checkEventsSite(&diags, c.Domain(), region, target.regionFrom(m.Region)) {
		return diags
	}
	pageSize := uint64(eventsPageSize(m.MaxResults, m.MaxItems, client.CloudAuditMaxEventsPage))
	apiReq := client.DescribeEventsRequest{
		StartTime:  uint64(m.StartTime.ValueInt64()),
		EndTime:    uint64(m.EndTime.ValueInt64()),
		MaxResults: &pageSize,
	}
	if !m.IsReturnLocation.IsNull() {
		v := uint64(0)
		if m.IsReturnLocation.ValueBool() {
			v = 1
		}
		apiReq.IsReturnLocation = &v
	}
	for _, l := range m.LookupAttributes {
		value := l.AttributeValue.ValueString()
		apiReq.LookupAttributes = append(apiReq.LookupAttributes, client.LookupAttribute{AttributeKey: l.AttributeKey.ValueString(), AttributeValue: &value})
	}
	sel, sent, err := cloudAuditSelection(m.Select, len(m.LookupAttributes))
	if err != nil { // the validators have refused it already
		diags.AddAttributeError(path.Root(selectBlockName), "Invalid select", err.Error())
		return diags
	}
	apiReq.LookupAttributes = append(apiReq.LookupAttributes, sent...)
	raw := m.IncludeRaw.IsNull() || m.IncludeRaw.ValueBool()
	// The request without its token is every argument that shapes the
	// answer; encoded before the token is added.
	query, _ := json.Marshal(apiReq)
	if !m.NextToken.IsNull() {
		token, err := strconv.ParseUint(m.NextToken.ValueString(), 10, 64)
		if err != nil { // the validator has refused it already
			diags.AddAttributeError(path.Root("next_token"), "Invalid next_token", err.Error())
			return diags
		}
		apiReq.NextToken = &token
	}
	maxItems := int(m.MaxItems.ValueInt64())

	// Each page is selected and converted as soon as it is read, while the
	// next call waits for the rate budget; only the kept state values stay.
	var elems []tftypes.Value
	res, err := c.ListCloudAuditEvents(ctx, client.CloudAuditEventsQuery{
		Region: region, Request: apiReq, MaxItems: maxItems,
		OnPage: func(page []client.CloudAuditEvent) {
			for i := range page {
				if sel.keepCloudAudit(&page[i]) {
					elems = append(elems, cloudAuditEventValue(&page[i], raw))
				}
			}
		},
	})
	if err != nil {
		// What was read before the failure never reaches the state.
		addEventsReadError(ctx, &diags, err)
		return diags
	}

	if elems == nil {
		elems = []tftypes.Value{} // none matched: an empty list, not null
	}
	records := len(elems)
	resume := tfNullString
	if res.ResumeToken != nil {
		resume = tfString(strconv.FormatUint(*res.ResumeToken, 10))
	}
	if res.CutMidPage {
		diags.AddAttributeWarning(path.Root("max_items"), "No resume_token: max_items ended the read inside a page", cutMidPageDetail(res, maxItems, pageSize))
	}
	start, end := m.StartTime.ValueInt64(), m.EndTime.ValueInt64()
	scanned := res.Records
	ev := evidence{
		complete: res.ListOver && !res.CutMidPage, records: records, scanned: &scanned, selection: sel,
		windowStart: &start, windowEnd: &end, region: region,
	}
	ev.narrow("lookup_attributes", len(m.LookupAttributes) > 0)
	ev.narrow(selectBlockName, !sel.empty())
	ev.narrow("next_token", !m.NextToken.IsNull())
	ev.narrow("max_items", maxItems > 0)
	ev.identify(ctx, target, client.CloudAuditService)
	computed := map[string]tftypes.Value{
		evidenceAttrName: ev.value(),
		"region":         tfString(region),
		"id": tfString(inputID("cloudaudit-events", target.idPart(), string(query), m.NextToken.ValueString(), maxItems,
			selectionID(sel), raw)),
		"max_results":  tfInt(int64(pageSize)),
		"resume_token": resume,
		"list_over":    tftypes.NewValue(tftypes.Bool, res.ListOver),
		"events":       tftypes.NewValue(cloudAuditEventListTFType, elems),
	}
	// A list block absent from the configuration is an empty list in the
	// state, as the framework writes it (Terraform itself never sends null).
	if m.LookupAttributes == nil {
		computed["lookup_attributes"] = tftypes.NewValue(lookupAttributesTFType, []tftypes.Value{})
	}
	diags.Append(out.set(ctx, records, computed)...)
	return diags
}

// cutMidPageDetail says why a read bounded by max_items ended inside a page,
// leaving no token to resume exactly after its last event.
func cutMidPageDetail(res *client.CloudAuditEventsResult, maxItems int, pageSize uint64) string {
	const after = "so the read returned the first %d events and no token can resume exactly after them: resume_token is null. "
	if uint64(maxItems)%pageSize != 0 || res.ShortPage == "" {
		return fmt.Sprintf("max_items (%d) is not a multiple of max_results (%d), "+after+
			"Every page is requested with the same max_results (the API binds its tokens to the query), so choose a max_results that "+
			"divides max_items, or leave max_results unset and the provider chooses one.", maxItems, pageSize, res.Records)
	}
	return fmt.Sprintf("max_items (%d) is a multiple of max_results (%d), but the API returned a page shorter than max_results before "+
		"the end (%s), so the pages no longer end where max_items does and the last page held more events than were wanted; "+after+
		"Read again (the API's pages may be whole then), or read without max_items.", maxItems, pageSize, res.ShortPage, res.Records)
}

var lookupIndexRe = regexp.MustCompile(`LookupAttributes\.(\d+)`)

// addEventsReadError reports a DescribeEvents failure. The action documents
// only InvalidParameter for its own parameters; its message names the
// parameter, so the diagnostic is attached to that argument.
func addEventsReadError(ctx context.Context, diags *diag.Diagnostics, err error) {
	var te *client.TencentError
	if errors.As(err, &te) && ctx.Err() == nil {
		if p, ok := eventsErrorPath(te.Code, te.Message); ok {
			detail := err.Error()
			if p.Equal(path.Root("next_token")) {
				detail += "\n\n" + eventsTokenRule
			}
			diags.AddAttributeError(p, "Reading CloudAudit events", detail)
			return
		}
	}
	addReadError(ctx, diags, "Reading CloudAudit events", err, nil)
}

// eventsTokenRule says what a DescribeEvents token needs, which the API
// checks: the query that returned it, selection included.
const eventsTokenRule = "A token continues only the query that returned it: keep start_time, end_time, lookup_attributes, " +
	"is_return_location, max_results and the parts of select sent to the API (action_type; event_names when it is one " +
	"exact name, as evidence.selection shows) as they were in the read whose resume_token it is."

// eventsErrorPath names the argument an InvalidParameter message is about.
func eventsErrorPath(code, message string) (path.Path, bool) {
	if !codeHasPrefix(code, "InvalidParameter") && !codeHasPrefix(code, "InvalidParameterValue") {
		return path.Empty(), false
	}
	if m := lookupIndexRe.FindStringSubmatch(message); m != nil {
		i, _ := strconv.Atoi(m[1])
		return path.Root("lookup_attributes").AtListIndex(i), true
	}
	switch {
	case strings.Contains(message, "NextToken"):
		return path.Root("next_token"), true
	case strings.Contains(message, "MaxResults"):
		return path.Root("max_results"), true
	case strings.Contains(message, "IsReturnLocation"):
		return path.Root("is_return_location"), true
	case strings.Contains(message, "span"), strings.Contains(message, "EndTime") && !strings.Contains(message, "StartTime ("):
		return path.Root("end_time"), true
	case strings.Contains(message, "StartTime"):
		return path.Root("start_time"), true
	}
	return path.Empty(), false
}

var (
	lookupAttributesTFType = tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"attribute_key": tftypes.String, "attribute_value": tftypes.String}}}
	cloudAuditEventTFType     = tfType(types.ObjectType{AttrTypes: cloudAuditEventAttrTypes})
	cloudAuditEventListTFType = tftypes.List{ElementType: cloudAuditEventTFType}
	cloudAuditResourcesTFType = tfType(types.ObjectType{AttrTypes: cloudAuditEventResourcesAttrTypes})
	nullCloudAuditResources   = tftypes.NewValue(cloudAuditResourcesTFType, nil)
)

// cloudAuditEventsValue builds the events list directly: one small map per
// event, no reflection.
func cloudAuditEventsValue(events []client.CloudAuditEvent) tftypes.Value {
	elems := make([]tftypes.Value, len(events))
	for i := range events {
		elems[i] = cloudAuditEventValue(&events[i], true)
	}
	return tftypes.NewValue(cloudAuditEventListTFType, elems)
}

// cloudAuditEventValue is one event; without raw, cloud_audit_event is
// null.
func cloudAuditEventValue(e *client.CloudAuditEvent, raw bool) tftypes.Value {
	rawEvent := tfNullString
	if raw {
		rawEvent = tfStringPtr(e.CloudAuditEvent)
	}
	resources := nullCloudAuditResources
	if r := e.Resources; r != nil {
		resources = tftypes.NewValue(cloudAuditResourcesTFType, map[string]tftypes.Value{
			"resource_type": tfStringPtr(r.ResourceType),
			"resource_name": tfStringPtr(r.ResourceName),
		})
	}
	return tftypes.NewValue(cloudAuditEventTFType, map[string]tftypes.Value{
		"event_id":          tfStringPtr(e.EventId),
		"username":          tfStringPtr(e.Username),
		"event_time":        tfStringPtr(e.EventTime),
		"cloud_audit_event": rawEvent,
		"resource_type_cn":  tfStringPtr(e.ResourceTypeCn),
		"error_code":        tfInt64Ptr(e.ErrorCode),
		"event_name":        tfStringPtr(e.EventName),
		"secret_id":         tfStringPtr(e.SecretId),
		"event_source":      tfStringPtr(e.EventSource),
		"request_id":        tfStringPtr(e.RequestID),
		"resource_region":   tfStringPtr(e.ResourceRegion),
		"account_id":        tfInt64Ptr(e.AccountID),
		"source_ip_address": tfStringPtr(e.SourceIPAddress),
		"event_name_cn":     tfStringPtr(e.EventNameCn),
		"resources":         resources,
		"event_region":      tfStringPtr(e.EventRegion),
		"location":          tfStringPtr(e.Location),
	})
}
