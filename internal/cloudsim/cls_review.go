// The six-month review's deliveries (CLSOptions.Review, a data set's
// CLSReview): what the CLS topics of the account hold when a review of
// cls_window_days (180) is run over them, compliant or not, so that the
// module and the gate can be tested on both sides of each CLS control.

package cloudsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// The review modes.
const (
	// CLSReviewCompliant: CLSReviewEvents events over Days days (default
	// 180) ending an hour before the start; watched and instance events
	// (console logins, deletions, TerminateInstances, RebootInstances) only
	// by admin and ops-automation, the allow-list of the shipped policy
	// data; the others by alice, bob and ci-deployer. Two days beyond Days,
	// mallory terminates, reboots and deletes: outside the review's window,
	// inside a topic that keeps a year, so a review that ignores its
	// window fails.
	CLSReviewCompliant = "compliant"
	// CLSReviewNoncompliant: the same, and inside the window mallory
	// terminates instances 3 times, reboots 2 times and deletes a CAM user
	// once, and an event without a user name reboots an instance.
	CLSReviewNoncompliant = "noncompliant"
	// CLSReviewCOSOnly: the compliant deliveries, and DescribeAuditTracks
	// lists no tracking set that delivers to CLS: the account keeps its
	// events in COS (and CKafka) only.
	CLSReviewCOSOnly = "cos-only"
)

// CLSReviewEvents is how many events the review's deliveries hold, besides
// the seeded ones: enough for every user and event pair, few enough for a
// test to read every log back.
const CLSReviewEvents = 3000

// clsReviewModes are the values CLSOptions.Review and a data set's
// CLSReview accept ("" serves the DescribeEvents data set, or -cls-events).
var clsReviewModes = map[string]bool{"": true, CLSReviewCompliant: true, CLSReviewNoncompliant: true, CLSReviewCOSOnly: true}

// CheckCLSReview reports a review mode that is none of the above.
func CheckCLSReview(mode string) error {
	if !clsReviewModes[mode] {
		return fmt.Errorf("cls review %q: want %s, %s or %s", mode, CLSReviewCompliant, CLSReviewNoncompliant, CLSReviewCOSOnly)
	}
	return nil
}

// clsReview is the review mode in force: the option, else the data set's.
func (s *Server) clsReview() string {
	if s.opts.CLS.Review != "" {
		return s.opts.CLS.Review
	}
	if s.opts.Data != nil {
		return s.opts.Data.CLSReview
	}
	return ""
}

// CLSReview is the review mode in force ("" for none), for the banner.
func (s *Server) CLSReview() string { return s.clsReview() }

// clsReviewAct is one kind of event of the review: who, what, on which
// product, read or write.
type clsReviewAct struct{ user, event, product, action string }

// Allow-listed users do what the review watches; the others only what it
// does not.
var clsReviewActs = []clsReviewAct{
	{"admin", "ConsoleLogin", "account", "Write"},
	{"ops-automation", "TerminateInstances", "cvm", "Write"},
	{"ops-automation", "RebootInstances", "cvm", "Write"},
	{"admin", "DeleteBucket", "cos", "Write"},
	{"ops-automation", "ScheduleKeyDeletion", "kms", "Write"},
	{"alice", "DescribeInstances", "cvm", "Read"},
	{"alice", "RunInstances", "cvm", "Write"},
	{"bob", "CreateUser", "cam", "Write"},
	{"bob", "GetService", "cos", "Read"},
	{"ci-deployer", "ListUsers", "cam", "Read"},
	{"ci-deployer", "DescribeAuditTracks", "cloudaudit", "Read"},
}

// clsReviewSeeded are the events by users outside the allow-list: ago is
// how long before the end of the deliveries, in days (negative: beyond
// the window, days+2 before the end).
type clsReviewSeed struct {
	act clsReviewAct
	ago float64
}

var clsReviewOutside = []clsReviewSeed{
	{clsReviewAct{"mallory", "TerminateInstances", "cvm", "Write"}, -1},
	{clsReviewAct{"mallory", "RebootInstances", "cvm", "Write"}, -1},
	{clsReviewAct{"mallory", "DeleteUser", "cam", "Write"}, -1},
}

