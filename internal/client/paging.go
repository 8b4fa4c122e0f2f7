package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
)

const (
	// pageConcurrency is how many pages of one read are fetched at once once
	// the first page has given the total. The shared pacer still bounds the
	// rate.
	pageConcurrency = 4
	// pageBatch is how many pages are fetched before they are assembled:
	// memory stays bounded whatever total the API reports.
	pageBatch = 64
	// maxPagesPerRead stops a read that would never end: a million pages is
	// 20 million tracking sets at the default page size, or 100 million
	// call records, far beyond any account.
	maxPagesPerRead = 1_000_000
)

// pageSpec is one page of an offset-paged or page-numbered read.
type pageSpec struct {
	seq    int   // 1-based position of the page in this pass of the read, for messages
	number int64 // PageNumber, from 1, for page-number APIs
	offset int64 // offset sent: the page's first item (with overlap, the one before its first new item)
	limit  int64 // items asked for (Limit), the border item included
	size   int64 // page size of the read (PageSize, for page-number APIs)
	// overlap marks a page that starts one item early: its first item must
	// be the one the previous page ended with.
	overlap bool
}

// pageResult is one page as the API answered it.
type pageResult[T any] struct {
	items     []T
	total     *int64 // nil when the answer carries no total
	requestID string
}

// pagedRead reads every item of a list paged by offset (or page number) and
// total. The first page gives the total; the other pages are fetched
// concurrently and assembled in API order. Every page is checked against the
// total, so the read either returns exactly the items the API holds or
// fails: a page longer than asked is an error; a total that changes between
// pages (items added or removed during the read), a page holding more than
// the total leaves room for, pages that overlap or that are shifted against
// each other start the read again once, then are an error.
//
// An offset API whose items have an identity (pagedRead.identity) is read
// with overlapping pages: every page after a pass's first starts one item
// before its first new item, and that border item must be the one the
// previous page ended with. Items added or removed ahead of a page between
// two calls shift it by as many positions, in either direction, and change
// its border item; an API that ignores Offset starts every page with the
// list's first item. A shift starts the read again once, then is an error;
// an ignored Offset is an error at once.
//
// A page shorter than asked for while the total says more remain means the
// API silently caps its page size (neither CloudAudit nor CSIP documents a
// maximum). The cap is learned from that page and the read goes on with it:
// offset APIs continue at the next unread offset, page-number APIs start
// again at page 1 (page N of another size is another slice). It is logged
// once at WARN. Only an inconsistent API fails the read: a cap that changes
// again, a short page that holds nothing, overlapping pages, or items missing
// against the total.
type pagedRead[T any] struct {
	noun     string // "tracking sets", for messages
	action   string // "DescribeAuditTracks", for the log
	pageSize int64
	start    int64 // offset of the first item wanted
	maxItems int   // stop after this many; 0 reads all
	// fixedLimit is set for page-number APIs, whose pages cannot shrink:
	// every page asks for the page size and the surplus is dropped.
	fixedLimit bool
	// requireTotal is set for an API that promises a total on every
	// answer: a page without one is an error even when it holds nothing
	// (otherwise such a page means that nothing matched).
	requireTotal bool
	// key, when set, identifies an item, so that overlapping pages are
	// noticed.
	key func(T) (string, bool)
	// identity, when set for an offset API, names an item by the fields
	// that make it itself (for messages too); pages then overlap by one
	// item, whose identity must match across the border.
	identity func(T) string
	// probeBorders, for an API whose pages cannot overlap (fixedLimit:
	// every Offset a multiple of the Limit), reads the last item of every
	// page but the last again, alone, once the page after it has been
	// read; its identity must not have changed (see paging_borders.go).
	probeBorders bool
	log          Logger
	fetch        func(ctx context.Context, p pageSpec) (pageResult[T], error)
}

// shortPage is a page that held fewer items than asked for before the end.
type shortPage struct {
	spec      pageSpec
	got       int64
	total     int64
	requestID string
}

func (s *shortPage) String() string {
	return fmt.Sprintf("page %d (offset %d) held %d of the %d asked for while the total is %d (RequestId: %s)",
		s.spec.seq, s.spec.offset, s.got, s.spec.limit, s.total, s.requestID)
}

// readState is what one read learns and keeps across its passes.
type readState struct {
	capped *shortPage // the page that revealed the API's page-size cap
}

// pagedResult is what a paged read returns.
type pagedResult[T any] struct {
	items []T
	total int64
	pages int   // successful API calls, over every pass
	cap   int64 // the page-size cap learned from the API; 0 when none
}

