package cloudsim_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// csipStart serves a simulator on loopback for the test.
func csipStart(t *testing.T, opts cloudsim.Options) (*cloudsim.Server, string) {
	t.Helper()
	sim := cloudsim.New(opts)
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting simulator: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim, base
}

// csipClient is the provider's real Tencent client pointed at the simulator.
func csipClient(t *testing.T, base, secretID, secretKey string) *client.TencentClient {
	t.Helper()
	c, err := client.NewTencentClient(client.TencentConfig{
		SecretID: secretID, SecretKey: secretKey, Endpoint: base, MaxRetries: 0,
	})
	if err != nil {
		t.Fatalf("NewTencentClient: %v", err)
	}
	return c
}

func csipDefaultClient(t *testing.T, base string) *client.TencentClient {
	return csipClient(t, base, cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey)
}

// csipRaw sends an arbitrary JSON body, signed by the official SDK, and
// returns the decoded Response object or the API's error.
func csipRaw(t *testing.T, base, body string) (map[string]any, *tcerr.TencentCloudSDKError) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	prof := profile.NewClientProfile()
	prof.HttpProfile.Scheme = "HTTP"
	prof.HttpProfile.Endpoint = u.Host
	prof.Language = "en-US"
	cred := tccommon.NewCredential(cloudsim.DefaultTencentSecretID, cloudsim.DefaultTencentSecretKey)
	req := tchttp.NewCommonRequest("csip", "2022-11-21", "DescribeUserCallRecord")
	if err := req.SetActionParameters(body); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	resp := tchttp.NewCommonResponse()
	err = tccommon.NewCommonClient(cred, "", prof).Send(req, resp)
	var sdkErr *tcerr.TencentCloudSDKError
	if errors.As(err, &sdkErr) {
		return nil, sdkErr
	}
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	var out struct{ Response map[string]any }
	if err := json.Unmarshal(resp.GetBody(), &out); err != nil {
		t.Fatalf("decoding %s: %v", resp.GetBody(), err)
	}
	return out.Response, nil
}

func csipPtr[T any](v T) *T { return &v }

// csipAll reads every record matching filter in one page (Limit 1000).
func csipAll(t *testing.T, c *client.TencentClient, subUin string, filter client.CSIPFilter) []client.UserCallRecord {
	t.Helper()
	filter.Limit, filter.Offset = csipPtr(int64(1000)), nil
	resp, err := c.DescribeUserCallRecord(t.Context(), "", client.DescribeUserCallRecordRequest{SubUin: subUin, Filter: &filter})
	if err != nil {
		t.Fatalf("DescribeUserCallRecord: %v", err)
	}
	if resp.Total == nil || int(*resp.Total) != len(resp.Data) {
		t.Fatalf("Total %v, but %d records in a page that holds them all", resp.Total, len(resp.Data))
	}
	return resp.Data
}

// csipToSim turns a client record into the simulator's type (all fields
// present) so records can be compared and keyed.
func csipToSim(t *testing.T, r client.UserCallRecord) cloudsim.CSIPCallRecord {
	t.Helper()
	if r.SourceIP == nil || r.EventType == nil || r.CallCount == nil || r.Code == nil || r.FirstCallTime == nil ||
		r.LastCallTime == nil || r.SourceIPRemark == nil || r.Region == nil || r.UserName == nil || r.Date == nil ||
		r.AppID == nil || r.ISP == nil {
		t.Fatalf("record with an absent field: %+v", r)
	}
	return cloudsim.CSIPCallRecord{
		SourceIP: *r.SourceIP, EventType: *r.EventType, CallCount: *r.CallCount, Code: *r.Code,
		FirstCallTime: *r.FirstCallTime, LastCallTime: *r.LastCallTime, SourceIPRemark: *r.SourceIPRemark,
		Region: *r.Region, UserName: *r.UserName, Date: *r.Date, AppID: *r.AppID, ISP: *r.ISP,
	}
}

func csipToSimAll(t *testing.T, rs []client.UserCallRecord) []cloudsim.CSIPCallRecord {
	out := make([]cloudsim.CSIPCallRecord, len(rs))
	for i, r := range rs {
		out[i] = csipToSim(t, r)
	}
	return out
}

