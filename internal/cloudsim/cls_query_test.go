package cloudsim

import "testing"

// Malformed statements are syntax errors, never a panic; well-formed ones
// parse under both syntaxes where both allow them.
func TestCLSParserRefusesMalformedStatements(t *testing.T) {
	tok := clsTokenizer{delims: clsDefaultTokenizer}
	for _, q := range []string{")", "(", ":", "a:", ":b", `"`, `'abc`, "[", "key:[1 TO", "key:[1 TO 2", "a AND", "NOT", "key:>",
		`\`, `a\`, "a OR OR b", "key:(a", "key:{x TO y}", "k:>x", "a:b:c", "*a", "a:*b"} {
		for _, syntax := range []clsSyntax{clsCQL, clsLucene} {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%q (syntax %d): panic %v", q, syntax, r)
					}
				}()
				_, _ = parseCLSQuery(q, syntax, tok)
			}()
		}
	}
	for _, q := range []string{`a`, `k:v`, `k:"a b"`, `k:(a OR b)`, `NOT k:v`, `k:v*`, `k:*`, `k:""`, `k:>=3`, `(a)`, `a\:b`} {
		for _, syntax := range []clsSyntax{clsCQL, clsLucene} {
			if _, err := parseCLSQuery(q, syntax, tok); err != nil {
				t.Errorf("%q (syntax %d): %v", q, syntax, err)
			}
		}
	}
}
