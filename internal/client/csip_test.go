package client_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// csipFakeRequest is what the fake CSIP endpoint saw of one call.
type csipFakeRequest struct {
	Action, Version, Region string
	HasRegion               bool
	Body                    map[string]any
	Limit, Offset           int64
}

// csipFake answers DescribeUserCallRecord with pages from a scenario. It does
// not check signatures; the simulator's tests do.
type csipFake struct {
	mu       sync.Mutex
	requests []csipFakeRequest
	// page returns the records and the Total (nil: absent) of call n (1-based).
	page func(n int, limit, offset int64) (records int, total *int64, apiErr string)
}

func (f *csipFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var parsed map[string]any
	_ = json.Unmarshal(body, &parsed)
	var filter struct {
		Filter struct{ Limit, Offset int64 }
	}
	_ = json.Unmarshal(body, &filter)
	_, hasRegion := r.Header["X-Tc-Region"]
	f.mu.Lock()
	f.requests = append(f.requests, csipFakeRequest{
		Action: r.Header.Get("X-TC-Action"), Version: r.Header.Get("X-TC-Version"),
		Region: r.Header.Get("X-TC-Region"), HasRegion: hasRegion, Body: parsed,
		Limit: filter.Filter.Limit, Offset: filter.Filter.Offset,
	})
	n := len(f.requests)
	f.mu.Unlock()

	records, total, apiErr := f.page(n, filter.Filter.Limit, filter.Filter.Offset)
	requestID := fmt.Sprintf("req-%d", n)
	resp := map[string]any{"RequestId": requestID}
	if apiErr != "" {
		resp["Error"] = map[string]string{"Code": apiErr, "Message": "fake failure"}
	} else {
		data := make([]map[string]any, records)
		for i := range data {
			data[i] = map[string]any{"SourceIP": fmt.Sprintf("10.0.%d.%d", n, i), "CallCount": filter.Filter.Offset + int64(i)}
		}
		resp["Data"] = data
		if total != nil {
			resp["Total"] = *total
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": resp})
}

func (f *csipFake) calls() []csipFakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]csipFakeRequest(nil), f.requests...)
}

