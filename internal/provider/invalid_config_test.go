package provider

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// invalidConfigCase is one configuration that must not plan.
type invalidConfigCase struct {
	name string
	// config is the whole configuration, built against the case's own
	// simulator.
	config func(sim *testSim) string
	// want matches the error; it names the attribute at fault.
	want string
	// readFailure marks a case that passes validation and fails when the
	// data source is read (an unreachable endpoint); every other case must
	// fail at plan-time validation, before any API call.
	readFailure bool
}

// simActions are every action the simulator counts; a configuration that
// fails validation must reach none of them.
var simActions = []string{"DescribeAuditTracks", "DescribeUserCallRecord", "GetUserOperationEvents", "AssumeRole", "DescribeEvents", "DescribeAuditTrack", "GetCallerIdentity"}

// icWords turns a message into a pattern that tolerates Terraform's line
// wrapping: words are matched literally, separated by any white space.
// Patterns are compiled with (?s), so "." also matches line breaks.
func icWords(msg string) string {
	parts := strings.Fields(msg)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `\s+`)
}

// icSeq matches several messages in order, with anything in between.
func icSeq(msgs ...string) string {
	parts := make([]string, len(msgs))
	for i, m := range msgs {
		parts[i] = icWords(m)
	}
	return strings.Join(parts, `.*`)
}

// icProvider describes a provider block: the simulator's credentials for
// both clouds, changed by the case. Values are raw HCL expressions; an empty
// value removes the argument.
type icProvider struct {
	tencent, ucloud, top map[string]string
	// tencentRaw and ucloudRaw, when set, replace the whole block: what
	// follows the name, such as `{ ... }` or `= "secret"`.
	tencentRaw, ucloudRaw string
}

func newICProvider(sim *testSim) *icProvider {
	o := sim.Options()
	return &icProvider{
		tencent: map[string]string{
			"secret_id":  fmt.Sprintf("%q", o.TencentSecretID),
			"secret_key": fmt.Sprintf("%q", o.TencentSecretKey),
			"endpoint":   fmt.Sprintf("%q", sim.URL),
		},
		ucloud: map[string]string{
			"public_key":  fmt.Sprintf("%q", o.UCloudPublicKey),
			"private_key": fmt.Sprintf("%q", o.UCloudPrivateKey),
			"project_id":  fmt.Sprintf("%q", o.UCloudProjectID),
			"base_url":    fmt.Sprintf("%q", sim.URL),
		},
		top: map[string]string{"max_retries": "0", "request_timeout": `"2s"`},
	}
}

func icObject(m map[string]string, indent string) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range keys {
		// A value in braces is a nested block.
		if strings.HasPrefix(m[k], "{") {
			fmt.Fprintf(&b, "%s  %s %s\n", indent, k, m[k])
			continue
		}
		fmt.Fprintf(&b, "%s  %s = %s\n", indent, k, m[k])
	}
	b.WriteString(indent + "}")
	return b.String()
}

func (p *icProvider) String() string {
	var b strings.Builder
	b.WriteString("provider \"auditlog\" {\n")
	tc, uc := p.tencentRaw, p.ucloudRaw
	if tc == "" {
		tc = icObject(p.tencent, "  ")
	}
	if uc == "" {
		uc = icObject(p.ucloud, "  ")
	}
	fmt.Fprintf(&b, "  tencentcloud %s\n  ucloud %s\n", tc, uc)
	keys := make([]string, 0, len(p.top))
	for k, v := range p.top {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, p.top[k])
	}
	b.WriteString("}\n")
	return b.String()
}

// Data sources that read through both clouds, so that a provider block that
// slipped through validation would reach the simulator.
const icReaders = `
data "auditlog_cloudaudit_tracks" "test" {}
data "auditlog_ucloud_operation_events" "test" {}
`

// providerCase is a case whose provider block is invalid.
func providerCase(name, want string, change func(p *icProvider)) invalidConfigCase {
	return invalidConfigCase{name: "provider/" + name, want: want, config: func(sim *testSim) string {
		p := newICProvider(sim)
		change(p)
		return p.String() + icReaders
	}}
}

// dataCase is a case whose data source block is invalid, under a valid
// provider block.
func dataCase(name, typ, body, want string) invalidConfigCase {
	return invalidConfigCase{name: typ + "/" + name, want: want, config: func(sim *testSim) string {
		return newICProvider(sim).String() + fmt.Sprintf("data %q \"test\" {\n%s\n}\n", "auditlog_"+typ, body)
	}}
}

