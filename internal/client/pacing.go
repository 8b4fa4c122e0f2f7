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
	budgets map[string]*budget // by action and key, "<service>/<action>/<key>"
	// holds are times before which no call of a credential (by key) may
	// start; holdAll is that time for every credential behind this
	// address. See hold.
	holds   map[string]time.Time
	holdAll time.Time
	// accounts maps a SecretId whose account has become known to that
	// account's key, "uin/<account>"; see joinAccount.
	accounts map[string]string
}

type budget struct {
	limiter *rate.Limiter // nil without a rate limit
	slots   chan struct{} // nil without an in-flight limit
	// merged: joinAccount replaced this budget by its account's; a call
	// that was waiting for it starts over on the account's. Guarded by
	// the pacer's mu.
	merged bool
}

func newPacer(perSecond float64, inFlight int, log Logger) *pacer {
	return &pacer{perSecond: perSecond, inFlight: inFlight, log: loggerOrNop(log), budgets: map[string]*budget{},
		holds: map[string]time.Time{}, accounts: map[string]string{}}
}

// resolve is the key a credential is paced under: its account's once
// known, else its own. The caller holds p.mu.
func (p *pacer) resolve(keyID string) string {
	if acct, ok := p.accounts[keyID]; ok {
		return acct
	}
	return keyID
}

// budget returns the budget of action for the credential keyID (by the
// key it is paced under), and that key.
func (p *pacer) budget(action, keyID string) (*budget, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	keyID = p.resolve(keyID)
	key := action + "/" + keyID
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
	return b, keyID
}

// acquire waits until a call of action with the access key keyID may
// start, or ctx ends. Each action and key (the account's, once known) has
// its own budget. The returned release must be called when the call has
// finished.
func (p *pacer) acquire(ctx context.Context, action, keyID string) (release func(), err error) {
	start := time.Now()
	for {
		b, key := p.budget(action, keyID)
		if err := p.waitHold(ctx, key); err != nil {
			return nil, err
		}
		if err := b.take(ctx); err != nil {
			return nil, err
		}
		p.mu.Lock()
		merged := b.merged
		p.mu.Unlock()
		if merged {
			// The credential's budget became its account's while this
			// call waited: the account's budget decides.
			b.release()
			continue
		}
		if waited := time.Since(start); waited > 100*time.Millisecond {
			p.log.Trace(ctx, "waited for the API's rate budget", map[string]any{"budget": action + "/" + budgetLabel(key), "waited_ms": waited.Milliseconds()})
		}
		return b.release, nil
	}
}

// take waits for a slot and the rate's next turn, or until ctx ends.
func (b *budget) take(ctx context.Context) error {
	if b.slots != nil {
		select {
		case b.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if b.limiter != nil {
		if err := b.limiter.Wait(ctx); err != nil {
			b.release()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
	}
	return nil
}

// release gives back the slot take took, if the budget has slots.
func (b *budget) release() {
	if b.slots != nil {
		<-b.slots
	}
}

// joinAccount makes the credential keyID (a SecretId) share the budgets and
// holds of its account from now on: both the calls signed with it and those
// of a role in that account ("uin/<account>") count against one budget per
// action, as the API counts them. It is called when the credential's
// account becomes known (STS GetCallerIdentity); before, the credential is
// paced on its own.
//
// A budget the credential already has becomes the account's if the account
// has none for that action, so its pace goes on unbroken. If both have one,
// the account's is kept, charged one call when the credential's spent its
// turn within the last interval (so the move never lets two calls through
// closer together than the rate allows), and calls still waiting for the
// credential's budget start over on the account's. Holds are merged, the
// longer kept.
func (p *pacer) joinAccount(keyID, account string) {
	to := roleBudgetPrefix + account
	p.mu.Lock()
	defer p.mu.Unlock()
	if keyID == to || strings.HasPrefix(keyID, roleBudgetPrefix) || p.accounts[keyID] != "" {
		return
	}
	p.accounts[keyID] = to
	now := time.Now()
	suffix := "/" + keyID
	for key, b := range p.budgets {
		action, ok := strings.CutSuffix(key, suffix)
		if !ok {
			continue
		}
		delete(p.budgets, key)
		target := p.budgets[action+"/"+to]
		if target == nil {
			p.budgets[action+"/"+to] = b
			continue
		}
		b.merged = true
		if b.limiter != nil && target.limiter != nil && b.limiter.TokensAt(now) < 1 {
			target.limiter.ReserveN(now, 1)
		}
	}
	if until, ok := p.holds[keyID]; ok {
		delete(p.holds, keyID)
		if until.After(p.holds[to]) {
			p.holds[to] = until
		}
	}
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
	keyID = p.resolve(keyID)
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
		until := p.holds[p.resolve(keyID)]
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
