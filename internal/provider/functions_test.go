package provider

import (
	"context"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// runFunction calls a function as the framework would, and returns its
// result or its error.
func runFunction(t *testing.T, f function.Function, result attr.Value, args ...attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	resp := function.RunResponse{Result: function.NewResultData(result)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp.Result.Value(), resp.Error
}

// wantArgumentError checks that a call failed because of the argument at
// position pos, with a message containing each of the fragments.
func wantArgumentError(t *testing.T, err *function.FuncError, pos int64, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want an error about argument %d", pos)
	}
	if err.FunctionArgument == nil || *err.FunctionArgument != pos {
		t.Errorf("error %q blames argument %v, want %d", err.Text, err.FunctionArgument, pos)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Text, f) {
			t.Errorf("error %q does not say %q", err.Text, f)
		}
	}
}

func TestUnixTimeFunction(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"1970-01-01T00:00:00Z", 0},
		{"2026-11-29T18:30:00Z", 1795977000},
		{"2026-11-30T02:30:00+08:00", 1795977000}, // the offset is honoured
		{"2026-11-29T13:30:00-05:00", 1795977000},
		{"2026-11-29T18:30:00.999999Z", 1795977000}, // fractions round down
		{"1969-12-31T23:59:59.5Z", -1},              // also before 1970
		{"1969-12-31T23:59:59Z", -1},
	} {
		got, err := runFunction(t, NewUnixTimeFunction(), types.Int64Unknown(), types.StringValue(tc.in))
		if err != nil {
			t.Errorf("unix_time(%q): %v", tc.in, err)
			continue
		}
		if got != types.Int64Value(tc.want) {
			t.Errorf("unix_time(%q) = %v, want %d", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "2026-11-29", "2026-11-29T18:30:00", "2026-11-29 18:30:00Z", "1795977000", "2026-13-01T00:00:00Z", "yesterday"} {
		_, err := runFunction(t, NewUnixTimeFunction(), types.Int64Unknown(), types.StringValue(bad))
		wantArgumentError(t, err, 0, "not an RFC 3339 timestamp", `"`+bad+`"`)
	}
}

// RFC 3339 section 5.6, exactly: what Go's lenient parser lets through is
// refused, and what it refuses but the RFC allows (leap seconds, lower-case
// separators) is read.
func TestUnixTimeStrictRFC3339(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		// A leap second is the UNIX second after 23:59:59 (POSIX).
		{"2016-12-31T23:59:60Z", 1483228800},
		{"2016-12-31T23:59:60.999Z", 1483228800},
		{"2017-01-01T07:59:60+08:00", 1483228800}, // the same leap second, east of UTC
		{"2016-06-30T23:59:60Z", 1467331200},      // end of June
		{"1990-12-31T15:59:60-08:00", 662688000},  // RFC 3339's own example
		{"2016-12-31T23:59:59Z", 1483228799},      // and the second before it
		{"2017-01-01T00:00:00Z", 1483228800},
		{"2026-11-29t18:30:00z", 1795977000},      // the ABNF is case insensitive
		{"2026-11-29T18:30:00+23:59", 1795890660}, // the largest offsets
		{"2026-11-29T18:30:00-23:59", 1796063340},
		{"2026-11-29T18:30:00-00:00", 1795977000}, // "unknown local offset"
		{"2024-02-29T00:00:00Z", 1709164800},      // a leap day
		{"0000-01-01T00:00:00Z", -62167219200},
		{"9999-12-31T23:59:59.999999999999Z", 253402300799},
	} {
		got, err := runFunction(t, NewUnixTimeFunction(), types.Int64Unknown(), types.StringValue(tc.in))
		if err != nil || got != types.Int64Value(tc.want) {
			t.Errorf("unix_time(%q) = %v, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for bad, why := range map[string]string{
		"2026-11-29T18:30:00+23:60": "offset +23:60 is out of range",
		"2026-11-29T18:30:00+24:00": "offset +24:00 is out of range",
		"2026-11-29T18:30:00-99:00": "offset -99:00 is out of range",
		"2026-11-29T8:30:00Z":       "",
		"2026-11-29T18:30:00,5Z":    "",
		"2026-11-29T18:30:00.Z":     "",
		"2026-11-29T18:30Z":         "",
		"2026-11-29T18:30:00+0800":  "",
		"2026-11-29T18:30:00+08":    "",
		"2026-11-29T18:30:00 Z":     "",
		"+2026-11-29T18:30:00Z":     "",
		"26-11-29T18:30:00Z":        "",
		"2026-11-29T24:00:00Z":      "24:00:00 is not a time of day",
		"2026-11-29T18:60:00Z":      "18:60:00 is not a time of day",
		"2026-11-29T18:30:61Z":      "18:30:61 is not a time of day",
		"2026-11-29T18:30:60Z":      "a leap second (:60) is 23:59:60 UTC on the last day of a month",
		"2016-12-30T23:59:60Z":      "a leap second",
		"2016-12-31T23:59:60+08:00": "a leap second", // 15:59:60 UTC
		"2026-02-29T00:00:00Z":      "February 2026 has no day 29",
		"2026-04-31T00:00:00Z":      "April 2026 has no day 31",
		"2026-00-10T00:00:00Z":      "month 00 does not exist",
		"2026-11-00T00:00:00Z":      "has no day 00",
		"２０２６-11-29T18:30:00Z":      "", // digits are ASCII
		"2026-11-29T18:30:00Z\n":    "",
	} {
		_, err := runFunction(t, NewUnixTimeFunction(), types.Int64Unknown(), types.StringValue(bad))
		wantArgumentError(t, err, 0, "not an RFC 3339 timestamp", why)
	}
}

func TestRFC3339Function(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "1970-01-01T00:00:00Z"},
		{1795977000, "2026-11-29T18:30:00Z"},
		{-1, "1969-12-31T23:59:59Z"},
		{-62167219200, "0000-01-01T00:00:00Z"},
		{253402300799, "9999-12-31T23:59:59Z"},
	} {
		got, err := runFunction(t, NewRFC3339Function(), types.StringUnknown(), types.Int64Value(tc.in))
		if err != nil {
			t.Errorf("rfc3339(%d): %v", tc.in, err)
			continue
		}
		if got != types.StringValue(tc.want) {
			t.Errorf("rfc3339(%d) = %v, want %q", tc.in, got, tc.want)
		}
		// And back: the two functions are inverses on whole seconds.
		back, err := runFunction(t, NewUnixTimeFunction(), types.Int64Unknown(), types.StringValue(tc.want))
		if err != nil || back != types.Int64Value(tc.in) {
			t.Errorf("unix_time(rfc3339(%d)) = %v, %v", tc.in, back, err)
		}
	}
	for _, bad := range []int64{-62167219201, 253402300800} {
		_, err := runFunction(t, NewRFC3339Function(), types.StringUnknown(), types.Int64Value(bad))
		wantArgumentError(t, err, 0, "outside the years 0000 to 9999")
	}
}

