package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

var _ datasource.DataSourceWithConfigure = &clsTopicsDataSource{}

// NewCLSTopicsDataSource is the auditlog_cls_topics data source: CLS's
// DescribeTopics, with each topic's DescribeIndex on request.
func NewCLSTopicsDataSource() datasource.DataSource { return &clsTopicsDataSource{} }

type clsTopicsDataSource struct{ dataSourceBase }

const clsTopicsTypeName = "auditlog_cls_topics"

type clsTopicsModel struct {
	ID            types.String     `tfsdk:"id"`
	Account       types.String     `tfsdk:"account"`
	Region        types.String     `tfsdk:"region"`
	Filters       []clsFilterModel `tfsdk:"filters"`
	PreciseSearch types.Int64      `tfsdk:"precise_search"`
	BizType       types.Int64      `tfsdk:"biz_type"`
	IncludeIndex  types.Bool       `tfsdk:"include_index"`
	TotalCount    types.Int64      `tfsdk:"total_count"`
	Topics        types.List       `tfsdk:"topics"`
	Evidence      types.Object     `tfsdk:"evidence"`
	Timeouts      timeouts.Value   `tfsdk:"timeouts"`
}

type clsFilterModel struct {
	Key    types.String `tfsdk:"key"`
	Values []string     `tfsdk:"values"`
}

