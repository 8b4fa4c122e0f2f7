package client

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CLS runs the SQL part of a statement ("search | SQL") in the engine. Its
// answers are exact only under rules this file enforces before anything is
// sent (cls.md §8.3 and traps 1–2):
//   - without LIMIT, CLS returns 100 rows and says nothing of the rest, so
//     the statement always ends with LIMIT max_rows+1, and a longer answer
//     is known to be cut; the user's SQL may therefore hold no LIMIT (or
//     OFFSET, FETCH) of its own;
//   - approximate aggregates (approx_distinct, approx_percentile, …) give
//     estimates, which a control cannot count on;
//   - the statement may not end early or carry a second part: no ';', no
//     comment (which would swallow the appended LIMIT), no second '|'.

// MaxAnalysisRows is the most rows an analysis may ask for: CLS returns at
// most 10,000 rows a statement, and one more than asked is requested to
// know whether the answer was cut.
const MaxAnalysisRows = 9999

// MaxStatementChars is the longest statement CLS takes: 12,000 characters
// (the limits page; the SDK says 12 KB, and the lower bound is kept).
const MaxStatementChars = 12000

// AnalysisSQLError is SQL refused before any call; Reason says why in words
// a user can act on.
type AnalysisSQLError struct{ Reason string }

func (e *AnalysisSQLError) Error() string { return e.Reason }

// AnalysisStatement is the statement sent for an analysis: the search part,
// the user's SQL and the LIMIT that makes a cut answer detectable.
func AnalysisStatement(search, sql string, maxRows int) (string, error) {
	if maxRows < 1 || maxRows > MaxAnalysisRows {
		return "", &AnalysisSQLError{Reason: fmt.Sprintf("max_rows must be between 1 and %d (CLS returns at most 10,000 rows a statement, and one more than max_rows is asked for to know whether rows were left out); got %d", MaxAnalysisRows, maxRows)}
	}
	if err := CheckAnalysisSQL(sql); err != nil {
		return "", err
	}
	search = strings.TrimSpace(search)
	if search == "" {
		search = "*"
	}
	if CQLHasUnquoted(search, "|") {
		return "", &AnalysisSQLError{Reason: "the search part holds a '|' outside quotes: the SQL goes in its own argument"}
	}
	stmt := fmt.Sprintf("%s | %s LIMIT %d", search, strings.TrimSpace(sql), maxRows+1)
	if n := utf8.RuneCountInString(stmt); n > MaxStatementChars {
		return "", &AnalysisSQLError{Reason: fmt.Sprintf("the statement sent would be %d characters; CLS takes at most %d", n, MaxStatementChars)}
	}
	return stmt, nil
}

// CheckAnalysisSQL refuses SQL whose answer could be cut, sampled, estimated
// or changed by what is appended to it.
func CheckAnalysisSQL(sql string) error {
	toks, err := sqlTokens(sql)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return &AnalysisSQLError{Reason: "the SQL is empty"}
	}
	if !strings.EqualFold(toks[0].text, "SELECT") {
		return &AnalysisSQLError{Reason: fmt.Sprintf("the SQL must be one SELECT statement; it starts with %q", toks[0].text)}
	}
	for i, t := range toks {
		if t.kind != sqlWord {
			continue
		}
		word := strings.ToLower(t.text)
		switch word {
		case "limit", "offset", "fetch":
			return &AnalysisSQLError{Reason: fmt.Sprintf("the SQL holds %s: the provider sets the row limit from max_rows (LIMIT max_rows+1), so that an answer cut short is known; remove it and set max_rows", strings.ToUpper(word))}
		case "tablesample":
			return &AnalysisSQLError{Reason: "the SQL samples its rows (TABLESAMPLE): an analysis reads every matching log"}
		}
		if strings.HasPrefix(word, "approx_") && i+1 < len(toks) && toks[i+1].text == "(" {
			return &AnalysisSQLError{Reason: fmt.Sprintf("the SQL calls %s, an approximate aggregate: its result is an estimate, which a control cannot count on; use the exact function (count(DISTINCT …), …)", t.text)}
		}
	}
	return nil
}

type sqlTokenKind int

const (
	sqlWord sqlTokenKind = iota
	sqlString
	sqlQuotedName
	sqlSymbol
)

type sqlToken struct {
	kind sqlTokenKind
	text string
}

// sqlTokens splits SQL into words, quoted strings ('…', with ” inside),
// quoted names ("…", with "" inside) and symbols, refusing what would end
// the statement early or hide what follows it.
func sqlTokens(sql string) ([]sqlToken, error) {
	var out []sqlToken
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(sql[j:], c)
				if k < 0 {
					return nil, &AnalysisSQLError{Reason: fmt.Sprintf("the SQL has an unterminated %c quote at byte %d", c, i+1)}
				}
				j += k + 1
				if j < len(sql) && sql[j] == c { // a doubled quote stays inside
					j++
					continue
				}
				break
			}
			kind := sqlString
			if c == '"' {
				kind = sqlQuotedName
			}
			out = append(out, sqlToken{kind: kind, text: sql[i:j]})
			i = j
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-', c == '/' && i+1 < len(sql) && sql[i+1] == '*', c == '#':
			return nil, &AnalysisSQLError{Reason: fmt.Sprintf("the SQL holds a comment at byte %d: a comment could hide the LIMIT the provider appends", i+1)}
		case c == ';':
			return nil, &AnalysisSQLError{Reason: "the SQL holds ';': CLS takes one statement, without a trailing ';'"}
		case c == '|':
			return nil, &AnalysisSQLError{Reason: "the SQL holds '|' outside quotes: a statement has one search part and one SQL part"}
		case isSQLWordByte(c):
			j := i
			for j < len(sql) && isSQLWordByte(sql[j]) {
				j++
			}
			out = append(out, sqlToken{kind: sqlWord, text: sql[i:j]})
			i = j
		default:
			r, size := utf8.DecodeRuneInString(sql[i:])
			if unicode.IsLetter(r) {
				return nil, &AnalysisSQLError{Reason: fmt.Sprintf("the SQL holds %q outside quotes: quote names that are not ASCII", string(r))}
			}
			out = append(out, sqlToken{kind: sqlSymbol, text: sql[i : i+size]})
			i += size
		}
	}
	return out, nil
}

func isSQLWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// CQLHasUnquoted reports whether a CQL search condition holds one of chars
// outside its quoted phrases ("…" or '…', with \ escaping the next
// character): an unquoted '|' starts an SQL part, an unquoted ':', '<', '>'
// or '=' makes a key-value condition.
func CQLHasUnquoted(q, chars string) bool {
	var quote rune
	escaped := false
	for _, r := range q {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case strings.ContainsRune(chars, r):
			return true
		}
	}
	return false
}
