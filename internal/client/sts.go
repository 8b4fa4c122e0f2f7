package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// AssumeRoleConfig describes a role to assume through STS.
type AssumeRoleConfig struct {
	RoleArn     string
	SessionName string
	// SessionDuration in seconds, 1 to 43200. Default 7200.
	SessionDuration int64
	ExternalID      string
	Policy          string
}

// DefaultAssumeRoleDuration is STS's default session length in seconds.
const DefaultAssumeRoleDuration = 7200

// stsRegion is where STS is called; the service is global but the API
// requires a region.
const stsRegion = "ap-guangzhou"

// maxRefreshMargin is how long before they expire temporary credentials
// are renewed, so no request is signed with a token about to lapse. A
// session of 25 minutes or less has a fifth of its length as margin
// instead: see refreshMargin.
const maxRefreshMargin = 5 * time.Minute

// refreshMarginShare is the part of a session renewed early when the
// session is short: a fifth of a 300 s session is 60 s, so its credentials
// serve 240 s. A margin of 5 minutes would exceed every session of 300 s or
// less, and such a session would be assumed again before every call.
const refreshMarginShare = 5

// refreshMargin is how long before the end of a session of duration its
// credentials are renewed: a fifth of it, at most 5 minutes. It rests on the
// duration asked for, not on ExpiredTime less the local time, so a clock
// that is off does not shrink it.
func refreshMargin(duration time.Duration) time.Duration {
	return min(maxRefreshMargin, duration/refreshMarginShare)
}

type assumeRoleRequest struct {
	RoleArn         string `json:"RoleArn"`
	RoleSessionName string `json:"RoleSessionName"`
	DurationSeconds int64  `json:"DurationSeconds,omitempty"`
	ExternalId      string `json:"ExternalId,omitempty"`
	Policy          string `json:"Policy,omitempty"`
}

type assumeRoleResponse struct {
	ResponseMeta
	Credentials *struct {
		Token        string `json:"Token"`
		TmpSecretId  string `json:"TmpSecretId"`
		TmpSecretKey string `json:"TmpSecretKey"`
	} `json:"Credentials"`
	// ExpiredTime (Unix seconds) and Expiration (RFC 3339, UTC) both give
	// the credentials' end; neither is documented as always present.
	ExpiredTime int64  `json:"ExpiredTime"`
	Expiration  string `json:"Expiration"`
}

// expiry is when the answer's credentials end: ExpiredTime, else
// Expiration; when both are given, the earlier. An answer with neither (or
// only an Expiration that is not RFC 3339) is an error naming the
// RequestId: credentials of unknown end would be reused until the API
// refuses them, or, read as the Unix epoch, assumed again before every
// call.
func (r *assumeRoleResponse) expiry() (time.Time, error) {
	var exp time.Time
	if r.ExpiredTime > 0 {
		exp = time.Unix(r.ExpiredTime, 0)
	}
	if r.Expiration != "" {
		t, err := time.Parse(time.RFC3339, r.Expiration)
		switch {
		case err == nil && (exp.IsZero() || t.Before(exp)):
			exp = t
		case err != nil && exp.IsZero():
			return time.Time{}, fmt.Errorf("STS answered with an Expiration %q that is not an RFC 3339 time and no ExpiredTime (RequestId: %s)",
				r.Expiration, requestIDOrNone(r.RequestId))
		}
	}
	if exp.IsZero() {
		return time.Time{}, fmt.Errorf("STS answered without ExpiredTime and Expiration: when the credentials end is unknown (RequestId: %s)",
			requestIDOrNone(r.RequestId))
	}
	return exp, nil
}

// renewal is one AssumeRole call in flight; every caller that needs the
// credential meanwhile waits for it rather than assuming the role again.
type renewal struct {
	done chan struct{} // closed when cred and err are set
	cred *tccommon.Credential
	err  error
	// abandoned: the caller that made the call gave up on its own context,
	// which says nothing about the waiters' contexts.
	abandoned bool
}