func TestCIDRContainsFunction(t *testing.T) {
	for _, tc := range []struct {
		cidr, ip string
		want     bool
	}{
		{"10.0.0.0/8", "10.1.2.3", true},
		{"10.0.0.0/8", "11.1.2.3", false},
		{"106.55.0.0/16", "106.55.255.255", true},
		{"106.54.0.0/15", "106.55.1.1", true}, // a prefix that is not a whole octet
		{"106.56.0.0/15", "106.55.1.1", false},
		{"10.1.2.3/32", "10.1.2.3", true},
		{"10.1.2.3/8", "10.200.0.1", true}, // host bits in the block are ignored
		{"0.0.0.0/0", "203.205.1.1", true},
		{"2402:4e00::/32", "2402:4e00:10:1::1", true},
		{"2402:4e00::/32", "2402:4e01::1", false},
		{"2402:4E00::/32", "2402:4e00::ABCD", true}, // case does not matter
		{"::/0", "2408:8756::1", true},
		// IPv4-mapped IPv6 addresses and blocks are IPv4.
		{"10.0.0.0/8", "::ffff:10.1.2.3", true},
		{"10.0.0.0/8", "::ffff:a01:203", true},
		{"::ffff:10.0.0.0/104", "10.1.2.3", true},
		{"::ffff:0:0/96", "203.205.1.1", true},
		{"::ffff:10.0.0.0/104", "11.1.2.3", false},
		// Otherwise an address is never in a block of the other family.
		{"::/0", "10.1.2.3", false},
		{"::/0", "::ffff:10.1.2.3", false},
		{"0.0.0.0/0", "2402:4e00::1", false},
		{"::a01:0/104", "10.1.2.3", false}, // IPv4-compatible is not IPv4-mapped
	} {
		got, err := runFunction(t, NewCIDRContainsFunction(), types.BoolUnknown(), types.StringValue(tc.cidr), types.StringValue(tc.ip))
		if err != nil {
			t.Errorf("cidr_contains(%q, %q): %v", tc.cidr, tc.ip, err)
			continue
		}
		if got != types.BoolValue(tc.want) {
			t.Errorf("cidr_contains(%q, %q) = %v, want %v", tc.cidr, tc.ip, got, tc.want)
		}
	}

	// Masked and other non-addresses are errors about ip, never false.
	for _, tc := range []struct{ ip, says string }{
		{"113.108.*.73", "is masked"},
		{"106.55.***.47", "is masked"},
		{"2402:4e00:*::1", "is masked"},
		{"", "not an IP address"},
		{"10.1.2", "not an IP address"},
		{"10.1.2.3/32", "not an IP address"},
		{"010.1.2.3", "not an IP address"},
		{"example.com", "not an IP address"},
		{"fe80::1%eth0", "IPv6 zone"},
	} {
		_, err := runFunction(t, NewCIDRContainsFunction(), types.BoolUnknown(), types.StringValue("10.0.0.0/8"), types.StringValue(tc.ip))
		wantArgumentError(t, err, 1, tc.says, `"`+tc.ip+`"`)
	}
	// A bad block is an error about cidr, whatever the address.
	for _, cidr := range []string{"", "10.0.0.0", "10.0.0.0/33", "2402:4e00::/129", "10.0.0.*/8", "10.0.0.0/-1", "fe80::%eth0/64"} {
		for _, ip := range []string{"10.1.2.3", "113.108.*.73"} {
			_, err := runFunction(t, NewCIDRContainsFunction(), types.BoolUnknown(), types.StringValue(cidr), types.StringValue(ip))
			wantArgumentError(t, err, 0, "not a CIDR block", `"`+cidr+`"`)
		}
	}
}

