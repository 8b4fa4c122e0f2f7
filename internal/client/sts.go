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

// credential returns the credential to sign with, assuming the configured
// role first (and again shortly before the temporary keys expire).
func (c *TencentClient) credential(ctx context.Context) (*tccommon.Credential, error) {
	c.credMu.Lock()
	defer c.credMu.Unlock()
	if c.cred != nil && (c.credExp.IsZero() || time.Until(c.credExp) > credentialRefreshMargin) {
		return c.cred, nil
	}
	ar := c.cfg.AssumeRole
	duration := ar.SessionDuration
	if duration == 0 {
		duration = DefaultAssumeRoleDuration
	}
	// The role is assumed with the long-term key pair, never with a
	// previous temporary credential.
	base := &TencentClient{
		cfg: c.cfg, scheme: c.scheme, endpoint: c.endpoint, transport: c.transport, retry: c.retry, pace: c.pace, log: c.log,
		cred: tccommon.NewTokenCredential(c.cfg.SecretID, c.cfg.SecretKey, c.cfg.SecurityToken),
	}
	resp, err := callTencent[assumeRoleResponse](ctx, base, tencentOp{Service: "sts", Version: "2018-08-13", Action: "AssumeRole", Region: stsRegion, SecretResponse: true},
		assumeRoleRequest{RoleArn: ar.RoleArn, RoleSessionName: ar.SessionName, DurationSeconds: duration, ExternalId: ar.ExternalID, Policy: ar.Policy})
	if err != nil {
		return nil, fmt.Errorf("assuming role %s: %w", ar.RoleArn, err)
	}
	if resp.Credentials == nil || resp.Credentials.TmpSecretId == "" || resp.Credentials.TmpSecretKey == "" {
		return nil, fmt.Errorf("assuming role %s: STS answered without credentials (RequestId: %s)", ar.RoleArn, resp.RequestId)
	}
	c.cred = tccommon.NewTokenCredential(resp.Credentials.TmpSecretId, resp.Credentials.TmpSecretKey, resp.Credentials.Token)
	c.credExp = time.Unix(resp.ExpiredTime, 0)
	c.log.Debug(ctx, "tencentcloud role assumed", map[string]any{"role_arn": ar.RoleArn, "expires": c.credExp.UTC().Format(time.RFC3339)})
	return c.cred, nil
}

// renewAssumedRole forgets the temporary credentials when err says their
// token is no longer valid, so the next call assumes the role again. It
// reports whether it did.
func (c *TencentClient) renewAssumedRole(err error) bool {
	var te *TencentError
	if c.cfg.AssumeRole == nil || !errors.As(err, &te) || te.Code != "AuthFailure.TokenFailure" {
		return false
	}
	c.credMu.Lock()
	c.cred = nil
	c.credMu.Unlock()
	return true
}