func (m *clsTopicsModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *clsTopicsModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

// clsTopicFilterKeys are DescribeTopics' documented filter keys; tag:<key>
// is matched by pattern.
var clsTopicFilterKeys = []string{"topicName", "logsetName", "topicId", "logsetId", "tagKey", "storageType"}

var clsTagFilterKey = regexp.MustCompile(`^tag:.+$`)

var clsIndexKeyFields = []clsField{
	clsStr("key", "Indexed key (`Key`)."),
	clsStr("type", "Value type (`Type`): `long`, `text`, `double` or `json`."),
	clsStr("tokenizer", "Delimiters of a text value (`Tokenizer`); empty for `long` and `double`."),
	clsBool("sql_flag", "Statistics on (`SqlFlag`): only such keys take part in SQL analysis."),
	clsBool("contain_zh", "Chinese tokenized (`ContainZH`)."),
	clsStr("alias", "Alias (`Alias`)."),
	clsBool("open_index_for_child_only", "Only the children of a `json` key are indexed (`OpenIndexForChildOnly`)."),
	clsStr("child_nodes", "The children of a `json` key (`ChildNode`), as the API returned them, a JSON list; null when absent."),
}

var clsIndexFields = []clsField{
	clsBool("status", "Index on (`Status`): searching needs it."),
	clsStr("modify_time", "Last change, `YYYY-MM-DD HH:MM:SS` (`ModifyTime`)."),
	clsBool("include_internal_fields", "`__FILENAME__`, `__HOSTNAME__` and `__SOURCE__` in the full-text index (`IncludeInternalFields`)."),
	clsInt("metadata_flag", "`__TAG__` fields in the full-text index (`MetadataFlag`): `0` only key-value-indexed ones, `1` all, `2` none."),
	clsStr("coverage_field", "Field that stores logs whose parsing failed (`CoverageField`)."),
	clsObject("full_text", "Full-text index (`Rule.FullText`); null when off.",
		clsBool("case_sensitive", "Case sensitive (`CaseSensitive`)."),
		clsStr("tokenizer", "Delimiters (`Tokenizer`)."),
		clsBool("contain_zh", "Chinese tokenized (`ContainZH`)."),
	),
	clsObject("key_value", "Key-value index (`Rule.KeyValue`); null when off: then only full-text search works.",
		clsBool("case_sensitive", "Case sensitive (`CaseSensitive`)."),
		clsObjects("keys", "Indexed keys (`KeyValues`).", clsIndexKeyFields...),
	),
	clsObject("tag", "Metadata (`__TAG__`) index (`Rule.Tag`); null when off. Keys without the `__TAG__.` prefix.",
		clsBool("case_sensitive", "Case sensitive (`CaseSensitive`)."),
		clsObjects("keys", "Indexed keys (`KeyValues`).", clsIndexKeyFields...),
	),
	clsBool("dynamic_index", "Every field seen is added to the key-value index (`Rule.DynamicIndex.Status`); null when absent."),
}

var clsTopicFields = []clsField{
	clsStr("topic_id", "Topic ID (`TopicId`): a CloudAudit tracking set's `storage.storage_name` when it delivers to CLS."),
	clsStr("topic_name", "Name (`TopicName`)."),
	clsStr("logset_id", "Logset ID (`LogsetId`)."),
	clsStr("describes", "Description (`Describes`)."),
	clsInt("biz_type", "`0` log topic, `1` metric topic (`BizType`)."),
	clsBool("index", "Index enabled (`Index`)."),
	clsBool("status", "Collection on (`Status`): whether the topic accepts logs."),
	clsStr("storage_type", "Storage class (`StorageType`): `hot` standard, `cold` infrequent access (STANDARD_IA), where only full-text search works."),
	clsInt("period", "Retention in days (`Period`), 1 to 3600; `3640` keeps logs forever."),
	clsInt("hot_period", "Days in standard storage before logs move to infrequent access (`HotPeriod`); `0` no tiering. Key-value search of older logs is undocumented: `auditlog_cls_search` does not vouch for it."),
	clsStr("assumer_name", "Cloud product that created the topic (`AssumerName`), such as `CDN`; null or empty for topics created by users."),
	clsStr("sub_assumer_name", "Sub-kind of that product (`SubAssumerName`)."),
	clsInt("assumer_uin", "Account of the creating product (`AssumerUin`)."),
	clsStr("role_name", "Role of the creating product (`RoleName`)."),
	clsInt("partition_count", "Partitions (`PartitionCount`)."),
	clsBool("auto_split", "Automatic splitting (`AutoSplit`)."),
	clsInt("max_split_partitions", "Most partitions automatic splitting makes (`MaxSplitPartitions`)."),
	clsObjects("tags", "Tags (`Tags`).", clsStr("key", "Tag key."), clsStr("value", "Tag value.")),
	clsStr("create_time", "Creation time, `yyyy-MM-dd HH:mm:ss` (`CreateTime`)."),
	clsStr("key_id", "Encryption key (`KeyId`)."),
	clsObject("custom_kms_info", "Customer key of the encryption (`CustomKmsInfo`); null or empty: the system key. The international SDK lacks it.",
		clsStr("kms_region", "Region of the key (`KmsRegion`)."), clsStr("kms_key_id", "Key ID (`KmsKeyId`).")),
	clsBool("is_web_tracking", "Anonymous upload allowed (`IsWebTracking`)."),
	clsObject("anonymous_access", "Anonymous access (`Extends.AnonymousAccess`); null when none.",
		clsField{name: "operations", desc: "Operations allowed without authentication (`Operations`): `trackLog`, `realtimeProducer`.", typ: types.StringType, list: true},
		clsObjects("conditions", "Conditions (`Conditions`).",
			clsStr("attributes", "Attribute (`Attributes`), such as `VpcID`."),
			clsInt("rule", "`1` equal, `2` not equal (`Rule`)."),
			clsStr("condition_value", "Value (`ConditionValue`).")),
	),
	clsBool("is_source_from", "Public source IP and receive time recorded (`IsSourceFrom`)."),
	clsStr("topic_async_task_id", "Asynchronous migration task (`TopicAsyncTaskID`)."),
	clsInt("migration_status", "Migration: `1` running, `2` done, `3` failed, `4` cancelled (`MigrationStatus`)."),
	clsStr("effective_date", "When the migration takes effect (`EffectiveDate`)."),
	clsInt("billing_mode", "`0` by feature, `1` by raw volume (`BillingMode`)."),
	clsInt("new_billing_mode", "Billing mode after the change (`NewBillingMode`)."),
	clsObject("index_config", "The topic's index (`DescribeIndex`), with `include_index`; null without.", clsIndexFields...),
}

var (
	clsTopicTFType     = clsObjectTFType(clsTopicFields)
	clsTopicListTFType = tftypes.List{ElementType: clsTopicTFType}
	clsFiltersTFType   = tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"key": tftypes.String, "values": tftypes.List{ElementType: tftypes.String}}}}
)

