package client_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// listFake answers DescribeUserCallRecord from a list of call records that
// tests change between calls, as records arriving and ageing out during a
// read change the real one. A record is its SourceIP.
type listFake struct {
	mu      sync.Mutex
	records []string
	calls   []csipFakeRequest
	next    int // numbers new records
	// before runs under the lock before call n (1-based) is answered.
	before func(n int, f *listFake)
	// answer, when set, replaces the honest page: records and Total.
	answer func(n int, offset, limit int64, f *listFake) ([]string, int64)
}

func newListFake(n int) *listFake {
	f := &listFake{}
	for range n {
		f.records = append(f.records, f.newRecord())
	}
	return f
}

func (f *listFake) newRecord() string {
	f.next++
	return fmt.Sprintf("10.1.%d.%d", f.next/256, f.next%256)
}

// shiftDown adds a record at the head and ages out the last one: the total
// stays, and every later record moves one position down.
func (f *listFake) shiftDown() {
	f.records = append([]string{f.newRecord()}, f.records[:len(f.records)-1]...)
}

// shiftUp removes the head record and adds one at the tail: every later
// record moves one position up.
func (f *listFake) shiftUp() {
	f.records = append(slices.Clone(f.records[1:]), f.newRecord())
}

func (f *listFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Filter struct{ Limit, Offset int64 }
	}
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	f.calls = append(f.calls, csipFakeRequest{Limit: req.Filter.Limit, Offset: req.Filter.Offset})
	n := len(f.calls)
	if f.before != nil {
		f.before(n, f)
	}
	var page []string
	total := int64(len(f.records))
	if f.answer != nil {
		page, total = f.answer(n, req.Filter.Offset, req.Filter.Limit, f)
	} else {
		start := min(req.Filter.Offset, total)
		page = f.records[start:min(start+req.Filter.Limit, total)]
	}
	data := make([]map[string]any, len(page))
	for i, ip := range page {
		data[i] = map[string]any{"SourceIP": ip, "EventType": 1, "UserName": "ops"}
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
		"Data": data, "Total": total, "RequestId": fmt.Sprintf("req-%d", n),
	}})
}

func (f *listFake) snapshot() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.records)
}

func (f *listFake) offsets() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int64
	for _, c := range f.calls {
		out = append(out, c.Offset)
	}
	return out
}

func listFakeRead(t *testing.T, f *listFake, pageSize int64, maxItems int) ([]string, error) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := client.NewTencentClient(client.TencentConfig{SecretID: "AKIDfake", SecretKey: "fake-key", Endpoint: srv.URL, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ListUserCallRecords(t.Context(), "", client.DescribeUserCallRecordRequest{SubUin: "1"}, pageSize, maxItems)
	if err != nil {
		if res != nil {
			t.Errorf("a partial result came with the error %v", err)
		}
		return nil, err
	}
	out := make([]string, len(res.Records))
	for i, r := range res.Records {
		out[i] = *r.SourceIP
	}
	return out, nil
}

func wantErrorParts(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one with %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q lacks %q", err, p)
		}
	}
}

// A list that shifts once while it is read, in either direction, at any
// page: the shift is noticed at a page border, and the second read returns
// exactly the list as it is now. Pages are fetched concurrently, so each
// case runs several times. Run with -race.
func TestCSIPShiftDuringReadRestartsOnce(t *testing.T) {
	for _, dir := range []string{"down", "up"} {
		for call := 1; call <= 3; call++ { // 250 records in pages of 100: 3 calls a pass
			t.Run(fmt.Sprintf("shift %s before call %d", dir, call), func(t *testing.T) {
				for range 5 {
					f := newListFake(250)
					f.before = func(n int, f *listFake) {
						if n != call {
							return
						}
						if dir == "down" {
							f.shiftDown()
						} else {
							f.shiftUp()
						}
					}
					got, err := listFakeRead(t, f, 100, 0)
					if err != nil {
						t.Fatal(err)
					}
					if want := f.snapshot(); !slices.Equal(got, want) {
						t.Fatalf("read %d records, not the list as it is (%d): lost, repeated or out of order", len(got), len(want))
					}
					if n := len(f.offsets()); call > 1 && n != 6 {
						t.Errorf("%d calls, want 3 for the pass that saw the shift and 3 for the second", n)
					}
				}
			})
		}
	}
}

