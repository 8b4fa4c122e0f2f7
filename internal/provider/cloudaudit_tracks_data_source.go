package provider

import (
	"context"
	"fmt"

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
	_ datasource.DataSource              = &cloudAuditTracksDataSource{}
	_ datasource.DataSourceWithConfigure = &cloudAuditTracksDataSource{}
)

// NewCloudAuditTracksDataSource is the auditlog_cloudaudit_tracks data source:
// CloudAudit's DescribeAuditTracks.
func NewCloudAuditTracksDataSource() datasource.DataSource {
	return &cloudAuditTracksDataSource{}
}

type cloudAuditTracksDataSource struct {
	dataSourceBase
}

type cloudAuditTracksModel struct {
	ID         types.String   `tfsdk:"id"`
	Account    types.String   `tfsdk:"account"`
	Region     types.String   `tfsdk:"region"`
	PageNumber types.Int64    `tfsdk:"page_number"`
	PageSize   types.Int64    `tfsdk:"page_size"`
	MaxItems   types.Int64    `tfsdk:"max_items"`
	TotalCount types.Int64    `tfsdk:"total_count"`
	Tracks     types.List     `tfsdk:"tracks"` // of trackAttrTypes objects
	Evidence   types.Object   `tfsdk:"evidence"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (m *cloudAuditTracksModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *cloudAuditTracksModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

var storageAttrTypes = map[string]attr.Type{
	"storage_type":       types.StringType,
	"storage_region":     types.StringType,
	"storage_name":       types.StringType,
	"storage_prefix":     types.StringType,
	"storage_account_id": types.StringType,
	"storage_app_id":     types.StringType,
	"compress":           types.Int64Type,
}

var trackAttrTypes = map[string]attr.Type{
	"track_id":      types.Int64Type,
	"name":          types.StringType,
	"action_type":   types.StringType,
	"resource_type": types.StringType,
	"status":        types.Int64Type,
	"event_names":   types.ListType{ElemType: types.StringType},
	"storage":       types.ObjectType{AttrTypes: storageAttrTypes},
	"create_time":   types.StringType,
}

var trackObjectType = types.ObjectType{AttrTypes: trackAttrTypes}

func (d *cloudAuditTracksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cloudaudit_tracks"
}

func (d *cloudAuditTracksDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the CloudAudit tracking sets of a Tencent Cloud account (API `DescribeAuditTracks`): " +
			"which operations each set records and where it delivers them. Without `page_number` every page is read.\n\n" +
			"**Regions.** `DescribeAuditTracks` requires a region (`region`, else the provider's `tencentcloud.region`); its " +
			"documentation lists no restriction on it. Whether the tracking sets listed depend on the region called is " +
			"undocumented: they appear to be account-wide, and the only region a tracking set carries is where it delivers " +
			"(`storage.storage_region`)." +
			evidenceNote("`narrowed_by` lists `max_items` when it is set, and `page_number` and `page_size` when `page_number` is set "+
				"(one page is read). `page_size` alone narrows nothing: every page is read. `complete` is true when the tracking sets "+
				"read reach the API's `TotalCount`. Tracking sets have no time window: `window_start` and `window_end` are null. "+
				"`region` is the region called, `account_id` and `principal_arn` the identity of the credentials."),
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the arguments: the same query always has the same `id`.",
			},
			"account": accountAttribute(),
			"region": regionAttribute(regionRequired, "`DescribeAuditTracks` requires one; its documentation lists no restriction on it, and "+
				"tracking sets belong to the account (whether the list depends on the region is undocumented)."),
			"page_number": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Read exactly this page (the API's `PageNumber`, from 1) instead of every page. " +
					"`total_count` still reports the number of tracking sets in the account.",
				Validators: []validator.Int64{
					int64validator.AtLeast(1),
					int64validator.ConflictsWith(path.MatchRoot("max_items")),
				},
			},
			"page_size": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Tracking sets per API call (the API's `PageSize`). Default 20. The API documents no maximum: " +
					"when it silently returns fewer than asked before the end, the read learns that cap, logs it at WARN, and reads every " +
					"page again from page 1 with pages of the cap (page N of another size is another slice). It fails only if the API's " +
					"pages are inconsistent (the cap changes again, or pages overlap). With `page_number`, the page is returned as the API " +
					"sent it, with a warning when it is short.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"max_items":      maxItemsAttribute("Cannot be combined with `page_number`, which reads one page."),
			evidenceAttrName: evidenceSchema(),
			"total_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of tracking sets in the account (the API's `TotalCount`), whatever was read.",
			},
			"tracks": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Tracking sets in API order (the API's `Tracks`). Empty, not null, when there are none.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"track_id":      schema.Int64Attribute{Computed: true, MarkdownDescription: "Tracking set ID (`TrackId`)."},
						"name":          schema.StringAttribute{Computed: true, MarkdownDescription: "Name (`Name`)."},
						"action_type":   schema.StringAttribute{Computed: true, MarkdownDescription: "Operations recorded (`ActionType`): `Read`, `Write` or `*` for all."},
						"resource_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Product recorded (`ResourceType`), such as `cos` or `cam`, or `*` for all."},
						"status":        schema.Int64Attribute{Computed: true, MarkdownDescription: "`1` when the tracking set is enabled, `0` when not (`Status`)."},
						"event_names": schema.ListAttribute{
							Computed: true, ElementType: types.StringType,
							MarkdownDescription: "API names recorded (`EventNames`); `[\"*\"]` means all.",
						},
						"storage": schema.SingleNestedAttribute{
							Computed:            true,
							MarkdownDescription: "Where the tracking set delivers its logs (`Storage`).",
							Attributes: map[string]schema.Attribute{
								"storage_type":       schema.StringAttribute{Computed: true, MarkdownDescription: "`cos`, `cls` or `ckafka` (`StorageType`)."},
								"storage_region":     schema.StringAttribute{Computed: true, MarkdownDescription: "Region of the storage (`StorageRegion`)."},
								"storage_name":       schema.StringAttribute{Computed: true, MarkdownDescription: "COS bucket name without the AppID suffix, CLS topic ID, or CKafka `instanceId/topic` (`StorageName`)."},
								"storage_prefix":     schema.StringAttribute{Computed: true, MarkdownDescription: "Log file prefix (`StoragePrefix`)."},
								"storage_account_id": schema.StringAttribute{Computed: true, MarkdownDescription: "UIN of the account owning the storage, for cross-account delivery (`StorageAccountId`); null when absent."},
								"storage_app_id":     schema.StringAttribute{Computed: true, MarkdownDescription: "AppID of that account (`StorageAppId`); null when absent."},
								"compress":           schema.Int64Attribute{Computed: true, MarkdownDescription: "`1` compressed, `2` not (`Compress`); null when absent."},
							},
						},
						"create_time": schema.StringAttribute{Computed: true, MarkdownDescription: "Creation time, `YYYY-MM-DD hh:mm:ss` (`CreateTime`)."},
					},
				},
			},
		},
	}
}

