package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// CallerIdentity is who a client's credentials act as, as STS
// GetCallerIdentity (2018-08-13) reports it. Every field is the API's own
// string; an empty one is a field the API left out.
type CallerIdentity struct {
	// AccountId is the UIN of the owner (root) account of the caller: for
	// assumed-role credentials, the account that owns the role.
	AccountId string
	// Arn is the caller's ARN, such as qcs::cam:<owner>:uin/<sub-user> or
	// qcs::sts:<owner>:assumed-role/<role id>.
	Arn string
	// UserId is the caller: a UIN, or <role id>:<session name>.
	UserId string
	// PrincipalId is the UIN that owns the key (for a role, the UIN that
	// requested its credentials).
	PrincipalId string
	// Type is the identity type, such as CAMUser or CAMRole. The API
	// publishes no list of values.
	Type      string
	RequestId string
}

type getCallerIdentityResponse struct {
	ResponseMeta
	Arn         string `json:"Arn"`
	AccountId   string `json:"AccountId"`
	UserId      string `json:"UserId"`
	PrincipalId string `json:"PrincipalId"`
	Type        string `json:"Type"`
}

// identityCache holds the one GetCallerIdentity answer of a client, or the
// call in flight.
type identityCache struct {
	mu      sync.Mutex
	done    bool
	id      *CallerIdentity
	err     error
	pending *identityLookup
}

// identityLookup is one GetCallerIdentity call in flight; callers that need
// the identity meanwhile wait for it.
type identityLookup struct {
	done chan struct{} // closed when id and err are set
	id   *CallerIdentity
	err  error
	// abandoned: the caller that made the call gave up on its own context,
	// which says nothing about the waiters' contexts.
	abandoned bool
}

// CallerIdentity returns who the client's credentials act as, from STS
// GetCallerIdentity, signed like every other call (for an assumed role, with
// the role's temporary credentials).
//
// A client holds one credential, so the identity is learned once: the first
// caller makes the call (pacing and retries included) under its own context,
// concurrent callers wait for it, each only as long as its own context
// allows, and every later caller gets the same answer. A refusal is kept
// too, and logged once at WARN: GetCallerIdentity's CAM permission is not
// documented, so a refusal says nothing about the reads, which go on without
// the identity. A failure that may pass (throttling, an internal error, the
// network, after the retries) is logged and not kept, nor is a call cut
// short by its caller's own context: the next caller asks again, so one
// transient STS fault costs one read its identity, not every read.
func (c *TencentClient) CallerIdentity(ctx context.Context) (*CallerIdentity, error) {
	ic := &c.identity
	for {
		ic.mu.Lock()
		if ic.done {
			id, err := ic.id, ic.err
			ic.mu.Unlock()
			return id, err
		}
		if l := ic.pending; l != nil {
			ic.mu.Unlock()
			select {
			case <-l.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("tencentcloud GetCallerIdentity: gave up waiting for the answer: %w", ctx.Err())
			}
			if l.abandoned && ctx.Err() == nil {
				continue
			}
			return l.id, l.err
		}
		l := &identityLookup{done: make(chan struct{})}
		ic.pending = l
		ic.mu.Unlock()

		id, err := c.getCallerIdentity(ctx)
		if err == nil && isUin(id.AccountId) {
			// Pace this credential with the rest of its account from
			// now on: a role of the same account shares its budgets.
			c.pace.joinAccount(c.budgetKey, id.AccountId)
		}
		ic.mu.Lock()
		l.id, l.err = id, err
		l.abandoned = err != nil && ctx.Err() != nil
		if !l.abandoned && !transientFailure(err) {
			ic.done, ic.id, ic.err = true, id, err
		}
		ic.pending = nil
		ic.mu.Unlock()
		close(l.done)
		if err != nil && !l.abandoned {
			fields := map[string]any{"action": "GetCallerIdentity", "error": err.Error()}
			var te *TencentError
			if errors.As(err, &te) {
				fields["error_code"], fields["request_id"] = te.Code, te.RequestID
			}
			c.log.Warn(ctx, "tencentcloud caller identity unknown: STS GetCallerIdentity failed, so the reads of this provider "+
				"report no account_id or principal_arn in their evidence (the reads themselves go on)", fields)
		}
		return id, err
	}
}

// getCallerIdentity makes the GetCallerIdentity call. An answer without an
// AccountId identifies nobody and is an error.
func (c *TencentClient) getCallerIdentity(ctx context.Context) (*CallerIdentity, error) {
	resp, err := callTencent[getCallerIdentityResponse](ctx, c, tencentOp{
		Service: "sts", Version: "2018-08-13", Action: "GetCallerIdentity", Region: stsRegion,
	}, struct{}{})
	if err != nil {
		return nil, err
	}
	if resp.AccountId == "" {
		return nil, fmt.Errorf("tencentcloud GetCallerIdentity: the answer names no AccountId (RequestId: %s)", requestIDOrNone(resp.RequestId))
	}
	return &CallerIdentity{
		AccountId: resp.AccountId, Arn: resp.Arn, UserId: resp.UserId, PrincipalId: resp.PrincipalId, Type: resp.Type,
		RequestId: resp.RequestId,
	}, nil
}

// transientFailure reports whether err is a failure that a later call may
// not meet: one the retry policy would have retried.
func transientFailure(err error) bool {
	var te *TencentError
	return err != nil && errors.As(err, &te) && te.Retryable()
}
