package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
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
	_ datasource.DataSource                   = &csipUserCallRecordsDataSource{}
	_ datasource.DataSourceWithConfigure      = &csipUserCallRecordsDataSource{}
	_ datasource.DataSourceWithValidateConfig = &csipUserCallRecordsDataSource{}
)

// NewCSIPUserCallRecordsDataSource is the auditlog_csip_user_call_records data
// source: Cloud Security Center's DescribeUserCallRecord.
func NewCSIPUserCallRecordsDataSource() datasource.DataSource {
	return &csipUserCallRecordsDataSource{}
}

type csipUserCallRecordsDataSource struct {
	dataSourceBase
}

type csipUserCallRecordsModel struct {
	ID       types.String     `tfsdk:"id"`
	SubUin   types.String     `tfsdk:"sub_uin"`
	Account  types.String     `tfsdk:"account"`
	Region   types.String     `tfsdk:"region"`
	MemberID []types.String   `tfsdk:"member_id"`
	Filter   *csipFilterModel `tfsdk:"filter"`
	MaxItems types.Int64      `tfsdk:"max_items"`
	Total    types.Int64      `tfsdk:"total"`
	Data     types.List       `tfsdk:"data"` // of csipCallRecordAttrTypes objects
	Evidence types.Object     `tfsdk:"evidence"`
	Timeouts timeouts.Value   `tfsdk:"timeouts"`
}

