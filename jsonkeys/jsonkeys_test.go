package jsonkeys

import (
	"errors"
	"strings"
	"testing"
)

func TestScanFindsRepeatedKeys(t *testing.T) {
	many := `{`
	for i := range 40 {
		many += `"k` + strings.Repeat("x", i) + `":1,`
	}
	for _, tc := range []struct{ body, want string }{
		{`{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, ""},
		{`{"a":"}{\"a\":","b":"\\","c":"x\\\"y"}`, ""},
		{`{"a":1,"A":2}`, `duplicate key "A" in the top-level object (the same field as "a"`},
		{"{\"s\":1,\"\u017f\":2}", "duplicate key \"\u017f\""}, // the long s folds to s
		{`{"k":1,"\u212a":2}`, "duplicate key \"\u212a\""},     // the Kelvin sign, escaped, folds to k
		{`{"éa":1,"ÉA":2}`, `duplicate key "ÉA"`},
		{`{"ab":1,"abc":2,"a\u0062":3}`, `duplicate key "ab"`},
		{`[[{"x":[{"y":1,"y":2}]}]]`, `duplicate key "y" in [0][0].x[0]`},
		{many + `"kxxx":2}`, `duplicate key "kxxx"`},
		{many + `"KXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX":2}`, `duplicate key "KXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"`},
		{many + `"new":2}`, ""},
		{`{"a":[],"b":{},"c":null,"d":true,"e":-1.5e3,"f":""}`, ""},
		{"\xef\xbb\xbf" + `{"a":1,"a":2}`, `duplicate key "a"`}, // behind a byte order mark
		{`{"auditlog":{"policy":{"controls":{},"window_days":1,"controls":{}}}}`, `duplicate key "controls" in auditlog.policy`},
		{strings.Repeat(`[`, 50) + `{"z":1,"z":2}` + strings.Repeat(`]`, 50), `duplicate key "z" in …[0][0]`},
	} {
		_, err := Scan([]byte(tc.body), "", nil)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%.60s: %v", tc.body, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%.60s: error %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestDuplicateKeyErrorNamesKeyAndPlace(t *testing.T) {
	_, err := Scan([]byte(`{"a":{"b":[{"c":1},{"c":1,"c":2}]}}`), "", nil)
	var dup *DuplicateKeyError
	if !errors.As(err, &dup) {
		t.Fatalf("error %v, want a *DuplicateKeyError", err)
	}
	if dup.Key != "c" || dup.Where() != "a.b[1]" {
		t.Errorf("key %q where %q, want c in a.b[1]", dup.Key, dup.Where())
	}
}

func TestScanReportsWantedKeys(t *testing.T) {
	present, err := Scan([]byte(`{"Response":{"data":[],"Other":{"Total":1}},"Total":2}`), "Response", []string{"Data", "Total"})
	if err != nil || present != 1 {
		t.Errorf("present %b, %v; want only Data, matched as encoding/json does", present, err)
	}
}