func (r pagedRead[T]) run(ctx context.Context) (pagedResult[T], error) {
	var res pagedResult[T]
	var first restartable
	st := &readState{}
	for {
		items, total, pages, err := r.once(ctx, st)
		res.pages += pages
		if st.capped != nil {
			res.cap = st.capped.got
		}
		var again restartable
		if errors.As(err, &again) {
			if first == nil {
				first = again
				continue // one fresh pass, which sees a consistent list if the change is over
			}
			return res, secondPassError(r.noun, first, again)
		}
		if err != nil {
			return res, err
		}
		res.items, res.total = items, total
		return res, nil
	}
}

// pagesFor is how many pages of size hold n items, without overflow.
func pagesFor(n, size int64) int64 {
	if n <= 0 {
		return 0
	}
	p := n / size
	if n%size != 0 {
		p++
	}
	return p
}

// segment is a run of pages of one size from one offset (page-number APIs:
// from page 1).
type segment[T any] struct {
	base int64 // offset of the first page's first new item
	size int64 // new items per page
	need int64 // items still wanted from base
	seq  int   // pages before this segment in this pass
	// overlap makes every page start one item early (pagedRead.identity).
	overlap bool
	// first is the segment's first page when already read, as it was asked.
	first     *pageResult[T]
	firstSpec pageSpec
}

func (g segment[T]) spec(r pagedRead[T], i int64) pageSpec {
	limit := g.size
	if !r.fixedLimit && r.maxItems > 0 {
		// Offset APIs ask only for what is still wanted.
		limit = max(min(g.size, g.need-i*g.size), 1)
	}
	s := pageSpec{seq: g.seq + int(i) + 1, number: i + 1, offset: g.base + i*g.size, limit: limit, size: g.size}
	if g.overlap {
		s.offset, s.limit, s.overlap = s.offset-1, s.limit+1, true
	}
	return s
}

// stride is how many new items a page of limit items brings: one fewer
// when pages overlap (at least one, so that a page size of 1 still moves).
func stride(limit int64, overlap bool) int64 {
	if overlap {
		return max(limit-1, 1)
	}
	return limit
}

func (r pagedRead[T]) once(ctx context.Context, st *readState) (items []T, total int64, pages int, err error) {
	size := r.pageSize
	if st.capped != nil {
		size = min(size, st.capped.got)
	}
	// Pages overlap only on offset APIs whose items have an identity; the
	// first page of a pass has nothing to overlap with.
	overlap := r.identity != nil && !r.fixedLimit
	firstLimit := size
	if !r.fixedLimit && r.maxItems > 0 {
		firstLimit = min(size, int64(r.maxItems))
	}
	spec0 := pageSpec{seq: 1, number: 1, offset: r.start, limit: firstLimit, size: size}
	first, err := r.page(ctx, spec0)
	if err != nil {
		return nil, 0, 0, err
	}
	pages = 1
	if first.total == nil {
		if len(first.items) == 0 && !r.requireTotal {
			return make([]T, 0), 0, pages, nil // nothing matched; some answers then omit the total
		}
		return nil, 0, pages, fmt.Errorf("page 1 of %s carries no total (no Total or TotalCount; RequestId: %s), so they cannot be paged reliably", r.noun, first.requestID)
	}
	total = *first.total
	if total < 0 {
		return nil, total, pages, fmt.Errorf("page 1 of %s reports an impossible total of %d (RequestId: %s)", r.noun, total, first.requestID)
	}
	available := max(total-r.start, 0)
	wanted := available
	if r.maxItems > 0 {
		wanted = min(wanted, int64(r.maxItems))
	}
	if n := pagesFor(wanted, stride(size, overlap)); n > maxPagesPerRead {
		return nil, total, pages, fmt.Errorf("page 1 of %s reports a total of %d (RequestId: %s): reading %d of them would take %d pages of %d, more than the %d one read may make; this total is not plausible, or set a limit on the number of items",
			r.noun, total, first.requestID, wanted, n, size, maxPagesPerRead)
	}

	items = make([]T, 0, min(wanted, 1<<12))
	g := segment[T]{base: r.start, size: size, need: wanted, first: &first, firstSpec: spec0}
	if overlap {
		g.need = min(wanted, size) // the first page alone; the others overlap
	}
	for {
		var short *shortPage
		var n int
		items, short, n, err = r.readSegment(ctx, g, total, items)
		pages += n
		if err != nil {
			return nil, total, pages, err
		}
		if short == nil {
			if !overlap || g.overlap || int64(len(items)) >= wanted {
				break
			}
			// After the first page, every page starts one item early.
			g = segment[T]{base: r.start + int64(len(items)), size: stride(size, true), need: wanted - int64(len(items)), seq: 1, overlap: true}
			continue
		}
		switch {
		case short.got == 0 || (short.spec.overlap && short.got == 1):
			return nil, total, pages, fmt.Errorf("%s of %s: none were returned although the total says %d remain; the API is inconsistent, so the read cannot be exact",
				short, r.noun, total-short.spec.offset-btoi(short.spec.overlap))
		case st.capped != nil:
			return nil, total, pages, fmt.Errorf("the API's page size for %s is inconsistent: %s, so pages were read %d at a time; then %s. The read cannot be exact",
				r.noun, st.capped, st.capped.got, short)
		}
		st.capped = short
		r.log.Warn(ctx, fmt.Sprintf("%s caps pages at %d %s: page %d held %d of the %d asked for while more remain; reading on with pages of %d",
			r.action, short.got, r.noun, short.spec.seq, short.got, short.spec.limit, short.got), map[string]any{
			"action":         r.action,
			"page_size":      short.spec.limit,
			"page_size_cap":  short.got,
			"page":           short.spec.seq,
			"offset":         short.spec.offset,
			"total":          total,
			"request_id":     short.requestID,
			"restart_page_1": r.fixedLimit,
		})
		size = short.got
		if r.fixedLimit {
			// Page N of another size is another slice: start again.
			items = items[:0]
			g = segment[T]{base: r.start, size: size, need: wanted, seq: short.spec.seq}
		} else {
			// The next unread item: the short page's items, border
			// included, start at the offset it was asked for.
			next := short.spec.offset + short.got
			more := overlap && len(items) > 0
			g = segment[T]{base: next, size: stride(size, more), need: wanted - int64(len(items)), seq: short.spec.seq, overlap: more}
		}
		if n := pagesFor(g.need, g.size); n > maxPagesPerRead {
			return nil, total, pages, fmt.Errorf("%s: reading the %d remaining %s at %d a page would take %d pages, more than the %d one read may make",
				short, g.need, r.noun, size, n, maxPagesPerRead)
		}
	}
	if int64(len(items)) != wanted {
		return nil, total, pages, fmt.Errorf("read %d %s where the total (%d) says %d: the API is inconsistent, so the read cannot be exact", len(items), r.noun, total, wanted)
	}
	if r.key != nil {
		seen := make(map[string]int, len(items))
		for i, it := range items {
			k, ok := r.key(it)
			if !ok {
				continue
			}
			if j, dup := seen[k]; dup {
				return nil, total, pages, &overlapError{noun: r.noun, key: k, first: j + 1, second: i + 1}
			}
			seen[k] = i
		}
	}
	return items, total, pages, nil
}

