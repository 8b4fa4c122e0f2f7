package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Tests of DescribeAuditTracks and ListAuditTracks against the simulator.

// tctList reads every page; the deadline turns a paging loop that never
// ends into a failure instead of a hung test binary.
func tctList(t *testing.T, c *TencentClient, pageSize uint64, maxItems int) (*AuditTracksResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return c.ListAuditTracks(ctx, tctRegion, pageSize, maxItems)
}

func tctTrackIDs(t *testing.T, tracks []AuditTrack) []uint64 {
	t.Helper()
	ids := make([]uint64, len(tracks))
	for i, tr := range tracks {
		if tr.TrackId == nil {
			t.Fatalf("track %d has no TrackId", i)
		}
		ids[i] = *tr.TrackId
	}
	return ids
}

// tctIDRange is the TrackIds of the first n tracking sets: 1000, 1001, ...
func tctIDRange(n int) []uint64 {
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = 1000 + uint64(i)
	}
	return ids
}

func tctPageNumbers(s *tctServer) []int {
	var pages []int
	for _, r := range s.requests() {
		if r.Action == "DescribeAuditTracks" {
			pages = append(pages, r.pageNumber())
		}
	}
	return pages
}

func TestListAuditTracksReadsEveryPage(t *testing.T) {
	s := tctStart(t, cloudsim.Options{Tracks: 45}, nil)
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tctTrackIDs(t, res.Tracks), tctIDRange(45); !reflect.DeepEqual(got, want) {
		t.Errorf("TrackIds %v, want 1000..1044 in order", got)
	}
	seen := map[uint64]bool{}
	for _, id := range tctTrackIDs(t, res.Tracks) {
		if seen[id] {
			t.Errorf("TrackId %d read twice", id)
		}
		seen[id] = true
	}
	if res.TotalCount != 45 || res.Pages != 3 {
		t.Errorf("TotalCount %d, Pages %d; want 45 and 3", res.TotalCount, res.Pages)
	}
	if n := s.sim.CallCount("DescribeAuditTracks"); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
	// Page 1 gives the total; pages 2 and 3 may then be fetched in any order.
	if got := tctPageNumbers(s); len(got) != 3 || got[0] != 1 || !reflect.DeepEqual(tctCount(got), map[int]int{1: 1, 2: 1, 3: 1}) {
		t.Errorf("pages requested %v, want page 1 first, then 2 and 3 once each", got)
	}
	for _, r := range s.requests() {
		if string(r.Params["PageSize"]) != "20" {
			t.Errorf("PageSize %s, want 20", r.Params["PageSize"])
		}
	}
}

func TestListAuditTracksExactMultipleAndDefaults(t *testing.T) {
	// 40 tracks in pages of 20: two calls, no empty third page.
	s := tctStart(t, cloudsim.Options{Tracks: 40}, nil)
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	if err != nil || len(res.Tracks) != 40 || res.Pages != 2 {
		t.Fatalf("40 tracks: %v, %+v", err, res)
	}
	// Page size 0 means the default (20).
	s = tctStart(t, cloudsim.Options{Tracks: 21}, nil)
	res, err = tctList(t, tctClient(t, s.URL(), nil), 0, 0)
	if err != nil || len(res.Tracks) != 21 || res.Pages != 2 {
		t.Fatalf("default page size: %v, %+v", err, res)
	}
	if got := string(s.requests()[0].Params["PageSize"]); got != strconv.Itoa(DefaultAuditTracksPageSize) {
		t.Errorf("default PageSize %s, want %d", got, DefaultAuditTracksPageSize)
	}
}

