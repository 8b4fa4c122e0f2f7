package client

import (
	"context"
	"errors"
	"fmt"
)

// The fallback of a CLS read where SearchLog refuses Offset: the window cut
// along DescribeLogHistogram's buckets into slices of at most 10,000 logs,
// each walked by Context.

// clsSlice is a part [from, to) of the window with the histogram's count of
// it; the last slice ends at the window's To, sent as given.
type clsSlice struct {
	from, to int64
	count    int64
	last     bool
}

// slices cuts [from, to] along the histogram's buckets into contiguous
// slices of at most CLSContextRowCap logs. A bucket over the cap is counted
// again with finer buckets; one that cannot be is an error naming its count
// and the cap.
func (w *clsWalk) slices(ctx context.Context, hist *DescribeLogHistogramResponse, from, to int64, depth int) ([]clsSlice, error) {
	interval := int64(0)
	if hist.Interval != nil {
		interval = *hist.Interval
	}
	if interval <= 0 {
		return nil, fmt.Errorf("tencentcloud DescribeLogHistogram: no Interval in the answer (RequestId: %s), so the window cannot be sliced", requestIDOrNone(hist.RequestId))
	}
	var out []clsSlice
	cur := clsSlice{from: from, to: from}
	flush := func() {
		if cur.to > cur.from {
			out = append(out, cur)
		}
	}
	for _, b := range hist.HistogramInfos {
		if b.BTime == nil || b.Count == nil {
			return nil, fmt.Errorf("tencentcloud DescribeLogHistogram: a bucket without BTime or Count (RequestId: %s)", requestIDOrNone(hist.RequestId))
		}
		// The bucket's part of the window, [bFrom, bEnd).
		bFrom, bEnd := max(*b.BTime, from), min(*b.BTime+interval, to+1)
		if bEnd <= bFrom {
			continue
		}
		if *b.Count > CLSContextRowCap {
			flush()
			if interval == 1 || depth > 8 {
				return nil, clsBucketTooLarge(*b.Count, *b.BTime, interval, hist.RequestId)
			}
			sub, err := w.c.DescribeCLSHistogram(ctx, w.q.Region, w.q.TopicID, w.q.Query, bFrom, bEnd-1)
			if err != nil {
				return nil, err
			}
			if sub.Interval != nil && *sub.Interval >= interval {
				// The API keeps its buckets this wide, however narrow the
				// Interval asked: the bucket cannot be cut.
				return nil, clsBucketTooLarge(*b.Count, *b.BTime, interval, sub.RequestId)
			}
			inner, err := w.slices(ctx, sub, bFrom, bEnd-1, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			cur = clsSlice{from: bEnd, to: bEnd}
			continue
		}
		if cur.count+*b.Count > CLSContextRowCap {
			flush()
			cur = clsSlice{from: bFrom, to: bFrom}
		}
		cur.to, cur.count = bEnd, cur.count+*b.Count
	}
	flush()
	return out, nil
}

func clsBucketTooLarge(count, bTime, interval int64, requestID string) error {
	return fmt.Errorf("tencentcloud DescribeLogHistogram: %d logs in one bucket of %d ms at %d ms (RequestId: %s), more than the %d one Context walk "+
		"returns, and SearchLog refuses Offset: the read cannot be exact; narrow the window or the query", count, interval, bTime, requestIDOrNone(requestID), CLSContextRowCap)
}

// bySlices reads the window slice by slice, each by Context.
func (w *clsWalk) bySlices(ctx context.Context, hist *DescribeLogHistogramResponse) error {
	slices, err := w.slices(ctx, hist, w.q.From, w.q.To, 0)
	if err != nil {
		return err
	}
	if n := len(slices); n > 0 && slices[n-1].to == w.q.To+1 {
		slices[n-1].to, slices[n-1].last = w.q.To, true
	}
	if w.q.Sort == "desc" {
		for i, j := 0, len(slices)-1; i < j; i, j = i+1, j-1 {
			slices[i], slices[j] = slices[j], slices[i]
		}
	}
	seq := 0
	for _, s := range slices {
		if s.count == 0 {
			continue
		}
		full, err := w.sliceByContext(ctx, s, &seq)
		if err != nil || full {
			return err
		}
	}
	w.res.ListOver = true
	return nil
}

// sliceByContext walks one slice by Context, starting again when the
// cursor expires, and reports whether MaxItems was reached. It sends To =
// the next slice's From and keeps the logs before it: whether SearchLog's
// To is inclusive is undocumented, and either way a log at the boundary is
// read once, in the next slice.
func (w *clsWalk) sliceByContext(ctx context.Context, s clsSlice, seq *int) (bool, error) {
	var kept []CLSLogInfo
	for restart := 0; ; restart++ {
		kept = kept[:0]
		req := w.request(s.from, s.to)
		invalid := false
		for rows := 0; ; {
			*seq++
			resp, err := w.page(ctx, req, *seq)
			var te *TencentError
			if errors.As(err, &te) && te.Code == "FailedOperation.InvalidContext" && restart < maxCLSContextRestarts {
				invalid = true
				break
			}
			if err != nil {
				return false, err
			}
			for _, l := range resp.Results {
				if l.Time == nil {
					return false, fmt.Errorf("tencentcloud SearchLog: page %d holds a log without Time (RequestId: %s)", *seq, requestIDOrNone(resp.RequestId))
				}
				if s.last || *l.Time < s.to {
					kept = append(kept, l)
				}
			}
			rows += len(resp.Results)
			if *resp.ListOver || len(resp.Results) == 0 {
				break
			}
			if rows >= CLSContextRowCap {
				return false, fmt.Errorf("tencentcloud SearchLog: the slice [%d, %d] ms holds more than the %d logs one Context walk returns, "+
					"though DescribeLogHistogram counts %d there, and Offset is refused: the read cannot be exact", s.from, s.to, CLSContextRowCap, s.count)
			}
			if resp.Context == nil || *resp.Context == "" {
				return false, fmt.Errorf("tencentcloud SearchLog: page %d is not the last (ListOver is false) but carries no Context (RequestId: %s)", *seq, requestIDOrNone(resp.RequestId))
			}
			req.Context = resp.Context
		}
		if !invalid {
			break
		}
		w.res.Restarts++
		w.c.log.Warn(ctx, "SearchLog cursor expired: reading the slice again from its start", map[string]any{"topic_id": w.q.TopicID, "from": s.from, "to": s.to})
	}
	// A slice is handed on only once read whole, so a restart never
	// delivers a log twice; a log another slice (or this one) handed on
	// already means the API did not page exactly.
	if err := w.repeats.logs(w.q.TopicID, *seq, "", kept); err != nil {
		return false, err
	}
	full, _ := w.keep(kept)
	return full, nil
}