// credential returns the credential to sign with, assuming the configured
// role first (and again shortly before the temporary keys expire).
//
// The role is assumed once for all callers: the first caller makes the
// AssumeRole call (pacing, retries and backoff included) under its own
// context, without holding the lock; the others wait for it, each only as
// long as its own context allows, so a read never outlives its
// timeouts.read because another read is renewing. When the caller making
// the call gives up on its own deadline, a waiter that still has time
// makes the call itself.
//
// An early renewal (in the session's last fifth, see refreshMargin) holds
// no one up: while it is under way the other callers sign with the
// credentials in hand, which are still valid. It is one attempt, without
// retries; when it fails, its caller uses the credentials in hand too, the
// failure is logged at WARN (once until a renewal succeeds) and the next
// call tries again. Only expired or refused credentials make a failed
// renewal fail the call.
func (c *TencentClient) credential(ctx context.Context) (*tccommon.Credential, error) {
	for {
		c.credMu.Lock()
		now := c.now()
		held, heldExp := c.cred, c.credExp
		valid := held != nil && (heldExp.IsZero() || now.Before(heldExp))
		if valid && (heldExp.IsZero() || now.Before(c.credRefreshAt)) {
			c.credMu.Unlock()
			return held, nil
		}
		if r := c.renewing; r != nil {
			c.credMu.Unlock()
			if valid {
				return held, nil
			}
			select {
			case <-r.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("assuming role %s: gave up waiting for its credentials: %w", c.cfg.AssumeRole.RoleArn, ctx.Err())
			}
			if r.abandoned && ctx.Err() == nil {
				continue
			}
			return r.cred, r.err
		}
		r := &renewal{done: make(chan struct{})}
		c.renewing = r
		c.credMu.Unlock()

		cred, exp, err := c.assumeRole(ctx, valid)
		c.credMu.Lock()
		if err == nil {
			c.cred, c.credExp, c.credRefreshAt = cred, exp, exp.Add(-refreshMargin(c.sessionDuration()))
			c.renewalWarned = false
		}
		r.cred, r.err, r.abandoned = cred, err, err != nil && ctx.Err() != nil
		c.renewing = nil
		// The early renewal failed: the credentials in hand serve while
		// they are valid and have not been refused meanwhile.
		fallBack := err != nil && valid && ctx.Err() == nil && c.cred == held && c.now().Before(heldExp)
		warn := fallBack && !c.renewalWarned
		if fallBack {
			c.renewalWarned = true
		}
		c.credMu.Unlock()
		close(r.done)
		if fallBack {
			c.logEarlyRenewalFailure(ctx, err, heldExp, warn)
			return held, nil
		}
		return cred, err
	}
}

// logEarlyRenewalFailure says that the credentials could not be renewed
// early and the ones in hand are used until they expire: at WARN the first
// time, at DEBUG while the renewal keeps failing.
func (c *TencentClient) logEarlyRenewalFailure(ctx context.Context, err error, expires time.Time, warn bool) {
	fields := map[string]any{"role_arn": c.cfg.AssumeRole.RoleArn, "expires": expires.UTC().Format(time.RFC3339), "error": err.Error()}
	var te *TencentError
	if errors.As(err, &te) {
		fields["error_code"], fields["request_id"] = te.Code, te.RequestID
	}
	const msg = "tencentcloud role credentials could not be renewed before they expire: the credentials in hand are used " +
		"until they expire, and the renewal is tried again with the next call"
	if warn {
		c.log.Warn(ctx, msg, fields)
		return
	}
	c.log.Debug(ctx, msg, fields)
}

