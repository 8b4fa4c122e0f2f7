// CLS SearchLog (raw search) and DescribeLogHistogram, with Offset and
// Context paging, the 15-searches-per-topic limit and the documented
// errors (cls.md §2, §3, §9, §10).

package cloudsim

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Documented limits.
const (
	clsMaxLimit         = 1000             // raw rows per SearchLog call
	clsDefaultLimit     = 100              // when Limit is omitted
	clsContextCap       = 10000            // raw rows per Context walk
	clsContextLife      = time.Hour        // a Context expires after an hour
	clsConcurrentSearch = 15               // searches per topic at once
	clsMaxStatement     = 12000            // characters of QueryString
	clsMaxBuckets       = 200              // (To - From) / Interval
	clsDefaultMaxBytes  = 20 * 1024 * 1024 // LimitExceeded.SearchResultTooLarge's 20 MB
	clsMatchCacheSize   = 8
)

// clsSearchState is what searches share: contexts, concurrency slots, the
// cache of matches per query.
type clsSearchState struct {
	mu            sync.Mutex
	inflight      map[string]int // by topic
	contexts      map[string]clsContext
	seq           int
	cache         map[string][]int32 // positions matching a query, ascending
	cacheOrder    []string
	histogramSkew int // FaultHistogramSkew: added to the next histogram's total
	sampledSQL    int // FaultSampledSQL: SQL answers still to be computed on a sample
}

func (s *clsSearchState) init() {
	s.inflight, s.contexts, s.cache = map[string]int{}, map[string]clsContext{}, map[string][]int32{}
}

// clsContext is a Context cursor: the search it belongs to, where it
// stands and how many rows its walk has served.
type clsContext struct {
	key    string
	next   int
	served int
	issued time.Time
}

// expireContexts ends every cursor issued so far (FaultExpireContext).
func (c *clsService) expireContexts() {
	s := &c.search
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ctx := range s.contexts {
		ctx.issued = time.Time{}
		s.contexts[id] = ctx
	}
}

func (c *clsService) skewNextHistogram(n int) {
	c.search.mu.Lock()
	c.search.histogramSkew += n
	c.search.mu.Unlock()
}

// clsQuery is a parsed search over one topic.
type clsQuery struct {
	top      *clsTopic
	from, to int64
	stmt     string // the search part
	sql      string // the SQL part, "" for a raw search
	syntax   clsSyntax
	root     *clsNode
	matcher  *clsMatcher
	// hotCutoff, when set, hides the logs older than it (IAWindow "omit").
	hotCutoff int64
}

func (q *clsQuery) key() string {
	return fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s", q.top.info.TopicId, q.from, q.to, q.syntax, q.stmt)
}

