package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

var _ function.Function = rfc3339Function{}

// NewRFC3339Function is provider::auditlog::rfc3339: UNIX seconds, such as
// UCloud's operate_time, as an RFC 3339 timestamp in UTC, for reports and for
// Terraform's own time functions (timeadd, timecmp, formatdate).
func NewRFC3339Function() function.Function { return rfc3339Function{} }

type rfc3339Function struct{}

// UNIX times whose RFC 3339 form has a four-digit year, 0000 to 9999:
// RFC 3339 allows no other.
var (
	rfc3339MinUnix = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	rfc3339MaxUnix = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

func (rfc3339Function) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "rfc3339"
}

func (rfc3339Function) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Converts UNIX seconds to an RFC 3339 timestamp in UTC",
		MarkdownDescription: "Returns the RFC 3339 timestamp in UTC, such as `2026-11-29T18:30:00Z`, of a UNIX time in seconds, " +
			"such as the `operate_time` of an `auditlog_ucloud_operation_events` event. The result is what Terraform's " +
			"`timeadd()`, `timecmp()` and `formatdate()` take. The number must be a whole number of seconds from " +
			"`-62167219200` (0000-01-01T00:00:00Z) to `253402300799` (9999-12-31T23:59:59Z), the years RFC 3339 can write; " +
			"any other number is an error naming the `unix` argument.",
		Parameters: []function.Parameter{
			function.Int64Parameter{
				Name:                "unix",
				MarkdownDescription: "UNIX time in whole seconds, such as `1764441000`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (rfc3339Function) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var unix int64
	resp.Error = req.Arguments.Get(ctx, &unix)
	if resp.Error != nil {
		return
	}
	if unix < rfc3339MinUnix || unix > rfc3339MaxUnix {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf(
			"%d is outside the years 0000 to 9999 that RFC 3339 can write (%d to %d)", unix, rfc3339MinUnix, rfc3339MaxUnix))
		return
	}
	resp.Error = resp.Result.Set(ctx, time.Unix(unix, 0).UTC().Format(time.RFC3339))
}
