package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

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
	_ datasource.DataSourceWithConfigure      = &clsAnalysisDataSource{}
	_ datasource.DataSourceWithValidateConfig = &clsAnalysisDataSource{}
)

// NewCLSAnalysisDataSource is the auditlog_cls_analysis data source: the
// SQL part of a CLS statement, run by CLS over what its search part matches.
func NewCLSAnalysisDataSource() datasource.DataSource { return &clsAnalysisDataSource{} }

type clsAnalysisDataSource struct{ dataSourceBase }

const clsAnalysisTypeName = "auditlog_cls_analysis"

// clsAnalysisDefaultRows is max_rows when unset.
const clsAnalysisDefaultRows = 1000

type clsAnalysisModel struct {
	ID               types.String   `tfsdk:"id"`
	Account          types.String   `tfsdk:"account"`
	Region           types.String   `tfsdk:"region"`
	TopicID          types.String   `tfsdk:"topic_id"`
	Query            types.String   `tfsdk:"query"`
	SQL              types.String   `tfsdk:"sql"`
	From             types.Int64    `tfsdk:"from"`
	To               types.Int64    `tfsdk:"to"`
	MaxRows          types.Int64    `tfsdk:"max_rows"`
	Columns          types.List     `tfsdk:"columns"`
	Rows             types.List     `tfsdk:"rows"`
	AnalysisEvidence types.Object   `tfsdk:"analysis_evidence"`
	Evidence         types.Object   `tfsdk:"evidence"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (m *clsAnalysisModel) readTimeouts() timeouts.Value { return m.Timeouts }
func (m *clsAnalysisModel) readTarget() (account, region types.String) {
	return m.Account, m.Region
}

var clsColumnFields = []clsField{clsStr("name", "Column name (`Columns[].Name`)."), clsStr("type", "Column type as CLS names it (`Columns[].Type`), such as `bigint`, `double`, `varchar`.")}

var clsAnalysisEvidenceFields = []clsField{
	clsStr("topic_id", "Topic analysed."), clsStr("region", "Its region."),
	clsStr("query_string", "The whole statement sent (`QueryString`): the search part, ` | `, the SQL and the `LIMIT` the provider appends."),
	clsStr("query_syntax", "The syntax sent: always `CQL` (`QuerySyntax` 1)."),
	clsStr("sampling_rate", "The sampling rate the answer says it used (`SamplingRate`), as text: always `1` (every matching log), since any other fails the read."),
	clsInt("max_rows", "`max_rows` in force."), clsInt("rows_returned", "Rows the answer held, one more than `max_rows` when it was cut."),
	clsInt("from_ms", "`From` sent, in milliseconds."), clsInt("to_ms", "`To` sent, in milliseconds."),
	{name: "incomplete_because", desc: "Why `evidence.complete` is false, one sentence each; empty when complete.", typ: types.StringType, list: true},
}

var (
	clsColumnTFType           = clsObjectTFType(clsColumnFields)
	clsRowTFType              = tftypes.Map{ElementType: tftypes.String}
	clsAnalysisEvidenceTFType = clsObjectTFType(clsAnalysisEvidenceFields)
)

func (d *clsAnalysisDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cls_analysis"
}

func (d *clsAnalysisDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs the SQL part of a statement over one Tencent Cloud CLS topic (API `SearchLog` with an SQL part, version " +
			"2020-10-16): CLS counts in its engine, and the plan holds the counts, not the events, so six months of a busy " +
			"organization's CloudAudit deliveries fit in one plan.\n\n" +
			"**Exact or failed.** The statement sent is `query | sql LIMIT max_rows+1`: CLS answers 100 rows when the SQL has no " +
			"`LIMIT`, and says nothing of the rest, so `sql` may hold no `LIMIT`, `OFFSET` or `FETCH` of its own, and an answer " +
			"longer than `max_rows` keeps `max_rows` rows with `evidence.complete` false, never silently cut. `SamplingRate` 1 is " +
			"always sent and the rate the answer echoes must be 1, else the read fails. Approximate aggregates (`approx_distinct`, " +
			"`approx_percentile`, …), comments, `;` and a second `|` are refused at plan time. A field the topic's index keeps " +
			"without SQL statistics (`sql_flag` false) fails the read naming it, before the statement is sent; a topic in cold " +
			"(infrequent access) storage has no SQL and fails the read. A window ending under 15 minutes ago is not complete " +
			"(deliveries still arrive).\n\n" +
			"How CLS encodes a row of `AnalysisRecords` is undocumented: each is read as a JSON object keyed by column, strictly; " +
			"a row whose keys are not the columns fails the read.\n\n" +
			"**Permissions:** `cls:DescribeTopics`, `cls:DescribeIndex`, `cls:SearchLog`." +
			evidenceNote("`records` is the number of rows. `narrowed_by` lists `query` unless it is `*` or empty. "+
				"`window_start` and `window_end` are `from` and `to`. `analysis_evidence` adds the statement sent, the sampling rate "+
				"the answer used and why the read is not complete."),
		Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier derived from the arguments."},
			evidenceAttrName: evidenceSchema(),
			"account":        accountAttribute(),
			"region":         regionAttribute(regionRequired, "The topic's region: a CloudAudit tracking set names it as `storage.storage_region`."),
			"topic_id": schema.StringAttribute{Required: true, MarkdownDescription: "The topic (`TopicId`), such as a CloudAudit tracking set's `storage.storage_name`.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)}},
			"query": schema.StringAttribute{Optional: true, MarkdownDescription: "CQL search part: the logs the SQL runs over. Default `*`, every log. " +
				"Filtering here is faster than in the SQL's `WHERE`.", Validators: []validator.String{stringvalidator.LengthBetween(1, 12000), clsNoSQLValidator{}}},
			"sql": schema.StringAttribute{Required: true, MarkdownDescription: "One `SELECT` over the topic (no `FROM`: the topic is the table), " +
				"without `LIMIT`, `OFFSET`, comments or `;`; names of fields with dots in double quotes (`\"userIdentity.principalId\"`), strings in " +
				"single quotes. Only fields whose index has SQL statistics (`sql_flag`) can be used.", Validators: []validator.String{clsSQLValidator{}}},
			"from": schema.Int64Attribute{Required: true, MarkdownDescription: "Start of the window, UNIX seconds (RFC 3339 through " +
				"`provider::auditlog::unix_time`); sent as milliseconds (`From`).", Validators: []validator.Int64{int64validator.AtLeast(0)}},
			"to": schema.Int64Attribute{Required: true, MarkdownDescription: "End of the window, UNIX seconds, after `from`; sent as milliseconds (`To`). " +
				"Under 15 minutes ago, the read is not complete.", Validators: []validator.Int64{int64validator.AtLeast(0)}},
			"max_rows": schema.Int64Attribute{Optional: true, MarkdownDescription: fmt.Sprintf("Most rows wanted, 1 to %d (CLS returns at most 10,000 a "+
				"statement, and one more than `max_rows` is asked for). Default %d. An answer with more is not complete.", client.MaxAnalysisRows, clsAnalysisDefaultRows),
				Validators: []validator.Int64{int64validator.Between(1, client.MaxAnalysisRows)}},
			"columns": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The answer's columns, in order.",
				NestedObject: schema.NestedAttributeObject{Attributes: clsSchemaAttrs(clsColumnFields)}},
			"rows": schema.ListAttribute{Computed: true, ElementType: types.MapType{ElemType: types.StringType},
				MarkdownDescription: "The rows, in the answer's order: each a map from column name to value as text (a number as written, " +
					"`true`/`false`, an object or array as JSON), null for SQL NULL; `tonumber()` a count. Empty, not null, when none."},
			"analysis_evidence": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "What the analysis sent and got, beside `evidence`.",
				Attributes: clsSchemaAttrs(clsAnalysisEvidenceFields)},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

