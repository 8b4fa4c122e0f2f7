package client

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A long read (10,000 events is 200 sequential UCloud calls) shows nothing
// in Terraform's UI but "Still reading...". So every read logs the same
// lines, with the same field names whatever the API:
//
//	INFO  "read started"  data_source
//	DEBUG "page read"     data_source, page (1-based), records (so far),
//	                      total (only where the API gives one), attempt (1-based)
//	INFO  "read finished" data_source, pages, records, duration_ms, retries
//
// The provider starts a ReadProgress for each read and puts it on the
// read's context; the paging code reports each page to it, and the retry
// policy counts attempts into it. Without one on the context (unit tests of
// the clients), nothing is reported.

// ReadProgress follows one data source read. It is safe for concurrent use:
// pages of one read may be fetched at once.
type ReadProgress struct {
	log        Logger
	dataSource string
	start      time.Time

	mu      sync.Mutex
	pages   int
	records int

	retries atomic.Int64
}

type progressKey struct{}

// StartRead logs "read started" and returns ctx carrying a ReadProgress,
// which the clients' paging reports to. Finish must be called when the read
// ends.
func StartRead(ctx context.Context, log Logger, dataSource string) (context.Context, *ReadProgress) {
	p := &ReadProgress{log: loggerOrNop(log), dataSource: dataSource, start: time.Now()}
	p.log.Info(ctx, "read started", map[string]any{"data_source": dataSource})
	return context.WithValue(ctx, progressKey{}, p), p
}

// Finish logs "read finished" with the records the read returned (which,
// when a read stops at max_items, can be fewer than the pages held).
// failure is why the read failed, or "".
func (p *ReadProgress) Finish(ctx context.Context, records int, failure string) {
	p.mu.Lock()
	pages := p.pages
	p.mu.Unlock()
	fields := map[string]any{
		"data_source": p.dataSource,
		"pages":       pages,
		"records":     records,
		"duration_ms": time.Since(p.start).Milliseconds(),
		"retries":     p.retries.Load(),
	}
	if failure != "" {
		fields["error"] = failure
	}
	p.log.Info(ctx, "read finished", fields)
}

func progressFrom(ctx context.Context) *ReadProgress {
	p, _ := ctx.Value(progressKey{}).(*ReadProgress)
	return p
}

// pageRead reports one page of n records, read at the given attempt
// (1-based); total is nil when the API gives none.
func pageRead(ctx context.Context, page, n int, total *int64, attempt int) {
	p := progressFrom(ctx)
	if p == nil {
		return
	}
	fields := map[string]any{"data_source": p.dataSource, "page": page, "attempt": attempt}
	if total != nil {
		fields["total"] = *total
	}
	// Logged under the lock, so that the lines of concurrent pages come out
	// in the order of their records count.
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pages++
	p.records += n
	fields["records"] = p.records
	p.log.Debug(ctx, "page read", fields)
}

// callAttempts records, for one logical call (a page), the attempt that
// ended it. retryPolicy.do fills it in when it finds one on the context.
type callAttempts struct{ last atomic.Int64 }

type callKey struct{}

// trackCall returns ctx with a fresh callAttempts, so that concurrent pages
// of one read each see their own attempt count.
func trackCall(ctx context.Context) (context.Context, *callAttempts) {
	c := &callAttempts{}
	return context.WithValue(ctx, callKey{}, c), c
}

// attempt is the 1-based attempt that ended the call; 1 when untracked.
func (c *callAttempts) attempt() int {
	if n := c.last.Load(); n > 0 {
		return int(n)
	}
	return 1
}

// noteAttempt is called by the retry policy after each attempt (0-based n).
func noteAttempt(ctx context.Context, n int) {
	if c, _ := ctx.Value(callKey{}).(*callAttempts); c != nil {
		c.last.Store(int64(n + 1))
	}
	if n > 0 {
		if p := progressFrom(ctx); p != nil {
			p.retries.Add(1)
		}
	}
}

// ReadPage runs one call that reads a single page (a read of exactly one
// page the user asked for) and reports it like the pages of a paged read.
// fetch returns the page's record count and total (nil when none).
func ReadPage(ctx context.Context, fetch func(ctx context.Context) (n int, total *int64, err error)) error {
	callCtx, call := trackCall(ctx)
	n, total, err := fetch(callCtx)
	if err != nil {
		return err
	}
	pageRead(ctx, 1, n, total, call.attempt())
	return nil
}
