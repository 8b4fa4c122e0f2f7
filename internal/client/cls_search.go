package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

const (
	// CLSQuerySyntaxCQL is QuerySyntax (and DescribeLogHistogram's
	// SyntaxRule) for CQL. Both are always sent: the deprecated Query and
	// SyntaxRule, and the histogram, default to Lucene, where a space means
	// OR.
	CLSQuerySyntaxCQL = 1

	// CLSMaxSearchPage is SearchLog's documented maximum Limit.
	CLSMaxSearchPage = 1000
	// CLSContextRowCap is how many rows one Context walk may return in
	// total (10,000, documented).
	CLSContextRowCap = 10_000
	// CLSMaxHistogramBuckets is the documented maximum of
	// (To - From) / Interval.
	CLSMaxHistogramBuckets = 200
	// CLSDeliveryLag is how far in the past a window must end for late
	// deliveries not to move rows under Offset: CloudAudit delivers every
	// 5 to 10 minutes, so 15.
	CLSDeliveryLag = 15 * time.Minute
	// clsConcurrentSearches is the documented number of searches one topic
	// runs at once (LimitExceeded.LogSearch beyond).
	clsConcurrentSearches = 15
	// maxCLSContextRestarts bounds the restarts of a Context walk whose
	// cursor expired (FailedOperation.InvalidContext).
	maxCLSContextRestarts = 3
	// maxCLSSearchPages stops a walk that never ends.
	maxCLSSearchPages = 1_000_000
)

// clsRetryableCodes are the CLS error codes a repeat may cure (reference
// cls.md section 10): too many searches on the topic, a busy or failing
// search engine, timeouts, the tag service throttled. InternalError.* is
// retried for every service already.
var clsRetryableCodes = map[string]bool{
	"LimitExceeded.LogSearch":       true,
	"FailedOperation.SearchTimeout": true,
	"FailedOperation.Timeout":       true,
	"FailedOperation.TagQpsLimit":   true,
}

// SearchLogRequest is the request of SearchLog (2020-10-16), raw search of
// one topic. QueryString and QuerySyntax are always sent; the deprecated
// Query and SyntaxRule never.
type SearchLogRequest struct {
	TopicId     string  `json:"TopicId"`
	From        int64   `json:"From"`
	To          int64   `json:"To"`
	QueryString string  `json:"QueryString"`
	QuerySyntax uint64  `json:"QuerySyntax"`
	Sort        string  `json:"Sort"`
	Limit       int64   `json:"Limit"`
	Offset      *uint64 `json:"Offset,omitempty"`
	Context     *string `json:"Context,omitempty"`
}

// SearchLogResponse is one page of a raw search.
type SearchLogResponse struct {
	ResponseMeta
	Context  *string      `json:"Context"`
	ListOver *bool        `json:"ListOver"`
	Analysis *bool        `json:"Analysis"`
	Results  []CLSLogInfo `json:"Results"`
}

// Results may be null (an empty page), but ListOver must be there.
func (*SearchLogResponse) promised() ([]string, bool) { return []string{"ListOver"}, false }

// CLSLogInfo is the API's LogInfo, one raw log.
type CLSLogInfo struct {
	Time        *int64             `json:"Time"`
	TopicId     *string            `json:"TopicId"`
	TopicName   *string            `json:"TopicName"`
	Source      *string            `json:"Source"`
	FileName    *string            `json:"FileName"`
	PkgId       *string            `json:"PkgId"`
	PkgLogId    *string            `json:"PkgLogId"`
	HighLights  []CLSHighLightItem `json:"HighLights"`
	LogJson     *string            `json:"LogJson"`
	HostName    *string            `json:"HostName"`
	RawLog      *string            `json:"RawLog"`
	IndexStatus *string            `json:"IndexStatus"`
}

// CLSHighLightItem is one highlighted key.
type CLSHighLightItem struct {
	Key    *string  `json:"Key"`
	Values []string `json:"Values"`
}

// DescribeLogHistogramRequest is the request of DescribeLogHistogram.
type DescribeLogHistogramRequest struct {
	TopicId    string `json:"TopicId"`
	From       int64  `json:"From"`
	To         int64  `json:"To"`
	Query      string `json:"Query"`
	Interval   int64  `json:"Interval"`
	SyntaxRule uint64 `json:"SyntaxRule"`
}

// DescribeLogHistogramResponse is the histogram of a query.
type DescribeLogHistogramResponse struct {
	ResponseMeta
	Interval       *int64             `json:"Interval"`
	TotalCount     *int64             `json:"TotalCount"`
	HistogramInfos []CLSHistogramInfo `json:"HistogramInfos"`
}

func (*DescribeLogHistogramResponse) promised() ([]string, bool) {
	return []string{"TotalCount"}, false
}

