package client

// Micro-benchmarks of the client's share of a large read (see BENCHMARKS.md):
//
//	go test -bench . -run '^$' ./internal/client
//
// BenchmarkDecode* decode one page as the API sends it (100 CSIP call records,
// 100 tracking sets, 50 UCloud events) with the decoders the client uses.
// BenchmarkList* read whole lists from an httptest server answering canned
// pages, through everything the client does per page (signing, the SDK or
// form encoding, HTTP, decoding, paging checks), with pacing out of the way;
// ns/record at 1k and 10k records shows the cost stays linear.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func benchStrP(s string) *string { return &s }
func benchI64P(v int64) *int64   { return &v }
func benchU64P(v uint64) *uint64 { return &v }
func benchBoolP(v bool) *bool    { return &v }

// benchCallRecordPage is the page of n call records from offset on, each
// record derived from its position (so pages of one list fit together).
func benchCallRecordPage(offset, n int, total int64) []byte {
	recs := make([]UserCallRecord, max(min(int64(n), total-int64(offset)), 0))
	for k := range recs {
		i := offset + k
		recs[k] = UserCallRecord{
			SourceIP: benchStrP(fmt.Sprintf("106.%d.%d.%d", 55+i/65536, i/256%256, i%256)), EventType: benchI64P(int64(i % 2)),
			CallCount: benchI64P(int64(1 + i*7)), Code: benchI64P(0),
			FirstCallTime: benchStrP("2025-03-01 08:00:00"), LastCallTime: benchStrP("2025-05-21 17:42:10"),
			SourceIPRemark: benchStrP(""), Region: benchStrP("中国-广东省-广州市"), UserName: benchStrP("ops-automation"),
			Date: benchStrP(""), AppID: benchI64P(1250000000), ISP: benchStrP("腾讯云"),
		}
	}
	body, err := json.Marshal(map[string]any{"Response": map[string]any{
		"Data": recs, "Total": total, "RequestId": "7f1e5c3a-1b2c-4d5e-8f90-123456789abc",
	}})
	if err != nil {
		panic(err)
	}
	return body
}

// benchTracksPage is the page of n tracking sets from offset on.
func benchTracksPage(offset, n int, total uint64) []byte {
	tracks := make([]AuditTrack, max(min(uint64(n), total-min(uint64(offset), total)), 0))
	for k := range tracks {
		i := offset + k
		tracks[k] = AuditTrack{
			TrackId: benchU64P(uint64(1000 + i)), Name: benchStrP("audit-cam-" + strconv.Itoa(i)),
			ActionType: benchStrP("Write"), ResourceType: benchStrP("cam"), Status: benchU64P(1),
			EventNames: []string{"CreateUser", "DeleteUser", "AttachUserPolicy"},
			Storage: &AuditStorage{StorageType: benchStrP("cos"), StorageRegion: benchStrP("ap-guangzhou"),
				StorageName: benchStrP("audit-logs-" + strconv.Itoa(i)), StoragePrefix: benchStrP("cloudaudit")},
			CreateTime: benchStrP("2021-01-14 14:43:38"),
		}
	}
	body, err := json.Marshal(map[string]any{"Response": map[string]any{
		"Tracks": tracks, "TotalCount": total, "RequestId": "7f1e5c3a-1b2c-4d5e-8f90-123456789abc",
	}})
	if err != nil {
		panic(err)
	}
	return body
}

func benchEventsPage(n int, next string) []byte {
	events := make([]UserOperationEvent, n)
	for i := range events {
		events[i] = UserOperationEvent{
			Region: benchStrP("cn-bj2"), Api: benchStrP("DeleteUHostInstance"), IsSuccess: benchBoolP(i%7 != 0),
			OperateTime: benchI64P(1_747_000_000 - int64(i)*60), UserName: benchStrP("alice"), UserEmail: benchStrP("alice@example.com"),
			RelatedResource: []RelatedResource{{ResourceId: benchStrP("uhost-" + strconv.Itoa(i)), ResourceName: benchStrP("web")}},
			RemoteIP:        benchStrP(fmt.Sprintf("10.0.%d.%d", i/256, i%256)), AccessKeyID: benchStrP("AKID0"),
		}
	}
	m := map[string]any{"RetCode": 0, "Action": "GetUserOperationEventsResponse", "Events": events}
	if next != "" {
		m["NextToken"] = next
	}
	body, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return body
}

func benchReportPerRecord(b *testing.B, records int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(records), "ns/record")
}

func BenchmarkDecodeCSIPPage(b *testing.B) {
	body := benchCallRecordPage(0, 100, 100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var resp DescribeUserCallRecordResponse
		if err := decodeTencentEnvelope(body, &resp); err != nil || len(resp.Data) != 100 {
			b.Fatal(err, len(resp.Data))
		}
	}
	benchReportPerRecord(b, 100)
}

func BenchmarkDecodeTracksPage(b *testing.B) {
	body := benchTracksPage(0, 100, 100)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var resp DescribeAuditTracksResponse
		if err := decodeTencentEnvelope(body, &resp); err != nil || len(resp.Tracks) != 100 {
			b.Fatal(err, len(resp.Tracks))
		}
	}
	benchReportPerRecord(b, 100)
}

