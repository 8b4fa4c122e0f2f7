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

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

// defaultReadTimeout bounds a whole read, every page and retry included,
// when the configuration sets no timeouts.read.
const defaultReadTimeout = 20 * time.Minute

// timeoutsAttribute is the `timeouts = { read = "…" }` argument of every
// data source.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	return timeouts.Attributes(ctx)
}

// readModel is a data source's configuration model.
type readModel interface {
	readTimeouts() timeouts.Value
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
	ctx, cancel = context.WithTimeout(d.maskSecrets(ctx), limit)
	return ctx, cancel, diags
}

// addReadError turns a client error into a diagnostic. Errors the API blames
// on one argument are attached to that attribute; all carry the API's code,
// message and RequestId as the client formats them.
// ctx is the read's context: when it has expired, the error is reported
// against timeouts.read, whatever the last call failed with.
func addReadError(ctx context.Context, diags *diag.Diagnostics, summary string, err error, attrFor func(code string) (path.Path, bool)) {
	if addReadTimeoutError(ctx, diags, summary, err) {
		return
	}
	var te *client.TencentError
	if errors.As(err, &te) && attrFor != nil {
		if p, ok := attrFor(te.Code); ok {
			diags.AddAttributeError(p, summary, err.Error())
			return
		}
	}
	diags.AddError(summary, err.Error())
}

// addReadTimeoutError reports err against timeouts.read when the read's
// context ctx has expired, whatever the last call failed with, and says
// whether it did.
func addReadTimeoutError(ctx context.Context, diags *diag.Diagnostics, summary string, err error) bool {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return false
	}
	diags.AddAttributeError(path.Root("timeouts").AtName("read"), summary,
		"The read did not finish within timeouts.read (default "+defaultReadTimeout.String()+"): set a longer one to allow it more time. Last error: "+err.Error())
	return true
}

// codeHasPrefix reports whether an API error code is code or one of its
// sub-codes ("InvalidParameterValue" matches "InvalidParameterValue.Foo").
func codeHasPrefix(code, prefix string) bool {
	return code == prefix || strings.HasPrefix(code, prefix+".")
}
