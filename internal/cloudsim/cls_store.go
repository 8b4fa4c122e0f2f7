// The logs of a CLS topic, stored compactly: a million CloudAudit events
// are a time, an event number and a class each (16 bytes). A class is the
// combination of everything an event shares with others (user, API,
// address, region, outcome, resource); its fields are built on demand, and
// a search evaluates each condition once per class (a memo), so scanning a
// million events costs a few tens of milliseconds. Only the per-event
// fields (eventID, requestID, eventTime) are computed per event, and only
// when a condition or an answer needs them.

package cloudsim

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// clsLogs is one topic's logs, in ascending time.
type clsLogs struct {
	times []int64  // log time, Unix ms, ascending
	num   []uint32 // event number: the seed of the per-event fields
	class []uint32

	numClasses  int
	classFields func(c uint32) []clsField
	eventFields func(num uint32, ms int64) []clsField // nil: none
	eventKeys   map[string]bool                       // the keys eventFields holds
	// eventAlphabet, when set, holds every character the per-event fields'
	// tokens can have (hexadecimal UUIDs, digits): a full-text word with
	// another character cannot match them, so they are not built.
	eventAlphabet string
	// deliveryTime: times are when each log arrived (its event's time plus
	// its delivery lag), not the event's time (CLSTopicOptions.DeliveryTime).
	deliveryTime bool
}

// eventMs is the time of the event behind the log at pos.
func (l *clsLogs) eventMs(pos int) int64 {
	if l.deliveryTime {
		return l.times[pos] - clsDeliveryLag(l.num[pos]).Milliseconds()
	}
	return l.times[pos]
}

// toDeliveryTime makes each log's time its arrival: its event's time plus
// its delivery lag, in arrival order.
func (l *clsLogs) toDeliveryTime() {
	n := len(l.times)
	order := make([]int, n)
	arrival := make([]int64, n)
	for i := range n {
		order[i] = i
		arrival[i] = l.times[i] + clsDeliveryLag(l.num[i]).Milliseconds()
	}
	sort.SliceStable(order, func(a, b int) bool { return arrival[order[a]] < arrival[order[b]] })
	times, num, class := make([]int64, n), make([]uint32, n), make([]uint32, n)
	for i, o := range order {
		times[i], num[i], class[i] = arrival[o], l.num[o], l.class[o]
	}
	l.times, l.num, l.class, l.deliveryTime = times, num, class, true
}

func (l *clsLogs) len() int { return len(l.times) }

// window is the positions of the logs with From <= Time < To.
func (l *clsLogs) window(from, to int64) (int, int) {
	lo := sort.Search(len(l.times), func(i int) bool { return l.times[i] >= from })
	hi := sort.Search(len(l.times), func(i int) bool { return l.times[i] >= to })
	return lo, max(lo, hi)
}

// fields is the whole log at position pos.
func (l *clsLogs) fields(pos int) []clsField {
	out := append([]clsField(nil), l.classFields(l.class[pos])...)
	if l.eventFields != nil {
		out = append(out, l.eventFields(l.num[pos], l.eventMs(pos))...)
	}
	return out
}

