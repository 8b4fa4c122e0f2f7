package client

import (
	"context"
)

// clsPagesAhead is how many SearchLog pages a read by Offset asks at once:
// the pages' offsets are known in advance (each page but the last is full),
// so the next ones are asked while one is handed on. Against the real API a
// page costs a network round trip; at one page at a time, 100 pages cost
// 100 of them. The 15 searches a topic runs at once (clsTopicSlot) and the
// provider's pacing still apply.
const clsPagesAhead = 4

// clsAsked is one SearchLog page asked ahead.
type clsAsked struct {
	req    SearchLogRequest
	cancel context.CancelFunc
	done   chan clsAnswer
}

type clsAnswer struct {
	resp     *SearchLogResponse
	attempts int
	err      error
}

// clsPager asks the pages of a read by Offset ahead of the one handed on.
// Only the read's goroutine calls it; each page is asked by a goroutine of
// its own, which only sends its answer.
type clsPager struct {
	w     *clsWalk
	asked []*clsAsked // in order of offset, each the full Limit after the one before
}

// next returns the page at offset with the walk's Limit, asked already or
// now, after asking as many more ahead as the logs left may fill (the
// histogram's total, or MaxItems, bounds what is asked in advance, not
// what is read: the walk still goes on until a page ends the list).
func (p *clsPager) next(ctx context.Context, offset uint64) *clsAsked {
	if len(p.asked) > 0 && (*p.asked[0].req.Offset != offset || p.asked[0].req.Limit != p.w.limit) {
		p.drop()
	}
	if len(p.asked) == 0 {
		p.ask(ctx, offset)
	}
	left := p.w.res.HistogramTotal - int64(offset)
	if p.w.q.MaxItems > 0 {
		left = min(left, int64(p.w.q.MaxItems-p.w.res.Records))
	}
	pages := min(max((left+p.w.limit-1)/p.w.limit, 1), clsPagesAhead)
	for int64(len(p.asked)) < pages {
		last := p.asked[len(p.asked)-1]
		p.ask(ctx, *last.req.Offset+uint64(last.req.Limit))
	}
	first := p.asked[0]
	p.asked = p.asked[1:]
	return first
}

func (p *clsPager) ask(ctx context.Context, offset uint64) {
	ctx, cancel := context.WithCancel(ctx)
	req := p.w.request(p.w.q.From, p.w.q.To)
	o := offset
	req.Offset, req.Limit = &o, p.w.limit
	a := &clsAsked{req: req, cancel: cancel, done: make(chan clsAnswer, 1)}
	go func() {
		resp, attempts, err := p.w.c.searchLog(ctx, p.w.q.Region, req)
		a.done <- clsAnswer{resp: resp, attempts: attempts, err: err}
	}()
	p.asked = append(p.asked, a)
}

// drop forgets the pages asked ahead, cancelling their calls.
func (p *clsPager) drop() {
	for _, a := range p.asked {
		a.cancel()
	}
	p.asked = nil
}