var clsReviewViolations = []clsReviewSeed{
	{clsReviewAct{"mallory", "TerminateInstances", "cvm", "Write"}, 10},
	{clsReviewAct{"mallory", "TerminateInstances", "cvm", "Write"}, 40},
	{clsReviewAct{"mallory", "TerminateInstances", "cvm", "Write"}, 120},
	{clsReviewAct{"mallory", "RebootInstances", "cvm", "Write"}, 3},
	{clsReviewAct{"mallory", "RebootInstances", "cvm", "Write"}, 150},
	{clsReviewAct{"mallory", "DeleteUser", "cam", "Write"}, 60},
	{clsReviewAct{"", "RebootInstances", "cvm", "Write"}, 20}, // no user name
}

// buildCLSReviewEvents builds the review's deliveries, newest first, as
// DescribeEvents records (their CloudAuditEvent documents are the logs).
func buildCLSReviewEvents(mode string, days int, end time.Time, ownerUin string) []TencentEvent {
	if days <= 0 {
		days = 180
	}
	last := end.Unix() - 3600
	span := int64(days-1) * 86400
	step := span / CLSReviewEvents
	var out []TencentEvent
	for i := range CLSReviewEvents {
		act := clsReviewActs[ucloudHash(i, 401)%uint64(len(clsReviewActs))]
		out = append(out, clsReviewEvent(i, act, last-int64(i)*step, ownerUin))
	}
	seeds := clsReviewOutside
	if mode == CLSReviewNoncompliant {
		seeds = append(append([]clsReviewSeed(nil), seeds...), clsReviewViolations...)
	}
	for j, s := range seeds {
		ago := int64(s.ago * 86400)
		if s.ago < 0 {
			ago = int64(days+2) * 86400
		}
		out = append(out, clsReviewEvent(CLSReviewEvents+j, s.act, last-ago-int64(j), ownerUin))
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].unix > out[b].unix })
	return out
}

func clsReviewEvent(i int, act clsReviewAct, unix int64, ownerUin string) TencentEvent {
	id := uuidFrom(ucloudHash(i, 403), ucloudHash(i, 404))
	identity := map[string]any{"accountId": ownerUin, "type": "CAMUser"}
	if act.user != "" {
		identity["userName"] = act.user
	}
	doc := map[string]any{
		"eventId": id, "eventName": act.event, "eventTime": strconv.FormatInt(unix, 10),
		"eventSource": act.product + ".tencentcloudapi.com", "resourceType": act.product, "actionType": act.action,
		"sourceIPAddress": "106.55.1.10", "errorCode": 0, "apiErrorCode": 0, "eventRegion": "ap-guangzhou",
		"userIdentity": identity,
	}
	b, _ := json.Marshal(doc)
	owner, _ := strconv.ParseInt(ownerUin, 10, 64)
	return TencentEvent{
		EventId: id, Username: act.user, EventTime: strconv.FormatInt(unix, 10), CloudAuditEvent: string(b),
		ResourceTypeCn: tencentProductCn[act.product], EventName: act.event, EventSource: act.product + ".tencentcloudapi.com",
		RequestID: uuidFrom(ucloudHash(i, 405), ucloudHash(i, 406)), AccountID: owner, SourceIPAddress: "106.55.1.10",
		EventNameCn: act.event, Resources: TencentEventResources{ResourceType: act.product}, EventRegion: "ap-guangzhou",
		actionType: act.action, unix: unix,
	}
}

// withoutCLSTracks leaves out the tracking sets that deliver to CLS
// (CLSReviewCOSOnly).
func withoutCLSTracks(tracks []json.RawMessage) []json.RawMessage {
	out := []json.RawMessage{}
	for _, raw := range tracks {
		var tr simTrack
		if json.Unmarshal(raw, &tr) == nil && tr.Storage != nil && tr.Storage.StorageType == "cls" {
			continue
		}
		out = append(out, raw)
	}
	return out
}