// logJSON is LogJson: the log as one JSON object, keys sorted.
func (l *clsLogs) logJSON(pos int) string {
	fs := l.fields(pos)
	sort.Slice(fs, func(a, b int) bool { return fs[a].key < fs[b].key })
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(f.key))
		b.WriteByte(':')
		if f.num {
			b.WriteString(f.val)
		} else {
			b.WriteString(jsonString(f.val))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// clsEval evaluates a condition over logs, with a per-class memo for the
// leaves whose result depends on class fields only.
type clsEval struct {
	logs *clsLogs
	m    *clsMatcher
	memo [][]int8 // by leaf, then class: 0 unknown, 1 false, 2 true

	pos    int
	cf, ef []clsField
	cfOK   bool
	efOK   bool
}

func newCLSEval(logs *clsLogs, m *clsMatcher, root *clsNode) *clsEval {
	return &clsEval{logs: logs, m: m, memo: make([][]int8, root.leafCount())}
}

func (e *clsEval) at(pos int) {
	e.pos, e.cfOK, e.efOK = pos, false, false
}

func (e *clsEval) classPart() []clsField {
	if !e.cfOK {
		e.cf, e.cfOK = e.logs.classFields(e.logs.class[e.pos]), true
	}
	return e.cf
}

func (e *clsEval) eventPart() []clsField {
	if e.logs.eventFields == nil {
		return nil
	}
	if !e.efOK {
		e.ef, e.efOK = e.logs.eventFields(e.logs.num[e.pos], e.logs.eventMs(e.pos)), true
	}
	return e.ef
}

func (e *clsEval) memoLeaf(n *clsNode) bool {
	c := e.logs.class[e.pos]
	if e.memo[n.leaf] == nil {
		e.memo[n.leaf] = make([]int8, e.logs.numClasses)
	}
	if v := e.memo[n.leaf][c]; v != 0 {
		return v == 2
	}
	r := e.m.leaf(n, e.classPart())
	e.memo[n.leaf][c] = 1
	if r {
		e.memo[n.leaf][c] = 2
	}
	return r
}

func (e *clsEval) eval(n *clsNode) bool {
	switch n.kind {
	case clsAll:
		return true
	case clsAnd:
		return e.eval(n.kids[0]) && e.eval(n.kids[1])
	case clsOr:
		return e.eval(n.kids[0]) || e.eval(n.kids[1])
	case clsNot:
		return !e.eval(n.kids[0])
	}
	if n.key != "" {
		if e.logs.eventKeys[n.key] {
			return e.m.leaf(n, e.eventPart())
		}
		return e.memoLeaf(n)
	}
	// Full text: tokens joined by AND may be spread over both parts.
	if n.kind == clsTerm && n.join == clsAnd && len(n.tokens) > 1 && e.logs.eventFields != nil {
		return e.m.leaf(n, append(append([]clsField(nil), e.classPart()...), e.eventPart()...))
	}
	return e.memoLeaf(n) || (e.logs.eventFields != nil && e.mayMatchEventPart(n) && e.m.leaf(n, e.eventPart()))
}

// mayMatchEventPart reports whether a full-text leaf could match a
// per-event field: not when every word it needs holds a character those
// fields never have.
func (e *clsEval) mayMatchEventPart(n *clsNode) bool {
	alpha := e.logs.eventAlphabet
	if alpha == "" || n.kind != clsTerm && n.kind != clsPhrase {
		return true
	}
	for _, t := range n.tokens {
		possible := true
		for _, r := range t {
			if r != '*' && r != '?' && !strings.ContainsRune(alpha, r) {
				possible = false
				break
			}
		}
		if possible {
			return true
		}
	}
	return false
}

// flattenEvent turns a CloudAudit event document into log fields in the
// topic's shape: nested objects as dotted keys, except userIdentity as one
// JSON string when jsonUserIdentity is set.
func flattenEvent(doc string, jsonUserIdentity bool) []clsField {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return []clsField{{key: "content", val: doc}}
	}
	var out []clsField
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if prefix == "userIdentity" && jsonUserIdentity {
				b, _ := json.Marshal(v)
				out = append(out, clsField{key: prefix, val: string(b)})
				return
			}
			for k, sub := range v {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, sub)
			}
		case json.Number:
			out = append(out, clsField{key: prefix, val: v.String(), num: true})
		case bool:
			out = append(out, clsField{key: prefix, val: strconv.FormatBool(v), num: true})
		case string:
			out = append(out, clsField{key: prefix, val: v})
		case nil:
		default:
			b, _ := json.Marshal(v)
			out = append(out, clsField{key: prefix, val: string(b)})
		}
	}
	walk("", m)
	sort.Slice(out, func(a, b int) bool { return out[a].key < out[b].key })
	return out
}

// clsLogsFromEvents delivers a list of CloudAudit events (newest first, as
// DescribeEvents serves them) to a topic: those the tracking set's filter
// selects, one class each.
func clsLogsFromEvents(events []TencentEvent, track simTrack, jsonUserIdentity bool) *clsLogs {
	var docs [][]clsField
	l := &clsLogs{}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if !trackSelects(track, e.Resources.ResourceType, e.actionType, e.EventName) {
			continue
		}
		l.times = append(l.times, e.unix*1000)
		l.num = append(l.num, uint32(i))
		l.class = append(l.class, uint32(len(docs)))
		docs = append(docs, flattenEvent(e.CloudAuditEvent, jsonUserIdentity))
	}
	l.numClasses = len(docs)
	l.classFields = func(c uint32) []clsField { return docs[c] }
	return l
}

// trackSelects reports whether a tracking set delivers an event of this
// product, action type and name.
func trackSelects(track simTrack, product, actionType, name string) bool {
	if track.ResourceType != "*" && track.ResourceType != product {
		return false
	}
	if track.ActionType != "*" && track.ActionType != actionType {
		return false
	}
	return contains(track.EventNames, "*") || contains(track.EventNames, name)
}