func TestListAuditTracksMaxItems(t *testing.T) {
	s := tctStart(t, cloudsim.Options{Tracks: 45}, nil)
	c := tctClient(t, s.URL(), nil)
	res, err := tctList(t, c, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got := tctTrackIDs(t, res.Tracks); !reflect.DeepEqual(got, tctIDRange(7)) {
		t.Errorf("maxItems 7: TrackIds %v", got)
	}
	if res.Pages != 1 || s.sim.CallCount("DescribeAuditTracks") != 1 || res.TotalCount != 45 {
		t.Errorf("maxItems 7: Pages %d, calls %d, TotalCount %d; want 1, 1, 45", res.Pages, s.sim.CallCount("DescribeAuditTracks"), res.TotalCount)
	}
	res, err = tctList(t, c, 20, 25)
	if err != nil {
		t.Fatal(err)
	}
	if got := tctTrackIDs(t, res.Tracks); !reflect.DeepEqual(got, tctIDRange(25)) || res.Pages != 2 {
		t.Errorf("maxItems 25: %d tracks in %d pages, want 1000..1024 in 2", len(got), res.Pages)
	}
	res, err = tctList(t, c, 20, 1000)
	if err != nil || len(res.Tracks) != 45 {
		t.Errorf("maxItems above the total: %v, %d tracks", err, len(res.Tracks))
	}
}

// tctCount returns how many times each page number was requested.
func tctCount(pages []int) map[int]int {
	m := map[int]int{}
	for _, p := range pages {
		m[p]++
	}
	return m
}

func TestListAuditTracksFailsWhenTotalCountChanges(t *testing.T) {
	s := tctStart(t, cloudsim.Options{Tracks: 45}, nil)
	s.rewrite = func(req tctSeen, body []byte) []byte {
		if req.pageNumber() == 2 {
			return bytes.Replace(body, []byte(`"TotalCount":45`), []byte(`"TotalCount":46`), 1)
		}
		return body
	}
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	if err == nil {
		t.Fatalf("a TotalCount that changed between pages went unnoticed: %d tracks", len(res.Tracks))
	}
	if !strings.Contains(err.Error(), "changed") || !strings.Contains(err.Error(), "45") || !strings.Contains(err.Error(), "46") {
		t.Errorf("error %q does not say the count changed from 45 to 46", err)
	}
	if res != nil {
		t.Errorf("a partial result was returned with the error")
	}
}

// A change seen once (tracks added while reading, then stable) restarts the
// read from page 1, which then returns a consistent list.
func TestListAuditTracksRestartsOnceAfterTransientChange(t *testing.T) {
	s := tctStart(t, cloudsim.Options{Tracks: 45}, nil)
	rewritten := false
	s.rewrite = func(req tctSeen, body []byte) []byte {
		if req.pageNumber() == 2 && !rewritten {
			rewritten = true
			return bytes.Replace(body, []byte(`"TotalCount":45`), []byte(`"TotalCount":46`), 1)
		}
		return body
	}
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	if err != nil {
		t.Fatalf("a transient change was not recovered from: %v", err)
	}
	if got := tctTrackIDs(t, res.Tracks); !reflect.DeepEqual(got, tctIDRange(45)) || res.TotalCount != 45 {
		t.Errorf("after the restart: %d tracks, TotalCount %d", len(got), res.TotalCount)
	}
	if n := tctCount(tctPageNumbers(s))[1]; n != 2 {
		t.Errorf("page 1 read %d times, want 2 (the read restarted once)", n)
	}
}

// A page-number API that silently caps pages: page 1 reveals the cap, and
// the read starts again at page 1 with pages of the cap (page 2 of 20 is
// another slice than page 2 of 15), logging the cap once at WARN.
func TestListAuditTracksLearnsSilentPageCap(t *testing.T) {
	for _, tc := range []struct {
		tracks, cap  int
		pageSize     uint64
		maxItems     int
		wantPages    []int
		wantSizes    []string
		wantReturned int
	}{
		{45, 15, 20, 0, []int{1, 1, 2, 3}, []string{"20", "15", "15", "15"}, 45},
		{45, 4, 20, 0, []int{1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, append([]string{"20"}, slices.Repeat([]string{"4"}, 12)...), 45},
		{45, 4, 20, 10, []int{1, 1, 2, 3}, []string{"20", "4", "4", "4"}, 10},
	} {
		t.Run(fmt.Sprintf("%d tracks, cap %d, page size %d, max %d", tc.tracks, tc.cap, tc.pageSize, tc.maxItems), func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{Tracks: tc.tracks}, nil)
			s.sim.CapPageSize("DescribeAuditTracks", tc.cap)
			log := &tctLogger{}
			res, err := tctList(t, tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.Logger = log }), tc.pageSize, tc.maxItems)
			if err != nil {
				t.Fatal(err)
			}
			if got := tctTrackIDs(t, res.Tracks); !reflect.DeepEqual(got, tctIDRange(tc.wantReturned)) {
				t.Errorf("TrackIds %v", got)
			}
			if res.TotalCount != uint64(tc.tracks) || res.PageSizeCap != uint64(tc.cap) || res.Pages != len(tc.wantPages) {
				t.Errorf("total %d, cap %d, %d pages", res.TotalCount, res.PageSizeCap, res.Pages)
			}
			var pages []int
			var sizes []string
			for _, r := range s.requests() {
				pages = append(pages, r.pageNumber())
				sizes = append(sizes, string(r.Params["PageSize"]))
			}
			slices.Sort(pages[1:]) // fetched concurrently
			if !reflect.DeepEqual(pages, tc.wantPages) || !reflect.DeepEqual(sizes, tc.wantSizes) {
				t.Errorf("pages %v sizes %v, want %v %v", pages, sizes, tc.wantPages, tc.wantSizes)
			}
			var warns []string
			for _, l := range log.all() {
				if strings.HasPrefix(l, "WARN ") {
					warns = append(warns, l)
				}
			}
			if len(warns) != 1 || !strings.Contains(warns[0], fmt.Sprintf("DescribeAuditTracks caps pages at %d tracking sets", tc.cap)) ||
				!strings.Contains(warns[0], fmt.Sprintf("page_size_cap=%d", tc.cap)) {
				t.Errorf("WARN lines %q, want one naming the cap", warns)
			}
		})
	}
	// A page size within the cap never meets it.
	s := tctStart(t, cloudsim.Options{Tracks: 45, TrackPageCap: 15}, nil)
	res, err := tctList(t, tctClient(t, s.URL(), nil), 15, 0)
	if err != nil || len(res.Tracks) != 45 || res.PageSizeCap != 0 || s.sim.CallCount("DescribeAuditTracks") != 3 {
		t.Errorf("page size 15 under a cap of 15: %+v, %v", res, err)
	}
}

