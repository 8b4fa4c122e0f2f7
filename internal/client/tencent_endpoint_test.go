package client

import (
	"strings"
	"testing"
)

// Errors about an endpoint quote it as written, but never its password.
func TestParseEndpointURLQuotes(t *testing.T) {
	for raw, want := range map[string]string{
		"http://":                           `"http://" has no host`,
		"ftp://x":                           `"ftp://x" must start with http:// or https://`,
		"http://user:S3cret@127.0.0.1:8787": `"http://user:xxxxx@127.0.0.1:8787" must not carry a query, fragment or user info`,
		"http://user@127.0.0.1/":            `"http://user@127.0.0.1/" must not carry a query, fragment or user info`,
		"http://u:S3cret@:99999":            `has port 99999`,
	} {
		_, _, err := ParseEndpointURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "S3cret") {
			t.Errorf("%s: %v, want %s and no password", raw, err, want)
		}
	}
}

// An endpoint written without its scheme gets the rule it broke, not the
// URL parser's words about path segments and colons.
func TestParseEndpointURLWithoutScheme(t *testing.T) {
	for _, raw := range []string{"127.0.0.1:8787", "localhost:8787", "api.ucloud.cn", "[::1]:8787/tencent/", "//127.0.0.1:8787", "u:S3cret@127.0.0.1:8787"} {
		_, _, err := ParseEndpointURL(raw)
		want := `"` + strings.Replace(raw, "u:S3cret", "xxxxx", 1) + `" must start with http:// or https://`
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", raw, err, want)
		}
	}
}
