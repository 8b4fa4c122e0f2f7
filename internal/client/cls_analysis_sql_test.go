package client

import (
	"errors"
	"strings"
	"testing"
)

// The statement sent always ends with the provider's LIMIT max_rows+1, so
// an answer longer than max_rows is known to be cut; SQL that could defeat
// that (its own LIMIT, a comment, a second statement), estimate (approx_*)
// or sample is refused before any call, saying why.
func TestAnalysisStatementEndsWithTheProvidersLimit(t *testing.T) {
	got, err := AnalysisStatement(`eventName:DeleteInstances`, `SELECT "userIdentity.principalId" AS principal, count(*) AS n GROUP BY principal ORDER BY n DESC`, 500)
	if err != nil {
		t.Fatal(err)
	}
	want := `eventName:DeleteInstances | SELECT "userIdentity.principalId" AS principal, count(*) AS n GROUP BY principal ORDER BY n DESC LIMIT 501`
	if got != want {
		t.Errorf("statement\n got %s\nwant %s", got, want)
	}
	if got, _ := AnalysisStatement("  ", "SELECT count(*) AS n", MaxAnalysisRows); got != "* | SELECT count(*) AS n LIMIT 10000" {
		t.Errorf("an empty search part: %s", got)
	}
	// Words that only look like the refused ones are kept.
	for _, sql := range []string{
		`SELECT 'limit 5' AS note, count(*) AS n`,
		`SELECT "offset" AS o, count(*) AS n GROUP BY "offset"`,
		`SELECT limited, count(*) AS n GROUP BY limited`,
		`SELECT 'it''s -- not a comment; | nor this' AS s`,
		`SELECT approx_note AS a`,
	} {
		if _, err := AnalysisStatement("*", sql, 10); err != nil {
			t.Errorf("%s: refused: %v", sql, err)
		}
	}
}

func TestAnalysisSQLRefusals(t *testing.T) {
	cases := map[string]string{
		`SELECT count(*) AS n LIMIT 5`:                           "LIMIT",
		`SELECT count(*) AS n limit 5`:                           "LIMIT",
		`SELECT x, count(*) AS n GROUP BY x OFFSET 10`:           "OFFSET",
		`SELECT x FROM (SELECT x LIMIT 3)`:                       "LIMIT",
		`SELECT x FETCH FIRST 5 ROWS ONLY`:                       "FETCH",
		`SELECT approx_distinct(userName) AS u`:                  "approximate aggregate",
		`SELECT APPROX_PERCENTILE(latency, 0.9) AS p`:            "approximate aggregate",
		`SELECT approx_distinct (userName) AS u`:                 "approximate aggregate",
		`SELECT count(*) AS n --`:                                "comment",
		"SELECT count(*) AS n /* the rest */":                    "comment",
		`SELECT count(*) AS n; SELECT 1`:                         "';'",
		`SELECT count(*) AS n | SELECT 1`:                        "'|'",
		`SELECT 'open`:                                           "unterminated",
		`DELETE FROM t`:                                          "one SELECT statement",
		``:                                                       "empty",
		`SELECT x TABLESAMPLE BERNOULLI (10)`:                    "TABLESAMPLE",
		`SELECT count(*) AS n WHERE "a" = 'b' LIMIT 1`:           "LIMIT",
		"SELECT count(*) AS n\n--\n":                             "comment",
		`SELECT count(*) AS n # hidden`:                          "comment",
		`SELECT 字段 AS n`:                                         "not ASCII",
		`SELECT count(*) AS n WHERE a = 'x' ` + "\t" + `limit 9`: "LIMIT",
	}
	for sql, want := range cases {
		_, err := AnalysisStatement("*", sql, 100)
		var se *AnalysisSQLError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, want) {
			t.Errorf("%q: got %v, want a refusal naming %s", sql, err, want)
		}
	}
	for _, n := range []int{0, -1, MaxAnalysisRows + 1} {
		if _, err := AnalysisStatement("*", "SELECT count(*) AS n", n); err == nil || !strings.Contains(err.Error(), "max_rows") {
			t.Errorf("max_rows %d: %v", n, err)
		}
	}
	if _, err := AnalysisStatement(`a | b`, "SELECT count(*) AS n", 10); err == nil {
		t.Error("a search part with a bare '|' was taken")
	}
	if _, err := AnalysisStatement(`msg:"a | b"`, "SELECT count(*) AS n", 10); err != nil {
		t.Errorf("a quoted '|' in the search part: %v", err)
	}
	long := "SELECT '" + strings.Repeat("x", MaxStatementChars) + "' AS s"
	if _, err := AnalysisStatement("*", long, 10); err == nil || !strings.Contains(err.Error(), "12000") {
		t.Errorf("a statement over the limit: %v", err)
	}
}

