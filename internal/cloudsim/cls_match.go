// Matching a parsed CLS condition against one log, token by token as the
// index tokenizes it (cls.md §8: `error` does not match `errorMessage`).

package cloudsim

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	negInf = math.Inf(-1)
	posInf = math.Inf(1)
)

// clsDefaultTokenizer is the delimiter set the simulator's indexes use: the
// console's default for key-value text fields (each character a
// delimiter). `.` and `-` are not delimiters, so host names and UUIDs stay
// whole tokens.
const clsDefaultTokenizer = "@&()='\",;:<>[]{}/ \n\t\r"

// clsTokenizer splits values into tokens as an index does.
type clsTokenizer struct {
	delims        string
	caseSensitive bool
}

// split cuts s at the delimiters; query values keep `*` (and escapedStar)
// inside their tokens.
func (t clsTokenizer) split(s string, query bool) []string {
	if !t.caseSensitive {
		s = strings.ToLower(s)
	}
	return strings.FieldsFunc(s, func(r rune) bool {
		if query && (r == '*' || r == '?' || r == escapedStar) {
			return false
		}
		return strings.ContainsRune(t.delims, r)
	})
}

// clsField is one key of a log: its text, and whether the log holds a
// JSON number there.
type clsField struct {
	key, val string
	num      bool
}

// tokenMatches compares a query token (with wildcards: `*` any run, and
// in Lucene `?` one character) with a log token.
func tokenMatches(pattern, token string, lucene bool) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return strings.ReplaceAll(pattern, string(escapedStar), "*") == token
	}
	return globMatch([]rune(pattern), []rune(token), lucene)
}

func globMatch(p, s []rune, lucene bool) bool {
	for len(p) > 0 {
		switch {
		case p[0] == '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(p, s[i:], lucene) {
					return true
				}
			}
			return false
		case lucene && p[0] == '?':
			if len(s) == 0 {
				return false
			}
		default:
			want := p[0]
			if want == escapedStar {
				want = '*'
			}
			if len(s) == 0 || s[0] != want {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return len(s) == 0
}

// clsMatcher evaluates one leaf against a log's fields.
type clsMatcher struct {
	tok    clsTokenizer
	types  map[string]string // key-value index: key -> long, double, text, json
	lucene bool
}

// fieldOf finds key in fields.
func fieldOf(fields []clsField, key string) (clsField, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return clsField{}, false
}

func (m *clsMatcher) numeric(key string) bool {
	t := m.types[key]
	return t == "long" || t == "double"
}

// leaf reports whether fields satisfy the leaf n.
func (m *clsMatcher) leaf(n *clsNode, fields []clsField) bool {
	switch n.kind {
	case clsExists:
		f, ok := fieldOf(fields, n.key)
		if m.numeric(n.key) {
			return ok && f.val != ""
		}
		return ok
	case clsEmpty:
		f, ok := fieldOf(fields, n.key)
		if m.numeric(n.key) {
			return !ok || f.val == ""
		}
		return ok && len(m.tok.split(f.val, false)) == 0
	case clsRange:
		f, ok := fieldOf(fields, n.key)
		if !ok {
			return false
		}
		v, err := strconv.ParseFloat(f.val, 64)
		if err != nil {
			return false
		}
		return (v > n.lo || n.loIncl && v == n.lo) && (v < n.hi || n.hiIncl && v == n.hi)
	case clsTerm, clsPhrase:
		if n.key != "" {
			f, ok := fieldOf(fields, n.key)
			if !ok {
				return false
			}
			return m.valueMatches(n, [][]string{m.tok.split(f.val, false)})
		}
		all := make([][]string, 0, len(fields))
		for _, f := range fields {
			all = append(all, m.tok.split(f.val, false))
		}
		return m.valueMatches(n, all)
	}
	return false
}

// valueMatches applies a term or phrase to the token lists of one field
// (a key-value condition) or of every field (full text).
func (m *clsMatcher) valueMatches(n *clsNode, values [][]string) bool {
	if n.kind == clsPhrase {
		for _, toks := range values {
			if m.phraseIn(n.tokens, toks) {
				return true
			}
		}
		return false
	}
	for _, pattern := range n.tokens {
		found := false
		for _, toks := range values {
			for _, t := range toks {
				if tokenMatches(pattern, t, m.lucene) {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if found && n.join == clsOr {
			return true
		}
		if !found && n.join == clsAnd {
			return false
		}
	}
	return n.join == clsAnd
}

func (m *clsMatcher) phraseIn(pattern, toks []string) bool {
	for start := 0; start+len(pattern) <= len(toks); start++ {
		ok := true
		for j, p := range pattern {
			if !tokenMatches(p, toks[start+j], m.lucene) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == utf8.RuneError && size == 1:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[byte(r)>>4])
			b.WriteByte("0123456789abcdef"[byte(r)&0xf])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}