func (m *csipUserCallRecordsModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *csipUserCallRecordsModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

type csipFilterModel struct {
	Limit     types.Int64            `tfsdk:"limit"`
	Offset    types.Int64            `tfsdk:"offset"`
	Order     types.String           `tfsdk:"order"`
	By        types.String           `tfsdk:"by"`
	StartTime types.String           `tfsdk:"start_time"`
	EndTime   types.String           `tfsdk:"end_time"`
	Filters   []csipWhereFilterModel `tfsdk:"filters"`
}

type csipWhereFilterModel struct {
	Name         types.String   `tfsdk:"name"`
	Values       []types.String `tfsdk:"values"`
	OperatorType types.Int64    `tfsdk:"operator_type"`
}

var csipCallRecordAttrTypes = map[string]attr.Type{
	"source_ip":        types.StringType,
	"event_type":       types.Int64Type,
	"call_count":       types.Int64Type,
	"code":             types.Int64Type,
	"first_call_time":  types.StringType,
	"last_call_time":   types.StringType,
	"source_ip_remark": types.StringType,
	"region":           types.StringType,
	"user_name":        types.StringType,
	"date":             types.StringType,
	"app_id":           types.Int64Type,
	"isp":              types.StringType,
}

var csipCallRecordObjectType = types.ObjectType{AttrTypes: csipCallRecordAttrTypes}

// csipTimeLayout is the API's time format, YYYY-MM-DD hh:mm:ss.
const csipTimeLayout = "2006-01-02 15:04:05"

var csipTimePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`)

func (d *csipUserCallRecordsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_csip_user_call_records"
}

func (d *csipUserCallRecordsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the cloud API call records of one Tencent Cloud (sub-)account, aggregated per source IP, " +
			"from Cloud Security Center (CSIP, API `DescribeUserCallRecord`): who called from where, how often, and with what result. " +
			"Without `filter.limit` every page is read; with it, exactly one call is made with exactly the given filter.\n\n" +
			"The API documents no maximum `Limit`. When it silently returns fewer records than asked before the end, a read of " +
			"every page learns that cap, logs it at WARN, and goes on at the next unread offset with the cap as its `Limit`; it fails " +
			"only if the API's pages are inconsistent (the cap changes again, or records are missing against `Total`).\n\n" +
			"Every page after the first is asked one record early (`Offset` - 1) and must start with the record the page before ended " +
			"with, compared by the fields that make a record itself (`SourceIP`, `EventType`, `Code`, `UserName`, `FirstCallTime`, `Date`, " +
			"`Region`, `ISP`, `AppID`; not `CallCount`, `LastCallTime` or `SourceIPRemark`, which change). Records arriving or ageing out " +
			"during the read shift the pages: the read starts again once, then fails; an API that ignores `Offset` fails it at once. " +
			"A single-page read (`filter.limit`) returns the page as the API sent it, with a warning when it is short." +
			evidenceNote("`narrowed_by` lists `filter.filters` when the filter block holds a `filters` block (the API's `Total` then "+
				"counts only the matching records, so a filtered read can be complete), `filter.limit` when set (one page is read), "+
				"`filter.offset` when above 0, `member_id` when set (which records of the organization's members it selects is not "+
				"documented), and `max_items` when set. `filter.order` and `filter.by` only sort, `sub_uin` is the account whose "+
				"calls are read, and `filter.start_time` and `filter.end_time` are the window: `window_start` and `window_end` "+
				"(UTC+8 read as UNIX seconds), null for a bound not sent, with `window_chosen_by_api` true, since the API then "+
				"applies a default period it does not document. `complete` is true when the records read, from `filter.offset`, "+
				"reach the API's `Total`. `region` is the region sent, null by default (CSIP needs none)."),
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
			"filter": schema.SingleNestedBlock{
				MarkdownDescription: "Paging, sort, time window and column filters (the API's `Filter`), a block: `filter { ... }`.",
				Attributes: map[string]schema.Attribute{
					"limit": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Read exactly one page of at most this many records (the API's `Limit`) instead of every page. " +
							"`total` still reports the number of matching records.",
						Validators: []validator.Int64{int64validator.AtLeast(0)},
					},
					"offset": schema.Int64Attribute{
						Optional:            true,
						MarkdownDescription: "Number of matching records to skip (the API's `Offset`). Also honored when every page is read.",
						Validators:          []validator.Int64{int64validator.AtLeast(0)},
					},
					"order": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "`asc` or `desc` (the API's `Order`; case does not matter). The API sorts by `LastCallTime`, newest first, by default.",
						Validators:          []validator.String{stringvalidator.OneOfCaseInsensitive("asc", "desc")},
					},
					"by": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Field to sort by (the API's `By`), such as `CallCount`, `FirstCallTime`, `LastCallTime`, " +
							"`SourceIP`, `Code` or `EventType`. The API publishes no list; unsupported fields fail the read.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"start_time": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Start of the query period, `YYYY-MM-DD hh:mm:ss` (the API's `StartTime`), not after `end_time`. " +
							"Records whose first-to-last call period overlaps the query period are listed. The time carries no zone: it is " +
							"read in the API's own time zone, which the API does not document (Tencent Cloud writes such times in Beijing " +
							"time, UTC+8), and is sent as written, without conversion; `formatdate(\"YYYY-MM-DD hh:mm:ss\", timeadd(plantimestamp(), \"8h\"))` " +
							"is the plan's time in UTC+8. Unset, no start is sent and the API applies its own default period, which it does not document.",
						Validators: []validator.String{csipTimeValidator{}},
					},
					"end_time": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "End of the query period, `YYYY-MM-DD hh:mm:ss` (the API's `EndTime`), in the API's time zone like " +
							"`start_time`. Unset, no end is sent and the API applies its own default, which it does not document.",
						Validators: []validator.String{csipTimeValidator{}},
					},
				},
				Blocks: map[string]schema.Block{
					"filters": schema.ListNestedBlock{
						MarkdownDescription: "Column filters (the API's `Filters` of `WhereFilter`), one `filters { ... }` block each. Records must match every filter.",
						NestedObject: schema.NestedBlockObject{
							Attributes: map[string]schema.Attribute{
								"name": schema.StringAttribute{
									Required:            true,
									MarkdownDescription: "Field of the call record to test, by its API name, such as `SourceIP`, `EventType`, `Code`, `Region` or `ISP`.",
									Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
								},
								"values": schema.ListAttribute{
									Required:            true,
									ElementType:         types.StringType,
									MarkdownDescription: "Values to compare with; a record matches when it matches any of them.",
									Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
								},
								"operator_type": schema.Int64Attribute{
									Optional: true,
									MarkdownDescription: "Comparison (the API's `OperatorType`): `1` equal, `2` greater, `3` less, `4` greater or equal, " +
										"`5` less or equal, `6` not equal, `7` exact match, `9` fuzzy (contains), `13` not fuzzy, `14` bitwise AND. " +
										"Unset, the API's default applies (exact match).",
									Validators: []validator.Int64{int64validator.OneOf(1, 2, 3, 4, 5, 6, 7, 9, 13, 14)},
								},
							},
						},
					},
				},
			},
		},
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			"sub_uin": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "UIN of the account whose calls are listed (the API's `SubUin`), such as `100021372635`; " +
					"the `SubUin` that CSIP's `DescribeAccessKeyUserList` reports.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(regexp.MustCompile(`^\S+$`), "must not contain spaces"),
				},
			},
			"account": accountAttribute(),
			"region": regionAttribute(regionOptional, "Call records belong to the account, not to a region: one read covers "+
				"every region (the documentation does not say that a region narrows it)."),
			"member_id": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Organization member IDs (the API's `MemberId`), such as `mem-6wfo0fzks3`, when reading through a multi-account organization. " +
					"These are CSIP's own member IDs, not UINs; the accounts an audit must cover, by UIN, are listed by `auditlog_organization_members`, " +
					"whose description says when to use which.",
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"max_items": maxItemsAttribute("Cannot be combined with `filter.limit`, which reads one page.",
				int64validator.ConflictsWith(path.MatchRoot("filter").AtName("limit"))),
			evidenceAttrName: evidenceSchema(),
			"total": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of records matching the filter (the API's `Total`), whatever was read.",
			},
			"data": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Call records in API order (the API's `Data`). Empty, not null, when there are none; a field the API leaves out is null.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"source_ip":        schema.StringAttribute{Computed: true, MarkdownDescription: "Source IP of the calls (`SourceIP`), IPv4 or IPv6; the API may mask part of it, as in `106.55.***.47`."},
						"event_type":       schema.Int64Attribute{Computed: true, MarkdownDescription: "`0` console, `1` API (`EventType`)."},
						"call_count":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of calls (`CallCount`)."},
						"code":             schema.Int64Attribute{Computed: true, MarkdownDescription: "Call error code, `0` for success (`Code`)."},
						"first_call_time":  schema.StringAttribute{Computed: true, MarkdownDescription: "First call, `YYYY-MM-DD hh:mm:ss` (`FirstCallTime`), as the API returns it: in the API's time zone, which it does not document (Beijing time, UTC+8, on Tencent Cloud), with no zone written."},
						"last_call_time":   schema.StringAttribute{Computed: true, MarkdownDescription: "Last call, `YYYY-MM-DD hh:mm:ss` (`LastCallTime`), as the API returns it, in the same time zone as `first_call_time`."},
						"source_ip_remark": schema.StringAttribute{Computed: true, MarkdownDescription: "The account's remark on the source IP (`SourceIPRemark`); often empty."},
						"region":           schema.StringAttribute{Computed: true, MarkdownDescription: "Location of the source IP as free text (`Region`), such as `中国-广东省-广州市`; not a region ID."},
						"user_name":        schema.StringAttribute{Computed: true, MarkdownDescription: "User or role name (`UserName`)."},
						"date":             schema.StringAttribute{Computed: true, MarkdownDescription: "Aggregation date (`Date`); often empty."},
						"app_id":           schema.Int64Attribute{Computed: true, MarkdownDescription: "AppID of the account (`AppID`)."},
						"isp":              schema.StringAttribute{Computed: true, MarkdownDescription: "Carrier or cloud of the source IP (`ISP`), such as `腾讯云` or `电信`."},
					},
				},
			},
		},
	}
}