func TestCSIPSignatureRules(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{})
	ctx := t.Context()
	req := client.DescribeUserCallRecordRequest{SubUin: cloudsim.CSIPSubUins[0]}

	cases := []struct {
		name, id, key, code string
	}{
		{"wrong secret key", cloudsim.DefaultTencentSecretID, "not-the-right-key-000000000000000", "AuthFailure.SignatureFailure"},
		{"unknown secret id", "AKIDunknown000000000000000000000000", cloudsim.DefaultTencentSecretKey, "AuthFailure.SecretIdNotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := csipClient(t, base, tc.id, tc.key).DescribeUserCallRecord(ctx, "", req)
			var te *client.TencentError
			if !errors.As(err, &te) || te.Code != tc.code {
				t.Fatalf("got %v, want code %s", err, tc.code)
			}
			if te.RequestID == "" || te.Service != "csip" || te.Action != "DescribeUserCallRecord" {
				t.Errorf("error lacks context: %+v", te)
			}
		})
	}
	if n := sim.CallCount("DescribeUserCallRecord"); n != 0 {
		t.Errorf("rejected calls were counted: %d", n)
	}

	// Region is optional: none, or any region, is accepted.
	for _, region := range []string{"", "ap-guangzhou"} {
		resp, err := csipDefaultClient(t, base).DescribeUserCallRecord(ctx, region, req)
		if err != nil {
			t.Fatalf("region %q: %v", region, err)
		}
		if resp.RequestId == "" || resp.Total == nil || *resp.Total != 40 {
			t.Errorf("region %q: RequestId %q Total %v", region, resp.RequestId, resp.Total)
		}
	}
	if n := sim.CallCount("DescribeUserCallRecord"); n != 2 {
		t.Errorf("CallCount = %d, want 2", n)
	}
}

func TestCSIPDefaultPage(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{})
	resp, err := csipDefaultClient(t, base).DescribeUserCallRecord(t.Context(), "",
		client.DescribeUserCallRecordRequest{SubUin: cloudsim.CSIPSubUins[1]})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Total == nil || *resp.Total != 40 {
		t.Fatalf("Total = %v, want 40", resp.Total)
	}
	want := sim.CSIPCallRecords(cloudsim.CSIPSubUins[1])[:10]
	if got := csipToSimAll(t, resp.Data); !reflect.DeepEqual(got, want) {
		t.Fatalf("default page (10 records, LastCallTime desc):\n got %+v\nwant %+v", got, want)
	}
}