// The functions through the real terraform binary: the values users write,
// and the errors they see, naming the argument.
func TestAccFunctions_values(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{{
			Config: `
locals {
  allowed = ["10.0.0.0/8", "2402:4e00::/32"]
  ips     = ["10.1.2.3", "::ffff:10.9.9.9", "2402:4e00:10::1", "203.205.1.1", "113.108.*.73"]
}
output "unix_time" { value = provider::auditlog::unix_time("2026-11-30T02:30:00+08:00") }
output "window_begin" { value = provider::auditlog::unix_time("2026-11-29T18:30:00Z") - 7 * 86400 }
output "rfc3339" { value = provider::auditlog::rfc3339(1795977000) }
output "round_trip" { value = provider::auditlog::rfc3339(provider::auditlog::unix_time(plantimestamp())) == formatdate("YYYY-MM-DD'T'hh:mm:ss'Z'", plantimestamp()) }
output "v4" { value = provider::auditlog::cidr_contains("10.0.0.0/8", "10.1.2.3") }
output "v4_out" { value = provider::auditlog::cidr_contains("10.0.0.0/8", "11.1.2.3") }
output "v6" { value = provider::auditlog::cidr_contains("2402:4e00::/32", "2402:4e00:10::1") }
output "mapped" { value = provider::auditlog::cidr_contains("10.0.0.0/8", "::ffff:10.1.2.3") }
output "mixed" { value = provider::auditlog::cidr_contains("::/0", "10.1.2.3") }
output "allowed" {
  value = {
    for ip in local.ips : ip => try(anytrue([for c in local.allowed : provider::auditlog::cidr_contains(c, ip)]), "masked")
  }
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("unix_time", knownvalue.NumberExact(big.NewFloat(1795977000))),
				statecheck.ExpectKnownOutputValue("window_begin", knownvalue.NumberExact(big.NewFloat(1795977000-7*86400))),
				statecheck.ExpectKnownOutputValue("rfc3339", knownvalue.StringExact("2026-11-29T18:30:00Z")),
				statecheck.ExpectKnownOutputValue("round_trip", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("v4", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("v4_out", knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("v6", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("mapped", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("mixed", knownvalue.Bool(false)),
				statecheck.ExpectKnownOutputValue("allowed", knownvalue.MapExact(map[string]knownvalue.Check{
					"10.1.2.3":        knownvalue.Bool(true),
					"::ffff:10.9.9.9": knownvalue.Bool(true),
					"2402:4e00:10::1": knownvalue.Bool(true),
					"203.205.1.1":     knownvalue.Bool(false),
					"113.108.*.73":    knownvalue.StringExact("masked"),
				})),
			},
		}},
	})
}

func TestAccFunctions_errors(t *testing.T) {
	for name, tc := range map[string]struct{ expr, want string }{
		"masked ip":     {`provider::auditlog::cidr_contains("10.0.0.0/8", "113.108.*.73")`, `Invalid value for "ip" parameter: "113.108.*.73" is masked`},
		"not an ip":     {`provider::auditlog::cidr_contains("10.0.0.0/8", "10.1.2")`, `Invalid value for "ip" parameter: "10.1.2" is not an IP address`},
		"bad cidr":      {`provider::auditlog::cidr_contains("10.0.0.0/33", "10.1.2.3")`, `Invalid value for "cidr" parameter: "10.0.0.0/33" is not a CIDR block`},
		"bad timestamp": {`provider::auditlog::unix_time("2026-11-29 18:30:00")`, `Invalid value for "timestamp" parameter: "2026-11-29 18:30:00" is not an RFC 3339 timestamp`},
		"no offset":     {`provider::auditlog::unix_time("2026-11-29T18:30:00")`, `Invalid value for "timestamp" parameter`},
		"offset +24:00": {`provider::auditlog::unix_time("2026-11-29T18:30:00+24:00")`, `Invalid value for "timestamp" parameter: "2026-11-29T18:30:00+24:00" is not an RFC 3339 timestamp`},
		"year 10000":    {`provider::auditlog::rfc3339(253402300800)`, `Invalid value for "unix" parameter: 253402300800 is outside the years 0000 to 9999`},
		"fraction":      {`provider::auditlog::rfc3339(1.5)`, `Invalid value for "unix" parameter`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
				Steps: []resource.TestStep{{
					Config:      `output "x" { value = ` + tc.expr + " }\n",
					ExpectError: regexp.MustCompile(words(tc.want)),
				}},
			})
		})
	}
}
