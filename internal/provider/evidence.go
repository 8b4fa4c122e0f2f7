package provider

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// Every data source carries one computed attribute, evidence, that says
// what its read is evidence of: whether it is complete, how many records it
// returned, the window, account, region or project it covers, and which
// arguments narrowed it. It is declared here once, with one wording, and
// every data source's read fills it with an evidence value. Compliance
// policies read it from `terraform show -json`, so its names and meanings
// do not change; later additions are new attributes inside it.

// evidenceAttrName is the attribute's name on every data source.
const evidenceAttrName = "evidence"

var evidenceAttrTypes = map[string]attr.Type{
	"complete":             types.BoolType,
	"records":              types.Int64Type,
	"scanned":              types.Int64Type,
	"selection":            types.ObjectType{AttrTypes: selectionAttrTypes},
	"window_start":         types.Int64Type,
	"window_end":           types.Int64Type,
	"window_chosen_by_api": types.BoolType,
	"narrowed_by":          types.ListType{ElemType: types.StringType},
	"account_id":           types.StringType,
	"principal_arn":        types.StringType,
	"region":               types.StringType,
	"project_id":           types.StringType,
	"endpoint":             types.StringType,
	"endpoint_source":      types.StringType,
}

// selectionAttrTypes are those of evidence.selection.
var selectionAttrTypes = map[string]attr.Type{
	"api":      types.ListType{ElemType: types.StringType},
	"provider": types.ListType{ElemType: types.StringType},
}

var (
	evidenceTFType   = tfType(types.ObjectType{AttrTypes: evidenceAttrTypes})
	narrowedByTFType = tftypes.List{ElementType: tftypes.String}
	selectionTFType  = tfType(types.ObjectType{AttrTypes: selectionAttrTypes})
)

// csipZone is the time zone CSIP's zone-less times are read in for
// evidence.window_start and window_end: Beijing time, in which Tencent Cloud
// writes them (the API does not say).
var csipZone = time.FixedZone("UTC+8", 8*3600)