func TestCSIPDataSet(t *testing.T) {
	const n = 2000
	// The data set is dated relative to the simulator's start: the same
	// start gives the same records, a later start the same records later.
	started := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(t time.Time) func() time.Time { return func() time.Time { return t } }
	sim, _ := csipStart(t, cloudsim.Options{CallRecords: n, Now: at(started)})
	again := cloudsim.New(cloudsim.Options{CallRecords: n, Now: at(started)})
	dayLater := cloudsim.New(cloudsim.Options{CallRecords: n, Now: at(started.Add(24 * time.Hour))})
	if got := sim.CSIPDataEnd(); !got.Equal(started) {
		t.Fatalf("CSIPDataEnd = %v, want the start %v", got, started)
	}
	if _, offset := sim.CSIPDataEnd().Zone(); offset != 8*3600 {
		t.Errorf("CSIPDataEnd is in a zone %d s east of UTC, want Beijing time (28800)", offset)
	}
	oldest := sim.CSIPDataEnd().Add(-90 * 24 * time.Hour).Format(cloudsim.CSIPTimeLayout)
	newest := sim.CSIPDataEnd().Format(cloudsim.CSIPTimeLayout)
	for _, subUin := range cloudsim.CSIPSubUins {
		recs := sim.CSIPCallRecords(subUin)
		if len(recs) != n {
			t.Fatalf("%s: %d records, want %d", subUin, len(recs), n)
		}
		if !reflect.DeepEqual(recs, again.CSIPCallRecords(subUin)) {
			t.Fatalf("%s: the data set differs between two simulators started at the same time", subUin)
		}
		later := dayLater.CSIPCallRecords(subUin)
		for i, r := range recs {
			l := later[i]
			for _, pair := range [][2]string{{r.FirstCallTime, l.FirstCallTime}, {r.LastCallTime, l.LastCallTime}} {
				a, _ := time.Parse(cloudsim.CSIPTimeLayout, pair[0])
				b, _ := time.Parse(cloudsim.CSIPTimeLayout, pair[1])
				if b.Sub(a) != 24*time.Hour {
					t.Fatalf("%s: record %d at %s from a start one day later is at %s", subUin, i, pair[0], pair[1])
				}
			}
			if r.SourceIP != l.SourceIP || r.CallCount != l.CallCount {
				t.Fatalf("%s: record %d differs beyond its times: %+v, %+v", subUin, i, r, l)
			}
		}
		seen := map[string]bool{}
		var ipv6, masked, console, api, failed, remark, dated, once int
		for _, r := range recs {
			if seen[r.SourceIP] {
				t.Fatalf("%s: duplicate SourceIP %s", subUin, r.SourceIP)
			}
			seen[r.SourceIP] = true
			switch {
			case strings.Contains(r.SourceIP, ":"):
				ipv6++
			case strings.Contains(r.SourceIP, "***"):
				masked++
			}
			switch r.EventType {
			case 0:
				console++
			case 1:
				api++
			default:
				t.Fatalf("EventType %d", r.EventType)
			}
			if r.Code != 0 {
				failed++
			}
			if r.SourceIPRemark != "" {
				remark++
			}
			if r.Date != "" {
				dated++
				if r.Date != r.LastCallTime[:10] {
					t.Errorf("Date %s of a record last called %s", r.Date, r.LastCallTime)
				}
			}
			if r.FirstCallTime == r.LastCallTime {
				once++
			}
			for _, ts := range []string{r.FirstCallTime, r.LastCallTime} {
				if _, err := time.Parse(cloudsim.CSIPTimeLayout, ts); err != nil {
					t.Fatalf("time %q: %v", ts, err)
				}
			}
			if r.FirstCallTime > r.LastCallTime || r.FirstCallTime < oldest || r.LastCallTime > newest {
				t.Fatalf("times out of order or range: %+v", r)
			}
			if r.CallCount < 1 || r.AppID != cloudsim.DefaultTencentAppID || r.UserName != cloudsim.CSIPUserName(subUin) ||
				r.Region == "" || r.ISP == "" {
				t.Fatalf("implausible record %+v", r)
			}
		}
		for name, count := range map[string]int{"IPv6": ipv6, "masked": masked, "console": console, "API": api,
			"failed": failed, "remarked": remark, "dated": dated, "single-call": once} {
			if count == 0 || count == n {
				t.Errorf("%s: %d of %d records are %s; want a mix", subUin, count, n, name)
			}
		}
		if failed > n/4 {
			t.Errorf("%s: %d of %d records failed; most calls should succeed", subUin, failed, n)
		}
	}
	if got := sim.CSIPCallRecords("999999999999"); got == nil || len(got) != 0 {
		t.Errorf("unknown SubUin: %v", got)
	}
}

func TestCSIPUnknownSubUinAndEmptyAccount(t *testing.T) {
	ctx := t.Context()
	_, base := csipStart(t, cloudsim.Options{})
	_, emptyBase := csipStart(t, cloudsim.Options{CallRecords: -1})
	for _, tc := range []struct{ base, subUin string }{
		{base, "100099999999"},
		{emptyBase, cloudsim.CSIPSubUins[0]},
	} {
		raw, apiErr := csipRaw(t, tc.base, `{"SubUin":"`+tc.subUin+`"}`)
		if apiErr != nil {
			t.Fatal(apiErr)
		}
		if data, ok := raw["Data"].([]any); !ok || len(data) != 0 || raw["Total"] != float64(0) {
			t.Fatalf("%s: want an empty list and Total 0, got %v", tc.subUin, raw)
		}
		res, err := csipDefaultClient(t, tc.base).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: tc.subUin}, 0, 0)
		if err != nil || res.Records == nil || len(res.Records) != 0 || res.Total != 0 || res.Pages != 1 {
			t.Fatalf("ListUserCallRecords: %+v, %v", res, err)
		}
	}
}

