package client

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
)

// Where a Tencent Cloud client sends its calls: the root domain its service
// hosts are under, or one endpoint URL for every service. Both are checked
// here, whichever source (provider block, environment, profile file) gave
// them.

// TencentDomainPattern is what a root domain may be: a host name, with
// no user info, port or path. TencentDomainRule says so.
var TencentDomainPattern = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// TencentDomainRule is the message of a domain TencentDomainPattern refuses.
const TencentDomainRule = "must be a domain name such as intl.tencentcloudapi.com"

// DefaultTencentRootDomain is the root domain of Tencent Cloud's China site.
// Service hosts are "<service>.<root domain>".
const DefaultTencentRootDomain = "tencentcloudapi.com"

// ParseEndpointURL checks that raw is an absolute http or https URL with a
// host, a port (if any) from 1 to 65535 and no query, and returns its scheme
// and "host[:port][/path]". The path is kept as written, trailing slash
// included: a gateway routing "/tencent/" may not route "/tencent".
func ParseEndpointURL(raw string) (scheme, hostPath string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", fmt.Errorf("%q must start with http:// or https://", raw)
	}
	// A password in the URL is never quoted back.
	shown := raw
	if u.User != nil {
		shown = u.Redacted()
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("%q has no host", shown)
	}
	if err := checkPort(u); err != nil {
		return "", "", fmt.Errorf("%q %w", shown, err)
	}
	// User info would make the name before the @ read as the host
	// (http://api.ucloud.cn:x@127.0.0.1 goes to 127.0.0.1), in messages
	// and in evidence alike; neither API has a use for it.
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", "", fmt.Errorf("%q must not carry a query, fragment or user info", shown)
	}
	return u.Scheme, u.Host + u.EscapedPath(), nil
}

// checkPort refuses a URL whose port is outside 1-65535, which url.Parse
// accepts as long as it is digits.
func checkPort(u *url.URL) error {
	p := u.Port()
	if p == "" {
		return nil
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("has port %s: a port is a number from 1 to 65535", p)
	}
	return nil
}