func (d *clsTopicsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cls_topics"
}

func (d *clsTopicsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the log topics of Tencent Cloud CLS (Cloud Log Service) in one region (API `DescribeTopics`, " +
			"version 2020-10-16): retention (`period`, `hot_period`), storage class, collection status, the product that created " +
			"the topic, anonymous access and encryption; with `include_index`, each topic's index (`DescribeIndex`): what a " +
			"retention control and a search need to know before they trust a topic.\n\n" +
			"Every page is read (100 topics a call, the documented maximum) and checked against the API's `TotalCount`: a total " +
			"that changes, a topic listed twice or a page missing fails the read. **Permissions:** `cls:DescribeTopics`, and " +
			"`cls:DescribeIndex` with `include_index`." +
			evidenceNote("`narrowed_by` lists `filters` when set and `biz_type` when set. `complete` is true when every topic "+
				"the API counts was read. `region` is the region called."),
		Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier derived from the arguments."},
			evidenceAttrName: evidenceSchema(),
			"account":        accountAttribute(),
			"region":         regionAttribute(regionRequired, "CLS topics are regional: a topic ID of another region is not listed."),
			"precise_search": schema.Int64Attribute{Optional: true, MarkdownDescription: "Exact matching (`PreciseSearch`): `0` both name filters fuzzy, `1` `topicName` exact, `2` `logsetName` exact, `3` both exact.", Validators: []validator.Int64{int64validator.Between(0, 3)}},
			"biz_type":       schema.Int64Attribute{Optional: true, MarkdownDescription: "`0` log topics, `1` metric topics (`BizType`); unset, the API's default (log topics).", Validators: []validator.Int64{int64validator.Between(0, 1)}},
			"include_index":  schema.BoolAttribute{Optional: true, MarkdownDescription: "Read each topic's index with `DescribeIndex` (one call per topic, 20 a second) into `index_config`."},
			"total_count":    schema.Int64Attribute{Computed: true, MarkdownDescription: "The API's `TotalCount`, equal to the number of `topics`."},
			"topics":         schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Topics in API order (`Topics`); empty, not null, when none match.", NestedObject: schema.NestedAttributeObject{Attributes: clsSchemaAttrs(clsTopicFields)}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
			"filters": schema.ListNestedBlock{
				MarkdownDescription: "Conditions (`Filters`), at most 10: all must hold.",
				Validators:          []validator.List{listvalidator.SizeAtMost(10)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"key": schema.StringAttribute{Required: true, MarkdownDescription: "One of `topicName`, `logsetName`, `topicId`, `logsetId`, `tagKey`, `storageType` (`hot` or `cold`), or `tag:<key>`.",
						Validators: []validator.String{stringvalidator.Any(stringvalidator.OneOf(clsTopicFilterKeys...), stringvalidator.RegexMatches(clsTagFilterKey, "must be tag:<key>"))}},
					"values": schema.ListAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: "Values, 1 to 100: any may match.",
						Validators: []validator.List{listvalidator.SizeBetween(1, 100)}},
				}},
			},
		},
	}
}

func (d *clsTopicsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

func (d *clsTopicsDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, clsTopicsTypeName, regionRequired, config, state, d.readTopics)
}

