package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

var _ function.Function = unixTimeFunction{}

// NewUnixTimeFunction is provider::auditlog::unix_time: an RFC 3339
// timestamp, such as plantimestamp() returns, as UNIX seconds, the unit of
// UCloud's begin_time and end_time. Terraform has no such function, so
// without it a window such as "the last 7 days" needs a variable set from
// `date +%s` outside Terraform.
func NewUnixTimeFunction() function.Function { return unixTimeFunction{} }

type unixTimeFunction struct{}

func (unixTimeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "unix_time"
}

func (unixTimeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Converts an RFC 3339 timestamp to UNIX seconds",
		MarkdownDescription: "Returns the UNIX time in seconds (seconds since 1970-01-01T00:00:00Z) of an RFC 3339 timestamp " +
			"such as `2026-11-29T18:30:00Z` or `2026-11-30T02:30:00+08:00`, the format of Terraform's `timestamp()` and " +
			"`plantimestamp()`. The timestamp must carry its UTC offset (`Z` or `±hh:mm`). Fractions of a second are " +
			"dropped, rounding down to the second that contains the timestamp.\n\n" +
			"Use it for arguments in UNIX seconds, such as `begin_time` and `end_time` of " +
			"`auditlog_ucloud_operation_events`: `provider::auditlog::unix_time(plantimestamp()) - 7 * 86400` is seven days " +
			"before the plan. A string that is not an RFC 3339 timestamp is an error naming the `timestamp` argument.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "timestamp",
				MarkdownDescription: "RFC 3339 timestamp with a UTC offset, such as `2026-11-29T18:30:00Z`.",
			},
		},
		Return: function.Int64Return{},
	}
}

func (unixTimeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var timestamp string
	resp.Error = req.Arguments.Get(ctx, &timestamp)
	if resp.Error != nil {
		return
	}
	t, err := parseRFC3339(timestamp)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, t.Unix())
}

// parseRFC3339 parses a timestamp strictly as RFC 3339 (time.RFC3339 also
// accepts fractional seconds), and explains what a failure means.
func parseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp such as 2026-11-29T18:30:00Z "+
			"(a date, a time of day and a UTC offset: Z or ±hh:mm)", s)
	}
	return t, nil
}
