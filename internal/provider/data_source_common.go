package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// dataSourceBase is embedded in every data source: it keeps what the
// provider's Configure resolved.
type dataSourceBase struct {
	data *providerData
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, diags := providerDataFrom(req)
	resp.Diagnostics.Append(diags...)
	b.data = data
}

// providerDataFrom checks what Configure handed to a data source. It is nil
// before the provider is configured (for example during validation).
func providerDataFrom(req datasource.ConfigureRequest) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if req.ProviderData == nil {
		return nil, diags
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		diags.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *providerData, got: %T. Please report this issue to the provider developers.", req.ProviderData))
	}
	return data, diags
}

// inputID returns a deterministic id for a data source read: a hash of its
// arguments, so the same query always has the same id.
func inputID(prefix string, parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return prefix + "-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// The arguments every data source shares are declared here once, with one
// wording and one validation: account and region (Tencent Cloud),
// max_items and the timeouts block (every data source). A data source
// appends only what is its own to their descriptions.

// maxItemsDescription describes max_items, which means the same on every
// data source (and every one validates it with int64validator.AtLeast(1), so
// 0 is a plan-time error rather than "read everything" on some and an error
// on others).
const maxItemsDescription = "At most this many records are read; omit it to read every record. At least 1."

// maxItemsAttribute is max_items: maxItemsDescription, then what the data
// source adds (own), validated at least 1 and by more.
func maxItemsAttribute(own string, more ...validator.Int64) schema.Int64Attribute {
	desc := maxItemsDescription
	if own != "" {
		desc += " " + own
	}
	return schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: desc,
		Validators:          append([]validator.Int64{int64validator.AtLeast(1)}, more...),
	}
}

// accountAttribute is the account argument of every Tencent Cloud data
// source.
func accountAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Name of the `tencentcloud.account` block to read as: the read uses that account's role, " +
			"assumed once per provider configuration. Absent, the provider's own credentials are used. A name no " +
			"`account` block has is an error that lists the configured ones. This is only the name: the account " +
			"actually read is `evidence.account_id`.",
		Validators: []validator.String{stringvalidator.RegexMatches(accountNamePattern, "must be 1 to 64 letters, digits or _.@-")},
	}
}

// regionUse says how a data source's API takes a region.
type regionUse int

const (
	// regionRequired: the API requires one, so one is always sent: the
	// data source's region, else the account's, else the provider's.
	regionRequired regionUse = iota
	// regionOptional: the API takes one but does not need it, so one is
	// sent only when the data source sets it.
	regionOptional
)

// regionAttribute is the region argument of every Tencent Cloud data
// source; covers says what one read covers (one region, or all).
func regionAttribute(use regionUse, covers string) schema.StringAttribute {
	if use == regionOptional {
		return schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Region to send with the call (`X-TC-Region`), such as `ap-guangzhou`. This API does not need " +
				"one, so none is sent when this is absent (the region of the `account` block and the provider's " +
				"`tencentcloud.region` are not used). " + covers,
			Validators: regionValidators(),
		}
	}
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Region to call the API in (`X-TC-Region`), such as `ap-guangzhou`. Absent: the `region` of the " +
			"`account` block named by `account`, then the provider's `tencentcloud.region`; the state holds the region " +
			"called. " + covers,
		Validators: regionValidators(),
	}
}

// defaultReadTimeout bounds a whole read, every page and retry included,
// when the configuration sets no timeouts.read.
const defaultReadTimeout = 20 * time.Minute

// timeoutsBlock is the `timeouts { read = "…" }` block of every data
// source. A block, not an attribute: Terraform rejects a misspelt argument
// inside a block, but silently drops one inside an object value.
func timeoutsBlock(ctx context.Context) schema.Block {
	b := timeouts.BlockWithOpts(ctx, timeouts.Opts{ //nolint:forcetypeassert // BlockWithOpts always returns a SingleNestedBlock
		ReadDescription: "Time limit of the whole read, every page and retry included, as a duration such as `30s` or `10m`. Default `" +
			strings.TrimSuffix(defaultReadTimeout.String(), "0s") + "`.",
	}).(schema.SingleNestedBlock)
	b.MarkdownDescription = "Time limits, a block: `timeouts { read = \"10m\" }`."
	return b
}

// readModel is a data source's configuration model.
type readModel interface {
	readTimeouts() timeouts.Value
}

