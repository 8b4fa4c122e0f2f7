package client

import (
	"context"
	"fmt"
	"sync"
)

// Border probes, for APIs whose pages cannot overlap.
//
// DescribeOrganizationMembers wants every Offset to be a multiple of the
// Limit, so a page cannot start one item early to show that the list did
// not shift under the read (pagedRead.identity). A member leaving ahead of
// a page border and another joining at the end between two pages keeps the
// total, repeats no member, and moves the member after the border back onto
// the page already read: it is on neither page.
//
// So once pages k and k+1 have both been answered, the last item of page k
// is read again alone (Limit 1 at Offset k·Limit−1: any Offset is a
// multiple of 1) and must be the item page k ended with. When members join
// only at the end of the list, as new members are listed, an item's
// position can only fall; an item that belonged throughout and was missed
// must have been beyond page k when page k was read and before page k+1
// when that was read, for some k, which takes an item at or ahead of page
// k's last leaving between the two calls; page k's last item then never
// returns to its position, and the probe after page k+1 sees another. The
// argument, and why re-reading page 1 instead is not enough, is in
// DESIGN.md ("Members shifting under a constant total").

// borderError is a border probe that found another item than the one the
// page before the border ended with: items were added or removed ahead of
// it between the calls.
type borderError struct {
	noun      string
	offset    int64
	page      int // the page that ended at the border
	requestID string
	got, want string
}

func (e *borderError) Error() string {
	return fmt.Sprintf("offset %d of %s, read alone after page %d (RequestId: %s), holds %s where page %d ended with %s: %s were added or removed ahead of it during the read, shifting the pages past it",
		e.offset, e.noun, e.page+1, e.requestID, e.got, e.page, e.want, e.noun)
}

func (*borderError) restartable() {}

// checkBorders probes the borders ahead of pages [max(from,1), to) of g,
// whose items (the segment's, from its first page) are read: one call per
// border, pageConcurrency at once. It returns the calls that succeeded and
// the error of the lowest border that failed, so that the outcome does not
// depend on timing.
func (r pagedRead[T]) checkBorders(ctx context.Context, g segment[T], from, to, total int64, items []T) (int, error) {
	first := max(from, 1)
	if first >= to {
		return 0, nil
	}
	errs := make([]error, to-first)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		calls int
		sem   = make(chan struct{}, pageConcurrency)
	)
	for i := first; i < to; i++ {
		last := i*g.size - 1 // the last item of page i-1, within the segment
		if last >= int64(len(items)) {
			break // never read: a page-number API's last page held less
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ok, err := r.probeBorder(ctx, g.base+last, g.seq+int(i), total, items[last])
			mu.Lock()
			if ok {
				calls++
			}
			errs[i-first] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return calls, err
		}
	}
	return calls, nil
}

// probeBorder reads the item at offset alone, the last of page (1-based in
// this pass), and compares it with want, what that page ended with. ok
// reports a successful call.
func (r pagedRead[T]) probeBorder(ctx context.Context, offset int64, page int, total int64, want T) (ok bool, err error) {
	spec := pageSpec{seq: page + 1, number: offset + 1, offset: offset, limit: 1, size: 1}
	callCtx, call := trackCall(ctx)
	p, err := r.fetch(callCtx, spec)
	if err != nil {
		return false, fmt.Errorf("reading offset %d of %s alone, the border of pages %d and %d: %w", offset, r.noun, page, page+1, err)
	}
	pageRead(ctx, spec.seq, 0, p.total, call.attempt()) // a check: it brings no new item
	if p.total == nil {
		return true, fmt.Errorf("offset %d of %s, read alone after page %d, carries no total (RequestId: %s), so it cannot be checked against the first page's",
			offset, r.noun, page+1, p.requestID)
	}
	if *p.total != total {
		return true, &totalChangedError{noun: r.noun, before: total, after: *p.total, page: page + 1, offset: offset, requestID: p.requestID}
	}
	if len(p.items) != 1 {
		return true, fmt.Errorf("offset %d of %s, read alone after page %d (Limit 1, RequestId: %s), held %d where the total of %d says there is 1: the API is inconsistent, so the read cannot be exact",
			offset, r.noun, page+1, p.requestID, len(p.items), total)
	}
	if got, was := r.identity(p.items[0]), r.identity(want); got != was {
		return true, &borderError{noun: r.noun, offset: offset, page: page, requestID: p.requestID, got: got, want: was}
	}
	return true, nil
}
