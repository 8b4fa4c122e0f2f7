package cloudsim

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A DataSet replaces the simulator's generated records with records a user
// wrote, so that compliance controls can be tested offline against known
// data. It is read from a JSON object keyed by API action; each value is the
// list the API answers, in the API's own response shape:
//
//	{
//	  "CapturedAt": "2026-01-01T00:00:00Z",
//	  "DescribeAuditTracks":    [ {Tracks item, plus "TrackForAllMembers" and "Filters"} ],
//	  "DescribeUserCallRecord": [ {UserCallRecord item, plus "SubUin"} ],
//	  "GetUserOperationEvents": [ {UserOperationEvent item} ],
//	  "DescribeEvents":         [ {Event item} ]
//	}
//
// Two actions answer per key, so their items carry the key: CSIP call
// records name their sub-account in "SubUin", and tracking sets carry the
// fields only DescribeAuditTrack answers ("TrackForAllMembers", "Filters"),
// which the list action leaves out. An action that is absent keeps the
// generated data; an empty list means an account without records.
//
// CapturedAt, when set, is the moment the records were captured: every time
// in them is moved by the same amount so that CapturedAt becomes the moment
// the simulator starts. A fixture written once thus stays inside "the last
// 30 days" and inside the APIs' own query limits forever.
type DataSet struct {
	CapturedAt string `json:"CapturedAt,omitempty"`

	DescribeAuditTracks    []json.RawMessage `json:"DescribeAuditTracks,omitempty"`
	DescribeUserCallRecord []json.RawMessage `json:"DescribeUserCallRecord,omitempty"`
	GetUserOperationEvents []json.RawMessage `json:"GetUserOperationEvents,omitempty"`
	DescribeEvents         []json.RawMessage `json:"DescribeEvents,omitempty"`
	// CLSReview, when set, makes the CLS topics hold a six-month review's
	// deliveries (CLSOptions.Review, which wins over it).
	CLSReview string `json:"CLSReview,omitempty"`

	// present records which actions the file names, so that an empty list
	// (an empty account) differs from an absent one (generated data).
	present map[string]bool

	// Decoded and time-shifted by Resolve.
	tracks      []json.RawMessage    // DescribeAuditTracks items
	trackDetail map[uint64]trackInfo // DescribeAuditTrack answers by TrackId
	csip        map[string][]CSIPCallRecord
	ucloud      []UCloudEvent
	events      []json.RawMessage
}

// trackInfo is a DescribeAuditTrack answer: a Tracks item without TrackId,
// plus the two fields only this action returns.
type trackInfo struct {
	item               map[string]json.RawMessage
	TrackForAllMembers json.RawMessage
	Filters            json.RawMessage
}

//go:embed scenarios/*.json
var scenarioFiles embed.FS

// Scenarios are the data sets shipped with the simulator, by name. Their
// violations are listed in scenarios/README.md and asserted by the tests of
// examples/compliance.
func Scenarios() []string { return []string{"compliant", "noncompliant"} }

// Scenario returns a shipped data set by name.
func Scenario(name string) (*DataSet, error) {
	b, err := scenarioFiles.ReadFile("scenarios/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(Scenarios(), ", "))
	}
	return ParseDataSet(b)
}

// LoadDataSet reads a data set file.
func LoadDataSet(path string) (*DataSet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := ParseDataSet(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// knownDataSetKeys are the top-level keys of a data set file.
var knownDataSetKeys = map[string]bool{
	"CapturedAt": true, "DescribeAuditTracks": true, "DescribeUserCallRecord": true,
	"GetUserOperationEvents": true, "DescribeEvents": true, "CLSReview": true,
}

// ParseDataSet decodes a data set. Unknown keys are an error, so that a
// misspelt action name does not silently leave the generated data in place.
func ParseDataSet(b []byte) (*DataSet, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("data set: %w", err)
	}
	d := &DataSet{present: map[string]bool{}}
	for k := range top {
		if !knownDataSetKeys[k] {
			return nil, fmt.Errorf("data set: unknown key %q (known: CapturedAt, DescribeAuditTracks, DescribeUserCallRecord, GetUserOperationEvents, DescribeEvents, CLSReview)", k)
		}
		d.present[k] = true
	}
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("data set: %w", err)
	}
	if err := CheckCLSReview(d.CLSReview); err != nil {
		return nil, fmt.Errorf("data set: CLSReview: %w", err)
	}
	// Decode every record now, unshifted, so that a bad file fails when it
	// is loaded rather than on the first call that reads it.
	if err := d.resolve(time.Time{}); err != nil {
		return nil, err
	}
	return d, nil
}