// ValidateConfig checks what single attributes cannot: the query period must
// not end before it starts.
func (d *csipUserCallRecordsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	startPath, endPath := path.Root("filter").AtName("start_time"), path.Root("filter").AtName("end_time")
	var start, end types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, startPath, &start)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, endPath, &end)...)
	if resp.Diagnostics.HasError() || start.IsNull() || start.IsUnknown() || end.IsNull() || end.IsUnknown() {
		return
	}
	s, serr := time.Parse(csipTimeLayout, start.ValueString())
	e, eerr := time.Parse(csipTimeLayout, end.ValueString())
	if serr != nil || eerr != nil {
		return // the attribute validators report the format
	}
	if s.After(e) {
		resp.Diagnostics.AddAttributeError(startPath, "Invalid time range",
			fmt.Sprintf("Attribute %s (%s) must not be after %s (%s).", startPath, start.ValueString(), endPath, end.ValueString()))
	}
}

func (d *csipUserCallRecordsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *csipUserCallRecordsDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, "auditlog_csip_user_call_records", regionOptional, config, state, d.readRecords)
}

// readRecords reads the call records as m asks, with the account and region of target
// (see readTencent).
func (d *csipUserCallRecordsDataSource) readRecords(ctx context.Context, m *csipUserCallRecordsModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client

	region := target.region
	apiReq := csipRequest(m)

	var records []client.UserCallRecord
	var total int64
	ev := csipEvidence(m, region)
	if m.Filter != nil && !m.Filter.Limit.IsNull() {
		var requestID string
		totalKnown := false
		err := client.ReadPage(ctx, func(ctx context.Context) (int, *int64, error) {
			page, err := c.DescribeUserCallRecord(ctx, region, apiReq)
			if err != nil {
				return 0, nil, err
			}
			records, requestID = page.Data, page.RequestId
			if page.Total != nil {
				total, totalKnown = *page.Total, true
			}
			return len(records), page.Total, nil
		})
		if err != nil {
			addReadError(ctx, &diags, "Reading CSIP user call records", err, csipErrorPathFor(err))
			return diags
		}
		if total < 0 {
			diags.AddError("Reading CSIP user call records", fmt.Sprintf("The API reports an impossible Total of %d (RequestId: %s); the read cannot be trusted.", total, requestID))
			return diags
		}
		limit, offset := apiReq.Filter.Limit, int64(0)
		if apiReq.Filter.Offset != nil {
			offset = *apiReq.Filter.Offset
		}
		// Without a total, only an empty page says nothing is left.
		ev.complete = totalKnown && max(offset, 0)+int64(len(records)) >= total || !totalKnown && len(records) == 0
		singlePageWarning(&diags, "call records", fmt.Sprintf("filter limit = %d, offset = %d", *limit, offset), *limit, offset, total, len(records),
			fmt.Sprintf("to read on, set the offset to %d, or leave the limit unset to read every page.", offset+int64(len(records))))
	} else {
		res, err := c.ListUserCallRecords(ctx, region, apiReq, client.DefaultUserCallRecordsPageSize, int(m.MaxItems.ValueInt64()))
		if err != nil {
			addReadError(ctx, &diags, "Reading CSIP user call records", err, csipErrorPathFor(err))
			return diags
		}
		records, total = res.Records, res.Total
		start := int64(0)
		if apiReq.Filter != nil && apiReq.Filter.Offset != nil {
			start = max(*apiReq.Filter.Offset, 0)
		}
		ev.complete = start+int64(len(records)) >= total
	}
	ev.records = len(records)
	ev.identify(ctx, target, client.CSIPService)

	// The request, encoded, is every argument that shapes the answer.
	query, _ := json.Marshal(apiReq)
	diags.Append(out.set(ctx, len(records), map[string]tftypes.Value{
		"id":       tfString(inputID("csip-user-call-records", target.idPart(), string(query), m.MaxItems)),
		"total":    tfInt(total),
		"data":     csipCallRecordsValue(records),
		"evidence": ev.value(),
	})...)
	return diags
}

