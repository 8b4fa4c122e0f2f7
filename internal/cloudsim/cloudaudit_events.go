package cloudsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CloudAudit DescribeEvents limits, as documented: StartTime at most 90 days
// back, a span under 30 days, at most 50 events per page.
const (
	cloudAuditEventsLookback = 90 * 24 * time.Hour
	cloudAuditEventsMaxSpan  = 30 * 24 * time.Hour
	cloudAuditEventsMaxPage  = 50
	// The API documents no default MaxResults; LookUpEvents' documents
	// once said 10, so the simulator uses that.
	cloudAuditEventsDefaultPage = 10
	// cloudAuditEventsDataSpan is how far back the data set reaches: inside
	// one query's 30-day span, so one window reads every event.
	cloudAuditEventsDataSpan = 28 * 24 * time.Hour
)

// CloudAuditEventLookupKeys are the AttributeKey values DescribeEvents
// documents.
var CloudAuditEventLookupKeys = []string{
	"RequestId", "EventName", "ActionType", "PrincipalId", "ResourceType", "ResourceId", "ResourceName",
	"AccessKeyId", "SensitiveAction", "ApiErrorCode", "CamErrorCode", "SourceIPAddress", "Tags",
}

func (t *tencentAPI) cloudAuditEvents() *tencentEventData {
	t.eventsOnce.Do(func() {
		if raws, ok := t.srv.opts.Data.CloudAuditEvents(); ok {
			t.events = tencentEventsFrom(raws)
			return
		}
		t.events = buildTencentEvents(t.srv.opts.CloudAuditEvents, t.eventsEpoch, t.srv.opts.ownerUin)
	})
	return t.events
}

// CloudAuditEvents returns the DescribeEvents data set in API order, newest
// first: what a read of a window covering it, without conditions, returns.
func (s *Server) CloudAuditEvents() []TencentEvent {
	return append([]TencentEvent(nil), s.tencent.cloudAuditEvents().events...)
}

// eventsQuery is a DescribeEvents request, every parameter but NextToken.
type eventsQuery struct {
	StartTime, EndTime uint64
	MaxResults         uint64
	IsReturnLocation   uint64
	Lookup             []eventsLookup
}

type eventsLookup struct {
	Key   string  `json:"AttributeKey"`
	Value *string `json:"AttributeValue"`
}

// key is the query's canonical form: the token binding and the cache key.
func (q eventsQuery) key() string {
	b, _ := json.Marshal(q)
	return string(b)
}