func TestCSIPFilterOperators(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{CallRecords: 600})
	c := csipDefaultClient(t, base)
	subUin := cloudsim.CSIPSubUins[2]
	all := sim.CSIPCallRecords(subUin)
	mid := all[len(all)/2].LastCallTime
	type rec = cloudsim.CSIPCallRecord

	cases := []struct {
		name    string
		filters []client.WhereFilter
		want    func(r rec) bool
	}{
		{"1 equal", []client.WhereFilter{{Name: "EventType", Values: []string{"1"}, OperatorType: csipPtr(int64(1))}},
			func(r rec) bool { return r.EventType == 1 }},
		{"7 exact, string", []client.WhereFilter{{Name: "Region", Values: []string{"中国-北京市-北京市"}, OperatorType: csipPtr(int64(7))}},
			func(r rec) bool { return r.Region == "中国-北京市-北京市" }},
		{"no operator means exact", []client.WhereFilter{{Name: "ISP", Values: []string{"腾讯云"}}},
			func(r rec) bool { return r.ISP == "腾讯云" }},
		{"2 greater", []client.WhereFilter{{Name: "CallCount", Values: []string{"100"}, OperatorType: csipPtr(int64(2))}},
			func(r rec) bool { return r.CallCount > 100 }},
		{"3 less", []client.WhereFilter{{Name: "CallCount", Values: []string{"10"}, OperatorType: csipPtr(int64(3))}},
			func(r rec) bool { return r.CallCount < 10 }},
		{"4 greater or equal", []client.WhereFilter{{Name: "Code", Values: []string{"4101"}, OperatorType: csipPtr(int64(4))}},
			func(r rec) bool { return r.Code >= 4101 }},
		{"5 less or equal, time", []client.WhereFilter{{Name: "LastCallTime", Values: []string{mid}, OperatorType: csipPtr(int64(5))}},
			func(r rec) bool { return r.LastCallTime <= mid }},
		{"6 not equal, several values", []client.WhereFilter{{Name: "ISP", Values: []string{"腾讯云", "电信"}, OperatorType: csipPtr(int64(6))}},
			func(r rec) bool { return r.ISP != "腾讯云" && r.ISP != "电信" }},
		{"9 fuzzy", []client.WhereFilter{{Name: "SourceIP", Values: []string{"***"}, OperatorType: csipPtr(int64(9))}},
			func(r rec) bool { return strings.Contains(r.SourceIP, "***") }},
		{"9 fuzzy, case-insensitive", []client.WhereFilter{{Name: "SourceIPRemark", Values: []string{"OFFICE"}, OperatorType: csipPtr(int64(9))}},
			func(r rec) bool { return strings.Contains(r.SourceIPRemark, "office") }},
		{"13 not fuzzy", []client.WhereFilter{{Name: "SourceIP", Values: []string{":", "***"}, OperatorType: csipPtr(int64(13))}},
			func(r rec) bool { return !strings.Contains(r.SourceIP, ":") && !strings.Contains(r.SourceIP, "***") }},
		{"14 bitwise and", []client.WhereFilter{{Name: "Code", Values: []string{"4"}, OperatorType: csipPtr(int64(14))}},
			func(r rec) bool { return r.Code&4 != 0 }},
		{"values OR together", []client.WhereFilter{{Name: "Code", Values: []string{"4000", "5000"}, OperatorType: csipPtr(int64(1))}},
			func(r rec) bool { return r.Code == 4000 || r.Code == 5000 }},
		{"filters AND together, names in any case", []client.WhereFilter{
			{Name: "eventtype", Values: []string{"0"}},
			{Name: "source_ip_remark", Values: []string{""}, OperatorType: csipPtr(int64(6))},
		}, func(r rec) bool { return r.EventType == 0 && r.SourceIPRemark != "" }},
		{"AppID and UserName", []client.WhereFilter{
			{Name: "AppID", Values: []string{strconv.Itoa(cloudsim.DefaultTencentAppID)}},
			{Name: "UserName", Values: []string{cloudsim.CSIPUserName(subUin)}},
		}, func(r rec) bool { return true }},
		{"Date empty", []client.WhereFilter{{Name: "Date", Values: []string{""}}},
			func(r rec) bool { return r.Date == "" }},
		{"FirstCallTime greater", []client.WhereFilter{{Name: "FirstCallTime", Values: []string{mid}, OperatorType: csipPtr(int64(2))}},
			func(r rec) bool { return r.FirstCallTime > mid }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []rec
			for _, r := range all {
				if tc.want(r) {
					want = append(want, r)
				}
			}
			got := csipToSimAll(t, csipAll(t, c, subUin, client.CSIPFilter{Filters: tc.filters}))
			if len(want) == 0 {
				t.Fatalf("the case matches nothing in the data set; pick another value")
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
		})
	}
}