// CLSHistogramInfo is one bucket.
type CLSHistogramInfo struct {
	BTime *int64 `json:"BTime"`
	Count *int64 `json:"Count"`
}

func clsCall(region, action string) tencentOp {
	return tencentOp{Service: CLSService, Version: CLSVersion, Action: action, Region: region}
}

// DescribeCLSHistogram counts the logs of query (CQL) in [from, to] (ms),
// with buckets of an interval that keeps within the documented 200.
func (c *TencentClient) DescribeCLSHistogram(ctx context.Context, region, topicID, query string, from, to int64) (*DescribeLogHistogramResponse, error) {
	interval := max((to-from+CLSMaxHistogramBuckets-1)/CLSMaxHistogramBuckets, 1)
	resp, err := callTencent[DescribeLogHistogramResponse](ctx, c, clsCall(region, "DescribeLogHistogram"), DescribeLogHistogramRequest{
		TopicId: topicID, From: from, To: to, Query: query, Interval: interval, SyntaxRule: CLSQuerySyntaxCQL,
	})
	if err != nil {
		return nil, err
	}
	if *resp.TotalCount < 0 {
		return nil, fmt.Errorf("tencentcloud DescribeLogHistogram: TotalCount %d is negative (RequestId: %s)", *resp.TotalCount, requestIDOrNone(resp.RequestId))
	}
	return resp, nil
}

// clsTopicSlots bounds the searches of one topic in flight across a
// provider instance (keyed by its pacer, which every client of the instance
// shares) to the documented 15.
var clsTopicSlots sync.Map // clsSlotKey -> chan struct{}

type clsSlotKey struct {
	pace  *pacer
	topic string
}

func (c *TencentClient) searchLog(ctx context.Context, region string, req SearchLogRequest) (*SearchLogResponse, int, error) {
	release, err := c.clsTopicSlot(ctx, region, req.TopicId)
	if err != nil {
		return nil, 0, err
	}
	defer release()
	return callTencentCounted[SearchLogResponse](ctx, c, clsCall(region, "SearchLog"), req)
}

// clsTopicSlot waits for one of the topic's concurrent-search slots (raw
// searches and analyses share them, as the API counts them together).
func (c *TencentClient) clsTopicSlot(ctx context.Context, region, topicID string) (release func(), err error) {
	v, _ := clsTopicSlots.LoadOrStore(clsSlotKey{c.pace, region + "/" + topicID}, make(chan struct{}, clsConcurrentSearches))
	slots := v.(chan struct{}) //nolint:forcetypeassert // only channels are stored
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return func() { <-slots }, nil
}

// CLSSearchQuery is one raw search of a topic.
type CLSSearchQuery struct {
	Region  string
	TopicID string
	// Query is the CQL search condition ("" or "*" for every log); it must
	// not hold an SQL part.
	Query string
	// From and To are the window in Unix milliseconds, both sent as given.
	From, To int64
	// Sort is "asc" or "desc" (by log time).
	Sort string
	// StartOffset is where the read starts (a ResumeOffset of an earlier
	// read of the same query); 0 for the first log.
	StartOffset uint64
	// MaxItems stops the read after this many logs; 0 reads them all.
	MaxItems int
	// MaxTotal fails a read without MaxItems whose histogram total exceeds
	// it, before any page is read; 0 is no cap.
	MaxTotal int64
	// PageSize is the Limit asked for; 0 is the documented maximum.
	PageSize int64
	// OnPage, when set, receives each page's logs instead of the result.
	OnPage func(logs []CLSLogInfo)
	// OnRestart, with OnPage, is called when the read starts over from the
	// window's start: SearchLog refused an Offset after some pages, and the
	// window is read again in histogram slices. Every log OnPage received
	// before is void. Without it such a read fails.
	OnRestart func()
}

// CLSSearchResult is what SearchCLSLogs read.
type CLSSearchResult struct {
	Logs []CLSLogInfo
	// Records counts the logs read.
	Records int
	// HistogramTotal is DescribeLogHistogram's TotalCount for the same
	// query and window: the independent count the read is compared with.
	HistogramTotal int64
	// ListOver: the walk reached the end of the query's logs.
	ListOver bool
	// ResumeOffset, when the read stopped at MaxItems before the end,
	// continues it exactly (an Offset, never a Context, which expires).
	ResumeOffset *uint64
	// Paging is "offset", or "histogram_slices" where Offset was refused.
	Paging string
	// Pages counts the SearchLog calls that succeeded, Retries the repeated
	// attempts, Restarts the Context walks started again.
	Pages, Retries, Restarts int
	// SmallestLimit is the smallest Limit a LimitExceeded.SearchResultTooLarge
	// led to, or 0.
	SmallestLimit int64
}