// evidenceSchema is the evidence attribute, the same on every data source.
func evidenceSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "What this read is evidence of, in the same terms on every data source of this provider: whether it is " +
			"complete, how many records it returned, the time window, account, region or project it covers, and which arguments " +
			"narrowed it. An attribute that does not apply to a data source is null, never guessed. Which arguments a data source " +
			"counts in `narrowed_by` is listed in its description, under **Evidence**.",
		Attributes: map[string]schema.Attribute{
			"complete": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "`true` when every record the request addresses was read: the read went on, from the position " +
					"the request starts at (`next_token`, `filter.offset`, `page_number`), until the API said there were no more (its " +
					"total reached, `ListOver`, an empty `NextToken`). `false` when `max_items`, or the API, stopped the read early, " +
					"also inside a page, and when it cannot be told. Never null after a read. This alone says whether a read is " +
					"complete (a null `resume_token` does not); how far the arguments narrowed the request is `narrowed_by`.",
			},
			"records": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Number of records the read returned in this data source's list (`1` for the one tracking set of `auditlog_cloudaudit_track`).",
			},
			"scanned": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Number of records the API returned to the provider in this read, kept or not. Equal to " +
					"`records` unless a `select` block (on the event data sources) left some out; never null after a read.",
			},
			"selection": schema.SingleNestedAttribute{
				Computed: true,
				MarkdownDescription: "The `select` block in effect, in a canonical form a policy can compare with `==`: `api`, " +
					"the conditions sent to the API, and `provider`, those the provider applied to every record the API " +
					"returned. Each condition is `<attribute>=<value as JSON>`, such as `action_type=\"Write\"` or " +
					"`source_ip_not_in=[\"10.0.0.0/8\"]`; list values sorted and each once, CIDR blocks in their canonical " +
					"form (host bits cleared), `failed_only` present only when `true`. Both lists sorted. Null when no " +
					"selection applies: no `select` block (or one that sets nothing), and on the data sources that have none. " +
					"`complete` is about the part sent to the API: every record it matches was read.",
				Attributes: map[string]schema.Attribute{
					"api": schema.ListAttribute{
						Computed:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "Conditions sent to the API (as `LookupAttributes`), sorted; empty when none are.",
					},
					"provider": schema.ListAttribute{
						Computed:            true,
						ElementType:         types.StringType,
						MarkdownDescription: "Conditions the provider applied to every record the API returned, sorted; empty when none are.",
					},
				},
			},
			"window_start": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Start of the time window sent to the API, in UNIX seconds, a default the provider picks included. " +
					"Null where the data source has no time window (tracking sets), and where none was sent and the API applied its own " +
					"(`window_chosen_by_api`). CSIP's times carry no zone: they are read as Beijing time (UTC+8), the zone Tencent " +
					"Cloud writes them in.",
			},
			"window_end": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "End of the time window sent to the API, in UNIX seconds; null as `window_start`.",
			},
			"window_chosen_by_api": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "`true` when the data source has a time window but the read sent no start or no end for it, so " +
					"the API applied its own default, which it does not document (CSIP without `filter.start_time` or " +
					"`filter.end_time`, UCloud without `begin_time` or `end_time`); `false` otherwise. Never null after a read.",
			},
			"narrowed_by": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Every argument in effect that narrows the read below all the records of its window (or of " +
					"the account, where there is no window), by its configuration path, such as `max_items` or `filter.filters`. " +
					"Sorted, each once; empty, not null, when nothing narrows. The window itself is `window_start` and " +
					"`window_end`, the account, region and project the attributes of those names.",
			},
			"account_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Tencent Cloud: the UIN of the account the credentials act as (STS `GetCallerIdentity`'s " +
					"`AccountId`, the owner account; for an assumed role, the account that owns the role), learned once per " +
					"provider configuration. Null when the identity could not be learned (`GetCallerIdentity`, whose CAM permission " +
					"is not documented, refused or failed: the read still succeeds, and a warning is logged). A refusal is kept for " +
					"the provider's lifetime; a failure that may pass (throttling, an internal error, the network) is not, so the next " +
					"read asks again. Null also for UCloud, " +
					"whose API for the account (`GetUserInfo`) is not documented.",
			},
			"principal_arn": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Tencent Cloud: the ARN of the identity the credentials act as (`GetCallerIdentity`'s `Arn`). Null as `account_id`.",
			},
			"region": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The region sent with the request (Tencent Cloud's `X-TC-Region`). Null where none is sent: " +
					"CSIP without `region`, and UCloud, whose operation log takes no region.",
			},
			"project_id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "UCloud: the `ProjectId` sent (the data source's `project_id`, else the provider's " +
					"`ucloud.project_id` or profile); null when none is sent, and for Tencent Cloud.",
			},
			"endpoint": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The URL of the API server this read called (scheme, host and any port or path), as the " +
					"provider configuration and environment chose it: for Tencent Cloud the service host actually used " +
					"(`https://cloudaudit.tencentcloudapi.com`, or `tencentcloud.endpoint` when set, or the service under " +
					"`tencentcloud.domain`), for UCloud the gateway (`ucloud.base_url`, default `https://api.ucloud.cn`). A " +
					"policy compares it with the servers it trusts: a configuration can point the provider at any server.",
			},
			"endpoint_source": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Where `endpoint` was set, so that a server the policy does not trust is blamed on the right " +
					"place: `provider_block` (`tencentcloud.endpoint`, `domain` or `protocol`; `ucloud.base_url`), `environment` " +
					"(`TENCENTCLOUD_ENDPOINT`, `TENCENTCLOUD_DOMAIN` or `TENCENTCLOUD_PROTOCOL`; `UCLOUD_API_BASE_URL`), " +
					"`profile_file` (UCloud: `base_url` of the profile in `~/.ucloud/config.json`; a tccli profile holds no " +
					"endpoint), or `default` when nothing set it and the read called the cloud's public API. Tencent Cloud: " +
					"`endpoint` alone decides when it is set (its scheme and host replace `domain` and `protocol`); otherwise " +
					"`domain` and `protocol` each count when set, and one set in the provider block with the other in the " +
					"environment gives `provider_block_and_environment`. Named accounts (`account`) and `assume_role` call the " +
					"servers of the provider's own settings, so their reads report the same source. Never null after a read.",
			},
		},
	}
}