func (t *tencentAPI) describeEvents(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("StartTime", "EndTime", "NextToken", "MaxResults", "LookupAttributes", "IsReturnLocation"); err != nil {
		return nil, err
	}
	var q eventsQuery
	if _, err := p.get("StartTime", &q.StartTime, true); err != nil {
		return nil, err
	}
	if _, err := p.get("EndTime", &q.EndTime, true); err != nil {
		return nil, err
	}
	q.MaxResults = cloudAuditEventsDefaultPage
	if _, err := p.get("MaxResults", &q.MaxResults, false); err != nil {
		return nil, err
	}
	if _, err := p.get("IsReturnLocation", &q.IsReturnLocation, false); err != nil {
		return nil, err
	}
	var token uint64
	hasToken, err := p.get("NextToken", &token, false)
	if err != nil {
		return nil, err
	}
	var lookups []json.RawMessage
	if _, err := p.get("LookupAttributes", &lookups, false); err != nil {
		return nil, err
	}
	for i, raw := range lookups {
		lp := params{raw: map[string]json.RawMessage{}, path: fmt.Sprintf("LookupAttributes.%d.", i)}
		if json.Unmarshal(raw, &lp.raw) != nil {
			return nil, errorf("InvalidParameter", "The value type of parameter `LookupAttributes.%d` is not valid.", i)
		}
		if err := lp.only("AttributeKey", "AttributeValue"); err != nil {
			return nil, err
		}
		var l eventsLookup
		if _, err := lp.get("AttributeKey", &l.Key, true); err != nil {
			return nil, err
		}
		if _, err := lp.get("AttributeValue", &l.Value, false); err != nil {
			return nil, err
		}
		if !contains(CloudAuditEventLookupKeys, l.Key) {
			return nil, errorf("InvalidParameter", "LookupAttributes.%d.AttributeKey `%s` is not valid; valid keys are %s.", i, l.Key, strings.Join(CloudAuditEventLookupKeys, ", "))
		}
		q.Lookup = append(q.Lookup, l)
	}

	now := call.now.Unix()
	switch {
	case q.MaxResults < 1 || q.MaxResults > cloudAuditEventsMaxPage:
		return nil, errorf("InvalidParameter", "MaxResults must be between 1 and %d, got %d.", cloudAuditEventsMaxPage, q.MaxResults)
	case q.IsReturnLocation > 1:
		return nil, errorf("InvalidParameter", "IsReturnLocation must be 0 or 1, got %d.", q.IsReturnLocation)
	case q.StartTime > q.EndTime:
		return nil, errorf("InvalidParameter", "StartTime (%d) must not be after EndTime (%d).", q.StartTime, q.EndTime)
	case int64(q.StartTime) < now-int64(cloudAuditEventsLookback/time.Second) || q.StartTime > 1<<62:
		return nil, errorf("InvalidParameter", "StartTime (%d) is more than 90 days ago; events can be searched for the last 90 days only.", q.StartTime)
	case q.EndTime-q.StartTime >= uint64(cloudAuditEventsMaxSpan/time.Second):
		return nil, errorf("InvalidParameter", "The time span from StartTime to EndTime (%d s) must be under 30 days.", q.EndTime-q.StartTime)
	}

	view := t.eventsView(q)
	offset := 0
	if hasToken {
		o, ok := t.openEventsToken(q, token)
		if !ok || o > len(view) {
			return nil, errorf("InvalidParameter", "NextToken `%d` is invalid: it was not issued for this query (every parameter but NextToken must be the same as in the call that returned it).", token)
		}
		offset = o
	}
	end := min(offset+int(t.srv.cappedPage("DescribeEvents", int64(q.MaxResults))), len(view))
	data := t.cloudAuditEvents()
	events := make([]TencentEvent, 0, end-offset)
	for _, idx := range view[offset:end] {
		e := data.events[idx]
		if q.IsReturnLocation == 1 {
			loc := e.location
			e.Location = &loc
		}
		events = append(events, e)
	}
	// As in the documentation's example, the last page carries a NextToken
	// too: readers must stop on ListOver.
	return struct {
		ListOver   bool           `json:"ListOver"`
		NextToken  uint64         `json:"NextToken"`
		Events     []TencentEvent `json:"Events"`
		TotalCount int            `json:"TotalCount"`
	}{ListOver: end >= len(view), NextToken: t.eventsToken(q, end), Events: events, TotalCount: len(events)}, nil
}

// eventsView returns the numbers of the events the query matches, newest
// first. Conditions on different keys must all hold; several values of one
// key match any of them (the documentation says so for EventName).
func (t *tencentAPI) eventsView(q eventsQuery) []int32 {
	data := t.cloudAuditEvents()
	vq := q
	vq.MaxResults, vq.IsReturnLocation = 0, 0
	key := vq.key()
	data.mu.Lock()
	if v, ok := data.views[key]; ok {
		data.mu.Unlock()
		return v
	}
	data.mu.Unlock()

	byKey := map[string][]string{}
	var keys []string
	for _, l := range q.Lookup {
		v := ""
		if l.Value != nil {
			v = *l.Value
		}
		if _, ok := byKey[l.Key]; !ok {
			keys = append(keys, l.Key)
		}
		byKey[l.Key] = append(byKey[l.Key], v)
	}
	sort.Strings(keys)
	// Events are newest first: the window is one contiguous run.
	evs := data.events
	lo := sort.Search(len(evs), func(i int) bool { return evs[i].unix <= int64(q.EndTime) })
	hi := sort.Search(len(evs), func(i int) bool { return evs[i].unix < int64(q.StartTime) })
	view := make([]int32, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		if eventMatches(&evs[i], keys, byKey, t.srv.opts.EventNameMatch) {
			view = append(view, int32(i))
		}
	}
	data.mu.Lock()
	if len(data.views) >= maxCachedUCloudViews {
		data.views = map[string][]int32{}
	}
	data.views[key] = view
	data.mu.Unlock()
	return view
}