func TestParseAnalysisRecordsIsStrict(t *testing.T) {
	cols := []AnalysisColumn{{Name: "principal", Type: "varchar"}, {Name: "n", Type: "bigint"}, {Name: "extra", Type: "json"}}
	rows, err := ParseAnalysisRecords(cols, []string{
		`{"principal":"alice","n":12,"extra":{"a": [1, 2]}}`,
		`{"n":3,"principal":null,"extra":true}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	str := func(p *string) string {
		if p == nil {
			return "<null>"
		}
		return *p
	}
	got := []string{str(rows[0]["principal"]), str(rows[0]["n"]), str(rows[0]["extra"]), str(rows[1]["principal"]), str(rows[1]["n"]), str(rows[1]["extra"])}
	want := []string{"alice", "12", `{"a":[1,2]}`, "<null>", "3", "true"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("values %q, want %q", got, want)
	}
	bad := map[string]string{
		`{"principal":"a","n":1}`:                    `no value for the column "extra"`,
		`{"principal":"a","n":1,"extra":1,"more":2}`: `"more", which is not a column`,
		`{"principal":"a","n":1,"extra":1,"n":2}`:    `"n" twice`,
		`["a",1,true]`:                                      "not a JSON object",
		`alice,1,true`:                                      "not a JSON object",
		`{"principal":"a","n":1,"extra":1} {}`:              "more than one JSON value",
		`{"principal":"a","n":1,"extra":1`:                  "not a JSON object",
		`{"Principal":"a","n":1,"extra":1,"principal":"b"}`: `"Principal", which is not a column`,
	}
	for rec, want := range bad {
		_, err := ParseAnalysisRecords(cols, []string{`{"principal":"ok","n":0,"extra":null}`, rec})
		if err == nil || !strings.Contains(err.Error(), "row 2 of the answer") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want row 2 and %s", rec, err, want)
		}
	}
	if _, err := ParseAnalysisRecords([]AnalysisColumn{{Name: "n"}, {Name: "n"}}, nil); err == nil {
		t.Error("an answer naming a column twice was taken")
	}
}

func TestSamplingRateMustBeExact(t *testing.T) {
	if err := CheckSamplingRate(1); err != nil {
		t.Error(err)
	}
	for _, r := range []float64{0, 0.5, 0.02, 1.5} {
		if err := CheckSamplingRate(r); err == nil || !strings.Contains(err.Error(), "not on every matching log") {
			t.Errorf("rate %g: %v", r, err)
		}
	}
}

// The names an analysis reads, for the sql_flag check: fields bare or
// quoted, not keywords, functions, numbers, strings or the aliases it
// defines.
func TestAnalysisSQLNames(t *testing.T) {
	got := AnalysisSQLNames(`SELECT "userIdentity.userName" AS user, eventName, count(*) AS n WHERE errorCode = 0 AND sourceIPAddress LIKE '10.%' GROUP BY user, eventName ORDER BY n DESC`)
	want := []string{"userIdentity.userName", "eventName", "errorCode", "sourceIPAddress"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("names %q, want %q", got, want)
	}
}

// The one quote-aware scan of a CQL condition: what stands inside "…" or
// '…' (or after a \) is part of a phrase, not syntax.
func TestCQLHasUnquoted(t *testing.T) {
	for q, want := range map[string]bool{
		`eventName:DeleteUser`: true, `DeleteUser`: false, `"a:b"`: false, `'a:b'`: false,
		`msg:"x"`: true, `\:literal`: false, `"open \" still:open"`: false, `latency>100`: true,
	} {
		if got := CQLHasUnquoted(q, ":<>="); got != want {
			t.Errorf("%s key-value: %t, want %t", q, got, want)
		}
	}
	for q, want := range map[string]bool{`* | select 1`: true, `msg:"a | b"`: false, `msg:'a | b'`: false, `a \| b`: false} {
		if got := CQLHasUnquoted(q, "|"); got != want {
			t.Errorf("%s pipe: %t, want %t", q, got, want)
		}
	}
}
