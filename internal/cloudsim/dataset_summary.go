package cloudsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DataSetSummary says what a simulator serves for each action a data set
// names, with the data set's times as served (moved to the simulator's
// start), for the banner of cmd/cloudsim.
type DataSetSummary struct {
	// CapturedAt is the data set's CapturedAt, "" when it has none.
	CapturedAt string
	// Actions holds one line per action the data set names, by action;
	// the actions it leaves out are absent (they serve generated data).
	Actions map[string]string
}

// SummarizeData describes the data set the simulator serves; ok is false
// when it serves generated data only.
func (s *Server) SummarizeData() (sum DataSetSummary, ok bool) {
	d := s.opts.Data
	if d == nil {
		return DataSetSummary{}, false
	}
	sum = DataSetSummary{CapturedAt: d.CapturedAt, Actions: map[string]string{}}
	if d.present["DescribeAuditTracks"] {
		sum.Actions["DescribeAuditTracks"] = summarizeTracks(d)
	}
	if d.present["DescribeEvents"] {
		sum.Actions["DescribeEvents"] = summarizeEvents(d.events)
	}
	if d.present["DescribeUserCallRecord"] {
		sum.Actions["DescribeUserCallRecord"] = summarizeCSIP(d.csip)
	}
	if d.present["GetUserOperationEvents"] {
		sum.Actions["GetUserOperationEvents"] = summarizeUCloud(d.ucloud, s.opts.UCloudProjectID)
	}
	return sum, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// summarizeTracks names each tracking set with what the tracking-set
// controls look at: enabled or not, and where it delivers.
func summarizeTracks(d *DataSet) string {
	if len(d.tracks) == 0 {
		return "no tracking set (an account where CloudAudit delivers nothing)"
	}
	var names []string
	for _, raw := range d.tracks {
		var t struct {
			Name    string
			Status  *int64
			Storage *struct{ StorageType, StorageName string }
		}
		_ = json.Unmarshal(raw, &t) // validated when the data set was loaded
		var notes []string
		if t.Status == nil || *t.Status != 1 {
			notes = append(notes, "disabled")
		}
		if t.Storage == nil || t.Storage.StorageType == "" || t.Storage.StorageName == "" {
			notes = append(notes, "no storage")
		}
		if len(notes) > 0 {
			names = append(names, t.Name+" ("+strings.Join(notes, ", ")+")")
		} else {
			names = append(names, t.Name)
		}
	}
	return plural(len(d.tracks), "tracking set", "tracking sets") + ": " + strings.Join(names, ", ")
}

// timeRange is "from A to B" in UTC, over the times that could be read.
func timeRange(times []int64, untimed int) string {
	out := ""
	if len(times) > 0 {
		sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
		out = fmt.Sprintf(", from %s to %s",
			time.Unix(times[0], 0).UTC().Format(time.RFC3339), time.Unix(times[len(times)-1], 0).UTC().Format(time.RFC3339))
	}
	if untimed > 0 {
		out += fmt.Sprintf(" (%s without a time)", plural(untimed, "record", "records"))
	}
	return out
}

func summarizeEvents(raws []json.RawMessage) string {
	if len(raws) == 0 {
		return "no event"
	}
	var times []int64
	untimed := 0
	for _, raw := range raws {
		var e struct{ EventTime string }
		_ = json.Unmarshal(raw, &e)
		if n, err := strconv.ParseInt(e.EventTime, 10, 64); err == nil {
			times = append(times, n)
		} else if t, err := time.ParseInLocation(CSIPTimeLayout, e.EventTime, csipZone); err == nil {
			times = append(times, t.Unix())
		} else {
			untimed++
		}
	}
	return plural(len(raws), "event", "events") + timeRange(times, untimed)
}

func summarizeCSIP(recs map[string][]CSIPCallRecord) string {
	total := 0
	var uins []string
	var times []int64
	untimed := 0
	for uin, rs := range recs {
		total += len(rs)
		uins = append(uins, fmt.Sprintf("%s (%d)", uin, len(rs)))
		for _, r := range rs {
			if t, err := time.ParseInLocation(CSIPTimeLayout, r.LastCallTime, csipZone); err == nil {
				times = append(times, t.Unix())
			} else {
				untimed++
			}
		}
	}
	if total == 0 {
		return "no call record for any sub-account"
	}
	sort.Strings(uins)
	return fmt.Sprintf("%s for the sub-accounts %s, any other none; last calls%s",
		plural(total, "call record", "call records"), strings.Join(uins, ", "), strings.TrimPrefix(timeRange(times, untimed), ","))
}

func summarizeUCloud(events []UCloudEvent, project string) string {
	if len(events) == 0 {
		return "no operation event in project " + project
	}
	times := make([]int64, len(events))
	for i, e := range events {
		times[i] = e.OperateTime
	}
	return plural(len(events), "operation event", "operation events") + " in project " + project + timeRange(times, 0)
}
