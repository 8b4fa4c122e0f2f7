package provider

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

const csipAddr = "data.auditlog_csip_user_call_records.test"

func csipCheck(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(csipAddr, p, v)
}

func csipRecordAt(i int) tfjsonpath.Path { return tfjsonpath.New("data").AtSliceIndex(i) }

// csipRecordCheck expects every attribute of one simulator record.
func csipRecordCheck(r cloudsim.CSIPCallRecord) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"source_ip":        knownvalue.StringExact(r.SourceIP),
		"event_type":       knownvalue.Int64Exact(r.EventType),
		"call_count":       knownvalue.Int64Exact(r.CallCount),
		"code":             knownvalue.Int64Exact(r.Code),
		"first_call_time":  knownvalue.StringExact(r.FirstCallTime),
		"last_call_time":   knownvalue.StringExact(r.LastCallTime),
		"source_ip_remark": knownvalue.StringExact(r.SourceIPRemark),
		"region":           knownvalue.StringExact(r.Region),
		"user_name":        knownvalue.StringExact(r.UserName),
		"date":             knownvalue.StringExact(r.Date),
		"app_id":           knownvalue.Int64Exact(r.AppID),
		"isp":              knownvalue.StringExact(r.ISP),
	})
}

// csipMatching returns the records (in the API's default order) that keep
// holds for, and fails the test if that is none or all of them: such a case
// would prove nothing.
func csipMatching(t *testing.T, recs []cloudsim.CSIPCallRecord, keep func(cloudsim.CSIPCallRecord) bool) []cloudsim.CSIPCallRecord {
	t.Helper()
	var out []cloudsim.CSIPCallRecord
	for _, r := range recs {
		if keep(r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 || len(out) == len(recs) {
		t.Fatalf("the case selects %d of %d records; choose another", len(out), len(recs))
	}
	return out
}

// csipPattern turns a message into a regexp that survives Terraform's line
// wrapping: literal text, any run of white space for each space.
func csipPattern(msg string) *regexp.Regexp {
	parts := strings.Fields(msg)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

func TestAccCSIPUserCallRecords_readsEveryPage(t *testing.T) {
	sim := startSim(t, cloudsim.Options{CallRecords: 250})
	subUin := cloudsim.CSIPSubUins[0]
	recs := sim.CSIPCallRecords(subUin)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "test" {
  sub_uin = %[1]q
}
data "auditlog_csip_user_call_records" "again" {
  sub_uin = %[1]q
}
data "auditlog_csip_user_call_records" "other" {
  sub_uin   = %[1]q
  max_items = 3
}`, subUin),
			ConfigStateChecks: []statecheck.StateCheck{
				csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(250)),
				csipCheck(tfjsonpath.New("data"), knownvalue.ListSizeExact(250)),
				csipCheck(tfjsonpath.New("region"), knownvalue.Null()),
				csipCheck(tfjsonpath.New("filter"), knownvalue.Null()),
				csipCheck(tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^csip-user-call-records-[0-9a-f]{16}$`))),
				csipCheck(csipRecordAt(0), csipRecordCheck(recs[0])),
				csipCheck(csipRecordAt(1), csipRecordCheck(recs[1])),
				csipCheck(csipRecordAt(249), csipRecordCheck(recs[249])),
				statecheck.CompareValuePairs(csipAddr, tfjsonpath.New("id"),
					"data.auditlog_csip_user_call_records.again", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(csipAddr, tfjsonpath.New("id"),
					"data.auditlog_csip_user_call_records.other", tfjsonpath.New("id"), compare.ValuesDiffer()),
			},
		}},
	})
	// Each read of "test" and "again" takes 3 pages of 100, "other" 1 page.
	if n := sim.CallCount("DescribeUserCallRecord"); n == 0 || n%7 != 0 {
		t.Errorf("DescribeUserCallRecord calls = %d, want a multiple of 7", n)
	}
}