func invalidConfigCases() []invalidConfigCase {
	now := time.Now()
	ago := func(d time.Duration) int64 { return now.Add(-d).Unix() }
	day := 24 * time.Hour
	sub := fmt.Sprintf("sub_uin = %q\n", cloudsim.CSIPSubUins[0])
	const (
		tracks = "cloudaudit_tracks"
		csip   = "csip_user_call_records"
		events = "ucloud_operation_events"
		caev   = "cloudaudit_events"
		track  = "cloudaudit_track"
	)
	window := fmt.Sprintf("start_time = %d\nend_time = %d\n", ago(2*day), ago(day))
	lookup := func(key, value string) string {
		return window + fmt.Sprintf("lookup_attributes {\n  attribute_key = %q\n  attribute_value = %q\n}", key, value)
	}
	role := func(attrs string) func(p *icProvider) {
		return func(p *icProvider) { p.tencent["assume_role"] = "{\n" + attrs + "\n}" }
	}
	const okRole = `role_arn = "qcs::cam::uin/100000000001:roleName/auditor"` + "\n"

	return []invalidConfigCase{
		// The provider block: types.
		providerCase("max_retries string", icWords(`Inappropriate value for attribute "max_retries": a number is required`),
			func(p *icProvider) { p.top["max_retries"] = `"many"` }),
		providerCase("request_timeout list", icWords(`Inappropriate value for attribute "request_timeout": string required`),
			func(p *icProvider) { p.top["request_timeout"] = `["30s"]` }),
		providerCase("tencentcloud string", icSeq(`Unsupported argument`, `An argument named "tencentcloud" is not expected here`),
			func(p *icProvider) { p.tencentRaw = `= "secret"` }),
		providerCase("ucloud.rate_limit string", icWords(`Inappropriate value for attribute "rate_limit": a number is required`),
			func(p *icProvider) { p.ucloud["rate_limit"] = `"fast"` }),
		// Ranges.
		providerCase("max_retries 11", icWords(`Attribute max_retries value must be between 0 and 10, got: 11`),
			func(p *icProvider) { p.top["max_retries"] = "11" }),
		providerCase("max_retries -1", icWords(`Attribute max_retries value must be between 0 and 10, got: -1`),
			func(p *icProvider) { p.top["max_retries"] = "-1" }),
		providerCase("tencentcloud.rate_limit 0", icWords(`Attribute tencentcloud.rate_limit value must be between 1 and 1000, got: 0`),
			func(p *icProvider) { p.tencent["rate_limit"] = "0" }),
		providerCase("ucloud.rate_limit 0", icWords(`Attribute ucloud.rate_limit value must be between 1 and 1000, got: 0`),
			func(p *icProvider) { p.ucloud["rate_limit"] = "0" }),
		providerCase("session_duration 0", icWords(`Attribute tencentcloud.assume_role.session_duration value must be between 1 and 43200, got: 0`),
			role(okRole+`session_name = "audit"`+"\nsession_duration = 0")),
		providerCase("session_duration 43201", icWords(`Attribute tencentcloud.assume_role.session_duration value must be between 1 and 43200, got: 43201`),
			role(okRole+`session_name = "audit"`+"\nsession_duration = 43201")),
		// Durations.
		providerCase("request_timeout soon", icWords(`Attribute request_timeout must be a positive duration such as 30s or 2m, got "soon"`),
			func(p *icProvider) { p.top["request_timeout"] = `"soon"` }),
		providerCase("request_timeout -5s", icWords(`Attribute request_timeout must be a positive duration such as 30s or 2m, got "-5s"`),
			func(p *icProvider) { p.top["request_timeout"] = `"-5s"` }),
		// Enums and formats.
		providerCase("protocol FTP", icWords(`Attribute tencentcloud.protocol value must be one of: ["HTTPS" "HTTP"], got: "FTP"`),
			func(p *icProvider) { p.tencent["protocol"] = `"FTP"` }),
		providerCase("region not an ID", icWords(`Attribute tencentcloud.region must be a Tencent Cloud region ID`),
			func(p *icProvider) { p.tencent["region"] = `"Guangzhou"` }),
		providerCase("secret_id empty", icWords(`Attribute tencentcloud.secret_id string length must be at least 1`),
			func(p *icProvider) { p.tencent["secret_id"] = `""` }),
		providerCase("role_arn malformed", icWords(`Attribute tencentcloud.assume_role.role_arn must be a CAM role ARN`),
			role(`role_arn = "arn:aws:iam::123456789012:role/auditor"`+"\n"+`session_name = "audit"`)),
		providerCase("session_name one character", icWords(`Attribute tencentcloud.assume_role.session_name must be 2 to 128 letters, digits or _+=,.@-`),
			role(okRole+`session_name = "a"`)),
		providerCase("session_name with a space", icWords(`Attribute tencentcloud.assume_role.session_name must be 2 to 128 letters, digits or _+=,.@-`),
			role(okRole+`session_name = "compliance check"`)),
		// URLs.
		providerCase("endpoint ftp", icSeq(`Invalid URL`, `Attribute tencentcloud.endpoint: "ftp://x" must start with http:// or https://`),
			func(p *icProvider) { p.tencent["endpoint"] = `"ftp://x"` }),
		providerCase("endpoint not a url", icSeq(`Invalid URL`, `Attribute tencentcloud.endpoint: "not a url" must start with http:// or https://`),
			func(p *icProvider) { p.tencent["endpoint"] = `"not a url"` }),
		providerCase("base_url without host", icSeq(`Invalid URL`, `Attribute ucloud.base_url: "http://" has no host`),
			func(p *icProvider) { p.ucloud["base_url"] = `"http://"` }),
		providerCase("base_url ftp", icSeq(`Invalid URL`, `Attribute ucloud.base_url: "ftp://x" must start with http:// or https://`),
			func(p *icProvider) { p.ucloud["base_url"] = `"ftp://x"` }),
		providerCase("endpoint port 99999", icSeq(`Invalid URL`, `Attribute tencentcloud.endpoint: "http://127.0.0.1:99999" has port 99999: a port is a number from 1 to 65535`),
			func(p *icProvider) { p.tencent["endpoint"] = `"http://127.0.0.1:99999"` }),
		providerCase("base_url port 99999", icSeq(`Invalid URL`, `Attribute ucloud.base_url: "https://api.ucloud.cn:99999" has port 99999: a port is a number from 1 to 65535`),
			func(p *icProvider) { p.ucloud["base_url"] = `"https://api.ucloud.cn:99999"` }),
		// Structure.
		providerCase("assume_role without session_name", icWords(`Attribute "tencentcloud.assume_role.session_name" must be specified when "tencentcloud.assume_role" is specified`),
			role(okRole)),
		// A misspelt argument in a nested block. Were these objects
		// attributes (tencentcloud = { ... }), Terraform's type conversion
		// would drop the unknown name before the provider saw the value, and
		// the read would silently use the environment's setting instead.
		providerCase("ucloud.projectid typo", icSeq(`Unsupported argument`, `An argument named "projectid" is not expected here.`),
			func(p *icProvider) { p.ucloud["projectid"] = `"org-nope"` }),
		providerCase("tencentcloud.secretid typo", icSeq(`Unsupported argument`, `An argument named "secretid" is not expected here.`),
			func(p *icProvider) { p.tencent["secretid"] = `"AKIDnope"` }),
		providerCase("assume_role.rolearn typo", icSeq(`Unsupported argument`, `An argument named "rolearn" is not expected here.`),
			role(okRole+`session_name = "audit"`+"\n"+`rolearn = "qcs::cam::uin/100000000001:roleName/other"`)),
		providerCase("unknown block in tencentcloud", icSeq(`Unsupported block type`, `Blocks of type "assumerole" are not expected here. Did you mean "assume_role"?`),
			func(p *icProvider) { p.tencent["assumerole"] = "{\n" + okRole + `session_name = "audit"` + "\n}" }),
		providerCase("unknown provider argument", icWords(`An argument named "region" is not expected here`),
			func(p *icProvider) { p.top["region"] = `"ap-guangzhou"` }),

		// auditlog_cloudaudit_tracks.
		dataCase("page_size 0", tracks, `page_size = 0`, icWords(`Attribute page_size value must be at least 1, got: 0`)),
		dataCase("page_number 0", tracks, `page_number = 0`, icWords(`Attribute page_number value must be at least 1, got: 0`)),
		dataCase("max_items 0", tracks, `max_items = 0`, icWords(`Attribute max_items value must be at least 1, got: 0`)),
		dataCase("page_number with max_items", tracks, "page_number = 1\nmax_items = 5",
			icWords(`Attribute "max_items" cannot be specified when "page_number" is specified`)),
		dataCase("page_size string", tracks, `page_size = "twenty"`, icWords(`Inappropriate value for attribute "page_size": a number is required`)),
		dataCase("region list", tracks, `region = ["ap-guangzhou"]`, icWords(`Inappropriate value for attribute "region": string required`)),
		dataCase("unknown argument", tracks, `page = 2`, icWords(`An argument named "page" is not expected here`)),
		dataCase("timeouts.reed typo", tracks, `timeouts { reed = "1s" }`,
			icSeq(`Unsupported argument`, `An argument named "reed" is not expected here. Did you mean "read"?`)),
		dataCase("computed total_count", tracks, `total_count = 3`, icWords(`Invalid Configuration for Read-Only Attribute`)+`.*total_count`),

		// auditlog_csip_user_call_records.
		dataCase("sub_uin missing", csip, ``, icWords(`The argument "sub_uin" is required`)),
		dataCase("sub_uin empty", csip, `sub_uin = ""`, icWords(`Attribute sub_uin string length must be at least 1, got: 0`)),
		dataCase("start_time slashes", csip, sub+`filter { start_time = "2025/05/01 00:00:00" }`,
			icWords(`Attribute filter.start_time must be a time formatted as YYYY-MM-DD hh:mm:ss, such as 2025-05-22 11:09:39, got "2025/05/01 00:00:00"`)),
		dataCase("end_time yesterday", csip, sub+`filter { end_time = "yesterday" }`,
			icWords(`Attribute filter.end_time must be a time formatted as YYYY-MM-DD hh:mm:ss, such as 2025-05-22 11:09:39, got "yesterday"`)),
		dataCase("start_time after end_time", csip, sub+"filter {\n  start_time = \"2025-05-02 00:00:00\"\n  end_time = \"2025-05-01 23:59:59\"\n}",
			icWords(`Attribute filter.start_time (2025-05-02 00:00:00) must not be after filter.end_time (2025-05-01 23:59:59)`)),
		dataCase("order up", csip, sub+`filter { order = "up" }`, icWords(`Attribute filter.order value must be one of: ["asc" "desc"], got: "up"`)),
		dataCase("operator_type 8", csip, sub+"filter {\n filters {\n name = \"Code\"\n values = [\"0\"]\n operator_type = 8\n }\n }",
			icSeq(`Attribute filter.filters[0].operator_type value must be one of`, `got: 8`)),
		dataCase("filter.limit -1", csip, sub+`filter { limit = -1 }`, icWords(`Attribute filter.limit value must be at least 0, got: -1`)),
		dataCase("filter.limit with max_items", csip, sub+"max_items = 5\nfilter { limit = 5 }",
			icWords(`Attribute "filter.limit" cannot be specified when "max_items" is specified`)),
		dataCase("member_id number", csip, sub+`member_id = 5`, icWords(`Inappropriate value for attribute "member_id": list of string required`)),
		dataCase("max_items 0", csip, sub+`max_items = 0`, icWords(`Attribute max_items value must be at least 1, got: 0`)),
		dataCase("filter.start_tim typo", csip, sub+`filter { start_tim = "2025-05-01 00:00:00" }`,
			icSeq(`Unsupported argument`, `An argument named "start_tim" is not expected here. Did you mean "start_time"?`)),
		dataCase("filter.filters typo", csip, sub+"filter {\n filters {\n name = \"Code\"\n value = [\"0\"]\n }\n }",
			icSeq(`Unsupported argument`, `An argument named "value" is not expected here. Did you mean "values"?`)),
		dataCase("timeouts.reed typo", csip, sub+`timeouts { reed = "1s" }`,
			icSeq(`Unsupported argument`, `An argument named "reed" is not expected here. Did you mean "read"?`)),
		dataCase("filters without name", csip, sub+"filter {\n filters {\n values = [\"0\"]\n }\n }",
			icSeq(`Missing required argument`, `The argument "name" is required, but no definition was found.`)),

		// auditlog_ucloud_operation_events.
		dataCase("end_time before begin_time", events, fmt.Sprintf("begin_time = %d\nend_time = %d", ago(10*day), ago(20*day)),
			icSeq(`Attribute end_time`, `must not be before begin_time`)),
		dataCase("begin_time in the future", events, fmt.Sprintf("begin_time = %d", now.Add(time.Hour).Unix()),
			icSeq(`Attribute begin_time`, `is in the future`)),
		dataCase("end_time in the future", events, fmt.Sprintf("end_time = %d", now.Add(24*time.Hour).Unix()),
			icSeq(`Attribute end_time`, `is in the future`)),
		dataCase("begin_time past 365 days", events, fmt.Sprintf("begin_time = %d\nend_time = %d", ago(366*day), ago(day)),
			icSeq(`Attribute begin_time`, `is more than 365 days ago`)),
		dataCase("window entirely past 365 days", events, fmt.Sprintf("begin_time = %d\nend_time = %d", ago(500*day), ago(400*day)),
			icSeq(`Attribute end_time`, `is more than 365 days ago`)),
		dataCase("max_results 0", events, `max_results = 0`, icWords(`Attribute max_results value must be between 1 and 50, got: 0`)),
		dataCase("max_results 51", events, `max_results = 51`, icWords(`Attribute max_results value must be between 1 and 50, got: 51`)),
		dataCase("max_items 0", events, `max_items = 0`, icWords(`Attribute max_items value must be at least 1, got: 0`)),
		dataCase("timeouts.reed typo", events, `timeouts { reed = "1s" }`,
			icSeq(`Unsupported argument`, `An argument named "reed" is not expected here. Did you mean "read"?`)),
		dataCase("begin_time string", events, `begin_time = "yesterday"`, icWords(`Inappropriate value for attribute "begin_time": a number is required`)),
		dataCase("access_key_ids number", events, `access_key_ids = 7`, icWords(`Inappropriate value for attribute "access_key_ids": list of string required`)),
		dataCase("unknown argument", events, `region = "cn-bj2"`, icWords(`An argument named "region" is not expected here`)),

		// auditlog_cloudaudit_events.
		dataCase("start_time missing", caev, fmt.Sprintf("end_time = %d", ago(day)), icWords(`The argument "start_time" is required`)),
		dataCase("start_time past 90 days", caev, fmt.Sprintf("start_time = %d\nend_time = %d", ago(91*day), ago(80*day)),
			icSeq(`Attribute start_time`, `is more than 90 days ago: DescribeEvents serves only the last 90 days`)),
		dataCase("start_time in the future", caev, fmt.Sprintf("start_time = %d\nend_time = %d", now.Add(time.Hour).Unix(), now.Add(2*time.Hour).Unix()),
			icSeq(`Attribute start_time`, `is in the future`)),
		dataCase("start_time in milliseconds", caev, fmt.Sprintf("start_time = %d\nend_time = %d", ago(day)*1000, ago(day)*1000+3600),
			icSeq(`Attribute start_time`, `is in the future`)),
		dataCase("span of 30 days", caev, fmt.Sprintf("start_time = %d\nend_time = %d", ago(40*day), ago(10*day)),
			icSeq(`Attribute end_time`, `must be less than 30 days after start_time`)),
		dataCase("end_time before start_time", caev, fmt.Sprintf("start_time = %d\nend_time = %d", ago(day), ago(2*day)),
			icSeq(`Attribute end_time`, `must not be before start_time`)),
		dataCase("max_results 51", caev, window+`max_results = 51`, icWords(`Attribute max_results value must be between 1 and 50, got: 51`)),
		dataCase("max_results 0", caev, window+`max_results = 0`, icWords(`Attribute max_results value must be between 1 and 50, got: 0`)),
		dataCase("max_items 0", caev, window+`max_items = 0`, icWords(`Attribute max_items value must be at least 1, got: 0`)),
		dataCase("next_token not digits", caev, window+`next_token = "abc"`,
			icWords(`Attribute next_token must be the decimal digits of an unsigned 64-bit integer`)),
		dataCase("next_token above 2^64", caev, window+`next_token = "18446744073709551616"`,
			icWords(`Attribute next_token must be the decimal digits of an unsigned 64-bit integer`)),
		dataCase("attribute_key Username", caev, lookup("Username", "alice"),
			icSeq(`Attribute lookup_attributes[0].attribute_key value must be one of`, `got: "Username"`)),
		dataCase("attribute_value empty", caev, lookup("EventName", ""),
			icWords(`Attribute lookup_attributes[0].attribute_value string length must be at least 1, got: 0`)),
		dataCase("lookup_attributes as an attribute", caev, window+`lookup_attributes = [{ attribute_key = "EventName", attribute_value = "DeleteUser" }]`,
			icWords(`An argument named "lookup_attributes" is not expected here. Did you mean to define a block of type "lookup_attributes"?`)),
		dataCase("misspelt lookup key name", caev, window+"lookup_attributes {\n  attribute_keys = \"EventName\"\n  attribute_value = \"x\"\n}",
			icWords(`An argument named "attribute_keys" is not expected here`)),
		dataCase("timeouts as an attribute", caev, window+`timeouts = { read = "1m" }`,
			icWords(`An argument named "timeouts" is not expected here. Did you mean to define a block of type "timeouts"?`)),
		dataCase("computed resume_token", caev, window+`resume_token = "5"`, icWords(`Invalid Configuration for Read-Only Attribute`)+`.*resume_token`),

		// auditlog_cloudaudit_track.
		dataCase("track_id missing", track, ``, icWords(`The argument "track_id" is required`)),
		dataCase("track_id 0", track, `track_id = 0`, icWords(`Attribute track_id value must be at least 1, got: 0`)),
		dataCase("track_id string", track, `track_id = "audit-all-1"`, icWords(`Inappropriate value for attribute "track_id": a number is required`)),

		// A start_time within the 15 minutes of grace passes the plan's
		// check; the API, which has the final word, refuses it, and the
		// error names the argument, the API's code and the RequestId.
		{
			name: "cloudaudit_events/start_time in the grace, refused by the API", readFailure: true,
			want: icSeq(`Reading CloudAudit events`) + `.*start_time.*` + icSeq(`InvalidParameter: StartTime`, `is more than 90 days ago`) + `.*RequestId:\s+[0-9a-f-]{36}`,
			config: func(sim *testSim) string {
				return newICProvider(sim).String() + fmt.Sprintf("data \"auditlog_cloudaudit_events\" \"test\" {\nstart_time = %d\nend_time = %d\n}\n",
					ago(90*day+5*time.Minute), ago(89*day))
			},
		},

		// Endpoints that pass validation but cannot be reached (a closed
		// port): the read fails promptly, with no retry (max_retries = 0),
		// and the error names the action and says what went wrong where.
		{
			name: "cloudaudit_tracks/unreachable endpoint", readFailure: true,
			want: icSeq(`Reading CloudAudit tracking sets`, `tencentcloud DescribeAuditTracks: ClientError.NetworkError`) + `.*127\.0\.0\.1:1.*connection\s+refused`,
			config: func(sim *testSim) string {
				p := newICProvider(sim)
				p.tencent["endpoint"] = `"http://127.0.0.1:1"`
				return p.String() + `data "auditlog_cloudaudit_tracks" "test" {}`
			},
		},
		{
			name: "ucloud_operation_events/unreachable base_url", readFailure: true,
			want: icSeq(`Reading UCloud operation events`, `ucloud GetUserOperationEvents:`) + `.*127\.0\.0\.1:1.*connection\s+refused`,
			config: func(sim *testSim) string {
				p := newICProvider(sim)
				p.ucloud["base_url"] = `"http://127.0.0.1:1"`
				return p.String() + `data "auditlog_ucloud_operation_events" "test" {}`
			},
		},
	}
}

