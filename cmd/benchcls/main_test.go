package main

import (
	"encoding/json"
	"testing"
)

const testTopic = "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001"

// The windows hold the same logs, and the same findings, whichever second
// between t0 and t1 the simulator started at; with -exact, exactly that
// many.
func TestWindowsHoldTheSameLogsWhicheverSecondTheSimulatorStarted(t *testing.T) {
	const t0, t1, events, exact = 1_790_000_000, 1_790_000_003, 30_000, 20_000
	watched, allowed := set("DeleteUser,CreateAccessKey"), set("root,alice")
	served, err := servedLogs("compliant", events, 180, testTopic, t0)
	if err != nil {
		t.Fatal(err)
	}
	w, err := windows(served, t0, t1, exact, 28, watched, allowed)
	if err != nil {
		t.Fatal(err)
	}
	if w.n != exact || w.to > t0-16*60 || w.from >= w.fromRecent || w.fromRecent >= w.to {
		t.Fatalf("windows %+v: want %d logs in [from, to), to at least 16 minutes before %d", w, exact, t0)
	}
	for start := int64(t0); start <= t1; start++ {
		logs, err := servedLogs("compliant", events, 180, testTopic, start)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			from   int64
			n      int
			counts string
		}{{w.from, w.n, w.counts}, {w.fromRecent, w.nRecent, w.countsRecent}} {
			n, counts := 0, map[string]int{}
			for _, l := range logs {
				if l.Time < c.from*1000 || l.Time >= w.to*1000 {
					continue
				}
				n++
				var doc struct {
					User  string `json:"userIdentity.userName"`
					Event string `json:"eventName"`
				}
				if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
					t.Fatal(err)
				}
				if watched[doc.Event] && !allowed[doc.User] {
					counts[doc.User+"|"+doc.Event]++
				}
			}
			b, _ := json.Marshal(counts)
			if n != c.n || string(b) != c.counts || len(counts) == 0 {
				t.Errorf("started at %d: [%d, %d) holds %d logs, findings %s; benchcls said %d and %s", start, c.from, w.to, n, b, c.n, c.counts)
			}
		}
	}
}
