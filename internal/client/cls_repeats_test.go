package client

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

func clsLogWithID(pkg, id string, time int64) CLSLogInfo {
	doc := `{"eventName":"DeleteUser"}`
	return CLSLogInfo{PkgId: &pkg, PkgLogId: &id, Time: &time, LogJson: &doc}
}

// A log handed on twice in one read fails it, naming the log; logs the
// answer gives no PkgId or PkgLogId (the official example's "") are not
// told apart this way, so they never fail it.
func TestCLSRepeatsLogHandedOnTwice(t *testing.T) {
	r := newCLSRepeats()
	if err := r.logs("t1", 1, "req-1", []CLSLogInfo{clsLogWithID("A", "1", 10), clsLogWithID("A", "2", 11)}); err != nil {
		t.Fatal(err)
	}
	err := r.logs("t1", 2, "req-2", []CLSLogInfo{clsLogWithID("B", "1", 12), clsLogWithID("A", "2", 11)})
	if err == nil || !strings.Contains(err.Error(), "page 2 of CLS topic t1 hands on log A/2") || !strings.Contains(err.Error(), "req-2") {
		t.Fatalf("a log handed on twice: %v", err)
	}
	r = newCLSRepeats()
	for seq := 1; seq <= 2; seq++ {
		if err := r.logs("t1", seq, "", []CLSLogInfo{clsLogWithID("", "", 10), clsLogWithID("", "", 10)}); err != nil {
			t.Fatalf("logs without PkgId/PkgLogId: %v", err)
		}
	}
}

// A page by Offset that is the page before it again fails the read; pages
// that differ in any field, or an empty last page, do not.
func TestCLSRepeatsSamePageAgain(t *testing.T) {
	r := newCLSRepeats()
	first := []CLSLogInfo{clsLogWithID("", "", 10), clsLogWithID("", "", 11)}
	other := []CLSLogInfo{clsLogWithID("", "", 10), clsLogWithID("", "", 12)}
	for i, page := range [][]CLSLogInfo{first, other, nil, first} {
		if err := r.page("t1", i+1, uint64(2*i), "", page); err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
	}
	err := r.page("t1", 5, 8, "req-5", first)
	if err == nil || !strings.Contains(err.Error(), "page 5 of CLS topic t1 (Offset 8) holds the same 2 logs as page 4") {
		t.Fatalf("the same page again: %v", err)
	}
}

// BenchmarkCLSRepeats checks a read of 100,000 logs of about 1 KB each, in
// pages of 1,000: what the repeat checks add to benchmark target 10.
func BenchmarkCLSRepeats(b *testing.B) {
	doc := `{"eventName":"DescribeInstances","userIdentity":{"principalId":"100021372635","userName":"ops"},"requestParameters":"` + strings.Repeat("x", 900) + `"}`
	pages := make([][]CLSLogInfo, 100)
	for p := range pages {
		pages[p] = make([]CLSLogInfo, 1000)
		for i := range pages[p] {
			n := p*1000 + i
			pkg, id, tm := fmt.Sprintf("%016X-%X", n/64, n/64), strconv.Itoa(65536+n%64), int64(n)
			pages[p][i] = CLSLogInfo{PkgId: &pkg, PkgLogId: &id, Time: &tm, LogJson: &doc}
		}
	}
	b.ResetTimer()
	for range b.N {
		r := newCLSRepeats()
		for p, page := range pages {
			if err := r.page("t1", p+1, uint64(p*1000), "", page); err != nil {
				b.Fatal(err)
			}
			if err := r.logs("t1", p+1, "", page); err != nil {
				b.Fatal(err)
			}
		}
	}
}