func TestCSIPOrdering(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{CallRecords: 300})
	c := csipDefaultClient(t, base)
	subUin := cloudsim.CSIPSubUins[0]
	n := len(sim.CSIPCallRecords(subUin))

	key := map[string]func(r cloudsim.CSIPCallRecord) string{
		"CallCount":     func(r cloudsim.CSIPCallRecord) string { return fmt.Sprintf("%012d", r.CallCount) },
		"Code":          func(r cloudsim.CSIPCallRecord) string { return fmt.Sprintf("%012d", r.Code) },
		"EventType":     func(r cloudsim.CSIPCallRecord) string { return fmt.Sprintf("%012d", r.EventType) },
		"FirstCallTime": func(r cloudsim.CSIPCallRecord) string { return r.FirstCallTime },
		"LastCallTime":  func(r cloudsim.CSIPCallRecord) string { return r.LastCallTime },
		"SourceIP":      func(r cloudsim.CSIPCallRecord) string { return r.SourceIP },
	}
	cases := []struct{ by, order, field string }{
		{"CallCount", "asc", "CallCount"},
		{"CallCount", "desc", "CallCount"},
		{"call_count", "Desc", "CallCount"},
		{"Code", "DESC", "Code"},
		{"EventType", "asc", "EventType"},
		{"FirstCallTime", "asc", "FirstCallTime"},
		{"last_call_time", "asc", "LastCallTime"},
		{"insert_time", "Desc", "LastCallTime"},
		{"SourceIP", "asc", "SourceIP"},
		{"sourceip", "desc", "SourceIP"},
		{"", "asc", "LastCallTime"},
		{"CallCount", "", "CallCount"}, // By without Order sorts descending
	}
	for _, tc := range cases {
		t.Run(tc.by+"/"+tc.order, func(t *testing.T) {
			f := client.CSIPFilter{}
			if tc.by != "" {
				f.By = &tc.by
			}
			if tc.order != "" {
				f.Order = &tc.order
			}
			got := csipToSimAll(t, csipAll(t, c, subUin, f))
			if len(got) != n {
				t.Fatalf("%d records, want %d", len(got), n)
			}
			desc := !strings.EqualFold(tc.order, "asc")
			k := key[tc.field]
			if !sort.SliceIsSorted(got, func(i, j int) bool {
				if desc {
					return k(got[i]) > k(got[j])
				}
				return k(got[i]) < k(got[j])
			}) {
				t.Fatalf("not sorted by %s (desc=%v)", tc.field, desc)
			}
		})
	}
}

// A compliance check of "the last 30 days", computed from the wall clock as
// a user's configuration would, finds records whenever the tests run: the
// data set is dated relative to the simulator's start, not to a fixed date.
func TestCSIPLast30DaysOnTheWallClock(t *testing.T) {
	_, base := csipStart(t, cloudsim.Options{})
	c := csipDefaultClient(t, base)
	beijing := time.FixedZone("CST", 8*3600)
	start := time.Now().In(beijing).Add(-30 * 24 * time.Hour).Format(cloudsim.CSIPTimeLayout)
	for _, subUin := range cloudsim.CSIPSubUins {
		got := csipToSimAll(t, csipAll(t, c, subUin, client.CSIPFilter{StartTime: &start}))
		// About a third of 40 records; at least one whatever the clock.
		if len(got) == 0 {
			t.Fatalf("%s: no call record since %s", subUin, start)
		}
		for _, r := range got {
			if r.LastCallTime < start {
				t.Fatalf("%s: record last called %s, before %s", subUin, r.LastCallTime, start)
			}
		}
	}
}