// beginRead logs that a data source's read starts ("read started", at INFO)
// and returns ctx carrying the read's progress, which the API clients report
// each page to ("page read", at DEBUG). runRead calls it first in every
// data source's read, and defers finish:
//
//	ctx, progress := beginRead(ctx, "auditlog_x")
//	defer func() { progress.finish(ctx, len(records), diags) }()
//
// The lines go through the clients' Logger, so they are masked like every
// other line of the provider.
func beginRead(ctx context.Context, dataSource string) (context.Context, readProgress) {
	ctx, p := client.StartRead(ctx, tflogAdapter{}, dataSource)
	return ctx, readProgress{p}
}

// readProgress is one read's progress; see beginRead.
type readProgress struct{ p *client.ReadProgress }

// finish logs "read finished" (at INFO): pages, records returned, duration,
// retries, and the first error's summary when the read failed.
func (r readProgress) finish(ctx context.Context, records int, diags diag.Diagnostics) {
	failure := ""
	if errs := diags.Errors(); len(errs) > 0 {
		failure = errs[0].Summary()
		records = 0 // nothing reaches the state
	}
	r.p.Finish(ctx, records, failure)
}

// startRead decodes the configuration into m and readies the read's
// context: the configured secrets masked in every log line written under it
// (masks live on the context, and each call brings a fresh one), and the
// whole read bounded by timeouts.read. cancel must be called when the read
// ends, even when diags has errors.
func (d *providerData) startRead(ctx context.Context, config tfsdk.Config, m readModel) (_ context.Context, cancel context.CancelFunc, diags diag.Diagnostics) {
	diags.Append(config.Get(ctx, m)...)
	if diags.HasError() {
		return ctx, func() {}, diags
	}
	limit, tdiags := m.readTimeouts().Read(ctx, defaultReadTimeout)
	diags.Append(tdiags...)
	read, set := m.readTimeouts().Attributes()["read"]
	set = set && !read.IsNull() && !read.IsUnknown()
	ctx = context.WithValue(withProviderData(d.maskSecrets(ctx), d), readLimitKey{}, readLimit{limit, set})
	ctx, cancel = context.WithTimeout(ctx, limit)
	return ctx, cancel, diags
}

type readLimitKey struct{}

// readLimit is the timeouts.read in force for a read, and whether the
// configuration set it.
type readLimit struct {
	limit time.Duration
	set   bool
}

// readTimeoutInForce describes a read's timeouts.read for messages:
// "timeouts.read (4s)" or "timeouts.read (20m0s, the default)".
func readTimeoutInForce(ctx context.Context) string {
	l, ok := ctx.Value(readLimitKey{}).(readLimit)
	switch {
	case !ok:
		return "timeouts.read"
	case l.set:
		return "timeouts.read (" + l.limit.String() + ")"
	}
	return "timeouts.read (" + l.limit.String() + ", the default)"
}

// addReadError turns a client error into a diagnostic. Errors the API blames
// on one argument are attached to that attribute; all carry the API's code,
// message and RequestId as the client formats them.
// ctx is the read's context: when it has expired, the error is reported
// against timeouts.read, whatever the last call failed with.
func addReadError(ctx context.Context, diags *diag.Diagnostics, summary string, err error, attrFor func(code string) (path.Path, bool)) {
	if addReadTimeoutError(ctx, diags, summary, err) || accountReadError(ctx, diags, summary, err) {
		return
	}
	detail := err.Error() + readErrorAdvice(ctx, err)
	var te *client.TencentError
	if errors.As(err, &te) && attrFor != nil {
		if p, ok := attrFor(te.Code); ok {
			diags.AddAttributeError(p, summary, detail)
			return
		}
	}
	diags.AddError(summary, detail)
}

// addReadTimeoutError reports err against timeouts.read when the read's
// context ctx has expired, whatever the last call failed with, and as an
// interruption when Terraform asked the provider to stop (the context was
// cancelled), and says whether it did.
func addReadTimeoutError(ctx context.Context, diags *diag.Diagnostics, summary string, err error) bool {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		diags.AddAttributeError(path.Root("timeouts").AtName("read"), summary,
			"The read did not finish within "+readTimeoutInForce(ctx)+": set a longer one to allow it more time. Last error: "+err.Error())
		return true
	case errors.Is(ctx.Err(), context.Canceled):
		diags.AddError(summary, "The read was interrupted: Terraform asked the provider to stop (Ctrl-C, or the run "+
			"ending on another error) before the read finished, so nothing was read. The call in progress: "+err.Error())
		return true
	}
	return false
}

// codeHasPrefix reports whether an API error code is code or one of its
// sub-codes ("InvalidParameterValue" matches "InvalidParameterValue.Foo").
func codeHasPrefix(code, prefix string) bool {
	return code == prefix || strings.HasPrefix(code, prefix+".")
}