// With filter.limit the data source makes one call with exactly the user's
// filter. Terraform reads a data source several times per test step; an
// identical test case reading every page (3 pages of 100) on a second
// simulator counts how many.
func TestAccCSIPUserCallRecords_singlePageOneCall(t *testing.T) {
	single := startSim(t, cloudsim.Options{CallRecords: 250})
	paged := startSim(t, cloudsim.Options{CallRecords: 250})
	subUin := cloudsim.CSIPSubUins[1]
	recs := single.CSIPCallRecords(subUin)
	checks := []statecheck.StateCheck{
		csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(250)),
		csipCheck(tfjsonpath.New("data"), knownvalue.ListSizeExact(5)),
	}
	for i := range 5 {
		checks = append(checks, csipCheck(csipRecordAt(i), csipRecordCheck(recs[10+i])))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: single.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
  filter {
    limit  = 5
    offset = 10
    order  = "Desc"
    by     = "insert_time"
  }
}`, subUin),
			ConfigStateChecks: checks,
		}},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: paged.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
}`, subUin),
			ConfigStateChecks: []statecheck.StateCheck{csipCheck(tfjsonpath.New("data"), knownvalue.ListSizeExact(250))},
		}},
	})
	one, three := single.CallCount("DescribeUserCallRecord"), paged.CallCount("DescribeUserCallRecord")
	if one == 0 || three != 3*one {
		t.Errorf("the filter.limit data source made %d calls, the all-pages one %d (3 per read); want exactly one call per read",
			one, three)
	}
}

func TestAccCSIPUserCallRecords_filtersOrderingAndTimeWindow(t *testing.T) {
	sim := startSim(t, cloudsim.Options{CallRecords: 120})
	subUin := cloudsim.CSIPSubUins[2]
	recs := sim.CSIPCallRecords(subUin)
	data := func(filter string) string {
		return sim.providerConfig() + fmt.Sprintf("data \"auditlog_csip_user_call_records\" \"test\" {\n  sub_uin = %q\n  filter %s\n}\n", subUin, filter)
	}
	listed := func(want []cloudsim.CSIPCallRecord) []statecheck.StateCheck {
		checks := []statecheck.StateCheck{
			csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(want)))),
			csipCheck(tfjsonpath.New("data"), knownvalue.ListSizeExact(len(want))),
		}
		for i, r := range want {
			checks = append(checks, csipCheck(csipRecordAt(i).AtMapKey("source_ip"), knownvalue.StringExact(r.SourceIP)))
		}
		return append(checks, csipCheck(csipRecordAt(0), csipRecordCheck(want[0])))
	}

	failedAPICalls := csipMatching(t, recs, func(r cloudsim.CSIPCallRecord) bool { return r.EventType == 1 && r.Code != 0 })
	carriers := csipMatching(t, recs, func(r cloudsim.CSIPCallRecord) bool { return r.ISP == "电信" || r.ISP == "联通" })
	masked := csipMatching(t, recs, func(r cloudsim.CSIPCallRecord) bool { return strings.Contains(r.SourceIP, "***") })
	start := sim.CSIPDataEnd().Add(-45 * 24 * time.Hour).Format(cloudsim.CSIPTimeLayout)
	end := sim.CSIPDataEnd().Add(-30 * 24 * time.Hour).Format(cloudsim.CSIPTimeLayout)
	window := csipMatching(t, recs, func(r cloudsim.CSIPCallRecord) bool { return r.LastCallTime >= start && r.FirstCallTime <= end })

	counts := make([]int64, len(recs))
	for i, r := range recs {
		counts[i] = r.CallCount
	}
	sort.Slice(counts, func(i, j int) bool { return counts[i] < counts[j] })
	ascending := []statecheck.StateCheck{csipCheck(tfjsonpath.New("data"), knownvalue.ListSizeExact(len(recs)))}
	for i, n := range counts {
		ascending = append(ascending, csipCheck(csipRecordAt(i).AtMapKey("call_count"), knownvalue.Int64Exact(n)))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Filters AND together: failed API calls.
				Config: data(`{
    filters {
      name   = "EventType"
      values = ["1"]
    }
    filters {
      name          = "Code"
      values        = ["0"]
      operator_type = 6
    }
  }`),
				ConfigStateChecks: listed(failedAPICalls),
			},
			{
				Config: data(`{
    filters {
      name          = "SourceIP"
      values        = ["***"]
      operator_type = 9
    }
  }`),
				ConfigStateChecks: listed(masked),
			},
			{
				// The values of one filter OR together.
				Config: data(`{
    filters {
      name          = "ISP"
      values        = ["电信", "联通"]
      operator_type = 7
    }
  }`),
				ConfigStateChecks: listed(carriers),
			},
			{
				Config:            data("{\n    by    = \"CallCount\"\n    order = \"asc\"\n  }"),
				ConfigStateChecks: ascending,
			},
			{
				Config:            data(fmt.Sprintf("{\n    start_time = %q\n    end_time   = %q\n  }", start, end)),
				ConfigStateChecks: listed(window),
			},
		},
	})
}

