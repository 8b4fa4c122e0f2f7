package clssql

import (
	"strconv"
	"strings"
)

// The declared subset of CLS SQL the simulator runs (the guide lists it):
// one SELECT [DISTINCT] over the topic (no FROM), with WHERE, GROUP BY,
// HAVING, ORDER BY [ASC|DESC], LIMIT n, OFFSET s LIMIT n (CLS's order) or
// LIMIT n OFFSET s; the operators = <> != < <= > >= + - * / %, AND OR NOT,
// IN, LIKE, IS [NOT] NULL, BETWEEN, CASE WHEN; the functions below; strings
// in single quotes, names bare or in double quotes. Everything else, as an
// unknown column, is FailedOperation.SyntaxError: a statement the simulator
// cannot run exactly is refused, never guessed at.
var keywords = map[string]bool{
	"select": true, "distinct": true, "as": true, "where": true, "and": true, "or": true, "not": true,
	"in": true, "like": true, "is": true, "null": true, "between": true, "group": true, "by": true,
	"order": true, "asc": true, "desc": true, "limit": true, "offset": true, "having": true,
	"true": true, "false": true, "case": true, "when": true, "then": true, "else": true, "end": true,
}

// functions maps the CLS functions the subset takes to SQLite's.
// approx_distinct is counted exactly: CLS estimates it, and the simulator
// has nothing better to offer than the exact count (the provider refuses
// approximate aggregates before sending them).
var functions = map[string]string{
	"count": "count", "sum": "sum", "min": "min", "max": "max", "avg": "avg",
	"lower": "lower", "upper": "upper", "length": "length", "coalesce": "coalesce",
	"approx_distinct": "approx_distinct",
}

// clauseStarts are the words after which the select list has ended: FROM
// goes before the first of them at the top level.
var clauseStarts = map[string]bool{"where": true, "group": true, "having": true, "order": true, "limit": true, "offset": true}

type token struct {
	kind byte // 'w' word, 'n' number, 's' string, 'q' quoted name, 'p' punctuation
	text string
}

// parse checks query against the subset and returns the SQLite statement:
// the names quoted, FROM log added, the CLS row limit made explicit.
func parse(query string, fields []Field) (string, error) {
	toks, err := tokenize(query)
	if err != nil {
		return "", err
	}
	if len(toks) == 0 || toks[0].kind != 'w' || !strings.EqualFold(toks[0].text, "select") {
		return "", syntaxError("the SQL must be one SELECT statement")
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
	}
	aliases := map[string]bool{}
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind == 'w' && strings.EqualFold(toks[i].text, "as") && (toks[i+1].kind == 'w' || toks[i+1].kind == 'q') {
			aliases[unquote(toks[i+1])] = true
		}
	}
	var out []string
	depth, fromAt := 0, -1
	var limit, offset string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		lower := strings.ToLower(t.text)
		switch {
		case t.kind == 'p' && t.text == "(":
			depth++
		case t.kind == 'p' && t.text == ")":
			depth--
			if depth < 0 {
				return "", syntaxError("unbalanced ')'")
			}
		}
		if t.kind == 'w' && depth == 0 && clauseStarts[lower] && fromAt < 0 {
			fromAt = len(out)
		}
		switch {
		case t.kind == 'w' && (lower == "limit" || lower == "offset") && depth == 0:
			if i+1 >= len(toks) || toks[i+1].kind != 'n' {
				return "", syntaxError("%s must be followed by a number", strings.ToUpper(lower))
			}
			if lower == "limit" {
				limit = toks[i+1].text
			} else {
				offset = toks[i+1].text
			}
			i++
			continue
		case t.kind == 'w' && i+1 < len(toks) && toks[i+1].text == "(" && !keywords[lower]:
			fn, ok := functions[lower]
			if !ok {
				return "", syntaxError("the function %s is not in the simulator's SQL subset", t.text)
			}
			if fn == "approx_distinct" {
				out = append(out, "count", "(", "DISTINCT")
				i++ // the "("
				continue
			}
			out = append(out, fn)
		case t.kind == 'w' && lower == "from":
			return "", syntaxError("FROM is not in the simulator's SQL subset: the topic is the table, and subqueries are not taken")
		case t.kind == 'w' && keywords[lower]:
			out = append(out, strings.ToUpper(lower))
		case t.kind == 'w' || t.kind == 'q':
			name := unquote(t)
			prevAs := i > 0 && strings.EqualFold(toks[i-1].text, "as")
			switch {
			case prevAs || aliases[name] && !known[name]:
				out = append(out, sqlName(name))
			case known[name]:
				out = append(out, sqlName(name))
			default:
				return "", syntaxError("unknown column %q: only fields of the index with SQL statistics (sql_flag) can be analysed", name)
			}
		case t.kind == 'p' && (t.text == "{" || t.text == "}" || t.text == "[" || t.text == "]" || t.text == "?" || t.text == ":" || t.text == "@" || t.text == "$"):
			return "", syntaxError("%q is not in the simulator's SQL subset", t.text)
		default:
			out = append(out, t.text)
		}
	}
	if depth != 0 {
		return "", syntaxError("unbalanced '('")
	}
	n := DefaultRows
	if limit != "" {
		v, err := strconv.Atoi(limit)
		if err != nil || v < 0 {
			return "", syntaxError("LIMIT %s is not a row count", limit)
		}
		n = min(v, MaxRows)
	}
	if fromAt < 0 {
		fromAt = len(out)
	}
	stmt := strings.Join(nameColumns(out[:fromAt]), " ") + " FROM log " + strings.Join(out[fromAt:], " ")
	stmt += " LIMIT " + strconv.Itoa(n)
	if offset != "" {
		stmt += " OFFSET " + offset
	}
	return stmt, nil
}