// BenchmarkDecodeUCloudPage decodes a page the way GetUserOperationEvents
// does: one decoding of the envelope and the events together.
func BenchmarkDecodeUCloudPage(b *testing.B) {
	body := benchEventsPage(UCloudMaxOperationEventsPage, "next")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page getUserOperationEventsBody
		if err := decodeUserOperationEventsBody(body, &page); err != nil || len(page.Events) != UCloudMaxOperationEventsPage {
			b.Fatal(err, len(page.Events))
		}
	}
	benchReportPerRecord(b, UCloudMaxOperationEventsPage)
}

var benchListSizes = []int{1_000, 10_000}

// benchPages answers each page of a list with a body built once per page
// (by the page's position), so the benchmark measures the client, not the
// server, and every page fits with its neighbours as a real API's do.
type benchPages struct {
	mu    sync.Mutex
	pages map[[2]int][]byte
	build func(offset, limit int) []byte
	// position reads a request's offset and limit.
	position func(body []byte) (offset, limit int)
}

func (p *benchPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, _ := io.ReadAll(r.Body)
	offset, limit := p.position(req)
	p.mu.Lock()
	body, ok := p.pages[[2]int{offset, limit}]
	if !ok {
		if p.pages == nil {
			p.pages = map[[2]int][]byte{}
		}
		body = p.build(offset, limit)
		p.pages[[2]int{offset, limit}] = body
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// BenchmarkListUserCallRecords reads n records in pages of 100 from a server
// that answers each page with its records.
func BenchmarkListUserCallRecords(b *testing.B) {
	for _, n := range benchListSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			srv := httptest.NewServer(&benchPages{
				build: func(offset, limit int) []byte { return benchCallRecordPage(offset, limit, int64(n)) },
				position: func(body []byte) (int, int) {
					var req struct{ Filter struct{ Offset, Limit int } }
					_ = json.Unmarshal(body, &req)
					return req.Filter.Offset, req.Filter.Limit
				},
			})
			defer srv.Close()
			c, err := NewTencentClient(TencentConfig{SecretID: "AKIDbench", SecretKey: "bench", Endpoint: srv.URL, RateLimit: 1e9})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				res, err := c.ListUserCallRecords(ctx, "", DescribeUserCallRecordRequest{SubUin: "100021372635"}, 0, 0)
				if err != nil || len(res.Records) != n {
					b.Fatal(err)
				}
			}
			benchReportPerRecord(b, n)
		})
	}
}

// BenchmarkListAuditTracks reads n tracking sets in pages of 100.
func BenchmarkListAuditTracks(b *testing.B) {
	for _, n := range benchListSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			srv := httptest.NewServer(&benchPages{
				build: func(offset, limit int) []byte { return benchTracksPage(offset, limit, uint64(n)) },
				position: func(body []byte) (int, int) {
					var req struct{ PageNumber, PageSize int }
					_ = json.Unmarshal(body, &req)
					return (req.PageNumber - 1) * req.PageSize, req.PageSize
				},
			})
			defer srv.Close()
			c, err := NewTencentClient(TencentConfig{SecretID: "AKIDbench", SecretKey: "bench", Endpoint: srv.URL, RateLimit: 1e9})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				res, err := c.ListAuditTracks(ctx, "ap-guangzhou", 100, 0)
				if err != nil || len(res.Tracks) != n {
					b.Fatal(err)
				}
			}
			benchReportPerRecord(b, n)
		})
	}
}

// BenchmarkListUserOperationEvents reads n events in pages of 50, the server
// handing out NextToken "p1", "p2", … and none on the last page.
func BenchmarkListUserOperationEvents(b *testing.B) {
	for _, n := range benchListSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			pages := n / UCloudMaxOperationEventsPage
			bodies := make([][]byte, pages)
			for i := range bodies {
				next := ""
				if i+1 < pages {
					next = "p" + strconv.Itoa(i+1)
				}
				bodies[i] = benchEventsPage(UCloudMaxOperationEventsPage, next)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := r.ParseForm(); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				i, _ := strconv.Atoi(strings.TrimPrefix(r.PostForm.Get("NextToken"), "p"))
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(bodies[i])
			}))
			defer srv.Close()
			c, err := NewUCloudClient(UCloudConfig{PublicKey: "bench", PrivateKey: "bench", BaseURL: srv.URL})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				events, _, err := listEvents(c, ctx, GetUserOperationEventsRequest{}, 0)
				if err != nil || len(events) != n {
					b.Fatal(err, len(events))
				}
			}
			benchReportPerRecord(b, n)
		})
	}
}

// BenchmarkScanJSONKeys is the shape check alone (repeated keys, promised
// fields) on the page BenchmarkDecodeCSIPPage decodes: its share of that
// benchmark's time.
func BenchmarkScanJSONKeys(b *testing.B) {
	for name, body := range map[string][]byte{"CSIPPage": benchCallRecordPage(0, 100, 100), "TracksPage": benchTracksPage(0, 100, 100)} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scanJSONKeys(body, "Response", []string{"Data"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