// EventNameMatching is how the EventName lookup condition compares an
// event's name with the condition's value.
type EventNameMatching string

const (
	// EventNameExact matches the whole name, case-sensitively (default).
	EventNameExact EventNameMatching = ""
	// EventNameFoldCase matches the whole name without regard to case.
	EventNameFoldCase EventNameMatching = "case-insensitive"
	// EventNamePrefix matches any name that starts with the value.
	EventNamePrefix EventNameMatching = "prefix"
)

// EventNameMatchings are the accepted values of Options.EventNameMatch
// ("exact" names the default).
var EventNameMatchings = []string{"exact", string(EventNameFoldCase), string(EventNamePrefix)}

// ParseEventNameMatching reads a value of EventNameMatchings.
func ParseEventNameMatching(s string) (EventNameMatching, error) {
	switch s {
	case "", "exact":
		return EventNameExact, nil
	case string(EventNameFoldCase), string(EventNamePrefix):
		return EventNameMatching(s), nil
	}
	return "", fmt.Errorf("event name matching %q: want one of %s", s, strings.Join(EventNameMatchings, ", "))
}

func (m EventNameMatching) matches(name string, values []string) bool {
	for _, v := range values {
		switch m {
		case EventNameFoldCase:
			if strings.EqualFold(name, v) {
				return true
			}
		case EventNamePrefix:
			if strings.HasPrefix(name, v) {
				return true
			}
		default:
			if name == v {
				return true
			}
		}
	}
	return false
}

func eventMatches(e *TencentEvent, keys []string, byKey map[string][]string, names EventNameMatching) bool {
	for _, k := range keys {
		var field string
		switch k {
		case "RequestId":
			field = e.RequestID
		case "EventName":
			if !names.matches(e.EventName, byKey[k]) {
				return false
			}
			continue
		case "ActionType":
			field = e.actionType
		case "PrincipalId":
			field = e.principalID
		case "ResourceType":
			field = e.Resources.ResourceType
		case "ResourceId":
			field = e.resourceID
		case "ResourceName":
			if e.Resources.ResourceName != nil {
				field = *e.Resources.ResourceName
			}
		case "AccessKeyId":
			if e.SecretId != nil {
				field = *e.SecretId
			}
		case "SensitiveAction":
			field = strconv.FormatBool(e.sensitive)
		case "ApiErrorCode":
			field = e.apiErrorCode
		case "CamErrorCode":
			field = e.camErrorCode
		case "SourceIPAddress":
			field = e.SourceIPAddress
		case "Tags":
			return false // no event of the data set carries tags
		}
		if field == "" || !contains(byKey[k], field) {
			return false
		}
	}
	return true
}

// Tokens are uint64, as the API's are: the top bit set (so every token is
// above 2^53 and a reader that passes it through a float64 breaks), 39 bits
// of an HMAC over the query and the position, and the position in the
// query's result list in the low 24 bits. A token is only valid for the
// query it was issued for.
const eventsTokenOffsetBits = 24

func (t *tencentAPI) eventsTokenMAC(q eventsQuery, offset int) uint64 {
	key := sha256.Sum256([]byte("cloudsim cloudaudit NextToken\x00" + t.srv.opts.TencentSecretKey))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(q.key()))
	m.Write([]byte{0, byte(offset >> 16), byte(offset >> 8), byte(offset)})
	return binary.BigEndian.Uint64(m.Sum(nil)) >> (64 - 39)
}

func (t *tencentAPI) eventsToken(q eventsQuery, offset int) uint64 {
	return 1<<63 | t.eventsTokenMAC(q, offset)<<eventsTokenOffsetBits | uint64(offset)
}

func (t *tencentAPI) openEventsToken(q eventsQuery, token uint64) (int, bool) {
	offset := int(token & (1<<eventsTokenOffsetBits - 1))
	return offset, token == t.eventsToken(q, offset)
}