// TestAccInvalidConfigurations is the one place that lists every kind of bad
// input: each configuration must fail with an error naming the attribute at
// fault and, unless it is an unreachable endpoint, fail at plan time without
// a single API call.
func TestAccInvalidConfigurations(t *testing.T) {
	cases := invalidConfigCases()
	t.Logf("%d invalid configurations", len(cases))
	if len(cases) < 30 {
		t.Fatalf("only %d invalid configurations; at least 30 are required", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
	}

	// The control: the same provider block and readers, valid, do reach
	// the simulator during a plan, so a count of zero below means the
	// configuration was stopped before any call, not that none was due.
	t.Run("control/valid configuration", func(t *testing.T) {
		sim := startSim(t, cloudsim.Options{})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:   newICProvider(sim).String() + icReaders,
				PlanOnly: true,
			}},
		})
		if sim.CallCount("DescribeAuditTracks") == 0 || sim.CallCount("GetUserOperationEvents") == 0 {
			t.Fatalf("a valid configuration made no calls (DescribeAuditTracks %d, GetUserOperationEvents %d): the zero-call checks would prove nothing",
				sim.CallCount("DescribeAuditTracks"), sim.CallCount("GetUserOperationEvents"))
		}
	})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sim := startSim(t, cloudsim.Options{})
			start := time.Now()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config(sim),
					ExpectError: regexp.MustCompile(`(?s)` + tc.want),
					PlanOnly:    true,
				}},
			})
			if tc.readFailure {
				// max_retries = 0 and a closed port: no backoff, no hang.
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("the unreachable endpoint took %s to fail; it must fail promptly", d)
				}
				return
			}
			for _, action := range simActions {
				if n := sim.CallCount(action); n != 0 {
					t.Errorf("the invalid configuration reached %s %d times; it must fail at plan time", action, n)
				}
			}
		})
	}
}