func (d *clsTopicsDataSource) readTopics(ctx context.Context, m *clsTopicsModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client
	req := client.DescribeTopicsRequest{}
	for _, f := range m.Filters {
		req.Filters = append(req.Filters, client.CLSFilter{Key: f.Key.ValueString(), Values: f.Values})
	}
	if !m.PreciseSearch.IsNull() {
		v := uint64(m.PreciseSearch.ValueInt64())
		req.PreciseSearch = &v
	}
	if !m.BizType.IsNull() {
		v := uint64(m.BizType.ValueInt64())
		req.BizType = &v
	}
	res, err := c.ListCLSTopics(ctx, target.region, req)
	if err != nil {
		addReadError(ctx, &diags, "Reading CLS topics", err, nil)
		return diags
	}
	withIndex := m.IncludeIndex.ValueBool()
	elems := make([]tftypes.Value, len(res.Topics))
	for i := range res.Topics {
		t := &res.Topics[i]
		index := tftypes.NewValue(clsTopicTFType.AttributeTypes["index_config"], nil)
		if withIndex {
			ix, err := c.DescribeCLSIndex(ctx, target.region, *t.TopicId)
			if err != nil {
				addReadError(ctx, &diags, "Reading CLS topics", fmt.Errorf("reading the index of topic %s: %w", *t.TopicId, err), nil)
				return diags
			}
			index = clsIndexValue(ix)
		}
		elems[i] = clsTopicValue(t, index)
	}
	query, _ := json.Marshal(req)
	ev := evidence{complete: true, records: len(elems), region: target.region}
	ev.narrow("filters", len(m.Filters) > 0)
	ev.narrow("biz_type", !m.BizType.IsNull())
	ev.identify(ctx, target, client.CLSService)
	computed := map[string]tftypes.Value{
		evidenceAttrName: ev.value(),
		"region":         tfString(target.region),
		"id":             tfString(inputID("cls-topics", target.idPart(), string(query), withIndex)),
		"total_count":    tfInt(res.Total),
		"topics":         tftypes.NewValue(clsTopicListTFType, elems),
	}
	if m.Filters == nil {
		computed["filters"] = tftypes.NewValue(clsFiltersTFType, []tftypes.Value{})
	}
	diags.Append(out.set(ctx, len(elems), computed)...)
	return diags
}

func clsTopicValue(t *client.CLSTopicInfo, index tftypes.Value) tftypes.Value {
	at := clsTopicTFType.AttributeTypes
	tags := tftypes.NewValue(at["tags"], nil)
	if t.Tags != nil {
		et := at["tags"].(tftypes.List).ElementType //nolint:forcetypeassert // declared a list above
		vs := make([]tftypes.Value, len(t.Tags))
		for i, g := range t.Tags {
			vs[i] = tftypes.NewValue(et, map[string]tftypes.Value{"key": tfStringPtr(g.Key), "value": tfStringPtr(g.Value)})
		}
		tags = tftypes.NewValue(at["tags"], vs)
	}
	kms := tftypes.NewValue(at["custom_kms_info"], nil)
	if k := t.CustomKmsInfo; k != nil {
		kms = tftypes.NewValue(at["custom_kms_info"], map[string]tftypes.Value{"kms_region": tfStringPtr(k.KmsRegion), "kms_key_id": tfStringPtr(k.KmsKeyId)})
	}
	anon := tftypes.NewValue(at["anonymous_access"], nil)
	if t.Extends != nil && t.Extends.AnonymousAccess != nil {
		a := t.Extends.AnonymousAccess
		ot := at["anonymous_access"].(tftypes.Object) //nolint:forcetypeassert // declared an object above
		ct := ot.AttributeTypes["conditions"]
		conds := tftypes.NewValue(ct, nil)
		if a.Conditions != nil {
			et := ct.(tftypes.List).ElementType //nolint:forcetypeassert // declared a list above
			vs := make([]tftypes.Value, len(a.Conditions))
			for i, cnd := range a.Conditions {
				vs[i] = tftypes.NewValue(et, map[string]tftypes.Value{
					"attributes": tfStringPtr(cnd.Attributes), "rule": tfUint64Ptr(cnd.Rule), "condition_value": tfStringPtr(cnd.ConditionValue)})
			}
			conds = tftypes.NewValue(ct, vs)
		}
		anon = tftypes.NewValue(ot, map[string]tftypes.Value{"operations": tfStringList(a.Operations), "conditions": conds})
	}
	return tftypes.NewValue(clsTopicTFType, map[string]tftypes.Value{
		"topic_id": tfStringPtr(t.TopicId), "topic_name": tfStringPtr(t.TopicName), "logset_id": tfStringPtr(t.LogsetId),
		"describes": tfStringPtr(t.Describes), "biz_type": tfUint64Ptr(t.BizType), "index": tfBoolPtr(t.Index),
		"status": tfBoolPtr(t.Status), "storage_type": tfStringPtr(t.StorageType), "period": tfInt64Ptr(t.Period),
		"hot_period": tfUint64Ptr(t.HotPeriod), "assumer_name": tfStringPtr(t.AssumerName), "sub_assumer_name": tfStringPtr(t.SubAssumerName),
		"assumer_uin": tfUint64Ptr(t.AssumerUin), "role_name": tfStringPtr(t.RoleName), "partition_count": tfInt64Ptr(t.PartitionCount),
		"auto_split": tfBoolPtr(t.AutoSplit), "max_split_partitions": tfInt64Ptr(t.MaxSplitPartitions), "tags": tags,
		"create_time": tfStringPtr(t.CreateTime), "key_id": tfStringPtr(t.KeyId), "custom_kms_info": kms,
		"is_web_tracking": tfBoolPtr(t.IsWebTracking), "anonymous_access": anon, "is_source_from": tfBoolPtr(t.IsSourceFrom),
		"topic_async_task_id": tfStringPtr(t.TopicAsyncTaskID), "migration_status": tfUint64Ptr(t.MigrationStatus),
		"effective_date": tfStringPtr(t.EffectiveDate), "billing_mode": tfUint64Ptr(t.BillingMode),
		"new_billing_mode": tfUint64Ptr(t.NewBillingMode), "index_config": index,
	})
}