func csipFakeClient(t *testing.T, f *csipFake) *client.TencentClient {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := client.NewTencentClient(client.TencentConfig{
		SecretID: "AKIDfake", SecretKey: "fake-key", Endpoint: srv.URL, MaxRetries: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// csipServe serves total records honestly, in pages of at most limit.
func csipServe(total int64) func(int, int64, int64) (int, *int64, string) {
	return func(_ int, limit, offset int64) (int, *int64, string) {
		return int(max(0, min(limit, total-offset))), &total, ""
	}
}

func csipP[T any](v T) *T { return &v }

func TestCSIPRequestEncoding(t *testing.T) {
	minimal, _ := json.Marshal(client.DescribeUserCallRecordRequest{SubUin: "100021372635"})
	if string(minimal) != `{"SubUin":"100021372635"}` {
		t.Errorf("minimal request = %s", minimal)
	}
	full, _ := json.Marshal(client.DescribeUserCallRecordRequest{
		SubUin:   "100021372635",
		MemberId: []string{"mem-6wfo0fzks3"},
		Filter: &client.CSIPFilter{
			Limit: csipP(int64(1)), Offset: csipP(int64(0)), Order: csipP("desc"), By: csipP("LastCallTime"),
			Filters: []client.WhereFilter{
				{Name: "Code", Values: []string{"0"}, OperatorType: csipP(int64(6))},
				{Name: "ISP", Values: []string{"腾讯云"}},
			},
			StartTime: csipP("2025-05-01 00:00:00"), EndTime: csipP("2025-05-22 00:00:00"),
		},
	})
	want := `{"SubUin":"100021372635","MemberId":["mem-6wfo0fzks3"],"Filter":{"Limit":1,"Offset":0,"Order":"desc","By":"LastCallTime",` +
		`"Filters":[{"Name":"Code","Values":["0"],"OperatorType":6},{"Name":"ISP","Values":["腾讯云"]}],` +
		`"StartTime":"2025-05-01 00:00:00","EndTime":"2025-05-22 00:00:00"}}`
	if string(full) != want {
		t.Errorf("full request =\n%s\nwant\n%s", full, want)
	}
	empty, _ := json.Marshal(client.CSIPFilter{})
	if string(empty) != `{}` {
		t.Errorf("empty filter = %s", empty)
	}
}

func TestCSIPDescribeUserCallRecordHeadersAndDecoding(t *testing.T) {
	f := &csipFake{}
	c := csipFakeClient(t, f)
	f.page = csipServe(3)
	ctx := t.Context()
	for _, region := range []string{"", "ap-guangzhou"} {
		resp, err := c.DescribeUserCallRecord(ctx, region, client.DescribeUserCallRecordRequest{SubUin: "1", Filter: &client.CSIPFilter{Limit: csipP(int64(2))}})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Data) != 2 || resp.Total == nil || *resp.Total != 3 || !strings.HasPrefix(resp.RequestId, "req-") {
			t.Fatalf("response %+v", resp)
		}
		rec := resp.Data[0]
		if rec.SourceIP == nil || rec.CallCount == nil || *rec.CallCount != 0 {
			t.Errorf("present fields: %+v", rec)
		}
		if rec.EventType != nil || rec.Code != nil || rec.Date != nil || rec.AppID != nil || rec.ISP != nil || rec.Region != nil {
			t.Errorf("absent fields must stay nil: %+v", rec)
		}
	}
	calls := f.calls()
	if calls[0].HasRegion || !calls[1].HasRegion || calls[1].Region != "ap-guangzhou" {
		t.Errorf("X-TC-Region: %+v", calls)
	}
	for _, r := range calls {
		if r.Action != "DescribeUserCallRecord" || r.Version != "2022-11-21" {
			t.Errorf("action/version %s %s", r.Action, r.Version)
		}
	}

	// A decoded record carries every documented field.
	var rec client.UserCallRecord
	doc := `{"AppID":10001,"CallCount":5941,"Code":0,"Date":"","EventType":1,"FirstCallTime":"2025-05-16 00:01:44","ISP":"腾讯云",
		"LastCallTime":"2025-05-22 11:09:39","Region":"中国-广东省-广州市","SourceIP":"106.55.***.47","SourceIPRemark":"","UserName":"name"}`
	if err := json.Unmarshal([]byte(doc), &rec); err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(rec)
	for i := range v.NumField() {
		if v.Field(i).IsNil() {
			t.Errorf("field %s not decoded", v.Type().Field(i).Name)
		}
	}
}

func TestCSIPListUserCallRecordsPaging(t *testing.T) {
	ctx := t.Context()
	userFilter := &client.CSIPFilter{
		Limit: csipP(int64(3)), Order: csipP("asc"), By: csipP("CallCount"),
		Filters:   []client.WhereFilter{{Name: "EventType", Values: []string{"1"}}},
		StartTime: csipP("2025-05-01 00:00:00"), EndTime: csipP("2025-05-22 00:00:00"),
	}
	before, _ := json.Marshal(userFilter)

	t.Run("all pages, filter kept", func(t *testing.T) {
		f := &csipFake{page: csipServe(23)}
		res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1", MemberId: []string{"mem-1"}, Filter: userFilter}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 23 || res.Total != 23 || res.Pages != 3 {
			t.Fatalf("%d records, Total %d, %d pages", len(res.Records), res.Total, res.Pages)
		}
		for i, r := range res.Records {
			if *r.CallCount != int64(i) {
				t.Fatalf("record %d has offset %d: out of order", i, *r.CallCount)
			}
		}
		// Pages after the first are fetched concurrently and arrive in
		// any order: compare them by offset.
		calls := f.calls()
		if len(calls) != 3 || calls[0].Offset != 0 {
			t.Fatalf("%d calls, the first at offset %d; want 3, the first at offset 0", len(calls), calls[0].Offset)
		}
		slices.SortFunc(calls, func(a, b csipFakeRequest) int { return cmp.Compare(a.Offset, b.Offset) })
		for i, c := range calls {
			if c.Limit != 10 || c.Offset != int64(10*i) {
				t.Errorf("call %d: Limit %d Offset %d", i+1, c.Limit, c.Offset)
			}
			fl, _ := c.Body["Filter"].(map[string]any)
			filters, _ := fl["Filters"].([]any)
			if fl["Order"] != "asc" || fl["By"] != "CallCount" || fl["StartTime"] != "2025-05-01 00:00:00" ||
				fl["EndTime"] != "2025-05-22 00:00:00" || len(filters) != 1 || c.Body["MemberId"] == nil {
				t.Errorf("call %d lost the user's filter: %v", i+1, c.Body)
			}
		}
		if after, _ := json.Marshal(userFilter); string(after) != string(before) {
			t.Errorf("the caller's filter was modified: %s", after)
		}
	})

	t.Run("default page size", func(t *testing.T) {
		f := &csipFake{page: csipServe(250)}
		res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 0, 0)
		if err != nil || len(res.Records) != 250 || res.Pages != 3 || f.calls()[0].Limit != client.DefaultUserCallRecordsPageSize {
			t.Fatalf("%+v %v", f.calls(), err)
		}
	})

	t.Run("maxItems caps the read and the last Limit", func(t *testing.T) {
		f := &csipFake{page: csipServe(23)}
		res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, 15)
		if err != nil {
			t.Fatal(err)
		}
		calls := f.calls()
		if len(res.Records) != 15 || res.Total != 23 || len(calls) != 2 || calls[1].Limit != 5 {
			t.Fatalf("%d records, Total %d, calls %+v", len(res.Records), res.Total, calls)
		}
	})

	t.Run("starts at the user's offset", func(t *testing.T) {
		f := &csipFake{page: csipServe(23)}
		res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1",
			Filter: &client.CSIPFilter{Offset: csipP(int64(4))}}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		calls := f.calls()
		if len(res.Records) != 19 || *res.Records[0].CallCount != 4 || len(calls) != 2 || calls[1].Offset != 14 {
			t.Fatalf("%d records, calls %+v", len(res.Records), calls)
		}
	})

	t.Run("offset past the end", func(t *testing.T) {
		f := &csipFake{page: csipServe(5)}
		res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1",
			Filter: &client.CSIPFilter{Offset: csipP(int64(9))}}, 10, 0)
		if err != nil || res.Records == nil || len(res.Records) != 0 || res.Total != 5 {
			t.Fatalf("%+v %v", res, err)
		}
	})

	t.Run("empty result is an empty list", func(t *testing.T) {
		f := &csipFake{page: csipServe(0)}
		res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, 0)
		if err != nil || res.Records == nil || len(res.Records) != 0 || res.Total != 0 || res.Pages != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		f = &csipFake{page: func(int, int64, int64) (int, *int64, string) { return 0, nil, "" }}
		res, err = csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, 0)
		if err != nil || res.Records == nil || len(res.Records) != 0 {
			t.Fatalf("no Total, no Data: %+v %v", res, err)
		}
	})
}