// assumeRole makes the AssumeRole call with the long-term key pair, never
// with a previous temporary credential. An early renewal makes one attempt:
// the credentials in hand serve meanwhile, and the next call tries again.
func (c *TencentClient) assumeRole(ctx context.Context, early bool) (*tccommon.Credential, time.Time, error) {
	ar := c.cfg.AssumeRole
	duration := int64(c.sessionDuration() / time.Second)
	// The long-term keys are not themselves an assumed role: a token
	// failure of the AssumeRole call is final.
	baseCfg := c.cfg
	baseCfg.AssumeRole = nil
	base := &TencentClient{
		cfg: baseCfg, scheme: c.scheme, endpoint: c.endpoint, transport: c.transport, retry: c.retry, pace: c.pace, log: c.log, now: c.now,
		budgetKey: c.cfg.SecretID, cred: c.baseCredential(),
	}
	if early {
		base.retry.MaxRetries = 0
	}
	resp, err := callTencent[assumeRoleResponse](ctx, base, tencentOp{Service: "sts", Version: "2018-08-13", Action: "AssumeRole", Region: stsRegion, SecretResponse: true},
		assumeRoleRequest{RoleArn: ar.RoleArn, RoleSessionName: ar.SessionName, DurationSeconds: duration, ExternalId: ar.ExternalID, Policy: ar.Policy})
	if err != nil {
		return nil, time.Time{}, &AssumeRoleError{RoleArn: ar.RoleArn, err: err}
	}
	if resp.Credentials == nil || resp.Credentials.TmpSecretId == "" || resp.Credentials.TmpSecretKey == "" {
		return nil, time.Time{}, &AssumeRoleError{RoleArn: ar.RoleArn, err: fmt.Errorf("STS answered without credentials (RequestId: %s)", requestIDOrNone(resp.RequestId))}
	}
	exp, err := resp.expiry()
	if err != nil {
		return nil, time.Time{}, &AssumeRoleError{RoleArn: ar.RoleArn, err: err}
	}
	c.log.Debug(ctx, "tencentcloud role assumed", map[string]any{"role_arn": ar.RoleArn, "expires": exp.UTC().Format(time.RFC3339)})
	return tccommon.NewTokenCredential(resp.Credentials.TmpSecretId, resp.Credentials.TmpSecretKey, resp.Credentials.Token), exp, nil
}

// sessionDuration is the session length asked of AssumeRole.
func (c *TencentClient) sessionDuration() time.Duration {
	if d := c.cfg.AssumeRole.SessionDuration; d > 0 {
		return time.Duration(d) * time.Second
	}
	return DefaultAssumeRoleDuration * time.Second
}

// AssumeRoleError is a role that could not be assumed: the AssumeRole call
// failed (its TencentError, with the API's code and RequestId, is wrapped)
// or answered without credentials.
type AssumeRoleError struct {
	RoleArn string
	err     error
}

func (e *AssumeRoleError) Error() string { return "assuming role " + e.RoleArn + ": " + e.err.Error() }
func (e *AssumeRoleError) Unwrap() error { return e.err }

// RoleTokenRefusedError is a call whose role credentials were refused
// (AuthFailure.TokenFailure), and refused again after the role was assumed
// anew: no key or token of the user's is at fault, the role's sessions are.
// The TencentError is wrapped.
type RoleTokenRefusedError struct {
	RoleArn string
	err     error
}

func (e *RoleTokenRefusedError) Error() string { return e.err.Error() }
func (e *RoleTokenRefusedError) Unwrap() error { return e.err }

// renewAssumedRole reports whether err says the token of the temporary
// credential used (the one the failed request was signed with) is no longer
// valid, so the call should be repeated with a renewed one. It forgets that
// credential, so the next call assumes the role again, unless it has been
// replaced already: when many requests fail with the same revoked token,
// the role is assumed again once, not once per request.
func (c *TencentClient) renewAssumedRole(err error, used *tccommon.Credential) bool {
	var te *TencentError
	if c.cfg.AssumeRole == nil || !errors.As(err, &te) || te.Code != "AuthFailure.TokenFailure" {
		return false
	}
	c.credMu.Lock()
	if c.cred == used {
		c.cred = nil
	}
	c.credMu.Unlock()
	return true
}