// csipEvidence is the evidence a read with these arguments gives before
// it is made: the window sent and the arguments that narrow it.
func csipEvidence(m *csipUserCallRecordsModel, region string) evidence {
	ev := evidence{region: region}
	ev.narrow("member_id", len(m.MemberID) > 0)
	ev.narrow("max_items", !m.MaxItems.IsNull())
	f := m.Filter
	if f == nil {
		ev.windowChosenByAPI = true
		return ev
	}
	ev.narrow("filter.filters", len(f.Filters) > 0)
	ev.narrow("filter.limit", !f.Limit.IsNull())
	ev.narrow("filter.offset", f.Offset.ValueInt64() > 0)
	ev.windowStart, ev.windowEnd = csipUnix(f.StartTime), csipUnix(f.EndTime)
	ev.windowChosenByAPI = ev.windowStart == nil || ev.windowEnd == nil
	return ev
}

// csipUnix is a CSIP time, YYYY-MM-DD hh:mm:ss, as UNIX seconds, read in
// csipZone; nil when none is sent.
func csipUnix(v types.String) *int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, err := time.ParseInLocation(csipTimeLayout, v.ValueString(), csipZone)
	if err != nil {
		return nil // the validator has refused it already
	}
	u := t.Unix()
	return &u
}

// csipRequest turns the arguments into the API request, sending only what
// the configuration sets.
func csipRequest(m *csipUserCallRecordsModel) client.DescribeUserCallRecordRequest {
	req := client.DescribeUserCallRecordRequest{SubUin: m.SubUin.ValueString(), MemberId: csipStringValues(m.MemberID)}
	f := m.Filter
	if f == nil {
		return req
	}
	req.Filter = &client.CSIPFilter{
		Limit:     f.Limit.ValueInt64Pointer(),
		Offset:    f.Offset.ValueInt64Pointer(),
		Order:     f.Order.ValueStringPointer(),
		By:        f.By.ValueStringPointer(),
		StartTime: f.StartTime.ValueStringPointer(),
		EndTime:   f.EndTime.ValueStringPointer(),
	}
	for _, w := range f.Filters {
		req.Filter.Filters = append(req.Filter.Filters, client.WhereFilter{
			Name:         w.Name.ValueString(),
			Values:       csipStringValues(w.Values),
			OperatorType: w.OperatorType.ValueInt64Pointer(),
		})
	}
	return req
}