func TestAccCSIPUserCallRecords_emptyResultsAndMaxItems(t *testing.T) {
	sim := startSim(t, cloudsim.Options{CallRecords: 250})
	empty := startSim(t, cloudsim.Options{CallRecords: -1})
	subUin := cloudsim.CSIPSubUins[0]
	recs := sim.CSIPCallRecords(subUin)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sim.providerConfig() + `
data "auditlog_csip_user_call_records" "test" {
  sub_uin = "100099999999"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
					csipCheck(tfjsonpath.New("data"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				Config: empty.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
  region  = "ap-singapore"
}`, subUin),
				ConfigStateChecks: []statecheck.StateCheck{
					csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
					csipCheck(tfjsonpath.New("data"), knownvalue.ListExact([]knownvalue.Check{})),
					csipCheck(tfjsonpath.New("region"), knownvalue.StringExact("ap-singapore")),
				},
			},
			{
				Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "test" {
  sub_uin   = %q
  max_items = 7
}`, subUin),
				ConfigStateChecks: []statecheck.StateCheck{
					csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(250)),
					csipCheck(tfjsonpath.New("data"), knownvalue.ListSizeExact(7)),
					csipCheck(csipRecordAt(6), csipRecordCheck(recs[6])),
				},
			},
			{
				// Limit 0 counts the matching records without listing any.
				Config: sim.providerConfig() + fmt.Sprintf(`
data "auditlog_csip_user_call_records" "test" {
  sub_uin   = %q
  member_id = ["mem-6wfo0fzks3"]
  filter { limit = 0 }
}`, subUin),
				ConfigStateChecks: []statecheck.StateCheck{
					csipCheck(tfjsonpath.New("total"), knownvalue.Int64Exact(250)),
					csipCheck(tfjsonpath.New("data"), knownvalue.ListExact([]knownvalue.Check{})),
					csipCheck(tfjsonpath.New("member_id"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("mem-6wfo0fzks3")})),
				},
			},
		},
	})
}

func TestAccCSIPUserCallRecords_invalidArguments(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	sub := fmt.Sprintf("sub_uin = %q\n", cloudsim.CSIPSubUins[0])
	cases := map[string]struct {
		args string
		want string
	}{
		"sub_uin missing":        {``, `The argument "sub_uin" is required`},
		"sub_uin empty":          {`sub_uin = ""`, `Attribute sub_uin string length must be at least 1`},
		"sub_uin with a space":   {`sub_uin = "1000 2137"`, `Attribute sub_uin must not contain spaces`},
		"region not an ID":       {sub + `region = "Guangzhou"`, `Attribute region must be a Tencent Cloud region ID`},
		"member_id empty string": {sub + `member_id = [""]`, `Attribute member_id[0] string length must be at least 1`},
		"order":                  {sub + `filter { order = "sideways" }`, `Attribute filter.order value must be one of`},
		"start_time format":      {sub + `filter { start_time = "2025/05/01 00:00:00" }`, `Attribute filter.start_time must be a time formatted as YYYY-MM-DD hh:mm:ss`},
		"end_time no such day":   {sub + `filter { end_time = "2025-02-30 10:00:00" }`, `Attribute filter.end_time must be a time formatted as YYYY-MM-DD hh:mm:ss`},
		"start after end": {sub + `filter {
  start_time = "2025-05-02 00:00:00"
  end_time   = "2025-05-01 23:59:59"
}`, `Attribute filter.start_time (2025-05-02 00:00:00) must not be after filter.end_time (2025-05-01 23:59:59)`},
		"operator_type":       {sub + "filter {\n filters {\n name = \"Code\"\n values = [\"0\"]\n operator_type = 8\n }\n }", `Attribute filter.filters[0].operator_type value must be one of`},
		"filter values empty": {sub + "filter {\n filters {\n name = \"Code\"\n values = []\n }\n }", `Attribute filter.filters[0].values list must contain at least 1 elements`},
		"filter name empty":   {sub + "filter {\n filters {\n name = \"\"\n values = [\"0\"]\n }\n }", `Attribute filter.filters[0].name string length must be at least 1`},
		"filter name missing": {sub + "filter {\n filters {\n values = [\"0\"]\n }\n }", `The argument "name" is required`},
		"limit negative":      {sub + `filter { limit = -1 }`, `Attribute filter.limit value must be at least 0`},
		"offset negative":     {sub + `filter { offset = -1 }`, `Attribute filter.offset value must be at least 0`},
		"max_items negative":  {sub + `max_items = -1`, `Attribute max_items value must be at least 1, got: -1`},
		"max_items zero":      {sub + `max_items = 0`, `Attribute max_items value must be at least 1, got: 0`},
		"max_items and limit": {sub + "max_items = 5\nfilter { limit = 5 }", `Attribute "filter.limit" cannot be specified when "max_items" is specified`},
		"limit wrong type":    {sub + `filter { limit = "many" }`, `Inappropriate value for attribute "limit"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      sim.providerConfig() + "data \"auditlog_csip_user_call_records\" \"test\" {\n" + tc.args + "\n}",
					ExpectError: csipPattern(tc.want),
					PlanOnly:    true,
				}},
			})
		})
	}
	if n := sim.CallCount("DescribeUserCallRecord"); n != 0 {
		t.Errorf("invalid arguments reached the API %d times; they must fail at plan time", n)
	}
}

