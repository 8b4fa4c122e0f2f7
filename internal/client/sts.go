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

// credentialRefreshMargin renews temporary credentials this long before
// they expire, so no request is signed with a token about to lapse.
const credentialRefreshMargin = 5 * time.Minute

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
	ExpiredTime int64 `json:"ExpiredTime"`
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
func (c *TencentClient) credential(ctx context.Context) (*tccommon.Credential, error) {
	for {
		c.credMu.Lock()
		if c.cred != nil && (c.credExp.IsZero() || time.Until(c.credExp) > credentialRefreshMargin) {
			cred := c.cred
			c.credMu.Unlock()
			return cred, nil
		}
		if r := c.renewing; r != nil {
			c.credMu.Unlock()
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

		cred, exp, err := c.assumeRole(ctx)
		c.credMu.Lock()
		if err == nil {
			c.cred, c.credExp = cred, exp
		}
		r.cred, r.err, r.abandoned = cred, err, err != nil && ctx.Err() != nil
		c.renewing = nil
		c.credMu.Unlock()
		close(r.done)
		return cred, err
	}
}

// assumeRole makes the AssumeRole call with the long-term key pair, never
// with a previous temporary credential.
func (c *TencentClient) assumeRole(ctx context.Context) (*tccommon.Credential, time.Time, error) {
	ar := c.cfg.AssumeRole
	duration := ar.SessionDuration
	if duration == 0 {
		duration = DefaultAssumeRoleDuration
	}
	// The long-term keys are not themselves an assumed role: a token
	// failure of the AssumeRole call is final.
	baseCfg := c.cfg
	baseCfg.AssumeRole = nil
	base := &TencentClient{
		cfg: baseCfg, scheme: c.scheme, endpoint: c.endpoint, transport: c.transport, retry: c.retry, pace: c.pace, log: c.log,
		budgetKey: c.cfg.SecretID, cred: c.baseCredential(),
	}
	resp, err := callTencent[assumeRoleResponse](ctx, base, tencentOp{Service: "sts", Version: "2018-08-13", Action: "AssumeRole", Region: stsRegion, SecretResponse: true},
		assumeRoleRequest{RoleArn: ar.RoleArn, RoleSessionName: ar.SessionName, DurationSeconds: duration, ExternalId: ar.ExternalID, Policy: ar.Policy})
	if err != nil {
		return nil, time.Time{}, &AssumeRoleError{RoleArn: ar.RoleArn, err: err}
	}
	if resp.Credentials == nil || resp.Credentials.TmpSecretId == "" || resp.Credentials.TmpSecretKey == "" {
		return nil, time.Time{}, &AssumeRoleError{RoleArn: ar.RoleArn, err: fmt.Errorf("STS answered without credentials (RequestId: %s)", resp.RequestId)}
	}
	exp := time.Unix(resp.ExpiredTime, 0)
	c.log.Debug(ctx, "tencentcloud role assumed", map[string]any{"role_arn": ar.RoleArn, "expires": exp.UTC().Format(time.RFC3339)})
	return tccommon.NewTokenCredential(resp.Credentials.TmpSecretId, resp.Credentials.TmpSecretKey, resp.Credentials.Token), exp, nil
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