func clsIndexValue(ix *client.DescribeIndexResponse) tftypes.Value {
	it := clsTopicTFType.AttributeTypes["index_config"].(tftypes.Object) //nolint:forcetypeassert // declared an object above
	at := it.AttributeTypes
	fullText := tftypes.NewValue(at["full_text"], nil)
	keyValue := tftypes.NewValue(at["key_value"], nil)
	tag := tftypes.NewValue(at["tag"], nil)
	dynamic := tfNullBool
	if r := ix.Rule; r != nil {
		if f := r.FullText; f != nil {
			fullText = tftypes.NewValue(at["full_text"], map[string]tftypes.Value{
				"case_sensitive": tfBoolPtr(f.CaseSensitive), "tokenizer": tfStringPtr(f.Tokenizer), "contain_zh": tfBoolPtr(f.ContainZH)})
		}
		keyValue = clsKeyValueIndex(at["key_value"], r.KeyValue)
		tag = clsKeyValueIndex(at["tag"], r.Tag)
		if r.DynamicIndex != nil {
			dynamic = tfBoolPtr(r.DynamicIndex.Status)
		}
	}
	return tftypes.NewValue(it, map[string]tftypes.Value{
		"status": tfBoolPtr(ix.Status), "modify_time": tfStringPtr(ix.ModifyTime),
		"include_internal_fields": tfBoolPtr(ix.IncludeInternalFields), "metadata_flag": tfUint64Ptr(ix.MetadataFlag),
		"coverage_field": tfStringPtr(ix.CoverageField), "full_text": fullText, "key_value": keyValue, "tag": tag,
		"dynamic_index": dynamic,
	})
}

func clsKeyValueIndex(t tftypes.Type, kv *client.CLSRuleKeyValueInfo) tftypes.Value {
	if kv == nil {
		return tftypes.NewValue(t, nil)
	}
	lt := t.(tftypes.Object).AttributeTypes["keys"] //nolint:forcetypeassert // declared an object above
	et := lt.(tftypes.List).ElementType             //nolint:forcetypeassert // declared a list above
	keys := make([]tftypes.Value, len(kv.KeyValues))
	for i, k := range kv.KeyValues {
		v := k.Value
		if v == nil {
			v = &client.CLSValueInfo{}
		}
		children := tfNullString
		if v.ChildNode != nil {
			b, _ := json.Marshal(v.ChildNode)
			children = tfString(string(b))
		}
		keys[i] = tftypes.NewValue(et, map[string]tftypes.Value{
			"key": tfStringPtr(k.Key), "type": tfStringPtr(v.Type), "tokenizer": tfStringPtr(v.Tokenizer),
			"sql_flag": tfBoolPtr(v.SqlFlag), "contain_zh": tfBoolPtr(v.ContainZH), "alias": tfStringPtr(v.Alias),
			"open_index_for_child_only": tfBoolPtr(v.OpenIndexForChildOnly), "child_nodes": children,
		})
	}
	return tftypes.NewValue(t, map[string]tftypes.Value{"case_sensitive": tfBoolPtr(kv.CaseSensitive), "keys": tftypes.NewValue(lt, keys)})
}
