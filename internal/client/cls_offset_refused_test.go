package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// Reads against the simulator's CLS half where SearchLog refuses Offset, in
// each way the simulator can (what the API answers is undocumented).

// simCLSTopic is the CLS topic of the simulator's 29th tracking set.
const (
	simCLSTopic  = "5a1c001c-4d2e-4c1a-9e7b-3f00aa00001c"
	simCLSRegion = "ap-hongkong"
)

// startCLSSimulator serves 14,000 generated events over 180 days, about
// 10,650 of them in the topic: more than one Context walk returns.
func startCLSSimulator(t *testing.T, cls cloudsim.CLSOptions, topic cloudsim.CLSTopicOptions) *tctServer {
	t.Helper()
	cls.Events, cls.Days, cls.Topics = 14_000, 180, map[string]cloudsim.CLSTopicOptions{simCLSTopic: topic}
	return tctStart(t, cloudsim.Options{Tracks: 29, CLS: cls}, nil)
}

// simCLSWindow is the simulator's 180 days ending 16 minutes ago (ms), and
// the logs SearchLog serves in it, ascending (From inclusive, To
// exclusive, as the simulator serves).
func simCLSWindow(s *tctServer) (from, to int64, served []cloudsim.CLSLog) {
	to = time.Now().Add(-16 * time.Minute).UnixMilli()
	from = to - 181*24*3600*1000
	for _, l := range s.sim.CLSLogs(simCLSTopic) {
		if l.Time >= from && l.Time < to {
			served = append(served, l)
		}
	}
	return from, to, served
}

func wantServed(t *testing.T, got []CLSLogInfo, served []cloudsim.CLSLog, desc bool) {
	t.Helper()
	if len(got) != len(served) {
		t.Fatalf("read %d logs, the simulator served %d", len(got), len(served))
	}
	for i, l := range got {
		w := served[i]
		if desc {
			w = served[len(served)-1-i]
		}
		if *l.Time != w.Time || *l.LogJson != w.LogJson || *l.PkgId != w.PkgId || *l.PkgLogId != w.PkgLogId {
			t.Fatalf("log %d: time %d, PkgId %s, PkgLogId %s; served time %d, %s, %s (a log lost, repeated or out of order)",
				i, *l.Time, *l.PkgId, *l.PkgLogId, w.Time, w.PkgId, w.PkgLogId)
		}
	}
}

// Every way of refusing Offset the simulator produces leads to the
// histogram slices, past 10,000 rows, every log once and as served. A
// refusal after some pages (a cap) starts the read over and says so.
func TestSearchCLSLogsOffsetRefusedReadsSlicesFromSimulator(t *testing.T) {
	for name, c := range map[string]struct {
		topic    cloudsim.CLSTopicOptions
		sort     string
		restarts int
	}{
		"UnknownParameter":                    {cloudsim.CLSTopicOptions{OffsetRefusal: "unknown"}, "asc", 0},
		"InvalidParameter":                    {cloudsim.CLSTopicOptions{OffsetRefusal: "invalid"}, "desc", 0},
		"capped, InvalidParameter":            {cloudsim.CLSTopicOptions{OffsetCap: 5_000}, "asc", 1},
		"capped, FailedOperation.GetlogReach": {cloudsim.CLSTopicOptions{OffsetCap: 5_000, OffsetCapCode: "reach-limit"}, "desc", 1},
	} {
		t.Run(name, func(t *testing.T) {
			s := startCLSSimulator(t, cloudsim.CLSOptions{}, c.topic)
			from, to, served := simCLSWindow(s)
			if len(served) <= CLSContextRowCap {
				t.Fatalf("the topic serves %d logs: the test needs more than %d", len(served), CLSContextRowCap)
			}
			var logs []CLSLogInfo
			restarts := 0
			res, err := clsSearch(t, s, CLSSearchQuery{Region: simCLSRegion, TopicID: simCLSTopic, Query: "*", From: from, To: to, Sort: c.sort,
				OnPage: func(page []CLSLogInfo) { logs = append(logs, page...) }, OnRestart: func() { logs, restarts = nil, restarts+1 }})
			if err != nil {
				t.Fatal(err)
			}
			wantServed(t, logs, served, c.sort == "desc")
			if res.Paging != "histogram_slices" || !res.ListOver || res.Records != len(served) || res.HistogramTotal != int64(len(served)) ||
				restarts != c.restarts || res.ResumeOffset != nil {
				t.Fatalf("paging %s, list over %v, records %d, histogram %d, restarts %d (want %d), resume %v",
					res.Paging, res.ListOver, res.Records, res.HistogramTotal, restarts, c.restarts, res.ResumeOffset)
			}
		})
	}
}