// Totals no list can hold are refused, quoted, without allocating for them.
func TestListAuditTracksImpossibleTotals(t *testing.T) {
	for _, tc := range []struct {
		name, total string
		pageSize    uint64
		want        []string
	}{
		{"above 2^63", "9223372036854775809", 20, []string{"impossible total of 9223372036854775809 tracking sets", "RequestId: r1"}},
		{"2^64-1", "18446744073709551615", 20, []string{"impossible total of 18446744073709551615"}},
		{"2^62 in small pages", "4611686018427387904", 3, []string{"total of 4611686018427387904", "1537228672809129302 pages of 3", "more than the 1000000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json",
				`{"Response":{"Tracks":[{"TrackId":1},{"TrackId":2},{"TrackId":3}],"TotalCount":`+tc.total+`,"RequestId":"r1"}}`)))
			res, err := tctList(t, tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 0 }), tc.pageSize, 0)
			if err == nil {
				t.Fatalf("read %d tracking sets of a total of %s without an error", len(res.Tracks), tc.total)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if n := len(s.requests()); n != 1 {
				t.Errorf("%d calls, want 1", n)
			}
		})
	}
	// With a limit, a huge total is only a number: the first items are read.
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json",
		`{"Response":{"Tracks":[{"TrackId":1},{"TrackId":2},{"TrackId":3}],"TotalCount":4611686018427387904,"RequestId":"r1"}}`)))
	res, err := tctList(t, tctClient(t, s.URL(), nil), 3, 3)
	if err != nil || len(res.Tracks) != 3 || res.TotalCount != 1<<62 {
		t.Errorf("max 3 of 2^62: %+v, %v", res, err)
	}
}

