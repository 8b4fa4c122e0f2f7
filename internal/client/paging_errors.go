package client

import (
	"errors"
	"fmt"
)

// restartable is an inconsistency of one pass of a paged read that a fresh
// pass may not see: the list changed while it was read. The read starts
// again once; if the second pass is inconsistent too, it fails with both.
type restartable interface {
	error
	restartable()
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

func (*totalChangedError) restartable() {}

// surplusError is a page holding more items than the total leaves room for
// from its offset: the page and the total cannot both be right.
type surplusError struct {
	noun        string
	page        int
	offset      int64
	got         int64
	total, room int64
	requestID   string
}

func (e *surplusError) Error() string {
	return fmt.Sprintf("page %d of %s (offset %d, RequestId: %s) held %d, but the total of %d leaves room for %d from that offset: the API's pages and its total disagree",
		e.page, e.noun, e.offset, e.requestID, e.got, e.total, e.room)
}

func (*surplusError) restartable() {}

// shiftError is an overlapping page whose first item is not the one the
// previous page ended with: items were added or removed ahead of it between
// the two calls, so one page repeats an item or skips one.
type shiftError struct {
	noun      string
	page      int
	offset    int64
	requestID string
	got, want string
}

func (e *shiftError) Error() string {
	return fmt.Sprintf("page %d of %s (offset %d, RequestId: %s) starts with %s where the page before it ended with %s: %s were added or removed ahead of it during the read, shifting the pages",
		e.page, e.noun, e.offset, e.requestID, e.got, e.want, e.noun)
}

func (*shiftError) restartable() {}

// overlapError is an item returned twice in one pass.
type overlapError struct {
	noun          string
	key           string
	first, second int
}

func (e *overlapError) Error() string {
	return fmt.Sprintf("%s %s was returned twice (items %d and %d of the read): the API's pages overlap, so the read cannot be exact", e.noun, e.key, e.first, e.second)
}

func (*overlapError) restartable() {}

// secondPassError reports a read whose second pass was inconsistent too.
func secondPassError(noun string, first, again restartable) error {
	var c1, c2 *totalChangedError
	if errors.As(first, &c1) && errors.As(again, &c2) {
		return fmt.Errorf("%w; a second read saw it change again, from %d to %d on page %d (offset %d, RequestId: %s): try again when the %s are stable",
			first, c2.before, c2.after, c2.page, c2.offset, c2.requestID, noun)
	}
	return fmt.Errorf("%w; a second read was inconsistent too: %w. The read cannot be exact; try again when the %s are stable", first, again, noun)
}
