package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
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
			"The timestamp is read exactly as RFC 3339 (section 5.6) defines it: two digits for every field of the date and " +
			"time, a fraction after a `.` (not a `,`), offsets from `-23:59` to `+23:59`, `T` and `Z` in either case, real " +
			"dates only. A leap second, `23:59:60` UTC on the last day of a month (at any offset, such as " +
			"`2016-12-31T23:59:60Z` or `2017-01-01T07:59:60+08:00`), is accepted and is the UNIX second after `23:59:59`, as " +
			"POSIX counts it: `2016-12-31T23:59:60Z` gives 1483228800, the same second as `2017-01-01T00:00:00Z`, since UNIX time " +
			"has no second of its own for it.\n\n" +
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
	unix, err := parseRFC3339(timestamp)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, unix)
}

// rfc3339Re is the date-time of RFC 3339, section 5.6, whose ABNF is case
// insensitive ("t" and "z" are allowed): every field its exact number of
// digits, a fraction of one digit or more after a ".", and an offset of
// "Z" or ±hh:mm. The ranges are checked after the match.
var rfc3339Re = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))$`)

// parseRFC3339 parses a timestamp exactly as RFC 3339 section 5.6 defines
// it, and returns its UNIX time in seconds, rounding a fraction down. Go's
// time.Parse is more lenient (it takes one-digit hours, a comma before the
// fraction and offsets such as +24:00) and refuses leap seconds.
//
// A leap second (23:59:60 UTC on the last day of a month, at any offset)
// is the UNIX second after 23:59:59: UNIX time has no second for it, and
// POSIX's "seconds since the Epoch" counts it as the first second of the
// next day, so 2016-12-31T23:59:60Z is 1483228800, as 2017-01-01T00:00:00Z
// is. Times stay in order: no later timestamp maps to an earlier second.
func parseRFC3339(s string) (int64, error) {
	fail := func(why string) (int64, error) {
		return 0, fmt.Errorf("%q is not an RFC 3339 timestamp such as 2026-11-29T18:30:00Z "+
			"(a date, a time of day and a UTC offset: Z or ±hh:mm)%s", s, why)
	}
	m := rfc3339Re.FindStringSubmatch(s)
	if m == nil {
		return fail("")
	}
	n := make([]int, len(m))
	for i, field := range m[1:] {
		n[i+1], _ = strconv.Atoi(field) // digits only, or empty
	}
	year, month, day, hour, minute, second := n[1], time.Month(n[2]), n[3], n[4], n[5], n[6]
	offset := time.Duration(n[8])*time.Hour + time.Duration(n[9])*time.Minute
	if m[7] == "-" {
		offset = -offset
	}
	switch {
	case month < 1 || month > 12:
		return fail(fmt.Sprintf(": month %02d does not exist", month))
	case day < 1 || day > daysIn(year, month):
		return fail(fmt.Sprintf(": %s %d has no day %02d", month, year, day))
	case hour > 23 || minute > 59 || second > 60:
		return fail(fmt.Sprintf(": %02d:%02d:%02d is not a time of day (hours 00-23, minutes 00-59, seconds 00-59, or 60 for a leap second)", hour, minute, second))
	case n[8] > 23 || n[9] > 59:
		return fail(fmt.Sprintf(": the UTC offset %s%s:%s is out of range (hours 00-23, minutes 00-59)", m[7], m[8], m[9]))
	}
	utc := time.Date(year, month, day, hour, minute, min(second, 59), 0, time.UTC).Add(-offset)
	if second == 60 {
		if utc.Hour() != 23 || utc.Minute() != 59 || utc.AddDate(0, 0, 1).Day() != 1 {
			return fail(": a leap second (:60) is 23:59:60 UTC on the last day of a month")
		}
		return utc.Unix() + 1, nil
	}
	return utc.Unix(), nil
}

// daysIn is the number of days of a month.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