// CLSTotalTooLargeError is a read without MaxItems whose histogram total
// exceeds the cap.
type CLSTotalTooLargeError struct {
	Total, Cap int64
	RequestID  string
}

func (e *CLSTotalTooLargeError) Error() string {
	return fmt.Sprintf("the query matches %d logs (DescribeLogHistogram TotalCount, RequestId: %s), more than the %d a read without max_items may return; "+
		"set max_items and continue with resume_token, or narrow the window or the query", e.Total, requestIDOrNone(e.RequestID), e.Cap)
}

// SearchCLSLogs reads the raw logs of one query: first the histogram's
// total, then SearchLog pages by Offset (no row cap, unlike Context) with
// identical parameters but the Offset. Where the API refuses Offset, the
// window is cut into slices of at most 10,000 logs by the histogram and
// each slice is walked by Context (restarted when the cursor expires).
// A result too large for one answer is asked for again with half the Limit.
// The caller compares Records with HistogramTotal: this reads, it does not
// judge.
func (c *TencentClient) SearchCLSLogs(ctx context.Context, q CLSSearchQuery) (*CLSSearchResult, error) {
	hist, err := c.DescribeCLSHistogram(ctx, q.Region, q.TopicID, q.Query, q.From, q.To)
	if err != nil {
		return nil, fmt.Errorf("counting the query's logs: %w", err)
	}
	res := &CLSSearchResult{HistogramTotal: *hist.TotalCount, Paging: "offset"}
	if q.MaxItems == 0 && q.MaxTotal > 0 && res.HistogramTotal > q.MaxTotal {
		return res, &CLSTotalTooLargeError{Total: res.HistogramTotal, Cap: q.MaxTotal, RequestID: hist.RequestId}
	}
	limit := q.PageSize
	if limit <= 0 || limit > CLSMaxSearchPage {
		limit = CLSMaxSearchPage
	}
	w := &clsWalk{c: c, q: q, res: res, limit: limit, repeats: newCLSRepeats()}
	err = w.byOffset(ctx)
	var refused *offsetRefusedError
	if !errors.As(err, &refused) {
		return res, err
	}
	if q.StartOffset > 0 {
		return res, fmt.Errorf("%w; a read from a resume token needs Offset: read the window without it (in histogram slices), or narrow it", err)
	}
	if res.Records > 0 {
		// Offset was refused past a cap: the logs read so far are handed
		// on already, so the read starts over, all of it in slices.
		if q.OnPage != nil && q.OnRestart == nil {
			return res, fmt.Errorf("%w; the %d logs read before cannot be taken back to read the window again in histogram slices", err, res.Records)
		}
		res.Records, res.Logs = 0, nil
		w.repeats = newCLSRepeats()
		if q.OnRestart != nil {
			q.OnRestart()
		}
	}
	res.Paging = "histogram_slices"
	c.log.Warn(ctx, "SearchLog refused Offset: reading the window in histogram slices by Context", map[string]any{"topic_id": q.TopicID, "error": refused.Error()})
	if err := w.bySlices(ctx, hist); err != nil {
		return res, fmt.Errorf("%s; reading the window in histogram slices instead: %w", refused.Error(), err)
	}
	return res, nil
}

// clsWalk is one read in progress.
type clsWalk struct {
	c       *TencentClient
	q       CLSSearchQuery
	res     *CLSSearchResult
	limit   int64
	repeats *clsRepeats
}

// offsetRefusedError is SearchLog refusing the Offset of a page.
type offsetRefusedError struct {
	err    error
	offset uint64
}

func (e *offsetRefusedError) Error() string {
	return fmt.Sprintf("SearchLog refused Offset %d: %s", e.offset, e.err.Error())
}
func (e *offsetRefusedError) Unwrap() error { return e.err }

// offsetRefused reports whether err is the API refusing a page's Offset,
// which SearchLog's documents do not foresee (DESIGN.md): a deployment that
// does not take the parameter (UnknownParameter, InvalidParameter,
// InvalidParameterValue or UnsupportedOperation naming Offset), or one that
// caps it as Context is capped (the same codes naming Offset, or
// FailedOperation.GetlogReachLimit, "the number of searched logs reached the
// upper limit", whatever its message).
func offsetRefused(err error) bool {
	var te *TencentError
	if !errors.As(err, &te) {
		return false
	}
	if te.Code == "FailedOperation.GetlogReachLimit" {
		return true
	}
	kind, _, _ := strings.Cut(te.Code, ".")
	switch kind {
	case "UnknownParameter", "InvalidParameter", "InvalidParameterValue", "UnsupportedOperation":
		return strings.Contains(te.Message, "Offset")
	}
	return false
}

