package cloudsim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CSIP request limits of the simulator.
const (
	// csipDefaultLimit is the page size when Filter.Limit is absent.
	csipDefaultLimit = 10
	// csipMaxLimit is the simulator's ceiling on Filter.Limit. The real API
	// documents none; the simulator enforces one so that clients are
	// written not to rely on unbounded pages.
	csipMaxLimit = 1000
	// csipCacheEntries bounds the number of distinct queries whose matching
	// records are kept; the cache is emptied when it is full.
	csipCacheEntries = 256
)

// registerCSIP adds the Cloud Security Center actions.
func registerCSIP(t *tencentAPI) {
	c := &csipService{srv: t.srv, opts: t.srv.opts, end: t.srv.CSIPDataEnd(), queries: map[string][]int{}}
	t.csip = c
	t.register("csip", "DescribeUserCallRecord", tencentAction{version: "2022-11-21", handle: c.describeUserCallRecord})
}

// csipService holds the CSIP data set and the results of recent queries.
type csipService struct {
	srv  *Server
	opts Options
	end  time.Time // of the data set: the simulator's start

	buildOnce sync.Once
	built     map[string]int // by SubUin: records ever built, the index of the next one

	mu sync.Mutex
	// accounts holds the rows of every sub-account, by SubUin, in index
	// order. A change replaces an account's slice, never its elements, so
	// a request works on the rows it took at its start.
	accounts map[string][]csipRow
	gen      int              // counts the changes to accounts
	queries  map[string][]int // normalized query -> indexes of matching rows, in answer order; of generation gen
}

// csipRow is one record with its answer pre-encoded.
type csipRow struct {
	rec CSIPCallRecord
	raw json.RawMessage
}

// build makes the rows of every sub-account, built and encoded once.
func (c *csipService) build() {
	c.buildOnce.Do(func() {
		c.built = map[string]int{}
		if d := c.opts.Data; d != nil && d.csip != nil {
			c.accounts = csipRowsFrom(d.csip)
			for subUin, rows := range c.accounts {
				c.built[subUin] = len(rows)
			}
			return
		}
		n := max(c.opts.CallRecords, 0)
		c.accounts = make(map[string][]csipRow, len(CSIPSubUins))
		for a, subUin := range CSIPSubUins {
			rows := make([]csipRow, n)
			for i := range n {
				rows[i].rec = buildCallRecord(a, i, c.end)
				rows[i].raw, _ = json.Marshal(rows[i].rec)
			}
			c.accounts[subUin] = rows
			c.built[subUin] = n
		}
	})
}

// rows returns a sub-account's rows as they are now, and their generation.
func (c *csipService) rows(subUin string) ([]csipRow, int) {
	c.build()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accounts[subUin], c.gen
}

// CSIPCallRecords returns the call records of a sub-account as they are now
// (faults may have added or aged out some), in the order
// DescribeUserCallRecord answers them by default (LastCallTime descending,
// ties by index). It is empty for an account without records.
func (s *Server) CSIPCallRecords(subUin string) []CSIPCallRecord {
	c := s.tencent.csip
	rows, gen := c.rows(subUin)
	out := make([]CSIPCallRecord, 0, len(rows))
	for _, i := range c.match(csipDefaultQuery(subUin), rows, gen) {
		out = append(out, rows[i].rec)
	}
	return out
}

// csipDefaultQuery is a query with no Filter: every record, in the default
// order.
func csipDefaultQuery(subUin string) csipQuery {
	return csipQuery{SubUin: subUin, By: "LastCallTime", Desc: true}
}

// csipField is one column of UserCallRecord, usable in Filter.Filters and
// (some of them) in Filter.By.
type csipField struct {
	name    string
	numeric bool
	str     func(*CSIPCallRecord) string
	num     func(*CSIPCallRecord) int64
}

var csipFields = map[string]csipField{}