// prepare checks a search's topic and statement, in the order the
// simulator chose: topic, isolation, syntax allowed, parse, index, cold.
func (c *clsService) prepare(region, topicID string, from, to int64, stmt string, syntax clsSyntax, now time.Time) (*clsQuery, *tencentError) {
	top, err := c.topic(topicID, region)
	if err != nil {
		return nil, err
	}
	if top.opts.Isolated {
		return nil, errorf("FailedOperation.TopicIsolated", "The topic %s is isolated.", topicID)
	}
	if syntax == clsCQL && top.opts.NoCQL {
		return nil, errorf("OperationDenied.NewSyntaxNotSupported", "The topic %s does not support CQL (QuerySyntax 1).", topicID)
	}
	if from > to {
		return nil, errorf("InvalidParameter", "From (%d) must not be after To (%d).", from, to)
	}
	if len([]rune(stmt)) > clsMaxStatement {
		return nil, errorf("InvalidParameter", "The statement is longer than %d characters.", clsMaxStatement)
	}
	search, sql := splitStatement(stmt)
	sql = strings.TrimSpace(sql)
	if sql != "" && top.opts.Cold {
		return nil, errorf("OperationDenied.OperationNotSupportInSearchLow", "The topic %s is in IA storage: SQL analysis is not supported.", topicID)
	}
	tok := clsTokenizer{delims: clsDefaultTokenizer}
	root, perr := parseCLSQuery(search, syntax, tok)
	if perr != nil {
		return nil, errorf("FailedOperation.SyntaxError", "The statement has a syntax error: %s.", perr.Error())
	}
	types := top.indexTypes()
	keys := map[string]bool{}
	root.keys(keys)
	for k := range keys {
		if _, ok := types[k]; !ok {
			return nil, errorf("FailedOperation.QueryError", "The field `%s` is not in the topic's key-value index.", k)
		}
	}
	if top.opts.Cold && len(keys) > 0 {
		return nil, errorf("OperationDenied.OperationNotSupportInSearchLow", "The topic %s is in IA storage: only full-text search is supported.", topicID)
	}
	if err := rangeOnlyNumeric(root, types); err != nil {
		return nil, err
	}
	q := &clsQuery{top: top, from: from, to: to, stmt: search, sql: sql, syntax: syntax, root: root,
		matcher: &clsMatcher{tok: tok, types: types, lucene: syntax == clsLucene}}
	// A key-value search whose window reaches days older than HotPeriod,
	// which sit in IA storage: undocumented (cls.md §12.6), so the
	// simulator answers as the topic's IAWindow option says.
	if hot := top.info.HotPeriod; hot > 0 && len(keys) > 0 {
		cutoff := now.Add(-time.Duration(hot) * 24 * time.Hour).UnixMilli()
		if from < cutoff {
			switch top.opts.IAWindow {
			case "refuse":
				return nil, errorf("OperationDenied.OperationNotSupportInSearchLow",
					"The window reaches logs older than the topic's %d hot days, in IA storage: only full-text search is supported there.", hot)
			case "omit":
				q.hotCutoff = cutoff
			}
		}
	}
	return q, nil
}

// rangeOnlyNumeric refuses a numeric comparison on a text field.
func rangeOnlyNumeric(n *clsNode, types map[string]string) *tencentError {
	if n.kind == clsRange && types[n.key] != "long" && types[n.key] != "double" {
		return errorf("FailedOperation.QueryError", "The field `%s` is text: a range needs a long or double field.", n.key)
	}
	for _, k := range n.kids {
		if err := rangeOnlyNumeric(k, types); err != nil {
			return err
		}
	}
	return nil
}