// resumeTokenDescription is the one meaning of resume_token, on every data
// source that has one; each adds what its continuation must repeat.
const resumeTokenDescription = "Where to continue an incomplete read: pass it as `next_token` to another read of this data " +
	"source with the same other arguments, and that read starts exactly after the last event of `events`, with no gap and no " +
	"overlap. Null when the read is complete (`evidence.complete`), and null, with `evidence.complete` false, when the read " +
	"stopped where no token resumes exactly (`max_items` ended it inside a page; a warning then says how to get a token). " +
	"Whether a read is complete is `evidence.complete` alone."

// evidenceNote is the paragraph of a data source's description that says
// which of its arguments evidence.narrowed_by lists, and what else evidence
// reports for it.
func evidenceNote(text string) string {
	return "\n\n**Evidence.** " + text
}

// evidence is the value of the evidence attribute of one read. Empty
// strings and nil pointers are null.
type evidence struct {
	complete          bool
	records           int
	scanned           *int             // nil: records, nothing was left out
	selection         *recordSelection // nil: no selection
	windowStart       *int64
	windowEnd         *int64
	windowChosenByAPI bool
	narrowedBy        []string
	accountID         string
	principalArn      string
	region            string
	projectID         string
	endpoint          string
	endpointSource    string
}

// narrow adds an argument to narrowed_by when it narrows this read.
func (e *evidence) narrow(path string, when bool) {
	if when && !slices.Contains(e.narrowedBy, path) {
		e.narrowedBy = append(e.narrowedBy, path)
	}
}

// identify sets endpoint to the URL the target's client calls for service,
// endpoint_source to where it was set, and account_id and principal_arn
// from the client's caller identity. The identity is learned once per
// client; when it cannot be learned both stay null, the client logs why
// once, and the read goes on.
func (e *evidence) identify(ctx context.Context, target tencentTarget, service string) {
	e.endpoint, e.endpointSource = target.client.ServiceURL(service), target.endpointSource
	id, err := target.client.CallerIdentity(ctx)
	if err != nil || id == nil {
		return
	}
	e.accountID, e.principalArn = id.AccountId, id.Arn
}

// ucloudServer sets endpoint to the UCloud client's gateway and
// endpoint_source to where the provider configuration d took it from.
func (e *evidence) ucloudServer(d *providerData, c *client.UCloudClient) {
	e.endpoint, e.endpointSource = c.BaseURL(), d.ucloudEndpointSource
}

// value is the state value of the evidence attribute.
func (e evidence) value() tftypes.Value {
	narrowed := slices.Clone(e.narrowedBy)
	slices.Sort(narrowed)
	narrowed = slices.Compact(narrowed)
	elems := make([]tftypes.Value, len(narrowed))
	for i, p := range narrowed {
		elems[i] = tfString(p)
	}
	scanned := e.records
	if e.scanned != nil {
		scanned = *e.scanned
	}
	return tftypes.NewValue(evidenceTFType, map[string]tftypes.Value{
		"complete":             tftypes.NewValue(tftypes.Bool, e.complete),
		"records":              tfInt(int64(e.records)),
		"scanned":              tfInt(int64(scanned)),
		"selection":            e.selection.value(),
		"window_start":         tfInt64Ptr(e.windowStart),
		"window_end":           tfInt64Ptr(e.windowEnd),
		"window_chosen_by_api": tftypes.NewValue(tftypes.Bool, e.windowChosenByAPI),
		"narrowed_by":          tftypes.NewValue(narrowedByTFType, elems),
		"account_id":           tfStringOrNull(e.accountID),
		"principal_arn":        tfStringOrNull(e.principalArn),
		"region":               tfStringOrNull(e.region),
		"project_id":           tfStringOrNull(e.projectID),
		"endpoint":             tfStringOrNull(e.endpoint),
		"endpoint_source":      tfStringOrNull(e.endpointSource),
	})
}

// tfStringOrNull is s, or null when s is empty.
func tfStringOrNull(s string) tftypes.Value {
	if s == "" {
		return tfNullString
	}
	return tfString(s)
}
