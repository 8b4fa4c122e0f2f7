// CLS DescribeLogHistogram (cls.md §3): counts of a search per interval.

package cloudsim

type clsHistogramInfo struct {
	BTime int64 `json:"BTime"`
	Count int64 `json:"Count"`
}

// clsIntervals are the bucket widths the simulator picks when Interval is
// omitted (undocumented): the narrowest giving at most 200 buckets.
var clsIntervals = []int64{1e3, 5e3, 1e4, 3e4, 6e4, 3e5, 6e5, 18e5, 36e5, 72e5, 216e5, 432e5, 864e5}

func (c *clsService) describeLogHistogram(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("From", "To", "Query", "TopicId", "Interval", "SyntaxRule"); err != nil {
		return nil, err
	}
	var from, to, interval int64
	var query, topicID string
	var rule uint64
	if _, err := p.get("From", &from, true); err != nil {
		return nil, err
	}
	if _, err := p.get("To", &to, true); err != nil {
		return nil, err
	}
	if _, err := p.get("Query", &query, true); err != nil {
		return nil, err
	}
	if _, err := p.get("TopicId", &topicID, false); err != nil {
		return nil, err
	}
	hasInterval, err := p.get("Interval", &interval, false)
	if err != nil {
		return nil, err
	}
	if _, err := p.get("SyntaxRule", &rule, false); err != nil {
		return nil, err
	}
	if topicID == "" {
		return nil, errorf("MissingParameter", "The request is missing a required parameter `TopicId`.")
	}
	if rule > 1 {
		return nil, errorf("InvalidParameter", "SyntaxRule is 0 (Lucene) or 1 (CQL).")
	}
	q, terr := c.prepare(call.region, topicID, from, to, query, clsSyntax(rule), call.now)
	if terr != nil {
		return nil, terr
	}
	span := max(to-from, 1)
	if !hasInterval {
		interval = clsIntervals[len(clsIntervals)-1]
		for _, iv := range clsIntervals {
			if span/iv <= clsMaxBuckets {
				interval = iv
				break
			}
		}
		for span/interval > clsMaxBuckets {
			interval *= 2
		}
	}
	if interval <= 0 || span/interval > clsMaxBuckets {
		return nil, errorf("InvalidParameter", "Interval must be positive and (To - From) / Interval at most %d.", clsMaxBuckets)
	}
	interval = max(interval, c.t.srv.opts.CLS.HistogramMinInterval)
	release, terr := c.acquire(topicID)
	if terr != nil {
		return nil, terr
	}
	defer release()
	if c.t.srv.opts.CLS.HistogramWholeEdges {
		whole := *q
		whole.from, whole.to = from/interval*interval, to/interval*interval+interval
		q = &whole
	}
	all := c.matches(q, call.now)
	logs := c.logsOf(q.top)
	first := from / interval * interval
	buckets := make([]clsHistogramInfo, 0, (to/interval*interval-first)/interval+1)
	for b := first; b <= to/interval*interval; b += interval {
		buckets = append(buckets, clsHistogramInfo{BTime: b})
	}
	for _, pos := range all {
		i := (logs.times[pos]/interval*interval - first) / interval
		buckets[i].Count++
	}
	total := int64(len(all))
	c.search.mu.Lock()
	skew := c.search.histogramSkew
	c.search.histogramSkew = 0
	c.search.mu.Unlock()
	if skew != 0 && len(buckets) > 0 {
		total = max(total+int64(skew), 0)
		buckets[0].Count = max(buckets[0].Count+int64(skew), 0)
	}
	return struct {
		Interval       int64              `json:"Interval"`
		TotalCount     int64              `json:"TotalCount"`
		HistogramInfos []clsHistogramInfo `json:"HistogramInfos"`
	}{interval, total, buckets}, nil
}