// page sends one SearchLog call, halving the Limit while the answer is too
// large, and counts it.
func (w *clsWalk) page(ctx context.Context, req SearchLogRequest, seq int) (*SearchLogResponse, error) {
	for {
		req.Limit = w.limit
		resp, attempts, err := w.c.searchLog(ctx, w.q.Region, req)
		resp, smaller, err := w.answer(ctx, req, seq, resp, attempts, err)
		if !smaller {
			return resp, err
		}
	}
}

// answer judges one SearchLog answer to req: a result too large halves the
// Limit (smaller: ask again); an error is named by its page; an SQL result,
// or more logs than asked for, is refused. It counts the page.
func (w *clsWalk) answer(ctx context.Context, req SearchLogRequest, seq int, resp *SearchLogResponse, attempts int, err error) (_ *SearchLogResponse, smaller bool, _ error) {
	w.res.Retries += max(attempts-1, 0)
	var te *TencentError
	if errors.As(err, &te) && te.Code == "LimitExceeded.SearchResultTooLarge" && w.limit > 1 {
		w.limit /= 2
		w.res.SmallestLimit = w.limit
		w.c.log.Warn(ctx, "SearchLog answer too large: asking again with a smaller Limit", map[string]any{"topic_id": w.q.TopicID, "limit": w.limit})
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading page %d of CLS topic %s: %w", seq, w.q.TopicID, err)
	}
	w.res.Pages++
	if resp.Analysis != nil && *resp.Analysis {
		return nil, false, fmt.Errorf("tencentcloud SearchLog: page %d is an SQL result (Analysis is true, RequestId: %s), not raw logs", seq, requestIDOrNone(resp.RequestId))
	}
	if int64(len(resp.Results)) > req.Limit {
		return nil, false, fmt.Errorf("tencentcloud SearchLog: page %d held %d logs, more than the %d asked for (RequestId: %s)", seq, len(resp.Results), req.Limit, requestIDOrNone(resp.RequestId))
	}
	pageRead(ctx, seq, len(resp.Results), &w.res.HistogramTotal, attempts)
	return resp, false, nil
}

// keep hands a page's logs on, up to MaxItems, and reports whether the read
// is full.
func (w *clsWalk) keep(logs []CLSLogInfo) (full, cut bool) {
	if w.q.MaxItems > 0 && w.res.Records+len(logs) > w.q.MaxItems {
		logs, cut = logs[:w.q.MaxItems-w.res.Records], true
	}
	w.res.Records += len(logs)
	if w.q.OnPage != nil {
		w.q.OnPage(logs)
	} else {
		w.res.Logs = append(w.res.Logs, logs...)
	}
	return w.q.MaxItems > 0 && w.res.Records >= w.q.MaxItems, cut
}

func (w *clsWalk) request(from, to int64) SearchLogRequest {
	return SearchLogRequest{TopicId: w.q.TopicID, From: from, To: to, QueryString: w.q.Query, QuerySyntax: CLSQuerySyntaxCQL, Sort: w.q.Sort}
}

// byOffset walks the window by Offset until a page ends the list. The pages
// are handed on in order, one after the other; up to clsPagesAhead of them
// are asked at once (pager), which the order does not depend on.
func (w *clsWalk) byOffset(ctx context.Context) error {
	offset := w.q.StartOffset
	ahead := &clsPager{w: w}
	defer ahead.drop()
	for seq := 1; ; seq++ {
		if seq > maxCLSSearchPages {
			return fmt.Errorf("tencentcloud SearchLog: stopped after %d pages without the end of the list; the read is incomplete", maxCLSSearchPages)
		}
		asked := ahead.next(ctx, offset)
		r := <-asked.done
		asked.cancel()
		resp, smaller, err := w.answer(ctx, asked.req, seq, r.resp, r.attempts, r.err)
		if smaller { // the pages asked ahead have the old Limit
			ahead.drop()
			seq--
			continue
		}
		if err != nil {
			if offsetRefused(err) {
				return &offsetRefusedError{err: err, offset: offset}
			}
			return err
		}
		if err := w.repeats.page(w.q.TopicID, seq, offset, resp.RequestId, resp.Results); err != nil {
			return err
		}
		if err := w.repeats.logs(w.q.TopicID, seq, resp.RequestId, resp.Results); err != nil {
			return err
		}
		n := uint64(len(resp.Results))
		full, cut := w.keep(resp.Results)
		offset += n
		// The end: the API says so, or a page shorter than asked.
		over := *resp.ListOver || int64(n) < w.limit
		if full {
			w.res.ListOver = over && !cut
			if !w.res.ListOver && !cut {
				next := offset
				w.res.ResumeOffset = &next
			}
			return nil
		}
		if over {
			w.res.ListOver = true
			return nil
		}
	}
}