// forStart returns a copy of the data set whose times are shifted for a
// simulator started at start. Copies keep simulators independent.
func (d *DataSet) forStart(start time.Time) *DataSet {
	c := &DataSet{
		CapturedAt:             d.CapturedAt,
		DescribeAuditTracks:    d.DescribeAuditTracks,
		DescribeUserCallRecord: d.DescribeUserCallRecord,
		GetUserOperationEvents: d.GetUserOperationEvents,
		DescribeEvents:         d.DescribeEvents,
		CLSReview:              d.CLSReview,
		present:                d.present,
	}
	if err := c.resolve(start); err != nil {
		// ParseDataSet resolved the same records already; only a time
		// shifted out of range could fail here.
		panic(fmt.Sprintf("cloudsim: data set: %v", err))
	}
	return c
}

// resolve decodes the records and moves their times so that CapturedAt is
// start. It is called once, when the simulator is built.
func (d *DataSet) resolve(start time.Time) error {
	shift := time.Duration(0)
	if d.CapturedAt != "" && !start.IsZero() {
		at, _ := time.Parse(time.RFC3339, d.CapturedAt)
		shift = start.Truncate(time.Second).Sub(at)
	} else if d.CapturedAt != "" {
		if _, err := time.Parse(time.RFC3339, d.CapturedAt); err != nil {
			return fmt.Errorf("data set: CapturedAt: %w", err)
		}
	}
	shiftLayout := func(s, layout string, loc *time.Location) (string, error) {
		if s == "" {
			return s, nil
		}
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			return "", err
		}
		return t.Add(shift).In(loc).Format(layout), nil
	}

	if d.present["DescribeAuditTracks"] {
		d.tracks = []json.RawMessage{}
		d.trackDetail = map[uint64]trackInfo{}
		for i, raw := range d.DescribeAuditTracks {
			var item map[string]json.RawMessage
			if err := json.Unmarshal(raw, &item); err != nil {
				return fmt.Errorf("data set: DescribeAuditTracks[%d]: %w", i, err)
			}
			var id uint64
			if err := json.Unmarshal(item["TrackId"], &id); err != nil {
				return fmt.Errorf("data set: DescribeAuditTracks[%d].TrackId: %w", i, err)
			}
			var created string
			if c, ok := item["CreateTime"]; ok && json.Unmarshal(c, &created) == nil {
				s, err := shiftLayout(created, CSIPTimeLayout, csipZone)
				if err != nil {
					return fmt.Errorf("data set: DescribeAuditTracks[%d].CreateTime: %w", i, err)
				}
				item["CreateTime"], _ = json.Marshal(s)
			}
			info := trackInfo{TrackForAllMembers: item["TrackForAllMembers"], Filters: item["Filters"]}
			delete(item, "TrackForAllMembers")
			delete(item, "Filters")
			listItem, _ := json.Marshal(item)
			d.tracks = append(d.tracks, listItem)
			detail := make(map[string]json.RawMessage, len(item))
			for k, v := range item {
				if k != "TrackId" {
					detail[k] = v
				}
			}
			info.item = detail
			d.trackDetail[id] = info
		}
	}

	if d.present["DescribeUserCallRecord"] {
		d.csip = map[string][]CSIPCallRecord{}
		for i, raw := range d.DescribeUserCallRecord {
			var rec struct {
				SubUin string `json:"SubUin"`
				CSIPCallRecord
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rec); err != nil {
				return fmt.Errorf("data set: DescribeUserCallRecord[%d]: %w", i, err)
			}
			if rec.SubUin == "" {
				return fmt.Errorf("data set: DescribeUserCallRecord[%d]: SubUin is required", i)
			}
			r := rec.CSIPCallRecord
			var err error
			if r.FirstCallTime, err = shiftLayout(r.FirstCallTime, CSIPTimeLayout, csipZone); err != nil {
				return fmt.Errorf("data set: DescribeUserCallRecord[%d].FirstCallTime: %w", i, err)
			}
			if r.LastCallTime, err = shiftLayout(r.LastCallTime, CSIPTimeLayout, csipZone); err != nil {
				return fmt.Errorf("data set: DescribeUserCallRecord[%d].LastCallTime: %w", i, err)
			}
			if r.Date, err = shiftLayout(r.Date, "2006-01-02", csipZone); err != nil {
				return fmt.Errorf("data set: DescribeUserCallRecord[%d].Date: %w", i, err)
			}
			d.csip[rec.SubUin] = append(d.csip[rec.SubUin], r)
		}
	}

	if d.present["GetUserOperationEvents"] {
		d.ucloud = []UCloudEvent{}
		for i, raw := range d.GetUserOperationEvents {
			var e UCloudEvent
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e); err != nil {
				return fmt.Errorf("data set: GetUserOperationEvents[%d]: %w", i, err)
			}
			if e.RelatedResource == nil {
				e.RelatedResource = []UCloudRelatedResource{}
			}
			e.OperateTime += int64(shift / time.Second)
			d.ucloud = append(d.ucloud, e)
		}
		// The API answers newest first; the data set's windows rely on it.
		sort.SliceStable(d.ucloud, func(a, b int) bool { return d.ucloud[a].OperateTime > d.ucloud[b].OperateTime })
	}

	if d.present["DescribeEvents"] {
		d.events = []json.RawMessage{}
		for i, raw := range d.DescribeEvents {
			var item map[string]json.RawMessage
			if err := json.Unmarshal(raw, &item); err != nil {
				return fmt.Errorf("data set: DescribeEvents[%d]: %w", i, err)
			}
			var when string
			if v, ok := item["EventTime"]; ok && json.Unmarshal(v, &when) == nil && when != "" {
				// EventTime is a UNIX time in a string, or a CST date-time.
				if n, err := strconv.ParseInt(when, 10, 64); err == nil {
					when = strconv.FormatInt(n+int64(shift/time.Second), 10)
				} else if s, err := shiftLayout(when, CSIPTimeLayout, csipZone); err == nil {
					when = s
				} else {
					return fmt.Errorf("data set: DescribeEvents[%d].EventTime: %q is neither a UNIX time nor %q", i, when, CSIPTimeLayout)
				}
				item["EventTime"], _ = json.Marshal(when)
			}
			out, _ := json.Marshal(item)
			d.events = append(d.events, out)
		}
	}
	return nil
}