func TestCSIPListUserCallRecordsFailsInsteadOfTruncating(t *testing.T) {
	ctx := t.Context()
	// Pages after the first are fetched concurrently and arrive in any
	// order, so each scenario picks the page to spoil by its offset (page
	// p has offset 10*(p-1)), and the RequestId expected is the one the
	// fake gave the first request for the failing page's offset.
	pageOf := func(offset int64) int64 { return offset/10 + 1 }
	cases := []struct {
		name       string
		page       func(n int, limit, offset int64) (int, *int64, string)
		failOffset int64
		want       []string
	}{
		{"Total changes between pages", func(n int, limit, offset int64) (int, *int64, string) {
			total := 30 + pageOf(offset)
			return int(limit), &total, ""
		}, 10, []string{"changed from 31 to 32", "page 2", "offset 10"}},
		{"short page before Total", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			return int(min(limit, 7)), &total, ""
		}, 0, []string{"page 1", "offset 0", "held 7, fewer than the 10 asked for", "7 of 30"}},
		{"empty page before Total", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			if pageOf(offset) == 2 {
				return 0, &total, ""
			}
			return int(limit), &total, ""
		}, 10, []string{"page 2", "offset 10", "held 0, fewer than"}},
		{"page longer than asked", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			return int(limit) + 1, &total, ""
		}, 0, []string{"page 1", "more than the 10 asked for"}},
		{"Total absent", func(n int, limit, offset int64) (int, *int64, string) {
			return int(limit), nil, ""
		}, 0, []string{"page 1", "no Total or TotalCount"}},
		{"API error on a later page", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			if pageOf(offset) == 3 {
				return 0, nil, "InvalidParameterValue"
			}
			return int(limit), &total, ""
		}, 20, []string{"page 3", "offset 20", "InvalidParameterValue"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &csipFake{page: tc.page}
			res, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, 0)
			if err == nil {
				t.Fatalf("no error; %d records returned", len(res.Records))
			}
			if res != nil {
				t.Errorf("a partial result came with the error")
			}
			want := tc.want
			f.mu.Lock()
			for i, r := range f.requests {
				if r.Offset == tc.failOffset {
					want = append(want, fmt.Sprintf("RequestId: req-%d", i+1))
					break
				}
			}
			f.mu.Unlock()
			for _, w := range want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}

	// An API error stays inspectable through the wrapping.
	f := &csipFake{page: func(int, int64, int64) (int, *int64, string) { return 0, nil, "UnauthorizedOperation" }}
	_, err := csipFakeClient(t, f).ListUserCallRecords(ctx, "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, 0)
	var te *client.TencentError
	if !errors.As(err, &te) || te.Code != "UnauthorizedOperation" || te.RequestID != "req-1" {
		t.Fatalf("%v", err)
	}
}