func unquote(t token) string {
	if t.kind == 'q' {
		return strings.ReplaceAll(t.text[1:len(t.text)-1], `""`, `"`)
	}
	return t.text
}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'' || c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(s[j:], c)
				if k < 0 {
					return nil, syntaxError("unterminated quote")
				}
				j += k + 1
				if j < len(s) && s[j] == c {
					j++
					continue
				}
				break
			}
			kind := byte('s')
			if c == '"' {
				kind = 'q'
			}
			out = append(out, token{kind, s[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{'n', s[i:j]})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			out = append(out, token{'w', s[i:j]})
			i = j
		case c == ';':
			return nil, syntaxError("';' is not allowed: one statement, without a trailing ';'")
		case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '/' && i+1 < len(s) && s[i+1] == '*':
			return nil, syntaxError("comments are not in the simulator's SQL subset")
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			if two == "<=" || two == ">=" || two == "<>" || two == "!=" || two == "||" {
				out = append(out, token{'p', two})
				i += 2
				continue
			}
			if !strings.ContainsRune("(),*=<>+-/%", rune(c)) {
				return nil, syntaxError("%q is not in the simulator's SQL subset", string(c))
			}
			out = append(out, token{'p', string(c)})
			i++
		}
	}
	return out, nil
}

// nameColumns gives each select item that is neither a bare column nor
// aliased the name CLS gives it: _col0, _col1, … by position (the API's
// example column is _col0).
func nameColumns(list []string) []string {
	start := 1 // after SELECT
	if len(list) > 1 && list[1] == "DISTINCT" {
		start = 2
	}
	out := append([]string(nil), list[:start]...)
	var item []string
	pos, depth := 0, 0
	flush := func() {
		n := len(item)
		switch {
		case n == 1 && strings.HasPrefix(item[0], `"`), n == 1 && item[0] == "*":
		case n >= 2 && item[n-2] == "AS":
		default:
			item = append(item, "AS", sqlName("_col"+strconv.Itoa(pos)))
		}
		out = append(out, item...)
		item = nil
		pos++
	}
	for _, t := range list[start:] {
		switch t {
		case "(":
			depth++
		case ")":
			depth--
		}
		if t == "," && depth == 0 {
			flush()
			out = append(out, ",")
			continue
		}
		item = append(item, t)
	}
	if len(item) > 0 {
		flush()
	}
	return out
}
