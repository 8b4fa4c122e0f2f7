// The options of the simulator's CLS half: what it serves, per simulator
// (CLSOptions) and per topic (CLSTopicOptions, and their command-line form
// read by ParseCLSTopic).

package cloudsim

import (
	"fmt"
	"strings"
	"time"
)

// CLSOptions sets what the CLS half serves.
type CLSOptions struct {
	// Events, when positive, replaces the deliveries of the DescribeEvents
	// data set with this many generated events spread over Days days
	// (default 180) before the simulator's start; each topic holds those
	// its tracking set's filter selects.
	Events int
	Days   int
	// Topics sets options per topic id.
	Topics map[string]CLSTopicOptions
	// DeliveryLag makes every event searchable only 5 to 10 minutes after
	// its time, as CloudAudit's deliveries arrive (cls.md §9).
	DeliveryLag bool
	// MaxResponseBytes is the size above which SearchLog answers
	// LimitExceeded.SearchResultTooLarge. Default 20 MB, the error text's.
	MaxResponseBytes int
	// HistogramWholeEdges makes DescribeLogHistogram count every log of its
	// first and last buckets, also those before From and from To on (which
	// logs real edge buckets count is undocumented, cls.md §3); by default
	// it counts what the same search finds.
	HistogramWholeEdges bool
	// SearchLatency holds every SearchLog and DescribeLogHistogram call
	// this long, inside the topic's concurrency slot (15 per topic).
	SearchLatency time.Duration
	// Review replaces the deliveries with those of a six-month review
	// (cls_review.go): CLSReviewCompliant, CLSReviewNoncompliant or
	// CLSReviewCOSOnly. Empty: the data set's CLSReview, else none. Days
	// sets their span (default 180); Events, when positive, wins over it.
	Review string
	// HistogramMinInterval, when positive, makes DescribeLogHistogram answer
	// buckets at least this wide (ms) whatever Interval asks: whether the API
	// has such a floor is undocumented (cls.md §3), and with it a bucket may
	// hold more logs than one Context walk returns.
	HistogramMinInterval int64
}

// CLSTopicOptions are one topic's settings.
type CLSTopicOptions struct {
	// JSONUserIdentity delivers userIdentity as one JSON string instead of
	// flattened keys (userIdentity.principalId, ...).
	JSONUserIdentity bool
	// Cold serves the topic as IA storage (StorageType "cold"): full-text
	// search only.
	Cold bool
	// Isolated answers searches with FailedOperation.TopicIsolated.
	Isolated bool
	// NoCQL answers CQL searches with OperationDenied.NewSyntaxNotSupported.
	NoCQL bool
	// Period and HotPeriod, when positive, replace the generated retention.
	Period, HotPeriod int
	// IAWindow is what a key-value search whose window reaches past
	// HotPeriod days gets (undocumented): "" searched like any other,
	// "refuse" OperationDenied.OperationNotSupportInSearchLow, "omit" the
	// older logs silently left out.
	IAWindow string
	// DeliveryTime makes each log's Time its arrival (its event's time plus
	// 5 to 10 minutes) instead of its event's time: whether CLS's Time is
	// the event's or the delivery's is undocumented (cls.md §11).
	DeliveryTime bool
	// OffsetRefusal is how SearchLog answers any request carrying Offset, as
	// a deployment that does not take it may (what it answers is
	// undocumented; DESIGN.md): "" serves Offset as documented, "unknown"
	// UnknownParameter naming it (the API 3.0 answer to a parameter the
	// action does not declare: Offset came with SDK v1.0.981), "invalid"
	// InvalidParameter naming it (the only parameter error SearchLog lists),
	// "ignore" serves every page from the window's first log, as a
	// deployment (or a caching gateway) that drops the parameter would.
	OffsetRefusal string
	// OffsetCap, when positive, refuses a page whose Offset + Limit passes
	// it, as a deployment capping Offset as Context is capped (10,000 rows)
	// may: with InvalidParameter naming Offset, or, with OffsetCapCode
	// "reach-limit", FailedOperation.GetlogReachLimit ("the number of
	// searched logs reached the upper limit", a CLS code the SDK lists for
	// GetAlarmLog, not for SearchLog).
	OffsetCap     int
	OffsetCapCode string
}

// ParseCLSTopic reads a topic's options from the command line:
// "TOPIC_ID:opt,opt" with opts userIdentity=json, cold, isolated, no-cql,
// period=N, hot-period=N, ia-window=search|refuse|omit, time=event|delivery,
// offset=unknown|invalid, offset-cap=N, offset-cap-code=invalid|reach-limit.
func ParseCLSTopic(spec string) (string, CLSTopicOptions, error) {
	id, rest, _ := strings.Cut(spec, ":")
	var o CLSTopicOptions
	if id == "" {
		return "", o, fmt.Errorf("cls topic %q: want TOPIC_ID:opt,... ", spec)
	}
	for _, opt := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(opt, "=")
		var err error
		switch k {
		case "":
		case "userIdentity":
			if v != "json" && v != "flat" {
				err = fmt.Errorf("userIdentity is json or flat")
			}
			o.JSONUserIdentity = v == "json"
		case "cold":
			o.Cold = true
		case "isolated":
			o.Isolated = true
		case "no-cql":
			o.NoCQL = true
		case "period":
			_, err = fmt.Sscan(v, &o.Period)
		case "hot-period":
			_, err = fmt.Sscan(v, &o.HotPeriod)
		case "time":
			if v != "event" && v != "delivery" {
				err = fmt.Errorf("time is event or delivery")
			}
			o.DeliveryTime = v == "delivery"
		case "ia-window":
			if v != "search" && v != "refuse" && v != "omit" {
				err = fmt.Errorf("ia-window is search, refuse or omit")
			}
			o.IAWindow = strings.TrimPrefix(v, "search")
		case "offset":
			if v != "unknown" && v != "invalid" && v != "ignore" {
				err = fmt.Errorf("offset is unknown, invalid or ignore")
			}
			o.OffsetRefusal = v
		case "offset-cap":
			_, err = fmt.Sscan(v, &o.OffsetCap)
		case "offset-cap-code":
			if v != "invalid" && v != "reach-limit" {
				err = fmt.Errorf("offset-cap-code is invalid or reach-limit")
			}
			o.OffsetCapCode = strings.TrimPrefix(v, "invalid")
		default:
			err = fmt.Errorf("unknown option %q (userIdentity=json|flat, cold, isolated, no-cql, period=N, hot-period=N, ia-window=search|refuse|omit, "+
				"time=event|delivery, offset=unknown|invalid|ignore, offset-cap=N, offset-cap-code=invalid|reach-limit)", k)
		}
		if err != nil {
			return "", o, fmt.Errorf("cls topic %q: %w", spec, err)
		}
	}
	return id, o, nil
}