// clsSQLValidator applies the statement rules at plan time.
type clsSQLValidator struct{}

func (clsSQLValidator) Description(context.Context) string {
	return "one SELECT without LIMIT, OFFSET, comments, ';', '|' or approximate aggregates"
}
func (v clsSQLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (clsSQLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.CheckAnalysisSQL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "SQL the analysis cannot run exactly", fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}

func (d *clsAnalysisDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m clsAnalysisModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateCLSWindow(m.From, m.To, &resp.Diagnostics)
}

func (d *clsAnalysisDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(d.read(ctx, req.Config, &resp.State)...)
}

func (d *clsAnalysisDataSource) read(ctx context.Context, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	return readTencent(ctx, d.data, clsAnalysisTypeName, regionRequired, config, state, d.readAnalysis)
}

func (d *clsAnalysisDataSource) readAnalysis(ctx context.Context, m *clsAnalysisModel, target tencentTarget, out *readState) (diags diag.Diagnostics) {
	c := target.client
	topicID, sql := m.TopicID.ValueString(), m.SQL.ValueString()
	search := "*"
	if !m.Query.IsNull() {
		search = m.Query.ValueString()
	}
	maxRows := clsAnalysisDefaultRows
	if !m.MaxRows.IsNull() {
		maxRows = int(m.MaxRows.ValueInt64())
	}
	from, to := m.From.ValueInt64(), m.To.ValueInt64()

	topic, err := c.DescribeCLSTopic(ctx, target.region, topicID)
	if err != nil {
		addReadError(ctx, &diags, "Analysing CLS logs", fmt.Errorf("reading topic %s: %w", topicID, err), nil)
		return diags
	}
	if topic == nil {
		diags.AddAttributeError(path.Root("topic_id"), "Analysing CLS logs", fmt.Sprintf("Topic %s does not exist in region %s (%s).", topicID, target.region, target.regionFrom(m.Region)))
		return diags
	}
	if topic.StorageType != nil && *topic.StorageType == "cold" {
		diags.AddAttributeError(path.Root("topic_id"), "Analysing CLS logs", fmt.Sprintf("Topic %s is in cold (infrequent access) storage, which has no SQL analysis: "+
			"read its logs with auditlog_cls_search and a full-text query instead.", topicID))
		return diags
	}
	ix, err := c.DescribeCLSIndex(ctx, target.region, topicID)
	if err != nil {
		addReadError(ctx, &diags, "Analysing CLS logs", fmt.Errorf("reading the index of topic %s: %w", topicID, err), nil)
		return diags
	}
	if bad := clsFieldsWithoutSQL(ix, client.AnalysisSQLNames(sql)); len(bad) > 0 {
		diags.AddAttributeError(path.Root("sql"), "Analysing CLS logs", fmt.Sprintf("The SQL reads %s, which topic %s indexes without SQL statistics (sql_flag false): "+
			"CLS cannot analyse it. Turn statistics on for the field in the topic's index (new logs only), or leave it out.", strings.Join(bad, ", "), topicID))
		return diags
	}

	res, err := c.AnalyseCLS(ctx, client.CLSAnalysisQuery{Region: target.region, TopicID: topicID, Search: search, SQL: sql,
		From: from * 1000, To: to * 1000, MaxRows: maxRows})
	var sqlErr *client.AnalysisSQLError
	switch {
	case errors.As(err, &sqlErr):
		diags.AddAttributeError(path.Root("sql"), "Analysing CLS logs", sqlErr.Reason)
		return diags
	case err != nil:
		addReadError(ctx, &diags, "Analysing CLS logs", err, clsAnalysisErrorPath)
		return diags
	}
	ae := clsAnalysisEvidence{topicID: topicID, region: target.region, statement: res.Statement, sampling: res.SamplingRate,
		maxRows: maxRows, returned: len(res.Rows), fromMS: from * 1000, toMS: to * 1000}
	if res.Cut {
		ae.returned++
		msg := fmt.Sprintf("The answer has more than max_rows (%d) rows: %d are kept and the read is not complete. Raise max_rows (at most %d) or group more coarsely.",
			maxRows, maxRows, client.MaxAnalysisRows)
		ae.incomplete = append(ae.incomplete, msg)
		diags.AddAttributeWarning(path.Root("max_rows"), "CLS analysis cut at max_rows", msg)
	}
	ae.incomplete = append(ae.incomplete, clsRecentWindow(to, &diags)...)
	cols := make([]tftypes.Value, len(res.Columns))
	for i, col := range res.Columns {
		cols[i] = tftypes.NewValue(clsColumnTFType, map[string]tftypes.Value{"name": tfString(col.Name), "type": tfString(col.Type)})
	}
	rows := make([]tftypes.Value, len(res.Rows))
	for i, r := range res.Rows {
		elems := make(map[string]tftypes.Value, len(r))
		for k, v := range r {
			elems[k] = tfStringPtr(v)
		}
		rows[i] = tftypes.NewValue(clsRowTFType, elems)
	}
	ev := evidence{complete: len(ae.incomplete) == 0, records: len(rows), windowStart: &from, windowEnd: &to, region: target.region}
	q := strings.TrimSpace(search)
	ev.narrow("query", q != "*" && q != "")
	ev.identify(ctx, target, client.CLSService)
	computed := map[string]tftypes.Value{
		evidenceAttrName:    ev.value(),
		"analysis_evidence": ae.value(),
		"region":            tfString(target.region),
		"id":                tfString(inputID("cls-analysis", target.idPart(), topicID, search, sql, from, to, maxRows)),
		"columns":           tftypes.NewValue(tftypes.List{ElementType: clsColumnTFType}, cols),
		"rows":              tftypes.NewValue(tftypes.List{ElementType: clsRowTFType}, rows),
	}
	diags.Append(out.set(ctx, len(rows), computed)...)
	return diags
}

// clsFieldsWithoutSQL lists the names the SQL reads that the index keeps
// without SQL statistics; names the index does not hold are left to CLS
// (they may be aliases, or unknown columns it reports itself).
func clsFieldsWithoutSQL(ix *client.DescribeIndexResponse, names []string) []string {
	noSQL := map[string]bool{}
	if ix.Rule != nil && ix.Rule.KeyValue != nil {
		for _, kv := range ix.Rule.KeyValue.KeyValues {
			if kv.Key != nil && (kv.Value == nil || kv.Value.SqlFlag == nil || !*kv.Value.SqlFlag) {
				noSQL[*kv.Key] = true
			}
		}
	}
	var bad []string
	for _, n := range names {
		if noSQL[n] {
			bad = append(bad, n)
		}
	}
	sort.Strings(bad)
	return bad
}

// clsAnalysisErrorPath attaches the API's refusals of the SQL to sql, of
// the search part to query, of the topic to topic_id.
func clsAnalysisErrorPath(code string) (path.Path, bool) {
	switch code {
	case "FailedOperation.SyntaxError", "FailedOperation.QueryError", "OperationDenied.AnalysisSwitchClose", "LimitExceeded.SearchResources":
		return path.Root("sql"), true
	}
	return clsErrorPath(code)
}

// clsAnalysisEvidence is analysis_evidence.
type clsAnalysisEvidence struct {
	topicID, region, statement string
	sampling                   float64
	maxRows, returned          int
	fromMS, toMS               int64
	incomplete                 []string
}

func (a clsAnalysisEvidence) value() tftypes.Value {
	reasons := a.incomplete
	if reasons == nil {
		reasons = []string{}
	}
	return tftypes.NewValue(clsAnalysisEvidenceTFType, map[string]tftypes.Value{
		"topic_id": tfString(a.topicID), "region": tfString(a.region), "query_string": tfString(a.statement), "query_syntax": tfString("CQL"),
		"sampling_rate": tfString(fmt.Sprintf("%g", a.sampling)), "max_rows": tfInt(int64(a.maxRows)), "rows_returned": tfInt(int64(a.returned)),
		"from_ms": tfInt(a.fromMS), "to_ms": tfInt(a.toMS), "incomplete_because": tfStringList(reasons),
	})
}
