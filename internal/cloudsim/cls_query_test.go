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

func TestCLSParseTopicOptions(t *testing.T) {
	id, o, err := ParseCLSTopic("5a1c0001-4d2e-4c1a-9e7b-3f00aa000001:userIdentity=json,cold,isolated,no-cql,period=90,hot-period=7,ia-window=omit,time=delivery")
	want := CLSTopicOptions{JSONUserIdentity: true, Cold: true, Isolated: true, NoCQL: true, Period: 90, HotPeriod: 7, IAWindow: "omit", DeliveryTime: true}
	if err != nil || id != "5a1c0001-4d2e-4c1a-9e7b-3f00aa000001" || o != want {
		t.Errorf("ParseCLSTopic = %q, %+v, %v", id, o, err)
	}
	if _, o, err := ParseCLSTopic("t:ia-window=search"); err != nil || o.IAWindow != "" {
		t.Errorf("ia-window=search: %+v, %v", o, err)
	}
	_, o, err = ParseCLSTopic("t:offset=unknown,offset-cap=5000,offset-cap-code=reach-limit")
	if want := (CLSTopicOptions{OffsetRefusal: "unknown", OffsetCap: 5000, OffsetCapCode: "reach-limit"}); err != nil || o != want {
		t.Errorf("offset options: %+v, %v", o, err)
	}
	if _, o, err := ParseCLSTopic("t:offset-cap-code=invalid"); err != nil || o.OffsetCapCode != "" {
		t.Errorf("offset-cap-code=invalid: %+v, %v", o, err)
	}
	for _, bad := range []string{"", ":cold", "t:colour", "t:userIdentity=xml", "t:period=x", "t:ia-window=later", "t:time=now",
		"t:offset=ignored", "t:offset-cap=x", "t:offset-cap-code=later"} {
		if _, _, err := ParseCLSTopic(bad); err == nil {
			t.Errorf("ParseCLSTopic(%q) accepted", bad)
		}
	}
}