func TestCSIPTimeWindow(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{CallRecords: 500})
	c := csipDefaultClient(t, base)
	subUin := cloudsim.CSIPSubUins[1]
	all := sim.CSIPCallRecords(subUin)
	start := sim.CSIPDataEnd().Add(-40 * 24 * time.Hour).Format(cloudsim.CSIPTimeLayout)
	end := sim.CSIPDataEnd().Add(-30 * 24 * time.Hour).Format(cloudsim.CSIPTimeLayout)

	for _, tc := range []struct {
		name       string
		start, end string
	}{
		{"both", start, end},
		{"start only", start, ""},
		{"end only", "", end},
		{"empty strings mean no bound", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := client.CSIPFilter{}
			if tc.start != "" {
				f.StartTime = &tc.start
			}
			if tc.end != "" {
				f.EndTime = &tc.end
			}
			var want []cloudsim.CSIPCallRecord
			for _, r := range all {
				if (tc.start == "" || r.LastCallTime >= tc.start) && (tc.end == "" || r.FirstCallTime <= tc.end) {
					want = append(want, r)
				}
			}
			got := csipToSimAll(t, csipAll(t, c, subUin, f))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			if tc.start != "" && tc.end != "" && (len(got) == 0 || len(got) == len(all)) {
				t.Fatalf("window selects %d of %d records; the test proves nothing", len(got), len(all))
			}
		})
	}
	// "Desc" with an empty StartTime/EndTime pair, as SDK users send them.
	if _, apiErr := csipRaw(t, base, `{"SubUin":"`+subUin+`","Filter":{"StartTime":"","EndTime":"","Order":"Desc","By":"insert_time","Limit":1}}`); apiErr != nil {
		t.Fatal(apiErr)
	}
}

func TestCSIPPagingConsistency(t *testing.T) {
	_, base := csipStart(t, cloudsim.Options{CallRecords: 250})
	c := csipDefaultClient(t, base)
	ctx := t.Context()
	subUin := cloudsim.CSIPSubUins[0]
	base0 := client.CSIPFilter{
		Order:   csipPtr("asc"),
		By:      csipPtr("CallCount"),
		Filters: []client.WhereFilter{{Name: "EventType", Values: []string{"1"}}},
	}
	whole := csipAll(t, c, subUin, base0)

	var pages []client.UserCallRecord
	for offset := int64(0); ; offset += 7 {
		f := base0
		f.Limit, f.Offset = csipPtr(int64(7)), csipPtr(offset)
		resp, err := c.DescribeUserCallRecord(ctx, "", client.DescribeUserCallRecordRequest{SubUin: subUin, Filter: &f})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Total == nil || int(*resp.Total) != len(whole) {
			t.Fatalf("offset %d: Total %v, want %d", offset, resp.Total, len(whole))
		}
		pages = append(pages, resp.Data...)
		if len(resp.Data) < 7 {
			break
		}
	}
	if !reflect.DeepEqual(csipToSimAll(t, pages), csipToSimAll(t, whole)) {
		t.Fatalf("offset pages (%d records) differ from one page (%d records)", len(pages), len(whole))
	}

	// Past the end: an empty page, Total unchanged. Limit 0: no rows, Total.
	for _, f := range []client.CSIPFilter{
		{Offset: csipPtr(int64(100000))},
		{Limit: csipPtr(int64(0))},
	} {
		resp, err := c.DescribeUserCallRecord(ctx, "", client.DescribeUserCallRecordRequest{SubUin: subUin, Filter: &f})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Data == nil || len(resp.Data) != 0 || *resp.Total != 250 {
			t.Fatalf("filter %+v: %d records, Total %v", f, len(resp.Data), *resp.Total)
		}
	}

	// ListUserCallRecords keeps the filter and starts at the user's Offset.
	start := base0
	start.Offset = csipPtr(int64(5))
	res, err := c.ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: subUin, Filter: &start}, 9, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(csipToSimAll(t, res.Records), csipToSimAll(t, whole[5:])) || res.Total != int64(len(whole)) {
		t.Fatalf("from offset 5: %d records (Total %d), want %d", len(res.Records), res.Total, len(whole)-5)
	}
	// A page of 9, then pages of 8 new records and the one before them.
	if want := 1 + (len(whole)-5-9+7)/8; res.Pages != want {
		t.Errorf("Pages = %d, want %d", res.Pages, want)
	}
}

