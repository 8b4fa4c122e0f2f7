package client

import (
	"context"
	"strings"
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
	// perAction replaces perSecond for the actions it names, such as
	// "sts/AssumeRole" (by service and action).
	perAction map[string]float64
	inFlight  int // 0: no limit on concurrent calls
	log       Logger

	mu      sync.Mutex
	budgets map[string]*budget
	// holds are times before which no call of a credential (by key) may
	// start; holdAll is that time for every credential behind this
	// address. See hold.
	holds   map[string]time.Time
	holdAll time.Time
}

type budget struct {
	limiter *rate.Limiter // nil without a rate limit
	slots   chan struct{} // nil without an in-flight limit
}

func newPacer(perSecond float64, inFlight int, log Logger) *pacer {
	return &pacer{perSecond: perSecond, inFlight: inFlight, log: loggerOrNop(log), budgets: map[string]*budget{}, holds: map[string]time.Time{}}
}

func (p *pacer) budget(action, key string) *budget {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.budgets[key]
	if b == nil {
		b = &budget{}
		perSecond := p.perSecond
		if r, ok := p.perAction[action]; ok && perSecond > 0 {
			perSecond = r
		}
		if perSecond > 0 {
			// A burst of one spaces calls evenly, so no one-second window
			// ever sees more than the limit.
			b.limiter = rate.NewLimiter(rate.Limit(perSecond*pacingMargin), 1)
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
	b := p.budget(action, action+"/"+keyID)
	start := time.Now()
	if err := p.waitHold(ctx, keyID); err != nil {
		return nil, err
	}
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
		p.log.Trace(ctx, "waited for the API's rate budget", map[string]any{"budget": action + "/" + budgetLabel(keyID), "waited_ms": waited.Milliseconds()})
	}
	if b.slots == nil {
		return func() {}, nil
	}
	return func() { <-b.slots }, nil
}

// limitHold is how long every call of a credential (or of every credential
// behind this address) waits after the API says that credential (or
// address) is over its limit: one window of a per-second limit.
const limitHold = time.Second

// hold stops every call of the credential keyID, of every action, from
// starting before d has passed; with all, every credential of this pacer
// (every account read from this address) is held. A hold only ever
// lengthens: a shorter one does not end a longer one early.
func (p *pacer) hold(keyID string, all bool, d time.Duration) {
	until := time.Now().Add(d)
	p.mu.Lock()
	defer p.mu.Unlock()
	if all {
		if until.After(p.holdAll) {
			p.holdAll = until
		}
		return
	}
	if until.After(p.holds[keyID]) {
		p.holds[keyID] = until
	}
}

// waitHold waits until no hold applies to keyID, or ctx ends.
func (p *pacer) waitHold(ctx context.Context, keyID string) error {
	for {
		p.mu.Lock()
		until := p.holds[keyID]
		if p.holdAll.After(until) {
			until = p.holdAll
		}
		p.mu.Unlock()
		wait := time.Until(until)
		if wait <= 0 {
			return nil
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
	}
}

// roleBudgetPrefix starts the budget key of an assumed role's credentials:
// "uin/<account>", the account that owns the role.
const roleBudgetPrefix = "uin/"

// budgetLabel is a budget key fit for a log line: an access key is masked,
// an account's UIN is not secret.
func budgetLabel(keyID string) string {
	if strings.HasPrefix(keyID, roleBudgetPrefix) {
		return keyID
	}
	return MaskAccessKeyID(keyID)
}