func init() {
	strField := func(name string, f func(*CSIPCallRecord) string) {
		csipFields[csipNormalize(name)] = csipField{name: name, str: f}
	}
	numField := func(name string, f func(*CSIPCallRecord) int64) {
		csipFields[csipNormalize(name)] = csipField{name: name, numeric: true, num: f,
			str: func(r *CSIPCallRecord) string { return strconv.FormatInt(f(r), 10) }}
	}
	strField("SourceIP", func(r *CSIPCallRecord) string { return r.SourceIP })
	numField("EventType", func(r *CSIPCallRecord) int64 { return r.EventType })
	numField("CallCount", func(r *CSIPCallRecord) int64 { return r.CallCount })
	numField("Code", func(r *CSIPCallRecord) int64 { return r.Code })
	strField("FirstCallTime", func(r *CSIPCallRecord) string { return r.FirstCallTime })
	strField("LastCallTime", func(r *CSIPCallRecord) string { return r.LastCallTime })
	strField("SourceIPRemark", func(r *CSIPCallRecord) string { return r.SourceIPRemark })
	strField("Region", func(r *CSIPCallRecord) string { return r.Region })
	strField("UserName", func(r *CSIPCallRecord) string { return r.UserName })
	strField("Date", func(r *CSIPCallRecord) string { return r.Date })
	numField("AppID", func(r *CSIPCallRecord) int64 { return r.AppID })
	strField("ISP", func(r *CSIPCallRecord) string { return r.ISP })
}

// csipSortFields are the columns Filter.By accepts, by normalized name.
// "insert_time" (the doc's example) sorts by LastCallTime.
var csipSortFields = map[string]string{
	"callcount": "CallCount", "firstcalltime": "FirstCallTime", "lastcalltime": "LastCallTime",
	"sourceip": "SourceIP", "code": "Code", "eventtype": "EventType", "inserttime": "LastCallTime",
}

// csipNormalize folds case and drops underscores: "last_call_time",
// "LastCallTime" and "lastcalltime" are the same name.
func csipNormalize(name string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), "_", ""))
}

// Operator types of WhereFilter.
const (
	csipOpEqual     = 1
	csipOpGreater   = 2
	csipOpLess      = 3
	csipOpGreaterEq = 4
	csipOpLessEq    = 5
	csipOpNotEqual  = 6
	csipOpExact     = 7
	csipOpFuzzy     = 9
	csipOpNotFuzzy  = 13
	csipOpBitAnd    = 14
)

// csipQuery is a validated Filter minus paging. It marshals to the cache key.
type csipQuery struct {
	SubUin    string
	By        string // field name, default LastCallTime
	Desc      bool
	StartTime string // "" for none; the format sorts like the time it names
	EndTime   string
	Filters   []csipWhere
}

type csipWhere struct {
	Field  string
	Op     int64
	Values []string
}

func (c *csipService) describeUserCallRecord(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("SubUin", "MemberId", "Filter"); err != nil {
		return nil, err
	}
	var subUin string
	if _, err := p.get("SubUin", &subUin, true); err != nil {
		return nil, err
	}
	if strings.TrimSpace(subUin) == "" {
		return nil, errorf("MissingParameter", "The request is missing a required parameter `SubUin`.")
	}
	// MemberId names organization members; every simulated account belongs
	// to the caller's own organization, so it only has to be well formed.
	var memberIDs []string
	if _, err := p.get("MemberId", &memberIDs, false); err != nil {
		return nil, err
	}
	q, limit, offset, err := parseCSIPFilter(p)
	if err != nil {
		return nil, err
	}
	q.SubUin = subUin

	if call.ignoreOffset {
		offset = 0 // FaultIgnoreOffset: every page from the first record
	}
	rows, gen := c.rows(subUin)
	matched := c.match(q, rows, gen)
	start := min(offset, int64(len(matched)))
	end := min(start+c.srv.cappedPage("DescribeUserCallRecord", limit), int64(len(matched)))
	page := make([]json.RawMessage, 0, end-start)
	for _, idx := range matched[start:end] {
		page = append(page, rows[idx].raw)
	}
	return struct {
		Data  []json.RawMessage `json:"Data"`
		Total int               `json:"Total"`
	}{Data: page, Total: len(matched)}, nil
}

