package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// pageConcurrency is how many pages of one read are fetched at once once the
// first page has given the total. The shared pacer still bounds the rate.
const pageConcurrency = 4

// pageSpec is one page of an offset-paged read: its index from 0, the
// offset of its first item, and how many items it asks for.
type pageSpec struct {
	index  int
	offset int64
	limit  int64
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
// fails: a short page before the end (an undocumented page-size cap) or a
// long one is an error; a total that changes between pages (items added or
// removed during the read) starts the read again once, then is an error.
type pagedRead[T any] struct {
	noun     string // "tracking sets", for messages
	pageSize int64
	start    int64 // offset of the first item wanted
	maxItems int   // stop after this many; 0 reads all
	// fixedLimit is set for page-number APIs, whose pages cannot shrink:
	// every page asks for pageSize and the surplus is dropped.
	fixedLimit bool
	// capAdvice tells the user what to change when pages come back short.
	capAdvice string
	fetch     func(ctx context.Context, p pageSpec) (pageResult[T], error)
}

// totalChangedError reports a total that moved during the read.
type totalChangedError struct {
	noun          string
	before, after int64
	page          int
	offset        int64
	requestID     string
}

func (e *totalChangedError) Error() string {
	return fmt.Sprintf("the number of %s changed from %d to %d while reading page %d (offset %d, RequestId: %s): they were added or removed during the read",
		e.noun, e.before, e.after, e.page, e.offset, e.requestID)
}

// pagedResult is what a paged read returns.
type pagedResult[T any] struct {
	items []T
	total int64
	pages int // successful API calls, over every pass
}

func (r pagedRead[T]) run(ctx context.Context) (pagedResult[T], error) {
	var res pagedResult[T]
	var firstChange *totalChangedError
	for {
		items, total, pages, err := r.once(ctx)
		res.pages += pages
		var changed *totalChangedError
		if errors.As(err, &changed) {
			if firstChange == nil {
				firstChange = changed
				continue // one fresh pass, which sees a consistent list if the change is over
			}
			return res, fmt.Errorf("%w; a second read saw it change again, from %d to %d on page %d (offset %d, RequestId: %s): try again when the %s are stable",
				firstChange, changed.before, changed.after, changed.page, changed.offset, changed.requestID, r.noun)
		}
		if err != nil {
			return res, err
		}
		res.items, res.total = items, total
		return res, nil
	}
}

// limit is how many items page i asks for.
func (r pagedRead[T]) limit(i int) int64 {
	if r.fixedLimit || r.maxItems <= 0 {
		return r.pageSize
	}
	return max(min(r.pageSize, int64(r.maxItems)-int64(i)*r.pageSize), 1)
}

func (r pagedRead[T]) spec(i int) pageSpec {
	return pageSpec{index: i, offset: r.start + int64(i)*r.pageSize, limit: r.limit(i)}
}

func (r pagedRead[T]) once(ctx context.Context) (items []T, total int64, pages int, err error) {
	first, err := r.page(ctx, r.spec(0))
	if err != nil {
		return nil, 0, 0, err
	}
	pages = 1
	if first.total == nil {
		if len(first.items) == 0 {
			return make([]T, 0), 0, pages, nil // nothing matched; some answers then omit the total
		}
		return nil, 0, pages, fmt.Errorf("page 1 of %s carries no total (no Total or TotalCount; RequestId: %s), so they cannot be paged reliably", r.noun, first.requestID)
	}
	total = *first.total
	available := max(total-r.start, 0)
	wanted := available
	if r.maxItems > 0 {
		wanted = min(wanted, int64(r.maxItems))
	}
	nPages := max(int((wanted+r.pageSize-1)/r.pageSize), 1)

	results := make([]pageResult[T], nPages)
	results[0] = first
	if err := r.check(r.spec(0), first, total, available); err != nil {
		return nil, total, pages, err
	}
	if nPages > 1 {
		n, err := r.fetchRest(ctx, results, total, available)
		pages += n
		if err != nil {
			return nil, total, pages, err
		}
	}

	items = make([]T, 0, wanted)
	for _, p := range results {
		items = append(items, p.items...)
	}
	return items[:min(int64(len(items)), wanted)], total, pages, nil
}

// fetchRest fills results[1:] concurrently. After the first failure no
// new page is started; pages in flight finish (each is bounded by the
// request timeout and retries), and the error of the lowest-numbered page
// that failed is returned, so the report does not depend on timing.
func (r pagedRead[T]) fetchRest(ctx context.Context, results []pageResult[T], total, available int64) (int, error) {
	var (
		mu      sync.Mutex
		errs    = make([]error, len(results))
		failed  bool
		fetched int
		wg      sync.WaitGroup
		next    = make(chan int)
	)
	for range min(pageConcurrency, len(results)-1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				spec := r.spec(i)
				p, err := r.page(ctx, spec)
				if err == nil {
					err = r.check(spec, p, total, available)
				}
				mu.Lock()
				if err == nil {
					fetched++
					results[i] = p
				} else {
					errs[i], failed = err, true
				}
				mu.Unlock()
			}
		}()
	}
	for i := 1; i < len(results); i++ {
		mu.Lock()
		stop := failed
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fetched, err
		}
	}
	return fetched, ctx.Err()
}

func (r pagedRead[T]) page(ctx context.Context, spec pageSpec) (pageResult[T], error) {
	callCtx, call := trackCall(ctx)
	p, err := r.fetch(callCtx, spec)
	if err != nil {
		return p, fmt.Errorf("reading page %d of %s (offset %d): %w", spec.index+1, r.noun, spec.offset, err)
	}
	pageRead(ctx, spec.index+1, len(p.items), p.total, call.attempt())
	return p, nil
}

// check verifies one page against the total the first page reported.
func (r pagedRead[T]) check(spec pageSpec, p pageResult[T], total, available int64) error {
	n := spec.index + 1
	if p.total == nil || *p.total != total {
		after := int64(-1)
		if p.total != nil {
			after = *p.total
		}
		return &totalChangedError{noun: r.noun, before: total, after: after, page: n, offset: spec.offset, requestID: p.requestID}
	}
	expected := max(min(spec.limit, available-int64(spec.index)*r.pageSize), 0)
	got := int64(len(p.items))
	switch {
	case got > spec.limit:
		return fmt.Errorf("page %d of %s (offset %d) held %d, more than the %d asked for (RequestId: %s); the API did not page as expected",
			n, r.noun, spec.offset, got, spec.limit, p.requestID)
	case got < expected:
		return fmt.Errorf("page %d of %s (offset %d) held %d, fewer than the %d asked for, yet only %d of %d were read (RequestId: %s); the API may cap the page size: %s",
			n, r.noun, spec.offset, got, spec.limit, int64(spec.index)*r.pageSize+got, available, p.requestID, r.capAdvice)
	}
	return nil
}