// Pages that overlap (the same TrackId twice) fail the read.
func TestListAuditTracksOverlappingPages(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, func(n int, req tctSeen) http.HandlerFunc {
		id := 1000 + 2*(req.pageNumber()-1)
		if req.pageNumber() == 2 {
			id-- // page 2 starts with the last item of page 1
		}
		return tctHTTP(200, "application/json", fmt.Sprintf(`{"Response":{"Tracks":[{"TrackId":%d},{"TrackId":%d}],"TotalCount":6,"RequestId":"r%d"}}`, id, id+1, n))
	})
	_, err := tctList(t, tctClient(t, s.URL(), nil), 2, 0)
	if err == nil || !strings.Contains(err.Error(), "TrackId 1001 was returned twice") || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("err = %v", err)
	}
}

// tctTracksPage answers a page of tracking sets from first on, n of them,
// with a TotalCount.
func tctTracksPage(first, n int, total uint64, requestID string) http.HandlerFunc {
	tracks := make([]string, n)
	for i := range tracks {
		tracks[i] = fmt.Sprintf(`{"TrackId":%d}`, first+i)
	}
	return tctHTTP(200, "application/json", fmt.Sprintf(`{"Response":{"Tracks":[%s],"TotalCount":%d,"RequestId":%q}}`, strings.Join(tracks, ","), total, requestID))
}