// parseCSIPFilter validates the Filter parameter.
func parseCSIPFilter(p params) (q csipQuery, limit, offset int64, terr *tencentError) {
	q.By, q.Desc, limit = "LastCallTime", true, csipDefaultLimit
	f, found, err := p.object("Filter")
	if err != nil || !found {
		return q, limit, 0, err
	}
	if err := f.only("Limit", "Offset", "Order", "By", "Filters", "StartTime", "EndTime"); err != nil {
		return q, 0, 0, err
	}
	if ok, err := f.get("Limit", &limit, false); err != nil {
		return q, 0, 0, err
	} else if ok && limit < 0 {
		return q, 0, 0, errorf("InvalidParameterValue", "The value of `Filter.Limit` must not be negative, got %d.", limit)
	} else if limit > csipMaxLimit {
		return q, 0, 0, errorf("InvalidParameterValue", "The value of `Filter.Limit` must be at most %d, got %d.", csipMaxLimit, limit)
	}
	if _, err := f.get("Offset", &offset, false); err != nil {
		return q, 0, 0, err
	} else if offset < 0 {
		return q, 0, 0, errorf("InvalidParameterValue", "The value of `Filter.Offset` must not be negative, got %d.", offset)
	}

	var order, by string
	if _, err := f.get("Order", &order, false); err != nil {
		return q, 0, 0, err
	}
	switch strings.ToLower(strings.TrimSpace(order)) {
	case "", "desc":
	case "asc":
		q.Desc = false
	default:
		return q, 0, 0, errorf("InvalidParameterValue", "The value of `Filter.Order` must be `asc` or `desc`, got %q.", order)
	}
	if _, err := f.get("By", &by, false); err != nil {
		return q, 0, 0, err
	}
	if by != "" {
		field, ok := csipSortFields[csipNormalize(by)]
		if !ok {
			return q, 0, 0, errorf("InvalidParameterValue",
				"The value of `Filter.By` is not a sort field, got %q; use CallCount, FirstCallTime, LastCallTime, SourceIP, Code or EventType.", by)
		}
		q.By = field
	}

	for _, name := range []string{"StartTime", "EndTime"} {
		var v string
		if _, err := f.get(name, &v, false); err != nil {
			return q, 0, 0, err
		}
		if v == "" {
			continue
		}
		if _, perr := time.ParseInLocation(CSIPTimeLayout, v, csipZone); perr != nil {
			return q, 0, 0, errorf("InvalidParameterValue",
				"The value of `Filter.%s` must be formatted as YYYY-MM-DD hh:mm:ss, got %q.", name, v)
		}
		if name == "StartTime" {
			q.StartTime = v
		} else {
			q.EndTime = v
		}
	}
	if q.StartTime != "" && q.EndTime != "" && q.StartTime > q.EndTime {
		return q, 0, 0, errorf("InvalidParameter.DateRange",
			"`Filter.StartTime` (%s) is after `Filter.EndTime` (%s).", q.StartTime, q.EndTime)
	}

	var filters []map[string]json.RawMessage
	if _, err := f.get("Filters", &filters, false); err != nil {
		return q, 0, 0, err
	}
	for k, raw := range filters {
		w, err := parseCSIPWhere(params{raw: raw, path: fmt.Sprintf("Filter.Filters.%d.", k)})
		if err != nil {
			return q, 0, 0, err
		}
		q.Filters = append(q.Filters, w)
	}
	return q, limit, offset, nil
}

// parseCSIPWhere validates one WhereFilter.
func parseCSIPWhere(p params) (csipWhere, *tencentError) {
	var w csipWhere
	if p.raw == nil {
		p.raw = map[string]json.RawMessage{}
	}
	if err := p.only("Name", "Values", "OperatorType"); err != nil {
		return w, err
	}
	var name string
	if _, err := p.get("Name", &name, true); err != nil {
		return w, err
	}
	field, ok := csipFields[csipNormalize(name)]
	if !ok {
		return w, errorf("InvalidParameterValue",
			"The value of `%sName` is not a filterable field of UserCallRecord, got %q.", p.path, name)
	}
	w.Field = field.name
	if _, err := p.get("Values", &w.Values, true); err != nil {
		return w, err
	}
	if len(w.Values) == 0 {
		return w, errorf("InvalidParameterValue", "The value of `%sValues` must hold at least one value.", p.path)
	}
	w.Op = csipOpExact
	if _, err := p.get("OperatorType", &w.Op, false); err != nil {
		return w, err
	}
	switch w.Op {
	case csipOpEqual, csipOpGreater, csipOpLess, csipOpGreaterEq, csipOpLessEq, csipOpNotEqual, csipOpExact, csipOpFuzzy, csipOpNotFuzzy:
	case csipOpBitAnd:
		if !field.numeric {
			return w, errorf("InvalidParameterValue",
				"The value of `%sOperatorType` is 14 (bitwise AND), which applies only to numeric fields, not %s.", p.path, field.name)
		}
	default:
		return w, errorf("InvalidParameterValue",
			"The value of `%sOperatorType` is an unknown operator type: %d.", p.path, w.Op)
	}
	if field.numeric && w.Op != csipOpFuzzy && w.Op != csipOpNotFuzzy {
		for _, v := range w.Values {
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
				return w, errorf("InvalidParameterValue",
					"The value of `%sValues` must hold integers for the numeric field %s, got %q.", p.path, field.name, v)
			}
		}
	}
	if w.Op == csipOpExact {
		w.Op = csipOpEqual // the same test; one cache entry
	}
	return w, nil
}