func TestCSIPRequestErrors(t *testing.T) {
	sim, base := csipStart(t, cloudsim.Options{})
	sub := `"SubUin":"` + cloudsim.CSIPSubUins[0] + `"`
	cases := []struct {
		name, body, code, message string
	}{
		{"SubUin missing", `{}`, "MissingParameter", "The request is missing a required parameter `SubUin`."},
		{"SubUin empty", `{"SubUin":""}`, "MissingParameter", "The request is missing a required parameter `SubUin`."},
		{"SubUin not a string", `{"SubUin":100021372635}`, "InvalidParameter", "`SubUin`"},
		{"unknown parameter", `{` + sub + `,"Limit":10}`, "UnknownParameter", "`Limit`"},
		{"MemberId not a list", `{` + sub + `,"MemberId":"mem-1"}`, "InvalidParameter", "`MemberId`"},
		{"Filter not an object", `{` + sub + `,"Filter":[]}`, "InvalidParameter", "`Filter`"},
		{"unknown Filter field", `{` + sub + `,"Filter":{"PageSize":10}}`, "UnknownParameter", "`Filter.PageSize`"},
		{"bad Order", `{` + sub + `,"Filter":{"Order":"up"}}`, "InvalidParameterValue", "`Filter.Order`"},
		{"bad By", `{` + sub + `,"Filter":{"By":"Region"}}`, "InvalidParameterValue", "`Filter.By`"},
		{"bad StartTime", `{` + sub + `,"Filter":{"StartTime":"2025-05-01T00:00:00Z"}}`, "InvalidParameterValue", "`Filter.StartTime`"},
		{"bad EndTime", `{` + sub + `,"Filter":{"EndTime":"2025-02-30 10:00:00"}}`, "InvalidParameterValue", "`Filter.EndTime`"},
		{"start after end", `{` + sub + `,"Filter":{"StartTime":"2025-05-02 00:00:00","EndTime":"2025-05-01 00:00:00"}}`,
			"InvalidParameter.DateRange", "`Filter.StartTime`"},
		{"negative Limit", `{` + sub + `,"Filter":{"Limit":-1}}`, "InvalidParameterValue", "`Filter.Limit`"},
		{"Limit above the ceiling", `{` + sub + `,"Filter":{"Limit":1001}}`, "InvalidParameterValue", "at most 1000"},
		{"Limit not an integer", `{` + sub + `,"Filter":{"Limit":"10"}}`, "InvalidParameter", "`Filter.Limit`"},
		{"negative Offset", `{` + sub + `,"Filter":{"Offset":-5}}`, "InvalidParameterValue", "`Filter.Offset`"},
		{"unknown filter name", `{` + sub + `,"Filter":{"Filters":[{"Name":"Status","Values":["1"]}]}}`,
			"InvalidParameterValue", "`Filter.Filters.0.Name`"},
		{"filter name missing", `{` + sub + `,"Filter":{"Filters":[{"Values":["1"]}]}}`, "MissingParameter", "`Filter.Filters.0.Name`"},
		{"filter values missing", `{` + sub + `,"Filter":{"Filters":[{"Name":"Code"}]}}`, "MissingParameter", "`Filter.Filters.0.Values`"},
		{"filter values empty", `{` + sub + `,"Filter":{"Filters":[{"Name":"Code","Values":[]}]}}`, "InvalidParameterValue", "`Filter.Filters.0.Values`"},
		{"unknown filter field", `{` + sub + `,"Filter":{"Filters":[{"Name":"Code","Values":["0"],"ExactMatch":true}]}}`,
			"UnknownParameter", "`Filter.Filters.0.ExactMatch`"},
		{"unknown operator type", `{` + sub + `,"Filter":{"Filters":[{"Name":"Code","Values":["0"]},{"Name":"Code","Values":["0"],"OperatorType":8}]}}`,
			"InvalidParameterValue", "unknown operator type"},
		{"bitwise AND on a string", `{` + sub + `,"Filter":{"Filters":[{"Name":"ISP","Values":["1"],"OperatorType":14}]}}`,
			"InvalidParameterValue", "numeric"},
		{"number expected", `{` + sub + `,"Filter":{"Filters":[{"Name":"CallCount","Values":["many"],"OperatorType":2}]}}`,
			"InvalidParameterValue", "integers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, apiErr := csipRaw(t, base, tc.body)
			if apiErr == nil {
				t.Fatalf("%s: no error", tc.body)
			}
			if apiErr.Code != tc.code || !strings.Contains(apiErr.Message, tc.message) {
				t.Fatalf("got %s: %s; want %s containing %q", apiErr.Code, apiErr.Message, tc.code, tc.message)
			}
			if apiErr.RequestId == "" {
				t.Error("error without RequestId")
			}
		})
	}
	// Errors found after authentication are counted as calls, like the
	// real gateway's billing of rejected requests.
	if n := sim.CallCount("DescribeUserCallRecord"); n != len(cases) {
		t.Errorf("CallCount = %d, want %d", n, len(cases))
	}

	// The typed client surfaces the same errors with their RequestId.
	_, err := csipDefaultClient(t, base).DescribeUserCallRecord(t.Context(), "", client.DescribeUserCallRecordRequest{
		SubUin: cloudsim.CSIPSubUins[0], Filter: &client.CSIPFilter{Order: csipPtr("sideways")},
	})
	var te *client.TencentError
	if !errors.As(err, &te) || te.Code != "InvalidParameterValue" || te.RequestID == "" || !strings.Contains(err.Error(), "RequestId") {
		t.Fatalf("typed client: %v", err)
	}
}