// A list that keeps shifting fails the read after the second pass, quoting
// both shifts: the record a page started with and the one the page before
// ended with.
func TestCSIPShiftOnEveryCallFails(t *testing.T) {
	for _, dir := range []string{"down", "up"} {
		t.Run(dir, func(t *testing.T) {
			f := newListFake(250)
			f.before = func(n int, f *listFake) {
				if n == 1 || n == 4 {
					return // each pass's first page
				}
				if dir == "down" {
					f.shiftDown()
				} else {
					f.shiftUp()
				}
			}
			_, err := listFakeRead(t, f, 100, 0)
			wantErrorParts(t, err, "page 2 of call records (offset 99, RequestId: req-", "starts with call record {SourceIP ",
				"where the page before it ended with call record {SourceIP ", "added or removed ahead of it during the read",
				"a second read was inconsistent too", "try again when the call records are stable")
			if n := len(f.offsets()); n != 6 {
				t.Errorf("%d calls, want two passes of 3", n)
			}
		})
	}
}

// An API that ignores Offset answers every page with the list's first
// records: the read fails at once, without a second pass.
func TestCSIPIgnoredOffsetFails(t *testing.T) {
	f := newListFake(300)
	f.answer = func(_ int, _, limit int64, f *listFake) ([]string, int64) {
		return f.records[:limit], int64(len(f.records))
	}
	_, err := listFakeRead(t, f, 100, 0)
	wantErrorParts(t, err, "page 2 of call records (offset 99", "the first of page 1", "the API ignores Offset")
	if strings.Contains(err.Error(), "second read") {
		t.Errorf("an ignored Offset was read twice: %v", err)
	}
	offsets := f.offsets()
	if zeros := slices.Index(offsets[1:], 0); zeros >= 0 {
		t.Errorf("the read started again (offsets %v)", offsets)
	}
}

// A page holding more records than the total leaves room for from its
// offset: the API contradicts itself. The read starts again once, then fails
// quoting the page's count and the total; surplus beyond max_items is cut,
// as it always was.
func TestCSIPSurplusBeyondTotal(t *testing.T) {
	// The first passes (up to times) serve pages of the 250 records with
	// a Total of 150; later ones serve the 150.
	surplus := func(times int) func(int, int64, int64, *listFake) ([]string, int64) {
		pass := 0
		return func(_ int, offset, limit int64, f *listFake) ([]string, int64) {
			if offset == 0 {
				pass++
			}
			n := int64(len(f.records))
			if pass > times {
				n = 150
			}
			start := min(offset, n)
			return f.records[start:min(start+limit, n)], 150
		}
	}
	t.Run("always", func(t *testing.T) {
		f := newListFake(250)
		f.answer = surplus(1 << 30)
		got, err := listFakeRead(t, f, 100, 0)
		wantErrorParts(t, err, "page 2 of call records (offset 99, RequestId: req-2) held 100, but the total of 150 leaves room for 51 from that offset",
			"a second read was inconsistent too", "RequestId: req-4) held 100")
		if got != nil {
			t.Errorf("%d records returned", len(got))
		}
	})
	t.Run("once", func(t *testing.T) {
		f := newListFake(250)
		f.answer = surplus(1)
		got, err := listFakeRead(t, f, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := f.snapshot()[:150]; !slices.Equal(got, want) {
			t.Errorf("read %d records, want the 150 of the total", len(got))
		}
	})
	t.Run("beyond max_items is cut", func(t *testing.T) {
		f := newListFake(250)
		got, err := listFakeRead(t, f, 100, 120)
		if err != nil || !slices.Equal(got, f.snapshot()[:120]) {
			t.Errorf("max 120: %d records, %v", len(got), err)
		}
	})
}

// A page size of 1 still moves on: pages of two records, the one before and
// one new.
func TestCSIPPageSizeOneOverlaps(t *testing.T) {
	f := newListFake(5)
	got, err := listFakeRead(t, f, 1, 0)
	if err != nil || !slices.Equal(got, f.snapshot()) {
		t.Fatalf("%v, %v", got, err)
	}
	if offsets := f.offsets(); !slices.Equal(slices.Sorted(slices.Values(offsets)), []int64{0, 0, 1, 2, 3}) {
		t.Errorf("offsets %v, want page 1 at 0, then the pages from 0 to 3 holding the record before", offsets)
	}
}

// An API whose silent cap is a single record cannot show a page border:
// every page after the first holds only the record before it. The read
// fails instead of reading without a check.
func TestCSIPCapOfOneFails(t *testing.T) {
	f := newListFake(5)
	f.answer = func(_ int, offset, _ int64, f *listFake) ([]string, int64) {
		return f.records[offset : offset+1], 5
	}
	_, err := listFakeRead(t, f, 10, 0)
	wantErrorParts(t, err, "held 1 of the 2 asked for", "none were returned although the total says 4 remain")
}
