package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ datasource.DataSourceWithConfigure      = &clsSearchDataSource{}
	_ datasource.DataSourceWithValidateConfig = &clsSearchDataSource{}
)

// NewCLSSearchDataSource is the auditlog_cls_search data source: a raw
// SearchLog of one CLS topic, checked against DescribeLogHistogram.
func NewCLSSearchDataSource() datasource.DataSource { return &clsSearchDataSource{} }

type clsSearchDataSource struct{ dataSourceBase }

const clsSearchTypeName = "auditlog_cls_search"

// clsSearchCap is the most logs a read without max_items returns: beyond,
// the state and the plan JSON grow past what Terraform handles well, and a
// read that large belongs in pages (max_items and resume_token).
const clsSearchCap = 1_000_000

var clsDigits = regexp.MustCompile(`^[0-9]{1,19}$`)

type clsSearchModel struct {
	ID                 types.String   `tfsdk:"id"`
	Account            types.String   `tfsdk:"account"`
	Region             types.String   `tfsdk:"region"`
	TopicID            types.String   `tfsdk:"topic_id"`
	Query              types.String   `tfsdk:"query"`
	From               types.Int64    `tfsdk:"from"`
	To                 types.Int64    `tfsdk:"to"`
	Sort               types.String   `tfsdk:"sort"`
	MaxItems           types.Int64    `tfsdk:"max_items"`
	NextToken          types.String   `tfsdk:"next_token"`
	DecodeCloudAudit   types.Bool     `tfsdk:"decode_cloudaudit"`
	MemberAccountField types.String   `tfsdk:"member_account_field"`
	ResumeToken        types.String   `tfsdk:"resume_token"`
	Logs               types.List     `tfsdk:"logs"`
	Search             types.Object   `tfsdk:"search_evidence"`
	Evidence           types.Object   `tfsdk:"evidence"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (m *clsSearchModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *clsSearchModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

var clsCloudAuditFields = []clsField{
	clsStr("event_name", "`eventName`."), clsStr("event_source", "`eventSource`."), clsStr("event_type", "`eventType` (`ConsoleCall`, `ApiCall`)."),
	clsStr("event_region", "`eventRegion`."), clsStr("event_time", "`eventTime`, as delivered (text of a number or a string)."),
	clsStr("request_id", "`requestID` (else `requestId`)."), clsStr("source_ip_address", "`sourceIPAddress`."),
	clsStr("resource_type", "`resourceType`."), clsStr("resource_name", "`resourceName`."), clsStr("action_type", "`actionType`."),
	clsStr("error_code", "`errorCode`, as text."), clsStr("error_message", "`errorMessage`."),
	clsStr("principal_id", "`userIdentity.principalId`."), clsStr("account_id", "`userIdentity.accountId`: the caller's root account, not necessarily the member account of an organization track."),
	clsStr("user_name", "`userIdentity.userName`."), clsStr("secret_id", "`userIdentity.secretId`."),
	clsStr("identity_shape", "How `userIdentity` was delivered: `flattened` (keys `userIdentity.principalId`, …), `json_string` (one JSON string), `object`; null when the log has none."),
	clsStr("member_account", "The value under `member_account_field`; null when that is unset or the log lacks it."),
}

var clsLogFields = []clsField{
	clsInt("time", "Log time in Unix milliseconds (`Time`). Whether it is the event's time or its delivery's is undocumented."),
	clsStr("topic_id", "Topic the log came from (`TopicId`)."), clsStr("topic_name", "Its name (`TopicName`)."),
	clsStr("source", "Source IP (`Source`); empty for logs a product delivered."), clsStr("host_name", "Host name (`HostName`)."),
	clsStr("file_name", "File (`FileName`)."), clsStr("pkg_id", "Upload package (`PkgId`)."), clsStr("pkg_log_id", "Log inside the package (`PkgLogId`)."),
	clsObjects("high_lights", "Matched keywords (`HighLights`); the read does not ask for them, so the API's empty list or null.",
		clsStr("key", "Key."), clsField{name: "values", desc: "Values.", typ: types.StringType, list: true}),
	clsStr("log_json", "The whole log as a JSON document (`LogJson`), unchanged: `jsondecode()` it."),
	clsStr("raw_log", "Raw log (`RawLog`), set only when indexing it failed."), clsStr("index_status", "Why indexing failed (`IndexStatus`)."),
	clsObject("cloudaudit", "The log decoded as a CloudAudit event, with `decode_cloudaudit`; null without.", clsCloudAuditFields...),
}

var clsSearchEvidenceFields = []clsField{
	clsStr("topic_id", "Topic searched."), clsStr("region", "Its region."),
	clsInt("histogram_total", "`DescribeLogHistogram`'s `TotalCount` for the same query and window (`SyntaxRule` 1): the independent count the read is compared with; null when no search was made."),
	clsStr("query_string", "The `QueryString` sent."), clsStr("query_syntax", "The syntax sent: always `CQL` (`QuerySyntax` 1 and `SyntaxRule` 1)."),
	clsStr("paging", "`offset`, or `histogram_slices` where the API refused `Offset`; null when no search was made."),
	clsInt("from_ms", "`From` sent, in milliseconds."), clsInt("to_ms", "`To` sent, in milliseconds."),
	{name: "incomplete_because", desc: "Why `evidence.complete` is false, one sentence each; empty when complete.", typ: types.StringType, list: true},
}

var (
	clsLogTFType            = clsObjectTFType(clsLogFields)
	clsLogListTFType        = tftypes.List{ElementType: clsLogTFType}
	clsSearchEvidenceTFType = clsObjectTFType(clsSearchEvidenceFields)
)

func (d *clsSearchDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cls_search"
}

func (d *clsSearchDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the raw logs of one Tencent Cloud CLS topic that a query matches in a window (API `SearchLog`, " +
			"version 2020-10-16), such as the CloudAudit events a tracking set delivers to CLS, kept as long as the topic's retention, " +
			"past `auditlog_cloudaudit_events`' 90 days.\n\n" +
			"The query is sent as `QueryString` with `QuerySyntax` = 1 (CQL), always: the deprecated `Query` defaults to Lucene, " +
			"where a space means OR. `DescribeLogHistogram` counts the same query and window first (`SyntaxRule` = 1); then every " +
			"page is read by `Offset` (1,000 logs a call, no row cap), with the same parameters but the `Offset`. Where the API " +
			"refuses `Offset` (also after some pages: the read then starts over), the window is cut along the histogram into slices " +
			"of at most 10,000 logs, each read by `Context`; a histogram bucket over 10,000 logs that cannot be cut fails the read. " +
			"A read without `max_items` whose count exceeds 1,000,000 fails before reading a page.\n\n" +
			"**Complete only when proven.** `evidence.complete` is true only when the read reached the end, the logs read equal the " +
			"histogram's count (which logs its edge buckets count is undocumented: a mismatch is reported, naming both numbers), and " +
			"the window ends at least 15 minutes in the past (CloudAudit delivers every 5 to 10 minutes). A key-value query " +
			"(`key:value`, a range) on a `cold` (infrequent access) topic, or over a window reaching past the topic's `hot_period`, " +
			"is not sent: its behaviour there is undocumented; the read returns no logs, `complete` false, naming `hot_period`.\n\n" +
			"**Errors.** Retried: `LimitExceeded.LogSearch` (15 searches at once per topic, which the provider also keeps to), " +
			"`InternalError.*`, `FailedOperation.SearchTimeout`, `FailedOperation.Timeout`. `LimitExceeded.SearchResultTooLarge` asks " +
			"again with half the page. `FailedOperation.InvalidContext` starts its slice again. Syntax errors, " +
			"`OperationDenied.NewSyntaxNotSupported` (CQL not enabled on the topic), a missing or isolated topic and a cold topic's " +
			"refusal fail the read.\n\n" +
			"**Permissions:** `cls:DescribeTopics` (the topic's storage and `hot_period`), `cls:DescribeLogHistogram`, `cls:SearchLog`." +
			evidenceNote("`narrowed_by` lists `query` unless it is `*` or empty, `next_token` and `max_items` when set. "+
				"`window_start` and `window_end` are `from` and `to`. `search_evidence` adds the topic, the histogram's count, "+
				"the query and syntax sent, how it was paged and why the read is not complete."),
		Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier derived from the arguments."},
			evidenceAttrName: evidenceSchema(),
			"account":        accountAttribute(),
			"region": regionAttribute(regionRequired, "The topic's region: a CloudAudit tracking set names it as `storage.storage_region`; "+
				"a topic ID in another region reads as a missing topic."),
			"topic_id": schema.StringAttribute{Required: true, MarkdownDescription: "The topic (`TopicId`), such as a CloudAudit tracking set's `storage.storage_name`.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)}},
			"query": schema.StringAttribute{Required: true, MarkdownDescription: "CQL search condition (`QueryString`): `*` for every log, " +
				"`key:value`, phrases, `*` wildcards (not leading), ranges, `AND`, `OR`, `NOT`. Tokens, not substrings, match. No SQL part " +
				"(`|`): this is a raw search. At most 12,000 characters.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 12000), clsNoSQLValidator{}}},
			"from": schema.Int64Attribute{Required: true, MarkdownDescription: "Start of the window, UNIX seconds (as `start_time` of the other event data sources; " +
				"RFC 3339 through `provider::auditlog::unix_time`); sent as milliseconds (`From`).", Validators: []validator.Int64{int64validator.AtLeast(0)}},
			"to": schema.Int64Attribute{Required: true, MarkdownDescription: "End of the window, UNIX seconds, after `from`; sent as milliseconds (`To`). " +
				"Under 15 minutes ago, the read is not complete (deliveries still arrive).", Validators: []validator.Int64{int64validator.AtLeast(0)}},
			"sort": schema.StringAttribute{Optional: true, MarkdownDescription: "`desc` (default, newest first) or `asc` (`Sort`), always sent.",
				Validators: []validator.String{stringvalidator.OneOf("asc", "desc")}},
			"max_items": maxItemsAttribute("When the read stops before the end, `resume_token` is set."),
			"next_token": schema.StringAttribute{Optional: true, MarkdownDescription: "Start at this position: the `resume_token` of another read with the same " +
				"other arguments (a row offset into the query's logs, never a `Context`, which expires after an hour). An input only.",
				Validators: []validator.String{stringvalidator.RegexMatches(clsDigits, "must be decimal digits (a resume_token)")}},
			"resume_token": schema.StringAttribute{Computed: true, MarkdownDescription: "Where to continue a read that `max_items` stopped: pass it as " +
				"`next_token` with the same other arguments. Null when the read reached the end, and where no exact position exists " +
				"(histogram slices)."},
			"decode_cloudaudit": schema.BoolAttribute{Optional: true, MarkdownDescription: "Decode every log as a CloudAudit event into `cloudaudit`. " +
				"How CloudAudit names its fields in CLS is undocumented: `userIdentity` is read both as flattened keys " +
				"(`userIdentity.principalId`) and as one JSON string (or an object). A log that is not a JSON object fails the read."},
			"member_account_field": schema.StringAttribute{Optional: true, MarkdownDescription: "Key holding the member account of an " +
				"organization track's events (a flattened key, or a dotted path into objects and JSON strings). Which key that is, is " +
				"undocumented, so there is no default: set it from a log of your own topic. Needs `decode_cloudaudit`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"logs": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Logs in the order read (`Results`); empty, not null, when none match.",
				NestedObject: schema.NestedAttributeObject{Attributes: clsSchemaAttrs(clsLogFields)}},
			"search_evidence": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "What the search sent and counted, beside `evidence`.",
				Attributes: clsSchemaAttrs(clsSearchEvidenceFields)},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

// ValidateConfig checks the window and the settings that need each other.
func (d *clsSearchDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m clsSearchModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateCLSWindow(m.From, m.To, &resp.Diagnostics)
	if !m.MemberAccountField.IsNull() && !m.DecodeCloudAudit.ValueBool() && !m.DecodeCloudAudit.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("member_account_field"), "member_account_field without decode_cloudaudit",
			"Attribute member_account_field is read from decoded CloudAudit events: set decode_cloudaudit = true.")
	}
}

func known(v types.Int64) bool { return !v.IsNull() && !v.IsUnknown() }

// validateCLSWindow checks a CLS read's window at plan time: to after
// from, and not in the future.
func validateCLSWindow(from, to types.Int64, diags *diag.Diagnostics) {
	if known(from) && known(to) && to.ValueInt64() <= from.ValueInt64() {
		diags.AddAttributeError(path.Root("to"), "Invalid time window",
			fmt.Sprintf("Attribute to (%d, %s) must be after from (%d, %s).", to.ValueInt64(), unixUTC(to.ValueInt64()), from.ValueInt64(), unixUTC(from.ValueInt64())))
	}
	if known(to) && to.ValueInt64() > time.Now().Add(5*time.Minute).Unix() {
		diags.AddAttributeError(path.Root("to"), "Time in the future",
			fmt.Sprintf("Attribute to (%d, %s) is in the future: check the expression, or its unit (seconds).", to.ValueInt64(), unixUTC(to.ValueInt64())))
	}
}

// clsRecentWindow is why a window ending under 15 minutes ago is not
// complete (with a warning on to), or nothing: CloudAudit delivers every 5
// to 10 minutes, so logs may still arrive.
func clsRecentWindow(to int64, diags *diag.Diagnostics) []string {
	if to <= time.Now().Add(-client.CLSDeliveryLag).Unix() {
		return nil
	}
	msg := fmt.Sprintf("The window ends at %s, under 15 minutes ago: CloudAudit delivers every 5 to 10 minutes, so logs may still arrive.", unixUTC(to))
	diags.AddAttributeWarning(path.Root("to"), "CLS window too recent", msg)
	return []string{msg}
}

func (d *clsSearchDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

func (d *clsSearchDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, clsSearchTypeName, regionRequired, config, state, d.readSearch)
}

func (d *clsSearchDataSource) readSearch(ctx context.Context, m *clsSearchModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client
	topicID, query := m.TopicID.ValueString(), m.Query.ValueString()
	from, to := m.From.ValueInt64(), m.To.ValueInt64()
	sort := "desc"
	if !m.Sort.IsNull() {
		sort = m.Sort.ValueString()
	}
	var start uint64
	if !m.NextToken.IsNull() {
		start, _ = strconv.ParseUint(m.NextToken.ValueString(), 10, 64) // the validator refused anything else
	}
	maxItems := int(m.MaxItems.ValueInt64())
	se := clsSearchEvidence{topicID: topicID, region: target.region, query: query, fromMS: from * 1000, toMS: to * 1000}

	topic, err := c.DescribeCLSTopic(ctx, target.region, topicID)
	if err != nil {
		addReadError(ctx, &diags, "Reading CLS logs", fmt.Errorf("reading topic %s: %w", topicID, err), nil)
		return diags
	}
	if topic == nil {
		diags.AddAttributeError(path.Root("topic_id"), "Reading CLS logs", fmt.Sprintf("Topic %s does not exist in region %s (%s); "+
			"CLS topics are regional: a CloudAudit tracking set names its topic's region as storage.storage_region.", topicID, target.region, target.regionFrom(m.Region)))
		return diags
	}
	if reason := clsColdRefusal(topic, query, from, time.Now()); reason != "" {
		se.incomplete = append(se.incomplete, reason)
		diags.AddAttributeWarning(path.Root("query"), "Key-value query not sent", reason)
		return d.finish(ctx, m, target, out, se, nil, nil, maxItems, start)
	}

	decode := m.DecodeCloudAudit.ValueBool()
	memberField := m.MemberAccountField.ValueString()
	var elems []tftypes.Value
	var decodeErr error
	res, err := c.SearchCLSLogs(ctx, client.CLSSearchQuery{
		Region: target.region, TopicID: topicID, Query: query, From: se.fromMS, To: se.toMS, Sort: sort,
		StartOffset: start, MaxItems: maxItems, MaxTotal: clsSearchCap,
		OnPage: func(logs []client.CLSLogInfo) {
			for i := range logs {
				v, err := clsLogValue(&logs[i], decode, memberField)
				if err != nil && decodeErr == nil {
					decodeErr = fmt.Errorf("log %d (PkgId %s, PkgLogId %s): %w", len(elems)+1, deref(logs[i].PkgId), deref(logs[i].PkgLogId), err)
				}
				elems = append(elems, v)
			}
		},
		// Offset refused past a cap: the window is read again in slices.
		OnRestart: func() { elems, decodeErr = nil, nil },
	})
	var tooLarge *client.CLSTotalTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		diags.AddAttributeError(path.Root("max_items"), "Reading CLS logs", err.Error())
		return diags
	case err != nil:
		addReadError(ctx, &diags, "Reading CLS logs", err, clsErrorPath)
		return diags
	case decodeErr != nil:
		diags.AddAttributeError(path.Root("decode_cloudaudit"), "Reading CLS logs", "A log is not a CloudAudit event as decoded: "+decodeErr.Error())
		return diags
	}
	return d.finish(ctx, m, target, out, se, res, elems, maxItems, start)
}

// finish judges completeness and writes the state.
func (d *clsSearchDataSource) finish(ctx context.Context, m *clsSearchModel, target tencentTarget, out *readState, se clsSearchEvidence,
	res *client.CLSSearchResult, elems []tftypes.Value, maxItems int, start uint64,
) (diags diag.Diagnostics) {
	if elems == nil {
		elems = []tftypes.Value{}
	}
	resume := tfNullString
	if res != nil {
		se.total, se.paging = &res.HistogramTotal, res.Paging
		read := int64(start) + int64(res.Records)
		switch {
		case !res.ListOver:
			se.incomplete = append(se.incomplete, fmt.Sprintf("max_items (%d) stopped the read before the end.", maxItems))
		case read != res.HistogramTotal:
			msg := fmt.Sprintf("The read reached the end with %d logs (from offset %d), but DescribeLogHistogram counts %d for the same query and window.", read, start, res.HistogramTotal)
			se.incomplete = append(se.incomplete, msg)
			diags.AddWarning("CLS read does not match its histogram", msg+" Which logs the histogram's edge buckets count is undocumented, so the read is not complete.")
		}
		if res.ResumeOffset != nil {
			resume = tfString(strconv.FormatUint(*res.ResumeOffset, 10))
		} else if !res.ListOver {
			diags.AddAttributeWarning(path.Root("max_items"), "No resume_token", "The read was made in histogram slices (Offset refused), where no exact position exists to resume from.")
		}
	}
	se.incomplete = append(se.incomplete, clsRecentWindow(m.To.ValueInt64(), &diags)...)
	from, to := m.From.ValueInt64(), m.To.ValueInt64()
	ev := evidence{complete: len(se.incomplete) == 0, records: len(elems), windowStart: &from, windowEnd: &to, region: target.region}
	q := strings.TrimSpace(m.Query.ValueString())
	ev.narrow("query", q != "*" && q != "")
	ev.narrow("next_token", !m.NextToken.IsNull())
	ev.narrow("max_items", maxItems > 0)
	ev.identify(ctx, target, client.CLSService)
	computed := map[string]tftypes.Value{
		evidenceAttrName:  ev.value(),
		"search_evidence": se.value(),
		"region":          tfString(target.region),
		"id": tfString(inputID("cls-search", target.idPart(), se.topicID, se.query, from, to, m.Sort.ValueString(), m.NextToken.ValueString(),
			maxItems, m.DecodeCloudAudit.ValueBool(), m.MemberAccountField.ValueString())),
		"resume_token": resume,
		"logs":         tftypes.NewValue(clsLogListTFType, elems),
	}
	diags.Append(out.set(ctx, len(elems), computed)...)
	return diags
}

// clsSearchEvidence is search_evidence.
type clsSearchEvidence struct {
	topicID, region, query, paging string
	total                          *int64
	fromMS, toMS                   int64
	incomplete                     []string
}

func (s clsSearchEvidence) value() tftypes.Value {
	paging := tfNullString
	if s.paging != "" {
		paging = tfString(s.paging)
	}
	reasons := s.incomplete
	if reasons == nil {
		reasons = []string{}
	}
	return tftypes.NewValue(clsSearchEvidenceTFType, map[string]tftypes.Value{
		"topic_id": tfString(s.topicID), "region": tfString(s.region), "histogram_total": tfInt64Ptr(s.total),
		"query_string": tfString(s.query), "query_syntax": tfString("CQL"), "paging": paging,
		"from_ms": tfInt(s.fromMS), "to_ms": tfInt(s.toMS), "incomplete_because": tfStringList(reasons),
	})
}

// clsColdRefusal is why a key-value query is not sent to topic, or "": a
// cold (infrequent access) topic allows only full-text search, and a window
// reaching past hot_period may lie in that storage, where the behaviour of
// key-value search is undocumented.
func clsColdRefusal(t *client.CLSTopicInfo, query string, from int64, now time.Time) string {
	if !clsKeyValueQuery(query) {
		return ""
	}
	hot := "unset"
	if t.HotPeriod != nil {
		hot = strconv.FormatUint(*t.HotPeriod, 10)
	}
	if t.StorageType != nil && *t.StorageType == "cold" {
		return fmt.Sprintf("Topic %s is in cold (infrequent access) storage (hot_period %s), which allows only full-text search: the key-value "+
			"query was not sent and the read is not complete. Use a full-text query.", deref(t.TopicId), hot)
	}
	if t.HotPeriod != nil && *t.HotPeriod > 0 {
		edge := now.Add(-time.Duration(*t.HotPeriod) * 24 * time.Hour).Unix()
		if from < edge {
			return fmt.Sprintf("The window starts at %s, before the topic's hot_period of %d days (%s): older logs may be in infrequent access "+
				"storage, where key-value search is undocumented, so the key-value query was not sent and the read is not complete. Start "+
				"the window after %s, or use a full-text query.", unixUTC(from), *t.HotPeriod, unixUTC(edge), unixUTC(edge))
		}
	}
	return ""
}

// clsKeyValueQuery reports whether a CQL condition names a key (key:value,
// a range) outside quotes; a full-text query names none.
func clsKeyValueQuery(q string) bool {
	return client.CQLHasUnquoted(q, ":<>=")
}

// clsErrorPath attaches the API's refusals of the query to the query, and
// of the topic to topic_id.
func clsErrorPath(code string) (path.Path, bool) {
	switch {
	case code == "FailedOperation.SyntaxError", code == "FailedOperation.QueryError", code == "OperationDenied.NewSyntaxNotSupported",
		code == "OperationDenied.OperationNotSupportInSearchLow":
		return path.Root("query"), true
	case codeHasPrefix(code, "ResourceNotFound"), code == "FailedOperation.TopicIsolated":
		return path.Root("topic_id"), true
	}
	return path.Empty(), false
}

func deref(p *string) string {
	if p == nil {
		return "(none)"
	}
	return *p
}

func clsLogValue(l *client.CLSLogInfo, decode bool, memberField string) (tftypes.Value, error) {
	at := clsLogTFType.AttributeTypes
	hl := tftypes.NewValue(at["high_lights"], nil)
	if l.HighLights != nil {
		et := at["high_lights"].(tftypes.List).ElementType //nolint:forcetypeassert // declared a list above
		vs := make([]tftypes.Value, len(l.HighLights))
		for i, h := range l.HighLights {
			vs[i] = tftypes.NewValue(et, map[string]tftypes.Value{"key": tfStringPtr(h.Key), "values": tfStringList(h.Values)})
		}
		hl = tftypes.NewValue(at["high_lights"], vs)
	}
	ca := tftypes.NewValue(at["cloudaudit"], nil)
	var err error
	if decode {
		var ev *client.CLSCloudAuditEvent
		ev, err = client.DecodeCLSCloudAuditEvent(deref(l.LogJson), memberField)
		if err == nil {
			shape := tfNullString
			if ev.IdentityShape != "" {
				shape = tfString(ev.IdentityShape)
			}
			ca = tftypes.NewValue(at["cloudaudit"], map[string]tftypes.Value{
				"event_name": tfStringPtr(ev.EventName), "event_source": tfStringPtr(ev.EventSource), "event_type": tfStringPtr(ev.EventType),
				"event_region": tfStringPtr(ev.EventRegion), "event_time": tfStringPtr(ev.EventTime), "request_id": tfStringPtr(ev.RequestID),
				"source_ip_address": tfStringPtr(ev.SourceIPAddress), "resource_type": tfStringPtr(ev.ResourceType),
				"resource_name": tfStringPtr(ev.ResourceName), "action_type": tfStringPtr(ev.ActionType), "error_code": tfStringPtr(ev.ErrorCode),
				"error_message": tfStringPtr(ev.ErrorMessage), "principal_id": tfStringPtr(ev.PrincipalID), "account_id": tfStringPtr(ev.AccountID),
				"user_name": tfStringPtr(ev.UserName), "secret_id": tfStringPtr(ev.SecretID), "identity_shape": shape,
				"member_account": tfStringPtr(ev.MemberAccount),
			})
		}
	}
	return tftypes.NewValue(clsLogTFType, map[string]tftypes.Value{
		"time": tfInt64Ptr(l.Time), "topic_id": tfStringPtr(l.TopicId), "topic_name": tfStringPtr(l.TopicName),
		"source": tfStringPtr(l.Source), "host_name": tfStringPtr(l.HostName), "file_name": tfStringPtr(l.FileName),
		"pkg_id": tfStringPtr(l.PkgId), "pkg_log_id": tfStringPtr(l.PkgLogId), "high_lights": hl,
		"log_json": tfStringPtr(l.LogJson), "raw_log": tfStringPtr(l.RawLog), "index_status": tfStringPtr(l.IndexStatus),
		"cloudaudit": ca,
	}), err
}

// clsNoSQLValidator refuses an SQL part (an unquoted |): this data source
// reads raw logs, and an SQL answer has none.
type clsNoSQLValidator struct{}

func (clsNoSQLValidator) Description(context.Context) string {
	return "must be a search condition without an SQL part (|)"
}
func (v clsNoSQLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (clsNoSQLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if client.CQLHasUnquoted(req.ConfigValue.ValueString(), "|") {
		resp.Diagnostics.AddAttributeError(req.Path, "SQL in a search condition",
			fmt.Sprintf("Attribute %s holds an SQL part (after an unquoted |): it is the search condition only. Remove the SQL (auditlog_cls_analysis takes it as sql), or quote the |.", req.Path))
	}
}
