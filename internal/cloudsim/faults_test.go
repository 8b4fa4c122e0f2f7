package cloudsim

import (
	"strings"
	"testing"
)

func TestParsePageCap(t *testing.T) {
	for spec, want := range map[string]int{"DescribeAuditTracks=4": 4, "DescribeUserCallRecord=50": 50, "GetUserOperationEvents=1": 1} {
		action, n, err := ParsePageCap(spec)
		if err != nil || n != want || action != strings.Split(spec, "=")[0] {
			t.Errorf("%s: %s %d %v", spec, action, n, err)
		}
	}
	for _, spec := range []string{"DescribeAuditTracks", "DescribeAuditTracks=0", "DescribeAuditTracks=x", "=4", "DescribeAuditTrack=4"} {
		if _, _, err := ParsePageCap(spec); err == nil {
			t.Errorf("%q accepted", spec)
		}
	}
	if f, err := ParseFault("empty-page,action=GetUserOperationEvents,after=1,times=1"); err != nil || f.Kind != FaultEmptyPage || f.After != 1 {
		t.Errorf("empty-page: %+v %v", f, err)
	}
	for _, kind := range []FaultKind{FaultIgnoreOffset, FaultShiftDown, FaultShiftUp, FaultNoList, FaultNoTotal, FaultErrorWithoutCode, FaultDuplicateKey, FaultUnderstateTotal} {
		if f, err := ParseFault(string(kind) + ",action=DescribeUserCallRecord,after=1"); err != nil || f.Kind != kind || f.After != 1 {
			t.Errorf("%s: %+v %v", kind, f, err)
		}
	}
}

// A capped CSIP page is short while Total counts every record; a capped
// tracks page still starts where a full page of the requested size would.
func TestPageCapsAreSilent(t *testing.T) {
	srv := New(Options{Tracks: 30})
	srv.CapPageSize("DescribeAuditTracks", 4)
	if got := srv.cappedPage("DescribeAuditTracks", 20); got != 4 {
		t.Errorf("capped page of 20: %d", got)
	}
	if got := srv.cappedPage("DescribeAuditTracks", 3); got != 3 {
		t.Errorf("page of 3 under a cap of 4: %d", got)
	}
	if got := srv.cappedPage("DescribeUserCallRecord", 100); got != 100 {
		t.Errorf("uncapped action: %d", got)
	}
	if srv.FaultCount() != 1 {
		t.Errorf("%d shortened pages counted, want 1", srv.FaultCount())
	}
	srv.CapPageSize("DescribeAuditTracks", 0)
	if got := srv.cappedPage("DescribeAuditTracks", 20); got != 20 {
		t.Errorf("cap removed: %d", got)
	}
}