func btoi(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// readSegment reads the pages of g, pageBatch at a time, pageConcurrency at
// once, and appends their new items to items, up to g.need. When a page
// comes back short before the end, it stops after that page's items and
// returns the page. Which page decides is the lowest-numbered one that
// failed, was short or does not fit with the page before it, so the outcome
// does not depend on timing.
func (r pagedRead[T]) readSegment(ctx context.Context, g segment[T], total int64, items []T) (_ []T, short *shortPage, pages int, err error) {
	base := len(items)
	nPages := max(pagesFor(g.need, g.size), 1)
	for from := int64(0); from < nPages; from += pageBatch {
		to := min(from+pageBatch, nPages)
		results := make([]pageResult[T], to-from)
		outcome := make([]error, to-from)
		shorts := make([]*shortPage, to-from)
		next := from
		if from == 0 && g.first != nil {
			results[0] = *g.first
			shorts[0], outcome[0] = r.check(g.firstSpec, *g.first, total)
			next = 1
		}
		if outcome[0] == nil && shorts[0] == nil {
			n := r.fetchPages(ctx, g, from, next, to, results, outcome, shorts, total)
			pages += n
		}
		for i := range results {
			if outcome[i] != nil {
				return nil, nil, pages, outcome[i]
			}
			page := results[i].items
			if spec := g.spec(r, from+int64(i)); spec.overlap && len(page) > 0 {
				if err := r.checkBorder(spec, results[i], items); err != nil {
					return nil, nil, pages, err
				}
				page = page[1:]
			}
			items = append(items, page...)
			if shorts[i] != nil {
				return items, shorts[i], pages, nil
			}
		}
		if r.probeBorders && r.fixedLimit {
			n, err := r.checkBorders(ctx, g, from, to, total, items[base:])
			pages += n
			if err != nil {
				return nil, nil, pages, err
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, pages, err
		}
	}
	if int64(len(items)-base) > g.need {
		items = items[:base+int(g.need)] // a page-number API's last page holds more than wanted
	}
	return items, nil, pages, nil
}

// checkBorder verifies that an overlapping page starts with the item the
// read so far ends with.
func (r pagedRead[T]) checkBorder(spec pageSpec, p pageResult[T], items []T) error {
	if len(items) == 0 {
		return nil // nothing to overlap with; never asked for
	}
	got, want := r.identity(p.items[0]), r.identity(items[len(items)-1])
	if got == want {
		return nil
	}
	if len(items) > 1 && got == r.identity(items[0]) {
		return fmt.Errorf("page %d of %s (offset %d, RequestId: %s) starts with %s, the first of page 1, instead of %s, the one before it: the API ignores Offset, so the read cannot be exact",
			spec.seq, r.noun, spec.offset, p.requestID, got, want)
	}
	return &shiftError{noun: r.noun, page: spec.seq, offset: spec.offset, requestID: p.requestID, got: got, want: want}
}

// fetchPages fetches pages [next, to) of g into results[i-from]. After the
// first failure or short page no new page is started; pages in flight finish
// (each is bounded by the request timeout and retries).
func (r pagedRead[T]) fetchPages(ctx context.Context, g segment[T], from, next, to int64, results []pageResult[T], outcome []error, shorts []*shortPage, total int64) int {
	var (
		mu      sync.Mutex
		stop    bool
		fetched int
		wg      sync.WaitGroup
		queue   = make(chan int64)
	)
	for range min(int64(pageConcurrency), to-next) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				spec := g.spec(r, i)
				p, err := r.page(ctx, spec)
				var short *shortPage
				if err == nil {
					short, err = r.check(spec, p, total)
				}
				mu.Lock()
				if err == nil {
					fetched++
				}
				results[i-from], outcome[i-from], shorts[i-from] = p, err, short
				if err != nil || short != nil {
					stop = true
				}
				mu.Unlock()
			}
		}()
	}
	for i := next; i < to; i++ {
		mu.Lock()
		halt := stop
		mu.Unlock()
		if halt || ctx.Err() != nil {
			break
		}
		queue <- i
	}
	close(queue)
	wg.Wait()
	// Pages never started are neither results nor failures: mark them so
	// that assembly stops there, after any lower page that decided.
	for i := next; i < to; i++ {
		if results[i-from].items == nil && outcome[i-from] == nil && shorts[i-from] == nil && results[i-from].total == nil {
			if err := ctx.Err(); err != nil {
				outcome[i-from] = err
			} else {
				outcome[i-from] = errNotFetched
			}
		}
	}
	return fetched
}