func (d *cloudAuditTracksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

// read is the whole read: Read calls it for the framework, and the
// provider server calls it directly (see fast_read.go).
func (d *cloudAuditTracksDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, "auditlog_cloudaudit_tracks", regionRequired, config, state, d.readTracks)
}

// readTracks reads the tracking sets as m asks, with the account and region of target
// (see readTencent).
func (d *cloudAuditTracksDataSource) readTracks(ctx context.Context, m *cloudAuditTracksModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client

	region := target.region
	pageSize := uint64(client.DefaultAuditTracksPageSize)
	if !m.PageSize.IsNull() {
		pageSize = uint64(m.PageSize.ValueInt64())
	}

	var tracks []client.AuditTrack
	var total uint64
	ev := evidence{region: region}
	if !m.PageNumber.IsNull() {
		var requestID string
		err := client.ReadPage(ctx, func(ctx context.Context) (int, *int64, error) {
			page, err := c.DescribeAuditTracks(ctx, region, client.DescribeAuditTracksRequest{PageNumber: uint64(m.PageNumber.ValueInt64()), PageSize: pageSize})
			if err != nil {
				return 0, nil, err
			}
			tracks, total, requestID = page.Tracks, derefUint64(page.TotalCount), page.RequestId
			n := int64(total)
			return len(tracks), &n, nil
		})
		if err != nil {
			addReadError(ctx, &diags, "Reading CloudAudit tracking sets", err, cloudAuditErrorPath)
			return diags
		}
		if impossibleTotal(&diags, "Reading CloudAudit tracking sets", "TotalCount", total, requestID) {
			return diags
		}
		n, size := m.PageNumber.ValueInt64(), int64(pageSize)
		ev.narrow("page_number", true)
		ev.narrow("page_size", true)
		offset, ok := pageOffset(n, size, int64(total))
		// A page beyond the list holds none of its tracking sets: the end
		// has been passed, so nothing is left unread after the page.
		ev.complete = !ok || offset+int64(len(tracks)) >= int64(total)
		if ok {
			singlePageWarning(&diags, "tracking sets", fmt.Sprintf("page_number = %d with page_size = %d", n, size), size, offset, int64(total), len(tracks),
				"page numbers then count in pages of the cap, not of page_size, so set page_size to the cap, or leave page_number unset to read every page.")
		}
	} else {
		res, err := c.ListAuditTracks(ctx, region, pageSize, int(m.MaxItems.ValueInt64()))
		if err != nil {
			addReadError(ctx, &diags, "Reading CloudAudit tracking sets", err, cloudAuditErrorPath)
			return diags
		}
		tracks, total = res.Tracks, res.TotalCount
		ev.complete = uint64(len(tracks)) >= total
	}
	ev.narrow("max_items", !m.MaxItems.IsNull())
	ev.records = len(tracks)
	ev.identify(ctx, target, client.CloudAuditService)

	diags.Append(out.set(ctx, len(tracks), map[string]tftypes.Value{
		"id":          tfString(inputID("cloudaudit-tracks", target.idPart(), m.PageNumber, pageSize, m.MaxItems)),
		"region":      tfString(region),
		"page_size":   tfInt(int64(pageSize)),
		"total_count": tfInt(int64(total)),
		"tracks":      tracksValue(tracks),
		"evidence":    ev.value(),
	})...)
	return diags
}

