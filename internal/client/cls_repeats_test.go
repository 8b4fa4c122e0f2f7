package client

import (
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