// Errors only the API can find arrive as diagnostics with its code, message
// and RequestId.
func TestAccCSIPUserCallRecords_apiErrors(t *testing.T) {
	sim := startSim(t, cloudsim.Options{})
	sub := fmt.Sprintf("sub_uin = %q\n", cloudsim.CSIPSubUins[0])
	requestID := `RequestId:\s+[0-9a-f-]{36}`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sim.providerBlock(withTencentSecretKey("not-the-secret-key"), without(ucloudBlock, "max_retries")) + fmt.Sprintf(`data "auditlog_csip_user_call_records" "test" {
  %s
}`, sub),
				ExpectError: regexp.MustCompile(`(?s)Reading CSIP user call records.*AuthFailure\.SignatureFailure.*` + requestID),
			},
			{
				Config: sim.providerConfig() + "data \"auditlog_csip_user_call_records\" \"test\" {\n" + sub + "filter { by = \"Region\" }\n}",
				// The error points at the filter argument the API names.
				ExpectError: regexp.MustCompile(`(?s)[0-9]+: filter \{ by = "Region" \}.*InvalidParameterValue.*Filter\.By.*` + requestID),
			},
			{
				Config:      sim.providerConfig() + "data \"auditlog_csip_user_call_records\" \"test\" {\n" + sub + "filter { limit = 5000 }\n}",
				ExpectError: regexp.MustCompile(`(?s)InvalidParameterValue.*Filter\.Limit.*` + requestID),
			},
			{
				Config: sim.providerConfig() + "data \"auditlog_csip_user_call_records\" \"test\" {\n" + sub +
					"filter {\n filters {\n name = \"Status\"\n values = [\"1\"]\n }\n }\n}",
				ExpectError: regexp.MustCompile(`(?s)[0-9]+:\s+name = "Status".*InvalidParameterValue.*Filter\.Filters\.0\.Name.*` + requestID),
			},
		},
	})
}

// Fields the API leaves out are null, not zero; no records is an empty list.
func TestCSIPUserCallRecordsValues(t *testing.T) {
	for name, v := range tfObject(t, csipCallRecordValue(&client.UserCallRecord{})) {
		if !v.IsNull() {
			t.Errorf("%s = %s, want null", name, v)
		}
	}
	zero, s := int64(0), ""
	obj := tfObject(t, csipCallRecordValue(&client.UserCallRecord{Code: &zero, Date: &s}))
	if got := obj["code"]; !got.Equal(tftypes.NewValue(tftypes.Number, int64(0))) {
		t.Errorf("code = %s, want 0", got)
	}
	if got := obj["date"]; !got.Equal(tftypes.NewValue(tftypes.String, "")) {
		t.Errorf("date = %s, want \"\"", got)
	}
	if list := csipCallRecordsValue(nil); list.IsNull() || len(tfList(t, list)) != 0 {
		t.Errorf("no records = %s, want an empty list", list)
	}

	// Only what the configuration sets is sent.
	req := csipRequest(&csipUserCallRecordsModel{SubUin: types.StringValue("1")})
	if req.Filter != nil || req.MemberId != nil {
		t.Errorf("request without filter: %+v", req)
	}
	req = csipRequest(&csipUserCallRecordsModel{
		SubUin: types.StringValue("1"),
		Filter: &csipFilterModel{
			Limit: types.Int64Value(0), Offset: types.Int64Null(), Order: types.StringValue("asc"), By: types.StringNull(),
			StartTime: types.StringNull(), EndTime: types.StringValue("2025-05-01 00:00:00"),
			Filters: []csipWhereFilterModel{{Name: types.StringValue("Code"), Values: []types.String{types.StringValue("0")}, OperatorType: types.Int64Null()}},
		},
	})
	f := req.Filter
	if f == nil || f.Limit == nil || *f.Limit != 0 || f.Offset != nil || *f.Order != "asc" || f.By != nil || f.StartTime != nil ||
		*f.EndTime != "2025-05-01 00:00:00" || len(f.Filters) != 1 || f.Filters[0].OperatorType != nil || f.Filters[0].Values[0] != "0" {
		t.Errorf("request: %+v", f)
	}
}
