// Command benchcls is the helper of scripts/bench-cls.sh (make bench): it
// computes, without the simulator's search or SQL engines, what the CLS
// benchmarks must find, and chooses their windows.
//
//	benchcls expect -events N [-days D] [-scenario compliant] -topic ID -t0 UNIX -t1 UNIX
//	                [-exact N] [-watch A,B] [-allow U,V] [-window-days 28]
//
// builds the simulator's data set in this process (cloudsim.New with the
// same options as the cmd/cloudsim the benchmark started, its clock pinned
// to t0) and reads the topic's logs as served (Server.CLSLogs): the time
// of each, and the eventName and userIdentity.userName its JSON document
// carries. The simulator started at some second between t0 and t1, and the
// generated times move with that second, so every window edge is placed in
// a gap between logs wider than t1-t0 plus a second: the same logs lie in
// the window whichever second it was. It prints key=value lines:
//
//	to=UNIX                   the windows' end: at least 16 minutes before t0
//	from=UNIX n=N             the whole window (181 days; with -exact N, the
//	                          start that leaves exactly N logs in it)
//	from_recent=UNIX n_recent=N  the last -window-days days
//	counts=JSON counts_recent=JSON  {"user|eventName": n} of the watched
//	                          events by users outside the allow-list
//
// Windows are [from, to) in seconds, as auditlog_cls_search and
// auditlog_cls_analysis send them (From inclusive, To exclusive).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "expect" {
		fmt.Fprintln(os.Stderr, "usage: benchcls expect -events N -topic ID -t0 UNIX -t1 UNIX [flags]")
		os.Exit(2)
	}
	if err := expect(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchcls:", err)
		os.Exit(1)
	}
}

type logLine struct {
	ms          int64
	user, event string
}

func expect(args []string) error {
	fs := flag.NewFlagSet("expect", flag.ExitOnError)
	events := fs.Int("events", 0, "the simulator's -cls-events")
	days := fs.Int("days", 180, "the simulator's -cls-days")
	scenario := fs.String("scenario", "compliant", "the simulator's -scenario")
	topic := fs.String("topic", "", "the topic id")
	t0 := fs.Int64("t0", 0, "a second at or before the simulator's start")
	t1 := fs.Int64("t1", 0, "a second at or after the simulator's start")
	exact := fs.Int("exact", 0, "place the whole window's start so that exactly this many logs lie in it (0: 181 days)")
	watch := fs.String("watch", "", "watched event names, comma-separated")
	allow := fs.String("allow", "", "allowed user names, comma-separated")
	recentDays := fs.Int64("window-days", 28, "days of the recent window")
	_ = fs.Parse(args)
	if *events <= 0 || *topic == "" || *t0 <= 0 || *t1 < *t0 {
		return errors.New("-events, -topic, -t0 and -t1 (t1 >= t0) are required")
	}
	served, err := servedLogs(*scenario, *events, *days, *topic, *t0)
	if err != nil {
		return err
	}
	w, err := windows(served, *t0, *t1, *exact, *recentDays, set(*watch), set(*allow))
	if err != nil {
		return err
	}
	fmt.Printf("to=%d\nfrom=%d\nn=%d\nfrom_recent=%d\nn_recent=%d\ncounts=%s\ncounts_recent=%s\n",
		w.to, w.from, w.n, w.fromRecent, w.nRecent, w.counts, w.countsRecent)
	return nil
}

// servedLogs are the topic's logs as a simulator started at second start
// with these options serves them.
func servedLogs(scenario string, events, days int, topic string, start int64) ([]cloudsim.CLSLog, error) {
	data, err := cloudsim.Scenario(scenario)
	if err != nil {
		return nil, err
	}
	sim := cloudsim.New(cloudsim.Options{Data: data, Now: func() time.Time { return time.Unix(start, 0) },
		CLS: cloudsim.CLSOptions{Events: events, Days: days}})
	served := sim.CLSLogs(topic)
	if len(served) == 0 {
		return nil, fmt.Errorf("topic %s holds no logs", topic)
	}
	return served, nil
}

// expected is what the windows hold: their edges (Unix seconds), how many
// logs each holds and the findings' counts as JSON.
type expected struct {
	to, from, fromRecent int64
	n, nRecent           int
	counts, countsRecent string
}

// windows places the edges for a simulator started between t0 and t1,
// served being its logs had it started at t0.
func windows(served []cloudsim.CLSLog, t0, t1 int64, exact int, recentDays int64, watched, allowed map[string]bool) (*expected, error) {
	logs := make([]logLine, len(served))
	for i, l := range served {
		var doc map[string]any
		if err := json.Unmarshal([]byte(l.LogJson), &doc); err != nil {
			return nil, fmt.Errorf("log %d: %w", i, err)
		}
		user, _ := doc["userIdentity.userName"].(string)
		event, _ := doc["eventName"].(string)
		logs[i] = logLine{ms: l.Time, user: user, event: event}
		if i > 0 && logs[i].ms < logs[i-1].ms {
			return nil, errors.New("the logs are not in ascending time")
		}
	}
	// A log at t (ms, in t0's terms) is at t+k s for the real start t0+k,
	// k in [0, t1-t0]: an edge E is safe when no log lies in
	// [E - (t1-t0+1) s, E), the logs that could cross it.
	slack := (t1 - t0 + 1) * 1000
	safe := func(edge int64) bool {
		lo := sort.Search(len(logs), func(i int) bool { return logs[i].ms >= edge*1000-slack })
		return lo == len(logs) || logs[lo].ms >= edge*1000
	}
	below := func(edge int64) (int64, error) {
		for e := edge; e > edge-86400; e-- {
			if safe(e) {
				return e, nil
			}
		}
		return 0, fmt.Errorf("no gap of %d ms between logs in the day before %d", slack, edge)
	}
	to, err := below(t0 - 16*60)
	if err != nil {
		return nil, err
	}
	idx := func(edge int64) int {
		return sort.Search(len(logs), func(i int) bool { return logs[i].ms >= edge*1000 })
	}
	end := idx(to)
	var from int64
	if exact > 0 {
		first := end - exact
		if first <= 0 {
			return nil, fmt.Errorf("the topic has %d logs before %d: fewer than %d", end, to, exact)
		}
		// The latest second at or before the first log that still leaves
		// the log before it out whatever the start.
		from = logs[first].ms / 1000
		for ; from*1000-slack > logs[first-1].ms; from-- {
			if safe(from) {
				break
			}
		}
		if !safe(from) || idx(from) != first {
			return nil, fmt.Errorf("no safe start between logs %d and %d", first-1, first)
		}
	} else if from, err = below(to - 181*86400); err != nil {
		return nil, err
	}
	recent, err := below(to - recentDays*86400)
	if err != nil {
		return nil, err
	}
	count := func(lo, hi int) (int, string) {
		counts := map[string]int{}
		for _, l := range logs[lo:hi] {
			if watched[l.event] && !allowed[l.user] {
				counts[l.user+"|"+l.event]++
			}
		}
		b, _ := json.Marshal(counts) // sorted keys
		return hi - lo, string(b)
	}
	w := &expected{to: to, from: from, fromRecent: recent}
	w.n, w.counts = count(idx(from), end)
	w.nRecent, w.countsRecent = count(idx(recent), end)
	return w, nil
}

func set(csv string) map[string]bool {
	out := map[string]bool{}
	for _, s := range strings.Split(csv, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out[s] = true
		}
	}
	return out
}