// errNotFetched marks a page left out after a lower page decided the
// outcome; assembly never reaches it.
var errNotFetched = errors.New("page not fetched")

func (r pagedRead[T]) page(ctx context.Context, spec pageSpec) (pageResult[T], error) {
	callCtx, call := trackCall(ctx)
	p, err := r.fetch(callCtx, spec)
	if err != nil {
		return p, fmt.Errorf("reading page %d of %s (offset %d): %w", spec.seq, r.noun, spec.offset, err)
	}
	n := len(p.items)
	if spec.overlap && n > 0 {
		n-- // the border item was counted with the page before
	}
	pageRead(ctx, spec.seq, n, p.total, call.attempt())
	return p, nil
}

// check verifies one page against the total the first page reported. A page
// shorter than expected is not an error here: the caller learns the cap.
func (r pagedRead[T]) check(spec pageSpec, p pageResult[T], total int64) (*shortPage, error) {
	if p.total == nil {
		return nil, errNoTotal(r.noun, spec, p.requestID)
	}
	if *p.total != total {
		return nil, &totalChangedError{noun: r.noun, before: total, after: *p.total, page: spec.seq, offset: spec.offset, requestID: p.requestID}
	}
	got := int64(len(p.items))
	if got > spec.limit {
		return nil, fmt.Errorf("page %d of %s (offset %d) held %d, more than the %d asked for (RequestId: %s); the API did not page as expected",
			spec.seq, r.noun, spec.offset, got, spec.limit, p.requestID)
	}
	room := max(total-spec.offset, 0)
	if got > room {
		return nil, &surplusError{noun: r.noun, page: spec.seq, offset: spec.offset, got: got, total: total, room: room, requestID: p.requestID}
	}
	if expected := min(spec.limit, room); got < expected {
		return &shortPage{spec: spec, got: got, total: total, requestID: p.requestID}, nil
	}
	return nil, nil
}

// totalFromUint64 converts an API's unsigned total, refusing one that no
// list can hold.
func totalFromUint64(noun string, v *uint64, requestID string) (*int64, error) {
	if v == nil {
		return nil, nil
	}
	if *v > math.MaxInt64 {
		return nil, fmt.Errorf("the API reports an impossible total of %d %s (RequestId: %s)", *v, noun, requestID)
	}
	t := int64(*v)
	return &t, nil
}

// errNoTotal is a page after the first without a total: an answer of
// another shape, which a second pass would not change.
func errNoTotal(noun string, spec pageSpec, requestID string) error {
	return fmt.Errorf("page %d of %s (offset %d) carries no total (no Total or TotalCount; RequestId: %s), so the read cannot be checked against the first page's",
		spec.seq, noun, spec.offset, requestID)
}