// A last page holding more tracking sets than TotalCount leaves room for:
// page 3 of 20 with a TotalCount of 45 has room for 5, not 20 new ones. The
// read starts again once, then fails quoting both numbers; it never cuts the
// page to the total.
func TestListAuditTracksSurplusBeyondTotal(t *testing.T) {
	for _, times := range []int{1, 1 << 30} {
		passes := 0
		s := tctStart(t, cloudsim.Options{}, func(n int, req tctSeen) http.HandlerFunc {
			p := req.pageNumber()
			if p == 1 {
				passes++
			}
			if p == 3 && passes <= times {
				return tctTracksPage(1040, 20, 45, fmt.Sprintf("r%d", n))
			}
			return tctTracksPage(1000+20*(p-1), min(20, 45-20*(p-1)), 45, fmt.Sprintf("r%d", n))
		})
		res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
		if times == 1 {
			if err != nil || !reflect.DeepEqual(tctTrackIDs(t, res.Tracks), tctIDRange(45)) {
				t.Errorf("surplus once: %v, %+v", err, res)
			}
			continue
		}
		if err == nil {
			t.Fatalf("read %d tracking sets of a total of 45 without an error", len(res.Tracks))
		}
		for _, w := range []string{"page 3 of tracking sets (offset 40, RequestId: r", "held 20, but the total of 45 leaves room for 5 from that offset", "a second read was inconsistent too"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
}

func TestListAuditTracksRetryResumesAtFailedPage(t *testing.T) {
	failed := false
	s := tctStart(t, cloudsim.Options{Tracks: 45}, func(n int, req tctSeen) http.HandlerFunc {
		if req.pageNumber() == 2 && !failed {
			failed = true
			return tctAPIError("RequestLimitExceeded", "r-page2")
		}
		return nil
	})
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Pages after the first are fetched concurrently, so pages 2 and 3 may
	// come in either order; what matters is that page 1 came first and was
	// read once (the read resumed at page 2, it did not restart).
	pages := tctPageNumbers(s)
	if len(pages) != 4 || pages[0] != 1 || !reflect.DeepEqual(tctCount(pages), map[int]int{1: 1, 2: 2, 3: 1}) {
		t.Errorf("pages requested %v, want 1 then 2, 2, 3 (as [1 2 2 3] up to the order of 2 and 3)", pages)
	}
	if got := tctTrackIDs(t, res.Tracks); !reflect.DeepEqual(got, tctIDRange(45)) {
		t.Errorf("TrackIds %v", got)
	}
	if res.Pages != 3 {
		t.Errorf("Pages %d, want 3 successful calls", res.Pages)
	}
}

func TestListAuditTracksFailedPageIsReported(t *testing.T) {
	s := tctStart(t, cloudsim.Options{Tracks: 45}, func(n int, req tctSeen) http.HandlerFunc {
		if req.pageNumber() == 2 {
			return tctAPIError("InvalidParameterValue", "r-page2")
		}
		return nil
	})
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	var te *TencentError
	if !errors.As(err, &te) || te.Code != "InvalidParameterValue" || te.RequestID != "r-page2" {
		t.Fatalf("error %v, want the page's InvalidParameterValue", err)
	}
	if !strings.Contains(err.Error(), "page 2") || res != nil {
		t.Errorf("error %q does not name page 2, or a partial result was returned", err)
	}
}

func TestListAuditTracksEmptyAccount(t *testing.T) {
	s := tctStart(t, cloudsim.Options{Tracks: -1}, nil)
	res, err := tctList(t, tctClient(t, s.URL(), nil), 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Tracks == nil || len(res.Tracks) != 0 || res.TotalCount != 0 || res.Pages != 1 {
		t.Errorf("empty account: Tracks %#v, TotalCount %d, Pages %d; want an empty non-nil slice after 1 call", res.Tracks, res.TotalCount, res.Pages)
	}
}

func TestDescribeAuditTracksDecodesEveryField(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, nil)
	resp, err := tctRead(tctClient(t, s.URL(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Tracks) != 7 {
		t.Fatalf("%d tracks", len(resp.Tracks))
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	num := func(p *uint64) string {
		if p == nil {
			return "<nil>"
		}
		return strconv.FormatUint(*p, 10)
	}
	first := resp.Tracks[0]
	if num(first.TrackId) != "1000" || str(first.Name) != "audit-all-1" || str(first.ActionType) != "*" ||
		str(first.ResourceType) != "*" || num(first.Status) != "1" || !reflect.DeepEqual(first.EventNames, []string{"*"}) ||
		str(first.CreateTime) != "2021-01-14 14:43:38" || first.Storage == nil {
		t.Fatalf("track 0 decoded as %+v", first)
	}
	st := first.Storage
	if str(st.StorageType) != "cos" || str(st.StorageRegion) != "ap-guangzhou" || str(st.StorageName) != "audit-logs-1" ||
		str(st.StoragePrefix) != "cloudaudit1" || num(st.Compress) != "1" || st.StorageAccountId != nil || st.StorageAppId != nil {
		t.Errorf("track 0 storage decoded as type=%s region=%s name=%s prefix=%s compress=%s account=%s app=%s",
			str(st.StorageType), str(st.StorageRegion), str(st.StorageName), str(st.StoragePrefix), num(st.Compress),
			str(st.StorageAccountId), str(st.StorageAppId))
	}
	// Optional storage fields: present on track 3 (cross-account, compressed),
	// absent (nil, not zero) on track 1.
	if st := resp.Tracks[3].Storage; st == nil || str(st.StorageAccountId) != "100000031003" || str(st.StorageAppId) != "1300050003" || num(st.Compress) != "2" {
		t.Errorf("track 3 storage %+v", resp.Tracks[3].Storage)
	}
	if st := resp.Tracks[1].Storage; st == nil || st.Compress != nil || st.StorageAccountId != nil || str(st.StorageType) != "cls" {
		t.Errorf("track 1 storage %+v", resp.Tracks[1].Storage)
	}
	// Status 0 is kept apart from absent.
	if num(resp.Tracks[4].Status) != "0" {
		t.Errorf("track 4 Status %s, want 0", num(resp.Tracks[4].Status))
	}
	if len(resp.Tracks[3].EventNames) != 3 || resp.Tracks[3].EventNames[0] != "RunInstances" {
		t.Errorf("track 3 EventNames %v", resp.Tracks[3].EventNames)
	}
}

// --- 9. Numbers beyond 2^53 ----------------------------------------------------

const tctBigTracks = `{"Response":{"Tracks":[` +
	`{"TrackId":18446744073709551615,"Name":"big","ActionType":"*","ResourceType":"*","Status":1,"EventNames":["*"],` +
	`"Storage":{"StorageType":"cos","StorageRegion":"ap-guangzhou","StorageName":"b","StoragePrefix":"pfx","Compress":18446744073709551614},` +
	`"CreateTime":"2024-01-01 00:00:00"},` +
	`{"TrackId":9007199254740993,"Name":"odd","ActionType":"Read","ResourceType":"cam","Status":0,"EventNames":["CreateUser"],` +
	`"Storage":{"StorageType":"cls","StorageRegion":"ap-guangzhou","StorageName":"t","StoragePrefix":"pfx"},"CreateTime":"2024-01-01 00:00:00"}` +
	`],"TotalCount":2,"RequestId":"r-big"}}`

func TestAuditTracksLargeNumbersDecodeExactly(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", tctBigTracks)))
	c := tctClient(t, s.URL(), nil)
	resp, err := tctRead(c)
	if err != nil {
		t.Fatal(err)
	}
	if resp.RequestId != "r-big" || len(resp.Tracks) != 2 {
		t.Fatalf("decoded %+v", resp)
	}
	if got := *resp.Tracks[0].TrackId; got != math.MaxUint64 {
		t.Errorf("TrackId %d, want 18446744073709551615", got)
	}
	if got := *resp.Tracks[0].Storage.Compress; got != math.MaxUint64-1 {
		t.Errorf("Compress %d, want 18446744073709551614", got)
	}
	if got := *resp.Tracks[1].TrackId; got != 9007199254740993 {
		t.Errorf("TrackId %d, want 9007199254740993 (2^53+1)", got)
	}
	res, err := c.ListAuditTracks(context.Background(), tctRegion, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := tctTrackIDs(t, res.Tracks); !reflect.DeepEqual(got, []uint64{math.MaxUint64, 9007199254740993}) {
		t.Errorf("ListAuditTracks TrackIds %v", got)
	}
}

// Integer request parameters must reach the wire exactly as well: a request
// must not be re-encoded through float64 (which turns 9007199254740993 into
// 9007199254740992, and 2^62 into 4611686018427388000).
func TestTencentRequestIntegersAreSentExactly(t *testing.T) {
	s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json",
		`{"Response":{"Tracks":[],"TotalCount":0,"RequestId":"r1"}}`)))
	c := tctClient(t, s.URL(), nil)
	for _, n := range []uint64{9007199254740993, 1 << 62, math.MaxUint64} {
		if _, err := c.DescribeAuditTracks(context.Background(), tctRegion, DescribeAuditTracksRequest{PageNumber: n, PageSize: 10}); err != nil {
			t.Fatal(err)
		}
		reqs := s.requests()
		body := reqs[len(reqs)-1].Body
		if want := `"PageNumber":` + strconv.FormatUint(n, 10) + `,`; !bytes.Contains(body, []byte(want)) {
			t.Errorf("PageNumber %d was sent as %s", n, body)
		}
	}
}

// An HTTP 200 answer without the {"Response": {...}} envelope (an empty
// object, null, or the legacy {"code","message","codeDesc"} error format)
// is not an empty account: reading it as one would silently report that no
// tracking sets exist.
func TestListAuditTracksRejectsAnswerWithoutEnvelope(t *testing.T) {
	for name, body := range map[string]string{
		"empty object":  `{}`,
		"null":          `null`,
		"legacy error":  `{"code":4100,"message":"authentication failed","codeDesc":"AuthFailure.SignatureFailure"}`,
		"null Response": `{"Response":null}`,
	} {
		t.Run(name, func(t *testing.T) {
			s := tctStart(t, cloudsim.Options{}, tctAlways(tctHTTP(200, "application/json", body)))
			res, err := tctList(t, tctClient(t, s.URL(), func(cfg *TencentConfig) { cfg.MaxRetries = 0 }), 20, 0)
			if err == nil {
				t.Errorf("answer %s was read as an account with %d tracking sets", body, len(res.Tracks))
			}
		})
	}
}
