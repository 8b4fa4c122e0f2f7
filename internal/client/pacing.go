package client

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultTencentRateLimit is the documented limit of every CloudAudit and
// CSIP action: 20 requests per second.
const DefaultTencentRateLimit = 20

// pacingMargin keeps calls slightly under the configured rate. Gateways
// count calls per second as they arrive; calls sent exactly at the limit can
// arrive a few milliseconds closer together and tip one second over it.
const pacingMargin = 0.95

// pacer keeps calls within a budget per key (an action and a credential):
// a rate in requests per second and, optionally, a number of calls in
// flight. A provider instance has one client per cloud, so every data source
// it reads shares the same budgets, however many Terraform runs at once.
type pacer struct {
	perSecond float64 // 0: no rate limit
	inFlight  int     // 0: no limit on concurrent calls
	log       Logger

	mu      sync.Mutex
	budgets map[string]*budget
}

type budget struct {
	limiter *rate.Limiter // nil without a rate limit
	slots   chan struct{} // nil without an in-flight limit
}

func newPacer(perSecond float64, inFlight int, log Logger) *pacer {
	return &pacer{perSecond: perSecond, inFlight: inFlight, log: loggerOrNop(log), budgets: map[string]*budget{}}
}

func (p *pacer) budget(key string) *budget {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.budgets[key]
	if b == nil {
		b = &budget{}
		if p.perSecond > 0 {
			// A burst of one spaces calls evenly, so no one-second window
			// ever sees more than the limit.
			b.limiter = rate.NewLimiter(rate.Limit(p.perSecond*pacingMargin), 1)
		}
		if p.inFlight > 0 {
			b.slots = make(chan struct{}, p.inFlight)
		}
		p.budgets[key] = b
	}
	return b
}

// acquire waits until a call of action with the access key keyID may
// start, or ctx ends. Each action and key has its own budget. The returned
// release must be called when the call has finished.
func (p *pacer) acquire(ctx context.Context, action, keyID string) (release func(), err error) {
	b := p.budget(action + "/" + keyID)
	start := time.Now()
	if b.slots != nil {
		select {
		case b.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if b.limiter != nil {
		if err := b.limiter.Wait(ctx); err != nil {
			if b.slots != nil {
				<-b.slots
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
	}
	if waited := time.Since(start); waited > 100*time.Millisecond {
		p.log.Trace(ctx, "waited for the API's rate budget", map[string]any{"budget": action + "/" + MaskAccessKeyID(keyID), "waited_ms": waited.Milliseconds()})
	}
	if b.slots == nil {
		return func() {}, nil
	}
	return func() { <-b.slots }, nil
}