// match returns the indexes of the rows matching q, in answer order. The
// result of each distinct query is computed once per generation of the
// rows and cached.
func (c *csipService) match(q csipQuery, rows []csipRow, gen int) []int {
	keyBytes, _ := json.Marshal(q)
	key := string(keyBytes)
	c.mu.Lock()
	cached, ok := c.queries[key]
	ok = ok && gen == c.gen
	c.mu.Unlock()
	if ok {
		return cached
	}

	idx := make([]int, 0, len(rows))
	for i := range rows {
		if csipMatches(q, &rows[i].rec) {
			idx = append(idx, i)
		}
	}
	by := csipFields[csipNormalize(q.By)]
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := &rows[idx[x]].rec, &rows[idx[y]].rec
		var cmp int
		if by.numeric {
			cmp = compareInt(by.num(a), by.num(b))
		} else {
			cmp = strings.Compare(by.str(a), by.str(b))
		}
		if q.Desc {
			cmp = -cmp
		}
		return cmp < 0 // ties keep index order (stable sort)
	})

	c.mu.Lock()
	if gen == c.gen { // the rows have not changed since
		if len(c.queries) >= csipCacheEntries {
			clear(c.queries)
		}
		c.queries[key] = idx
	}
	c.mu.Unlock()
	return idx
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// csipMatches applies the time window and every column filter (AND).
func csipMatches(q csipQuery, r *CSIPCallRecord) bool {
	// A record matches the window when its [FirstCallTime, LastCallTime]
	// overlaps [StartTime, EndTime]; the fixed-width format compares as text.
	if q.StartTime != "" && r.LastCallTime < q.StartTime {
		return false
	}
	if q.EndTime != "" && r.FirstCallTime > q.EndTime {
		return false
	}
	for _, w := range q.Filters {
		if !csipWhereMatches(w, r) {
			return false
		}
	}
	return true
}

// csipWhereMatches applies one filter. Its values OR together; the negative
// operators (6 not equal, 13 not fuzzy) negate that whole OR, so
// "not equal to a or b" keeps records equal to neither.
func csipWhereMatches(w csipWhere, r *CSIPCallRecord) bool {
	f := csipFields[csipNormalize(w.Field)]
	op, negate := w.Op, false
	switch op {
	case csipOpNotEqual:
		op, negate = csipOpEqual, true
	case csipOpNotFuzzy:
		op, negate = csipOpFuzzy, true
	}
	hit := false
	for _, v := range w.Values {
		if csipValueMatches(f, op, r, v) {
			hit = true
			break
		}
	}
	return hit != negate
}

func csipValueMatches(f csipField, op int64, r *CSIPCallRecord, v string) bool {
	if op == csipOpFuzzy {
		return strings.Contains(strings.ToLower(f.str(r)), strings.ToLower(v))
	}
	var cmp int
	if f.numeric {
		want, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64) // validated
		got := f.num(r)
		if op == csipOpBitAnd {
			return got&want != 0
		}
		cmp = compareInt(got, want)
	} else {
		cmp = strings.Compare(f.str(r), v)
	}
	switch op {
	case csipOpEqual:
		return cmp == 0
	case csipOpGreater:
		return cmp > 0
	case csipOpLess:
		return cmp < 0
	case csipOpGreaterEq:
		return cmp >= 0
	case csipOpLessEq:
		return cmp <= 0
	}
	return false
}