// csipStringValues returns the values of a list of strings; nil stays nil.
func csipStringValues(list []types.String) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = v.ValueString()
	}
	return out
}

// csipFilterParam finds the filter field an API message names, such as
// `Filter.By` or `Filter.Filters.0.Name`.
var csipFilterParam = regexp.MustCompile(`Filter\.(Limit|Offset|Order|By|StartTime|EndTime|Filters\.([0-9]+)\.(Name|Values|OperatorType))\b`)

// csipErrorPathFor attaches a parameter error to the argument of the filter
// block its message names (filter.by, filter.filters[0].name), so that
// Terraform points at that line; other errors go to csipErrorPath.
func csipErrorPathFor(err error) func(code string) (path.Path, bool) {
	return func(code string) (path.Path, bool) {
		var te *client.TencentError
		if codeHasPrefix(code, "InvalidParameterValue") && errors.As(err, &te) {
			if m := csipFilterParam.FindStringSubmatch(te.Message); m != nil {
				filter := path.Root("filter")
				if m[2] != "" {
					i, _ := strconv.Atoi(m[2])
					field := map[string]string{"Name": "name", "Values": "values", "OperatorType": "operator_type"}[m[3]]
					return filter.AtName("filters").AtListIndex(i).AtName(field), true
				}
				field := map[string]string{"Limit": "limit", "Offset": "offset", "Order": "order", "By": "by", "StartTime": "start_time", "EndTime": "end_time"}[m[1]]
				return filter.AtName(field), true
			}
		}
		return csipErrorPath(code)
	}
}

// csipErrorPath attaches errors the API blames on one argument to it.
func csipErrorPath(code string) (path.Path, bool) {
	switch {
	case codeHasPrefix(code, "InvalidParameter.DateRange"):
		return path.Root("filter").AtName("start_time"), true
	case codeHasPrefix(code, "UnsupportedRegion"), codeHasPrefix(code, "RegionError"):
		return path.Root("region"), true
	}
	return path.Empty(), false
}

// csipCallRecordsValue builds the data list directly, without reflection.
var (
	csipCallRecordTFType     = tfType(csipCallRecordObjectType)
	csipCallRecordListTFType = tftypes.List{ElementType: csipCallRecordTFType}
)

func csipCallRecordsValue(records []client.UserCallRecord) tftypes.Value {
	elems := make([]tftypes.Value, len(records))
	for i := range records {
		elems[i] = csipCallRecordValue(&records[i])
	}
	return tftypes.NewValue(csipCallRecordListTFType, elems)
}

func csipCallRecordValue(r *client.UserCallRecord) tftypes.Value {
	return tftypes.NewValue(csipCallRecordTFType, map[string]tftypes.Value{
		"source_ip":        tfStringPtr(r.SourceIP),
		"event_type":       tfInt64Ptr(r.EventType),
		"call_count":       tfInt64Ptr(r.CallCount),
		"code":             tfInt64Ptr(r.Code),
		"first_call_time":  tfStringPtr(r.FirstCallTime),
		"last_call_time":   tfStringPtr(r.LastCallTime),
		"source_ip_remark": tfStringPtr(r.SourceIPRemark),
		"region":           tfStringPtr(r.Region),
		"user_name":        tfStringPtr(r.UserName),
		"date":             tfStringPtr(r.Date),
		"app_id":           tfInt64Ptr(r.AppID),
		"isp":              tfStringPtr(r.ISP),
	})
}

// csipTimeValidator accepts a time in the API's format, YYYY-MM-DD hh:mm:ss.
type csipTimeValidator struct{}

func (csipTimeValidator) Description(context.Context) string {
	return "value must be a time formatted as YYYY-MM-DD hh:mm:ss, such as 2025-05-22 11:09:39"
}

func (v csipTimeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (csipTimeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if _, err := time.Parse(csipTimeLayout, s); err != nil || !csipTimePattern.MatchString(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time",
			fmt.Sprintf("Attribute %s must be a time formatted as YYYY-MM-DD hh:mm:ss, such as 2025-05-22 11:09:39, got %q.", req.Path, s))
	}
}
