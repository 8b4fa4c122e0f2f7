package client_test

import (
	"context"
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
			// Each record is its position in the list: pages fit together.
			pos := filter.Filter.Offset + int64(i)
			data[i] = map[string]any{"SourceIP": fmt.Sprintf("10.0.%d.%d", pos/256, pos%256), "CallCount": pos}
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
		calls := f.calls()
		// Pages after the first are fetched concurrently: arrival order varies.
		slices.SortFunc(calls, func(a, b csipFakeRequest) int { return int(a.Offset - b.Offset) })
		for i, c := range calls {
			// After the first page, each starts at the record before its
			// first new one.
			if c.Limit != 10 || c.Offset != int64(9*i) {
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
		// 5 more records, and the one before them.
		if len(res.Records) != 15 || res.Total != 23 || len(calls) != 2 || calls[1].Limit != 6 || calls[1].Offset != 9 {
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
		if len(res.Records) != 19 || *res.Records[0].CallCount != 4 || len(calls) != 2 || calls[1].Offset != 13 {
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
	cases := []struct {
		name string
		page func(n int, limit, offset int64) (int, *int64, string)
		want []string
	}{
		{"Total changes between pages", func(n int, limit, offset int64) (int, *int64, string) {
			total := 30 + (offset+1)/10 // by offset: pages 2 and 3 arrive in any order
			return int(limit), &total, ""
		}, []string{"changed from 30 to 31 while reading page 2 (offset 9, RequestId: req-", "change again, from 30 to 31 on page 2"}},
		{"page cap that changes again", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			if offset == 0 {
				return int(min(limit, 7)), &total, ""
			}
			return int(min(limit, 5)), &total, ""
		}, []string{"inconsistent", "page 1 (offset 0) held 7 of the 10 asked for", "read 7 at a time", "page 2 (offset 6) held 5 of the 7 asked for", "RequestId: req-1)", "RequestId: req-"}},
		{"empty page before Total", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			if offset == 9 {
				return 0, &total, ""
			}
			return int(limit), &total, ""
		}, []string{"page 2 (offset 9) held 0 of the 10 asked for", "none were returned although the total says 20 remain"}},
		{"page longer than asked", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			return int(limit) + 1, &total, ""
		}, []string{"page 1", "more than the 10 asked for", "RequestId: req-1"}},
		{"Total absent", func(n int, limit, offset int64) (int, *int64, string) {
			return int(limit), nil, ""
		}, []string{"page 1", "no Total or TotalCount", "RequestId: req-1"}},
		{"API error on a later page", func(n int, limit, offset int64) (int, *int64, string) {
			total := int64(30)
			if offset == 18 { // page 3, whichever call it is
				return 0, nil, "InvalidParameterValue"
			}
			return int(limit), &total, ""
		}, []string{"page 3", "offset 18", "InvalidParameterValue", "RequestId: req-"}},
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
			for _, w := range tc.want {
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

// csipLog records what the client logs at WARN.
type csipLog struct {
	mu    sync.Mutex
	warns []string
}

func (l *csipLog) Warn(_ context.Context, msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warns = append(l.warns, fmt.Sprintf("%s %v", msg, f))
}
func (l *csipLog) Info(context.Context, string, map[string]any)  {}
func (l *csipLog) Debug(context.Context, string, map[string]any) {}
func (l *csipLog) Trace(context.Context, string, map[string]any) {}

func csipLoggedClient(t *testing.T, f *csipFake, log client.Logger) *client.TencentClient {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := client.NewTencentClient(client.TencentConfig{SecretID: "AKIDfake", SecretKey: "fake-key", Endpoint: srv.URL, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// csipCapped serves total records honestly but at most limit(offset) a page.
func csipCapped(total int64, limit func(offset int64) int64) func(int, int64, int64) (int, *int64, string) {
	return func(_ int, asked, offset int64) (int, *int64, string) {
		return int(max(min(asked, limit(offset), total-offset), 0)), &total, ""
	}
}

// An offset API that silently caps pages: the read learns the cap and goes
// on at the next unread offset, whether the first page reveals the cap or a
// later one (fetched concurrently with others), every record once, in order.
func TestCSIPListUserCallRecordsLearnsPageCap(t *testing.T) {
	for _, tc := range []struct {
		name      string
		total     int64
		maxItems  int
		limit     func(offset int64) int64
		want      int
		wantCap   int64
		wantCalls []int64 // offsets, sorted
	}{
		// After page 1, each page starts at the record before its first new
		// one: pages of 7 bring 6 new records each.
		{"cap on page 1", 30, 0, func(int64) int64 { return 7 }, 30, 7, []int64{0, 6, 12, 18, 24}},
		{"cap on page 1, maxItems", 30, 25, func(int64) int64 { return 7 }, 25, 7, []int64{0, 6, 12, 18}},
		{"cap from page 3 on", 50, 0, func(o int64) int64 {
			if o >= 20 {
				return 6
			}
			return 1000
		}, 50, 6, []int64{0, 9, 18, 27, 32, 37, 42, 47}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 10 { // pages 2 and up arrive in any order; the outcome must not depend on it
				f := &csipFake{page: csipCapped(tc.total, tc.limit)}
				log := &csipLog{}
				res, err := csipLoggedClient(t, f, log).ListUserCallRecords(t.Context(), "", client.DescribeUserCallRecordRequest{SubUin: "1"}, 10, tc.maxItems)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Records) != tc.want || res.Total != tc.total || res.PageSizeCap != tc.wantCap {
					t.Fatalf("%d records, total %d, cap %d", len(res.Records), res.Total, res.PageSizeCap)
				}
				for i, r := range res.Records {
					if *r.CallCount != int64(i) {
						t.Fatalf("record %d is record %d: lost, repeated or out of order", i, *r.CallCount)
					}
				}
				var offsets []int64
				for _, c := range f.calls() {
					offsets = append(offsets, c.Offset)
				}
				slices.Sort(offsets)
				// Pages past the one that revealed the cap may have been in
				// flight (at most pageConcurrency-1 of them); every other
				// call is one of these.
				if !isSuperset(offsets, tc.wantCalls) || len(offsets) > len(tc.wantCalls)+3 {
					t.Errorf("offsets %v, want %v", offsets, tc.wantCalls)
				}
				if len(log.warns) != 1 || !strings.Contains(log.warns[0], fmt.Sprintf("DescribeUserCallRecord caps pages at %d call records", tc.wantCap)) {
					t.Errorf("WARN lines %q", log.warns)
				}
			}
		})
	}
}

func isSuperset(have, want []int64) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
