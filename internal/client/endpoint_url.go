package client

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The rules of an endpoint or base URL, shared by both clouds' clients and
// the provider's validation, so a URL is judged alike wherever it was set.

// ParseEndpointURL checks that raw is an absolute http or https URL with a
// host, a port (if any) from 1 to 65535 and no query, and returns its scheme
// and "host[:port][/path]". The path is kept as written, trailing slash
// included: a gateway routing "/tencent/" may not route "/tencent".
func ParseEndpointURL(raw string) (scheme, hostPath string, err error) {
	// Without "://" the parser reads "127.0.0.1:8787" as a path or
	// "localhost:8787" as a scheme; either way the rule broken is the scheme.
	lower := strings.ToLower(raw)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") && !strings.Contains(raw, "://") {
		return "", "", fmt.Errorf("%q must start with http:// or https://", withoutUserInfo(raw))
	}
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

// withoutUserInfo hides whatever precedes an "@" in a string that did not
// parse as a URL, since it may be a password.
func withoutUserInfo(raw string) string {
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		return "xxxxx" + raw[i:]
	}
	return raw
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