// A refusal that cannot be recovered from fails, naming why: the logs
// handed on cannot be taken back, a resume token needs Offset, a
// histogram bucket holds more than one Context walk returns.
func TestSearchCLSLogsOffsetRefusedCannotBeExact(t *testing.T) {
	capped := cloudsim.CLSTopicOptions{OffsetCap: 5_000}
	for name, c := range map[string]struct {
		cls   cloudsim.CLSOptions
		topic cloudsim.CLSTopicOptions
		query func(*CLSSearchQuery)
		want  []string
	}{
		"no restart possible": {topic: capped, query: func(q *CLSSearchQuery) { q.OnPage = func([]CLSLogInfo) {} },
			want: []string{"InvalidParameter", "Offset 5000", "the 5000 logs read before cannot be taken back"}},
		"resume token": {topic: capped, query: func(q *CLSSearchQuery) { q.StartOffset = 6_000 },
			want: []string{"InvalidParameter", "Offset 6000", "resume token needs Offset"}},
		"Offset ignored": {topic: cloudsim.CLSTopicOptions{OffsetRefusal: "ignore"},
			want: []string{"page 2 of CLS topic", "holds the same 1000 logs as page 1", "did not honour Offset", "RequestId"}},
		"bucket over the cap": {cls: cloudsim.CLSOptions{HistogramMinInterval: 200 * 24 * 3600 * 1000}, topic: cloudsim.CLSTopicOptions{OffsetRefusal: "unknown"},
			want: []string{"more than the 10000 one Context walk returns", "RequestId", "cannot be exact"}},
	} {
		t.Run(name, func(t *testing.T) {
			s := startCLSSimulator(t, c.cls, c.topic)
			from, to, served := simCLSWindow(s)
			q := CLSSearchQuery{Region: simCLSRegion, TopicID: simCLSTopic, Query: "*", From: from, To: to, Sort: "asc"}
			if c.query != nil {
				c.query(&q)
			}
			_, err := clsSearch(t, s, q)
			want := c.want
			if name == "bucket over the cap" {
				want = append(want, fmt.Sprintf("%d logs in one bucket", len(served)))
			}
			for _, w := range want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Fatalf("error %v: want %q", err, w)
				}
			}
		})
	}
}

// Whether SearchLog's To is inclusive is undocumented: with an exclusive
// To, the slices still read the logs at their boundaries, once.
func TestSearchCLSLogsSlicesExclusiveTo(t *testing.T) {
	f := newFakeCLS(23_456)
	f.refuseOffset, f.toExclusive = true, true
	s := tctStart(t, cloudsim.Options{}, f.plan)
	q := clsQuery(f)
	q.To = f.from + 23_456
	res, err := clsSearch(t, s, q)
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, res.Logs, 0, 23_456)
	if res.Paging != "histogram_slices" || !res.ListOver {
		t.Fatalf("paging %s, list over %v", res.Paging, res.ListOver)
	}
}

// GetlogReachLimit refuses Offset whatever its message; other errors
// naming no Offset do not.
func TestCLSOffsetRefused(t *testing.T) {
	for _, c := range []struct {
		code, msg string
		want      bool
	}{
		{"UnknownParameter", "The parameter `Offset` is not recognized.", true},
		{"InvalidParameter", "Offset + Limit (6000) must not exceed 5000.", true},
		{"InvalidParameterValue", "Offset is out of range", true},
		{"UnsupportedOperation", "Offset is not supported", true},
		{"FailedOperation.GetlogReachLimit", "reached the limit", true},
		{"InvalidParameter", "Limit must be 1 to 1000", false},
		{"FailedOperation.SyntaxError", "Offset", false},
	} {
		err := fmt.Errorf("page 2: %w", &TencentError{Code: c.code, Message: c.msg})
		if got := offsetRefused(err); got != c.want {
			t.Errorf("%s %q: refused %v, want %v", c.code, c.msg, got, c.want)
		}
	}
	if offsetRefused(context.DeadlineExceeded) {
		t.Error("a timeout is not a refusal")
	}
}

// The pages of a read by Offset are asked ahead, several at once, and still
// handed on in order, every log once; no page is asked past what the
// histogram counts.
func TestSearchCLSLogsAsksPagesAhead(t *testing.T) {
	f := newFakeCLS(12_345)
	var inFlight, most atomic.Int32
	f.fault = func(action string, _ int, p map[string]json.RawMessage) http.HandlerFunc {
		if action != "SearchLog" {
			return nil
		}
		serve := f.search(p) // under the fake's lock, as its plan runs
		return func(w http.ResponseWriter, r *http.Request) {
			n := inFlight.Add(1)
			for m := most.Load(); n > m; m = most.Load() {
				if most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond) // a network round trip
			inFlight.Add(-1)
			serve(w, r)
		}
	}
	s := tctStart(t, cloudsim.Options{}, f.plan)
	res, err := clsSearch(t, s, clsQuery(f))
	if err != nil {
		t.Fatal(err)
	}
	wantEveryLogOnce(t, res.Logs, 0, 12_345)
	if !res.ListOver || res.Pages != 13 || f.calls["SearchLog"] != 13 {
		t.Fatalf("list over %v, %d pages, %d SearchLog calls: want 13 pages of 1,000, none asked in vain", res.ListOver, res.Pages, f.calls["SearchLog"])
	}
	if m := most.Load(); m < 2 || m > clsPagesAhead {
		t.Fatalf("at most %d pages asked at once, want 2 to %d", m, clsPagesAhead)
	}
}
