package client

import (
	"context"
	"errors"
	"strings"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Named accounts: one provider configuration reads several Tencent Cloud
// accounts, each through a role it assumes with the provider's own key pair.
// Each account has a client of its own (its own credential, renewed once
// for all its waiters, and its own caller identity), and they all share the
// transport, the retry policy and one pacer, in which each account has
// budgets of its own: accounts read concurrently, each at its own rate.

// Throttling codes that name what is over its limit (API 3.0 common error
// codes, https://tencentcloud.com/document/api/1008/57564, and the SDKs'
// error lists): the account (its UIN) or the caller's IP address.
const (
	codeUinLimitExceeded            = "RequestLimitExceeded.UinLimitExceeded"
	codeGlobalRegionUinLimitExceeds = "RequestLimitExceeded.GlobalRegionUinLimitExceeded"
	codeIPLimitExceeded             = "RequestLimitExceeded.IPLimitExceeded"
)

// documentedTencentLimits are the actions whose documented limit is not
// DefaultTencentRateLimit: STS AssumeRole allows 600 calls per second
// (https://www.tencentcloud.com/document/product/1150/49456), so many
// accounts assume their roles at once without waiting for each other.
var documentedTencentLimits = map[string]float64{"sts/AssumeRole": 600}

// WithRole returns a client that reads as the role ar, assumed with this
// client's key pair (never with a role this client assumes itself). It
// shares this client's transport, retry policy and pacer; its budgets are
// those of the account that owns the role, apart from this client's. It
// makes no call: the role is assumed on first use, once for all callers,
// and again shortly before its credentials expire.
func (c *TencentClient) WithRole(ar AssumeRoleConfig) *TencentClient {
	cfg := c.cfg
	cfg.AssumeRole = &ar
	return &TencentClient{
		cfg: cfg, scheme: c.scheme, endpoint: c.endpoint, transport: c.transport, retry: c.retry, pace: c.pace, log: c.log, now: c.now,
		budgetKey: roleBudgetKey(cfg.SecretID, ar.RoleArn),
	}
}

// roleBudgetKey is the key a role's credentials are paced under: its
// account's, "uin/<account>", from the ARN; for an ARN of another shape,
// one of its own until GetCallerIdentity names the account.
func roleBudgetKey(secretID, roleArn string) string {
	if uin, ok := RoleAccount(roleArn); ok {
		return roleBudgetPrefix + uin
	}
	return secretID + "|" + roleArn
}

// isUin reports whether s is an account's UIN: digits only.
func isUin(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// RoleAccount returns the UIN of the account that owns a role, from its ARN
// "qcs::cam::uin/<uin>:roleName/<name>".
func RoleAccount(roleArn string) (string, bool) {
	rest, ok := strings.CutPrefix(roleArn, "qcs::cam::uin/")
	if !ok {
		return "", false
	}
	uin, _, ok := strings.Cut(rest, ":")
	if !ok || !isUin(uin) {
		return "", false
	}
	return uin, true
}

// RoleArn is the role this client reads as, or "" for the provider's own
// credentials.
func (c *TencentClient) RoleArn() string {
	if c.cfg.AssumeRole == nil {
		return ""
	}
	return c.cfg.AssumeRole.RoleArn
}

// holdOnLimit holds the budgets an answer says are over their limit: every
// call of this account for UinLimitExceeded, every call of every account
// read from this address for IPLimitExceeded. The failed call itself is
// retried after its backoff as every throttled call is; the hold keeps the
// other calls of the same account (or address) from adding to the excess
// meanwhile.
func (c *TencentClient) holdOnLimit(ctx context.Context, err error) {
	var te *TencentError
	if err == nil || !errors.As(err, &te) {
		return
	}
	switch te.Code {
	case codeUinLimitExceeded, codeGlobalRegionUinLimitExceeds:
		c.pace.hold(c.budgetKey, false, limitHold)
	case codeIPLimitExceeded:
		c.pace.hold("", true, limitHold)
	default:
		return
	}
	c.log.Debug(ctx, "tencentcloud limit reached: calls held", map[string]any{
		"code": te.Code, "budget": budgetLabel(c.budgetKey), "hold_ms": limitHold.Milliseconds(),
	})
}

// baseCredential is the provider's own key pair, with which roles are
// assumed.
func (c *TencentClient) baseCredential() *tccommon.Credential {
	return tccommon.NewTokenCredential(c.cfg.SecretID, c.cfg.SecretKey, c.cfg.SecurityToken)
}

// Domain is the root domain of the site the client calls, such as
// "intl.tencentcloudapi.com" (also when Endpoint replaces the hosts: it
// still names the site behind them).
func (c *TencentClient) Domain() string { return c.cfg.Domain }
