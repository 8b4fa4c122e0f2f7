package cloudsim

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// A scenario's records are served instead of generated ones, moved in time
// so that CapturedAt becomes the simulator's start.
func TestScenarioServedAndShifted(t *testing.T) {
	d, err := Scenario("noncompliant")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2030, 3, 10, 6, 0, 0, 0, time.UTC)
	sim := New(Options{Data: d, Now: func() time.Time { return start }})
	captured := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	shift := int64(start.Sub(captured) / time.Second)

	evs := sim.UCloudEvents()
	if len(evs) != len(d.GetUserOperationEvents) {
		t.Fatalf("UCloud events: got %d, want %d", len(evs), len(d.GetUserOperationEvents))
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].OperateTime > evs[i-1].OperateTime {
			t.Fatalf("UCloud events not newest first at %d", i)
		}
	}
	// mallory's deletion was captured 2 days before CapturedAt.
	found := false
	for _, e := range evs {
		if e.UserName == "mallory" && e.Api == "DeleteUHostInstance" {
			found = true
			if want := captured.Unix() - 2*86400 + shift; e.OperateTime != want {
				t.Errorf("OperateTime = %d, want %d (shifted)", e.OperateTime, want)
			}
		}
	}
	if !found {
		t.Fatal("mallory's deletion is missing")
	}

	rows, _ := sim.tencent.csip.rows("100021372635")
	if len(rows) != 5 {
		t.Fatalf("CSIP rows of 100021372635: got %d, want 5", len(rows))
	}
	if got, want := rows[0].rec.LastCallTime, start.Add(-3*24*time.Hour).In(csipZone).Format(CSIPTimeLayout); got != want {
		t.Errorf("LastCallTime = %s, want %s", got, want)
	}
	if strings.Contains(string(rows[0].raw), "SubUin") {
		t.Errorf("a served record carries the data set's SubUin key: %s", rows[0].raw)
	}
	if rows, _ := sim.tencent.csip.rows("100021372637"); len(rows) != 0 {
		t.Errorf("a sub-account absent from the data set has %d records", len(rows))
	}

	tracks := sim.tencent.trackSet()
	if len(tracks) != 4 {
		t.Fatalf("tracks: got %d, want 4", len(tracks))
	}
	for _, raw := range tracks {
		if strings.Contains(string(raw), "TrackForAllMembers") || strings.Contains(string(raw), "Filters") {
			t.Errorf("a DescribeAuditTracks item carries a DescribeAuditTrack-only field: %s", raw)
		}
	}
	ans, ok := sim.Options().Data.AuditTrack(1001)
	if !ok {
		t.Fatal("AuditTrack(1001) not found")
	}
	if _, has := ans["TrackId"]; has {
		t.Error("DescribeAuditTrack's answer must not echo TrackId")
	}
	if string(ans["TrackForAllMembers"]) != "0" || !strings.Contains(string(ans["Filters"]), "ResourceFields") {
		t.Errorf("AuditTrack(1001) = %v", ans)
	}
	if _, ok := sim.Options().Data.AuditTrack(9); ok {
		t.Error("AuditTrack of an unknown id found something")
	}

	events, ok := sim.Options().Data.CloudAuditEvents()
	if !ok || len(events) != len(d.DescribeEvents) {
		t.Fatalf("CloudAuditEvents: %d, %v", len(events), ok)
	}
	var first struct{ EventTime string }
	_ = json.Unmarshal(events[0], &first)
	if want := captured.Unix() - 2*86400 + shift; first.EventTime != itoa(want) {
		t.Errorf("EventTime = %s, want %d", first.EventTime, want)
	}

	// The shipped file itself is untouched: a second simulator shifts from
	// the same captured times.
	sim2 := New(Options{Data: d, Now: func() time.Time { return captured }})
	if got := sim2.UCloudEvents()[0].OperateTime; got > captured.Unix() {
		t.Errorf("second simulator's newest event is after its start: %d", got)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// Actions absent from a data set keep the generated data; an empty list is
// an empty account.
func TestDataSetAbsentAndEmptyActions(t *testing.T) {
	d, err := ParseDataSet([]byte(`{"DescribeAuditTracks": []}`))
	if err != nil {
		t.Fatal(err)
	}
	sim := New(Options{Data: d})
	if n := len(sim.tencent.trackSet()); n != 0 {
		t.Errorf("empty DescribeAuditTracks: %d tracks served", n)
	}
	if n := len(sim.UCloudEvents()); n != 120 {
		t.Errorf("absent GetUserOperationEvents: %d events, want the generated 120", n)
	}
}

func TestDataSetErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown action":     `{"DescribeAuditTrackz": []}`,
		"CSIP without key":   `{"DescribeUserCallRecord": [{"SourceIP": "1.2.3.4"}]}`,
		"CSIP unknown field": `{"DescribeUserCallRecord": [{"SubUin": "1", "SrcIP": "1.2.3.4"}]}`,
		"bad time":           `{"DescribeUserCallRecord": [{"SubUin": "1", "LastCallTime": "yesterday"}]}`,
		"bad CapturedAt":     `{"CapturedAt": "2026-06-01"}`,
		"track without id":   `{"DescribeAuditTracks": [{"Name": "x"}]}`,
		"not an object":      `[]`,
	} {
		if _, err := ParseDataSet([]byte(doc)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Scenario("nope"); err == nil || !strings.Contains(err.Error(), "compliant") {
		t.Errorf("unknown scenario: %v", err)
	}
}

// The sample in scenarios/README.md is a valid data set.
func TestDataSetReadmeSample(t *testing.T) {
	b, err := os.ReadFile("scenarios/README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "```json\n")
	end := strings.Index(doc[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no JSON sample in scenarios/README.md")
	}
	d, err := ParseDataSet([]byte(doc[start+8 : start+8+end]))
	if err != nil {
		t.Fatalf("the README's sample: %v", err)
	}
	sim := New(Options{Data: d})
	if n := len(sim.UCloudEvents()); n != 1 {
		t.Errorf("the sample serves %d UCloud events, want 1", n)
	}
	if _, ok := sim.Options().Data.AuditTrack(1001); !ok {
		t.Error("the sample's tracking set is not served")
	}
}

// DescribeEvents and DescribeAuditTrack answer from a data set.
func TestDataSetCloudAuditActions(t *testing.T) {
	d, err := Scenario("noncompliant")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2030, 3, 10, 6, 0, 0, 0, time.UTC)
	sim := New(Options{Data: d, Now: func() time.Time { return start }})
	evs := sim.CloudAuditEvents()
	if len(evs) != len(d.DescribeEvents) {
		t.Fatalf("events: %d, want %d", len(evs), len(d.DescribeEvents))
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Unix() > evs[i-1].Unix() {
			t.Fatalf("events not newest first at %d", i)
		}
	}
	var login *TencentEvent
	for i := range evs {
		if evs[i].EventId == "0d3b6e1a-0101" {
			login = &evs[i]
		}
	}
	// Captured 1 day before CapturedAt; Location is answered only on request.
	if login == nil || login.Unix() != start.Unix()-86400 || login.EventTime != itoa(start.Unix()-86400) || login.Location != nil {
		t.Errorf("mallory's console login: %+v", login)
	}
	tr, ok := sim.CloudAuditTrack(1003)
	if !ok || tr.Name != "audit-all-paused" || tr.Status != 0 || tr.TrackForAllMembers == nil || *tr.TrackForAllMembers != 0 || tr.Filters == nil {
		t.Errorf("CloudAuditTrack(1003) = %+v, %v", tr, ok)
	}
	if _, ok := sim.CloudAuditTrack(1); ok {
		t.Error("CloudAuditTrack of an id absent from the data set found one")
	}
}