// CloudAuditEvents returns the DescribeEvents records of the data set, time
// shifted, oldest and newest in file order, and whether the data set has
// them at all.
func (d *DataSet) CloudAuditEvents() ([]json.RawMessage, bool) {
	if d == nil || d.events == nil {
		return nil, false
	}
	return d.events, true
}

// AuditTrack returns the DescribeAuditTrack answer for a tracking set of the
// data set: the Tracks item without TrackId, plus TrackForAllMembers and
// Filters (null when the file leaves them out). ok is false when the data
// set has no such tracking set.
func (d *DataSet) AuditTrack(id uint64) (answer map[string]json.RawMessage, ok bool) {
	if d == nil || d.trackDetail == nil {
		return nil, false
	}
	info, ok := d.trackDetail[id]
	if !ok {
		return nil, false
	}
	answer = make(map[string]json.RawMessage, len(info.item)+2)
	for k, v := range info.item {
		answer[k] = v
	}
	answer["TrackForAllMembers"] = nullIfEmpty(info.TrackForAllMembers)
	answer["Filters"] = nullIfEmpty(info.Filters)
	return answer, true
}

func nullIfEmpty(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

// ucloudDataSetFrom indexes given events (newest first) the way
// buildUCloudDataSet indexes generated ones.
func ucloudDataSetFrom(events []UCloudEvent) *ucloudDataSet {
	d := &ucloudDataSet{
		events: events,
		all:    make([]int32, len(events)),
		byRes:  map[string][]int32{},
		byKey:  map[string][]int32{},
		views:  map[string][]int32{},
	}
	for i, e := range events {
		d.all[i] = int32(i)
		for _, r := range e.RelatedResource {
			d.byRes[r.ResourceId] = append(d.byRes[r.ResourceId], int32(i))
		}
		if e.AccessKeyID != "" {
			d.byKey[e.AccessKeyID] = append(d.byKey[e.AccessKeyID], int32(i))
		}
	}
	return d
}

// csipRowsFrom encodes a data set's call records in the order the
// simulator keeps generated ones.
func csipRowsFrom(recs map[string][]CSIPCallRecord) map[string][]csipRow {
	out := make(map[string][]csipRow, len(recs))
	for subUin, rs := range recs {
		rows := make([]csipRow, len(rs))
		for i, r := range rs {
			rows[i].rec = r
			rows[i].raw, _ = json.Marshal(r)
		}
		out[subUin] = rows
	}
	return out
}
