package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource              = &cloudAuditTrackDataSource{}
	_ datasource.DataSourceWithConfigure = &cloudAuditTrackDataSource{}
)

// NewCloudAuditTrackDataSource is the auditlog_cloudaudit_track data source:
// CloudAudit's DescribeAuditTrack.
func NewCloudAuditTrackDataSource() datasource.DataSource {
	return &cloudAuditTrackDataSource{}
}

type cloudAuditTrackDataSource struct {
	dataSourceBase
}

type cloudAuditTrackModel struct {
	ID                 types.String   `tfsdk:"id"`
	TrackID            types.Int64    `tfsdk:"track_id"`
	Account            types.String   `tfsdk:"account"`
	Region             types.String   `tfsdk:"region"`
	Name               types.String   `tfsdk:"name"`
	ActionType         types.String   `tfsdk:"action_type"`
	ResourceType       types.String   `tfsdk:"resource_type"`
	Status             types.Int64    `tfsdk:"status"`
	EventNames         types.List     `tfsdk:"event_names"`
	Storage            types.Object   `tfsdk:"storage"`
	CreateTime         types.String   `tfsdk:"create_time"`
	TrackForAllMembers types.Int64    `tfsdk:"track_for_all_members"`
	Filters            types.Object   `tfsdk:"filters"`
	Evidence           types.Object   `tfsdk:"evidence"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (m *cloudAuditTrackModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *cloudAuditTrackModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

var resourceFieldAttrTypes = map[string]attr.Type{
	"resource_type": types.StringType,
	"action_type":   types.StringType,
	"event_names":   types.ListType{ElemType: types.StringType},
}

var trackFiltersAttrTypes = map[string]attr.Type{
	"resource_fields": types.ListType{ElemType: types.ObjectType{AttrTypes: resourceFieldAttrTypes}},
}

func (d *cloudAuditTrackDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloudaudit_track"
}

func (d *cloudAuditTrackDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	eventNames := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one CloudAudit tracking set in detail (API `DescribeAuditTrack`), as the account `account` names (or the provider's own credentials), in `region`: " +
			"everything `auditlog_cloudaudit_tracks` lists, plus whether it covers every member account of the organization " +
			"(`track_for_all_members`) and its delivery filters (`filters`), which only this API returns. An unknown `track_id` is an error.\n\n" +
			"**Regions.** `DescribeAuditTrack` requires a region; its documentation lists no restriction on it, and does not say " +
			"whether the answer depends on it (undocumented)." +
			evidenceNote("`narrowed_by` is always empty: the tracking set `track_id` names is read whole, and `complete` is true "+
				"once it is read (`records` is 1). A tracking set has no time window: `window_start` and `window_end` are null. "+
				"`region` is the region called, `account_id` and `principal_arn` the identity of the credentials."),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			evidenceAttrName: evidenceSchema(),
			"account":        accountAttribute(),
			"region": regionAttribute(regionRequired, "`DescribeAuditTrack` requires one; its documentation lists no restriction "+
				"on it, and does not say whether the answer depends on it."),
			"track_id": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "ID of the tracking set (the API's `TrackId`), as `auditlog_cloudaudit_tracks` lists it in `tracks[*].track_id`.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"name":          computedString("Name (`Name`)."),
			"action_type":   computedString("Operations recorded (`ActionType`): `Read`, `Write` or `*` for all."),
			"resource_type": computedString("Product recorded (`ResourceType`), such as `cos` or `cam`, or `*` for all."),
			"status":        schema.Int64Attribute{Computed: true, MarkdownDescription: "`1` when the tracking set is enabled, `0` when not (`Status`)."},
			"event_names":   eventNames("API names recorded (`EventNames`); `[\"*\"]` means all."),
			"storage": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Where the tracking set delivers its logs (`Storage`).",
				Attributes: map[string]schema.Attribute{
					"storage_type":       computedString("`cos`, `cls` or `ckafka` (`StorageType`)."),
					"storage_region":     computedString("Region of the storage (`StorageRegion`)."),
					"storage_name":       computedString("COS bucket name without the AppID suffix, CLS topic ID, or CKafka `instanceId/topic` (`StorageName`)."),
					"storage_prefix":     computedString("Log file prefix (`StoragePrefix`)."),
					"storage_account_id": computedString("UIN of the account owning the storage, for cross-account delivery (`StorageAccountId`); null when absent."),
					"storage_app_id":     computedString("AppID of that account (`StorageAppId`); null when absent."),
					"compress":           schema.Int64Attribute{Computed: true, MarkdownDescription: "`1` compressed, `2` not (`Compress`); null when absent."},
				},
			},
			"create_time": computedString("Creation time, `YYYY-MM-DD hh:mm:ss` (`CreateTime`)."),
			"track_for_all_members": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "`1` when the operation logs of every member account of the organization are delivered to the management " +
					"account, `0` when not (`TrackForAllMembers`); null when the API leaves it out.",
			},
			"filters": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Which events the tracking set delivers (`Filters`); null when the API leaves it out.",
				Attributes: map[string]schema.Attribute{
					"resource_fields": schema.ListNestedAttribute{
						Computed:            true,
						MarkdownDescription: "Conditions on products and actions (`ResourceFields`), in API order.",
						NestedObject: schema.NestedAttributeObject{
							Attributes: map[string]schema.Attribute{
								"resource_type": computedString("Product (`ResourceType`), or `*` for all."),
								"action_type":   computedString("`Read`, `Write` or `*` (`ActionType`)."),
								"event_names":   eventNames("API names (`EventNames`); `[\"*\"]` means all."),
							},
						},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (d *cloudAuditTrackDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *cloudAuditTrackDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, "auditlog_cloudaudit_track", regionRequired, config, state, d.readTrack)
}

// readTrack reads the tracking set as m asks, with the account and region of target
// (see readTencent).
func (d *cloudAuditTrackDataSource) readTrack(ctx context.Context, m *cloudAuditTrackModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client
	region := target.region
	trackID := uint64(m.TrackID.ValueInt64())
	var t *client.DescribeAuditTrackResponse
	err := client.ReadPage(ctx, func(ctx context.Context) (int, *int64, error) {
		var err error
		t, err = c.DescribeAuditTrack(ctx, region, trackID)
		return 1, nil, err
	})
	if err != nil {
		addReadError(ctx, &diags, "Reading CloudAudit tracking set", err, trackErrorPath)
		return diags
	}
	records := 1
	values := trackDetailValues(target.idPart(), trackID, t)
	values["region"] = tfString(region)
	ev := evidence{complete: true, records: records, region: region}
	ev.identify(ctx, target, client.CloudAuditService)
	values[evidenceAttrName] = ev.value()
	diags.Append(out.set(ctx, records, values)...)
	return diags
}

// trackErrorPath attaches an unknown tracking set to track_id.
func trackErrorPath(code string) (path.Path, bool) {
	if codeHasPrefix(code, "ResourceNotFound") {
		return path.Root("track_id"), true
	}
	return path.Empty(), false
}

var (
	resourceFieldTFType     = tfType(types.ObjectType{AttrTypes: resourceFieldAttrTypes})
	resourceFieldListTFType = tftypes.List{ElementType: resourceFieldTFType}
	trackFiltersTFType      = tfType(types.ObjectType{AttrTypes: trackFiltersAttrTypes})
)

func stringListValue(list []string) tftypes.Value {
	if list == nil {
		return nullEventNames
	}
	elems := make([]tftypes.Value, len(list))
	for i, s := range list {
		elems[i] = tfString(s)
	}
	return tftypes.NewValue(eventNamesTFType, elems)
}

// trackDetailValues are the computed attributes of one tracking set.
func trackDetailValues(idPart string, trackID uint64, t *client.DescribeAuditTrackResponse) map[string]tftypes.Value {
	storage := nullTrackStorage
	if s := t.Storage; s != nil {
		storage = tftypes.NewValue(storageTFType, map[string]tftypes.Value{
			"storage_type":       tfStringPtr(s.StorageType),
			"storage_region":     tfStringPtr(s.StorageRegion),
			"storage_name":       tfStringPtr(s.StorageName),
			"storage_prefix":     tfStringPtr(s.StoragePrefix),
			"storage_account_id": tfStringPtr(s.StorageAccountId),
			"storage_app_id":     tfStringPtr(s.StorageAppId),
			"compress":           tfUint64Ptr(s.Compress),
		})
	}
	filters := tftypes.NewValue(trackFiltersTFType, nil)
	if f := t.Filters; f != nil {
		fields := tftypes.NewValue(resourceFieldListTFType, nil)
		if f.ResourceFields != nil {
			elems := make([]tftypes.Value, len(f.ResourceFields))
			for i, rf := range f.ResourceFields {
				elems[i] = tftypes.NewValue(resourceFieldTFType, map[string]tftypes.Value{
					"resource_type": tfStringPtr(rf.ResourceType),
					"action_type":   tfStringPtr(rf.ActionType),
					"event_names":   stringListValue(rf.EventNames),
				})
			}
			fields = tftypes.NewValue(resourceFieldListTFType, elems)
		}
		filters = tftypes.NewValue(trackFiltersTFType, map[string]tftypes.Value{"resource_fields": fields})
	}
	return map[string]tftypes.Value{
		"id":                    tfString(inputID("cloudaudit-track", idPart, trackID)),
		"name":                  tfStringPtr(t.Name),
		"action_type":           tfStringPtr(t.ActionType),
		"resource_type":         tfStringPtr(t.ResourceType),
		"status":                tfUint64Ptr(t.Status),
		"event_names":           stringListValue(t.EventNames),
		"storage":               storage,
		"create_time":           tfStringPtr(t.CreateTime),
		"track_for_all_members": tfUint64Ptr(t.TrackForAllMembers),
		"filters":               filters,
	}
}