// splitStatement cuts "search | SQL" at the first `|` outside quotes.
func splitStatement(s string) (search, sql string) {
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		case quote == 0 && r == '|':
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// acquire takes one of the topic's concurrent-search slots.
func (c *clsService) acquire(topicID string) (func(), *tencentError) {
	s := &c.search
	s.mu.Lock()
	if s.inflight[topicID] >= clsConcurrentSearch {
		s.mu.Unlock()
		c.t.srv.countThrottled()
		return nil, errorf("LimitExceeded.LogSearch", "More than %d searches are running on the topic %s.", clsConcurrentSearch, topicID)
	}
	s.inflight[topicID]++
	s.mu.Unlock()
	if d := c.t.srv.opts.CLS.SearchLatency; d > 0 {
		time.Sleep(d)
	}
	return func() {
		s.mu.Lock()
		s.inflight[topicID]--
		s.mu.Unlock()
	}, nil
}

// matches returns the positions of the logs matching q that are
// searchable at now: inside the retention period and, with DeliveryLag,
// delivered.
func (c *clsService) matches(q *clsQuery, now time.Time) []int32 {
	logs := c.logsOf(q.top)
	s := &c.search
	key := q.key()
	s.mu.Lock()
	all, ok := s.cache[key]
	s.mu.Unlock()
	if !ok {
		lo, hi := logs.window(q.from, q.to)
		ev := newCLSEval(logs, q.matcher, q.root)
		for pos := lo; pos < hi; pos++ {
			ev.at(pos)
			if ev.eval(q.root) {
				all = append(all, int32(pos))
			}
		}
		s.mu.Lock()
		if _, dup := s.cache[key]; !dup {
			s.cache[key] = all
			s.cacheOrder = append(s.cacheOrder, key)
			if len(s.cacheOrder) > clsMatchCacheSize {
				delete(s.cache, s.cacheOrder[0])
				s.cacheOrder = s.cacheOrder[1:]
			}
		}
		s.mu.Unlock()
	}
	return c.visible(q.top, logs, all, now, q.hotCutoff)
}

// visible drops the logs past retention (or older than hotCutoff) and,
// with DeliveryLag, those not delivered yet (each arrives 5 to 10 minutes
// after its time).
func (c *clsService) visible(top *clsTopic, logs *clsLogs, pos []int32, now time.Time, hotCutoff int64) []int32 {
	cutoff := int64(-1 << 62)
	if top.info.Period < 3640 {
		cutoff = now.Add(-time.Duration(top.info.Period) * 24 * time.Hour).UnixMilli()
	}
	cutoff = max(cutoff, hotCutoff)
	lag := c.t.srv.opts.CLS.DeliveryLag
	nowMs := now.UnixMilli()
	if !lag && (len(pos) == 0 || logs.times[pos[0]] >= cutoff) {
		return pos
	}
	out := make([]int32, 0, len(pos))
	for _, p := range pos {
		t := logs.times[p]
		if t < cutoff {
			continue
		}
		if lag && logs.eventMs(int(p))+clsDeliveryLag(logs.num[p]).Milliseconds() > nowMs {
			continue
		}
		out = append(out, p)
	}
	return out
}

// clsDeliveryLag is when event num arrives after its time: 5 to 10 minutes.
func clsDeliveryLag(num uint32) time.Duration {
	return 5*time.Minute + time.Duration(ucloudHash(int(num), 208)%300)*time.Second
}

// clsLogInfo is the API's LogInfo.
type clsLogInfo struct {
	Time        int64          `json:"Time"`
	TopicId     string         `json:"TopicId"`
	TopicName   string         `json:"TopicName"`
	Source      string         `json:"Source"`
	FileName    string         `json:"FileName"`
	PkgId       string         `json:"PkgId"`
	PkgLogId    string         `json:"PkgLogId"`
	HighLights  []clsHighLight `json:"HighLights"`
	LogJson     string         `json:"LogJson"`
	HostName    string         `json:"HostName"`
	RawLog      string         `json:"RawLog"`
	IndexStatus string         `json:"IndexStatus"`
}

// clsSearchAnswer is SearchLog's answer to a raw search, with the mix of
// [], null and "" of the official example (cls.md §2.2).
type clsSearchAnswer struct {
	Context         string       `json:"Context"`
	ListOver        bool         `json:"ListOver"`
	Analysis        bool         `json:"Analysis"`
	ColNames        []string     `json:"ColNames"`
	Results         []clsLogInfo `json:"Results"`
	AnalysisResults []any        `json:"AnalysisResults"`
	AnalysisRecords []string     `json:"AnalysisRecords"`
	Columns         []any        `json:"Columns"`
	SamplingRate    float64      `json:"SamplingRate"`
	Topics          any          `json:"Topics"`
}

func (c *clsService) searchLog(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("From", "To", "QueryString", "QuerySyntax", "TopicId", "Topics", "Sort", "Limit", "Offset", "Context",
		"SamplingRate", "UseNewAnalysis", "HighLight", "Query", "SyntaxRule"); err != nil {
		return nil, err
	}
	var from, to, limit int64
	var offset, querySyntax, syntaxRule uint64
	var topicID, queryString, query, sortOrder, cursor string
	var sampling float64
	var newAnalysis, highLight bool
	if _, err := p.get("From", &from, true); err != nil {
		return nil, err
	}
	if _, err := p.get("To", &to, true); err != nil {
		return nil, err
	}
	limit, sortOrder = clsDefaultLimit, "desc"
	present := map[string]bool{}
	for name, v := range map[string]any{"QueryString": &queryString, "QuerySyntax": &querySyntax, "TopicId": &topicID,
		"Sort": &sortOrder, "Limit": &limit, "Offset": &offset, "Context": &cursor, "SamplingRate": &sampling,
		"UseNewAnalysis": &newAnalysis, "HighLight": &highLight, "Query": &query, "SyntaxRule": &syntaxRule} {
		found, err := p.get(name, v, false)
		if err != nil {
			return nil, err
		}
		present[name] = found
	}
	switch {
	case p.has("Topics"):
		return nil, errorf("InvalidParameter", "The simulator serves single-topic searches (TopicId); Topics is not served.")
	case topicID == "":
		return nil, errorf("MissingParameter", "The request is missing a required parameter `TopicId`.")
	case limit < 1 || limit > clsMaxLimit:
		return nil, errorf("InvalidParameter", "Limit must be 1 to %d, got %d.", clsMaxLimit, limit)
	case present["Offset"] && present["Context"]:
		return nil, errorf("InvalidParameter", "Offset and Context cannot be used together.")
	case sortOrder != "asc" && sortOrder != "desc":
		return nil, errorf("InvalidParameter", "Sort must be asc or desc, got `%s`.", sortOrder)
	}
	// QueryString and QuerySyntax (default CQL) win over the deprecated
	// Query and SyntaxRule (default Lucene).
	stmt, syntax := "", clsCQL
	switch {
	case present["QueryString"]:
		stmt = queryString
		if present["QuerySyntax"] {
			syntax = clsSyntax(querySyntax)
		}
	case present["Query"]:
		stmt, syntax = query, clsSyntax(syntaxRule)
	}
	if syntax != clsLucene && syntax != clsCQL {
		return nil, errorf("InvalidParameter", "QuerySyntax (SyntaxRule) is 0 (Lucene) or 1 (CQL).")
	}
	q, err := c.prepare(call.region, topicID, from, to, stmt, syntax, call.now)
	if err != nil {
		return nil, err
	}
	if present["Offset"] {
		if err := offsetRefusal(q.top.opts, offset, limit); err != nil {
			return nil, err
		}
		if q.top.opts.OffsetRefusal == "ignore" {
			offset = 0
		}
	}
	release, err := c.acquire(topicID)
	if err != nil {
		return nil, err
	}
	defer release()

	if q.sql != "" {
		if present["Context"] || present["Offset"] {
			return nil, errorf("InvalidParameter", "Context and Offset page raw logs; an SQL statement pages with its own LIMIT and OFFSET.")
		}
		return c.analyse(call, q, present["SamplingRate"], sampling, !present["UseNewAnalysis"] || newAnalysis)
	}
	walkKey := fmt.Sprintf("%s\x00%s\x00%d", q.key(), sortOrder, limit)
	start, served := int(offset), int(offset)
	if present["Context"] {
		s := &c.search
		s.mu.Lock()
		ctx, ok := s.contexts[cursor]
		s.mu.Unlock()
		switch {
		case !ok:
			return nil, errorf("FailedOperation.InvalidContext", "The Context is not valid.")
		case call.now.Sub(ctx.issued) > clsContextLife:
			return nil, errorf("FailedOperation.InvalidContext", "The Context has expired (it is valid for an hour); start the search again.")
		case ctx.key != walkKey:
			return nil, errorf("FailedOperation.InvalidContext", "The Context belongs to another search: no parameter may change while it is passed.")
		case ctx.served >= clsContextCap:
			return nil, errorf("FailedOperation.InvalidContext", "The Context walk has served its %d rows.", clsContextCap)
		}
		start, served = ctx.next, ctx.served
	}
	all := c.matches(q, call.now)
	total := len(all)
	n := min(int(limit), max(total-start, 0))
	if present["Context"] {
		n = min(n, clsContextCap-served)
	}
	logs := c.logsOf(q.top)
	ans := clsSearchAnswer{ColNames: []string{}, AnalysisResults: []any{}, Results: make([]clsLogInfo, 0, n)}
	size := 0
	for j := start; j < start+n; j++ {
		pos := all[j]
		if sortOrder == "desc" {
			pos = all[total-1-j]
		}
		info := logInfo(q.top, logs, int(pos))
		if highLight {
			info.HighLights = highLights(q, logs.fields(int(pos)))
		}
		size += len(info.LogJson) + 256
		ans.Results = append(ans.Results, info)
	}
	maxBytes := c.t.srv.opts.CLS.MaxResponseBytes
	if maxBytes <= 0 {
		maxBytes = clsDefaultMaxBytes
	}
	if size > maxBytes {
		return nil, errorf("LimitExceeded.SearchResultTooLarge", "The search result is larger than %d bytes; lower Limit.", maxBytes)
	}
	next := start + n
	ans.ListOver = next >= total
	if !ans.ListOver && served+n < clsContextCap {
		s := &c.search
		s.mu.Lock()
		s.seq++
		if len(s.contexts) >= 10000 { // forget the expired ones, which only ever fail
			for id, ctx := range s.contexts {
				if call.now.Sub(ctx.issued) > clsContextLife {
					delete(s.contexts, id)
				}
			}
		}
		id := fmt.Sprintf("%016x%08x", ucloudHash(s.seq, 210), s.seq)
		s.contexts[id] = clsContext{key: walkKey, next: next, served: served + n, issued: call.now}
		s.mu.Unlock()
		ans.Context = id
	}
	return ans, nil
}

// offsetRefusal is the topic's refusal of a page asked by Offset, or nil
// (CLSTopicOptions.OffsetRefusal, OffsetCap).
func offsetRefusal(o CLSTopicOptions, offset uint64, limit int64) *tencentError {
	switch {
	case o.OffsetRefusal == "unknown":
		return errorf("UnknownParameter", "The parameter `Offset` is not recognized.")
	case o.OffsetRefusal == "invalid":
		return errorf("InvalidParameter", "Offset is not supported for the topic; page with Context.")
	case o.OffsetCap > 0 && offset+uint64(limit) > uint64(o.OffsetCap) && o.OffsetCapCode == "reach-limit":
		return errorf("FailedOperation.GetlogReachLimit", "The search reached the upper limit of %d logs.", o.OffsetCap)
	case o.OffsetCap > 0 && offset+uint64(limit) > uint64(o.OffsetCap):
		return errorf("InvalidParameter", "Offset + Limit (%d) must not exceed %d.", offset+uint64(limit), o.OffsetCap)
	}
	return nil
}

// clsHighLight is the API's HighLightItem.
type clsHighLight struct {
	Key    string   `json:"Key"`
	Values []string `json:"Values"`
}

// highLights lists, for HighLight, each key a key-value term or phrase of
// the query matched in the log, with the matching value (key-value search
// only, as documented; the markup of real highlights is not documented, so
// the value is given whole).
func highLights(q *clsQuery, fields []clsField) []clsHighLight {
	out := []clsHighLight{}
	seen := map[string]bool{}
	var walk func(n *clsNode)
	walk = func(n *clsNode) {
		if n.kind == clsNot {
			return
		}
		for _, k := range n.kids {
			walk(k)
		}
		if (n.kind != clsTerm && n.kind != clsPhrase) || n.key == "" || seen[n.key] || !q.matcher.leaf(n, fields) {
			return
		}
		f, _ := fieldOf(fields, n.key)
		seen[n.key] = true
		out = append(out, clsHighLight{Key: n.key, Values: []string{f.val}})
	}
	walk(q.root)
	return out
}

// logInfo is the LogInfo of the log at pos: the package ids are derived
// from the event number (64 logs a package).
func logInfo(top *clsTopic, logs *clsLogs, pos int) clsLogInfo {
	num := logs.num[pos]
	return clsLogInfo{
		Time: logs.times[pos], TopicId: top.info.TopicId, TopicName: top.info.TopicName,
		PkgId:    fmt.Sprintf("%016X-%X", ucloudHash(int(num/64), 209), num/64),
		PkgLogId: strconv.Itoa(65536 + int(num%64)), HighLights: []clsHighLight{}, LogJson: logs.logJSON(pos),
	}
}