func TestCSIPListUserCallRecords5000(t *testing.T) {
	const n = 5000
	sim, base := csipStart(t, cloudsim.Options{CallRecords: n})
	c := csipDefaultClient(t, base)
	ctx := t.Context()
	subUin := cloudsim.CSIPSubUins[0]

	began := time.Now()
	res, err := c.ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: subUin}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(began)
	// A page of 100, then pages of 99 new records and the one before them.
	if len(res.Records) != n || res.Total != n || res.Pages != 51 {
		t.Fatalf("%d records, Total %d, %d pages", len(res.Records), res.Total, res.Pages)
	}
	got := csipToSimAll(t, res.Records)
	distinct := map[string]bool{}
	for _, r := range got {
		distinct[r.SourceIP] = true
	}
	if len(distinct) != n {
		t.Fatalf("%d distinct records of %d", len(distinct), n)
	}
	if !reflect.DeepEqual(got, sim.CSIPCallRecords(subUin)) {
		t.Fatal("records are not in the API's order")
	}
	if elapsed > 10*time.Second {
		t.Errorf("reading %d records took %s", n, elapsed)
	}
	t.Logf("read %d records in %d pages in %s", n, res.Pages, elapsed)

	// The largest page the simulator allows, a sort and a cap.
	res, err = c.ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: subUin,
		Filter: &client.CSIPFilter{By: csipPtr("SourceIP"), Order: csipPtr("asc")}}, 1000, 2500)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2500 || res.Pages != 3 || res.Total != n {
		t.Fatalf("capped read: %d records, %d pages, Total %d", len(res.Records), res.Pages, res.Total)
	}
	ips := make([]string, len(res.Records))
	for i, r := range res.Records {
		ips[i] = *r.SourceIP
	}
	if !slices.IsSorted(ips) {
		t.Fatal("capped read is not sorted by SourceIP")
	}
}