// cloudAuditErrorPath attaches region errors to the region argument.
func cloudAuditErrorPath(code string) (path.Path, bool) {
	if codeHasPrefix(code, "UnsupportedRegion") {
		return path.Root("region"), true
	}
	return path.Empty(), false
}

var (
	trackTFType      = tfType(trackObjectType)
	trackListTFType  = tftypes.List{ElementType: trackTFType}
	storageTFType    = tfType(types.ObjectType{AttrTypes: storageAttrTypes})
	eventNamesTFType = tftypes.List{ElementType: tftypes.String}
	nullEventNames   = tftypes.NewValue(eventNamesTFType, nil)
	nullTrackStorage = tftypes.NewValue(storageTFType, nil)
)

// tracksValue is the tracks attribute: one object per tracking set.
func tracksValue(tracks []client.AuditTrack) tftypes.Value {
	elems := make([]tftypes.Value, len(tracks))
	for i := range tracks {
		elems[i] = trackValue(&tracks[i])
	}
	return tftypes.NewValue(trackListTFType, elems)
}

func trackValue(t *client.AuditTrack) tftypes.Value {
	eventNames := nullEventNames
	if t.EventNames != nil {
		names := make([]tftypes.Value, len(t.EventNames))
		for i, n := range t.EventNames {
			names[i] = tfString(n)
		}
		eventNames = tftypes.NewValue(eventNamesTFType, names)
	}
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
	return tftypes.NewValue(trackTFType, map[string]tftypes.Value{
		"track_id":      tfUint64Ptr(t.TrackId),
		"name":          tfStringPtr(t.Name),
		"action_type":   tfStringPtr(t.ActionType),
		"resource_type": tfStringPtr(t.ResourceType),
		"status":        tfUint64Ptr(t.Status),
		"event_names":   eventNames,
		"storage":       storage,
		"create_time":   tfStringPtr(t.CreateTime),
	})
}

func derefUint64(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}
