// CLS search conditions: the CQL subset (QuerySyntax 1) and the Lucene
// forms (QuerySyntax/SyntaxRule 0) the simulator understands, parsed into
// one tree. The rules are cls.md §8.1 and §8.2 (the syntax page
// https://tencentcloud.com/document/product/614/37803): search works on
// tokens, never substrings; CQL joins adjacent conditions and the tokens
// of one unquoted value with AND, Lucene with OR; CQL operators are
// case-insensitive, Lucene's uppercase only; CQL nests at most 10 levels;
// no leading wildcard.

package cloudsim

import (
	"strconv"
	"strings"
	"unicode"
)

// clsSyntax is QuerySyntax / SyntaxRule: 0 Lucene, 1 CQL.
type clsSyntax int

const (
	clsLucene clsSyntax = 0
	clsCQL    clsSyntax = 1
)

// clsMaxNesting is CQL's documented nesting limit.
const clsMaxNesting = 10

// escapedStar stands for a `\*` (a literal asterisk) inside a value.
const escapedStar = '\uE000'

type clsNodeKind int

const (
	clsAll    clsNodeKind = iota // `*` or an empty statement
	clsAnd                       // kids[0] AND kids[1]
	clsOr                        // kids[0] OR kids[1]
	clsNot                       // NOT kids[0]
	clsTerm                      // key:value (key "" = full text), tokens joined by join
	clsPhrase                    // key:"a b": the tokens in order
	clsRange                     // key>n, key:>=n, key=n; Lucene [a TO b]
	clsExists                    // key:* (Lucene _exists_:key)
	clsEmpty                     // key:""
)

// clsNode is one node of a parsed search condition.
type clsNode struct {
	kind clsNodeKind
	kids []*clsNode
	key  string
	// clsTerm, clsPhrase: the value's tokens, each possibly with wildcards.
	tokens []string
	join   clsNodeKind // clsAnd or clsOr, for a term's tokens
	// clsRange: bounds; a missing bound is ±Inf.
	lo, hi         float64
	loIncl, hiIncl bool
	// leaf numbers the leaves of a query, for the evaluator's memo.
	leaf int
}

// clsSyntaxError is a statement that does not parse.
type clsSyntaxError struct{ msg string }

func (e *clsSyntaxError) Error() string { return e.msg }

type clsLexKind int

const (
	lexWord clsLexKind = iota
	lexQuoted
	lexLParen
	lexRParen
	lexColon
	lexCmp
	lexLBracket // [ or {
	lexRBracket // ] or }
)

type clsLex struct {
	kind clsLexKind
	text string
}

// lexCLS splits a statement into lexemes. Escapes (`\x`) keep x literal;
// an escaped `*` becomes escapedStar so that it is no wildcard.
func lexCLS(s string, syntax clsSyntax) ([]clsLex, error) {
	var out []clsLex
	rs := []rune(s)
	special := func(r rune) bool {
		switch r {
		case '(', ')', ':', '"', '\'', '<', '>', '=':
			return true
		case '[', ']', '{', '}':
			return syntax == clsLucene
		}
		return unicode.IsSpace(r)
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			out = append(out, clsLex{lexLParen, "("})
			i++
		case r == ')':
			out = append(out, clsLex{lexRParen, ")"})
			i++
		case r == ':':
			out = append(out, clsLex{lexColon, ":"})
			i++
		case syntax == clsLucene && (r == '[' || r == '{'):
			out = append(out, clsLex{lexLBracket, string(r)})
			i++
		case syntax == clsLucene && (r == ']' || r == '}'):
			out = append(out, clsLex{lexRBracket, string(r)})
			i++
		case r == '<' || r == '>' || r == '=':
			op := string(r)
			if r != '=' && i+1 < len(rs) && rs[i+1] == '=' {
				op += "="
			}
			out = append(out, clsLex{lexCmp, op})
			i += len(op)
		case r == '"' || r == '\'':
			quote := r
			var b strings.Builder
			j := i + 1
			closed := false
			for ; j < len(rs); j++ {
				c := rs[j]
				if c == '\\' && j+1 < len(rs) && (rs[j+1] == quote || rs[j+1] == '*') {
					if rs[j+1] == '*' {
						b.WriteRune(escapedStar)
					} else {
						b.WriteRune(quote)
					}
					j++
					continue
				}
				if c == quote {
					closed = true
					break
				}
				b.WriteRune(c)
			}
			if !closed {
				return nil, &clsSyntaxError{"unterminated quoted phrase"}
			}
			out = append(out, clsLex{lexQuoted, b.String()})
			i = j + 1
		default:
			var b strings.Builder
			j := i
			for ; j < len(rs) && !special(rs[j]); j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
					if rs[j] == '*' {
						b.WriteRune(escapedStar)
					} else {
						b.WriteRune(rs[j])
					}
					continue
				}
				b.WriteRune(rs[j])
			}
			out = append(out, clsLex{lexWord, b.String()})
			i = j
		}
	}
	return out, nil
}

// clsParser is a recursive-descent parser over the lexemes.
type clsParser struct {
	lex    []clsLex
	pos    int
	syntax clsSyntax
	depth  int
	leaves int
	tok    clsTokenizer
}

// parseCLSQuery parses a search condition (the part before any `|`).
func parseCLSQuery(q string, syntax clsSyntax, tok clsTokenizer) (*clsNode, error) {
	trimmed := strings.TrimSpace(q)
	if trimmed == "" || trimmed == "*" {
		return &clsNode{kind: clsAll}, nil
	}
	lex, err := lexCLS(trimmed, syntax)
	if err != nil {
		return nil, err
	}
	p := &clsParser{lex: lex, syntax: syntax, tok: tok}
	n, err := p.parseOr("")
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.lex) {
		return nil, &clsSyntaxError{"unexpected `" + p.lex[p.pos].text + "`"}
	}
	return n, nil
}

func (p *clsParser) peek() (clsLex, bool) {
	if p.pos < len(p.lex) {
		return p.lex[p.pos], true
	}
	return clsLex{}, false
}

// isOp reports whether a lexeme is the operator op: CQL's operators are
// case-insensitive, Lucene's are uppercase only ("and" is a word) or
// written && and ! (a `|` starts the SQL part, so || never reaches here).
func (p *clsParser) isOp(l clsLex, op string) bool {
	if l.kind != lexWord {
		return false
	}
	if p.syntax == clsCQL {
		return strings.EqualFold(l.text, op)
	}
	return l.text == op || l.text == map[string]string{"AND": "&&", "NOT": "!"}[op]
}

func (p *clsParser) parseOr(key string) (*clsNode, error) {
	left, err := p.parseAnd(key)
	if err != nil {
		return nil, err
	}
	for {
		l, ok := p.peek()
		if !ok || !p.isOp(l, "OR") {
			return left, nil
		}
		p.pos++
		right, err := p.parseAnd(key)
		if err != nil {
			return nil, err
		}
		left = &clsNode{kind: clsOr, kids: []*clsNode{left, right}}
	}
}

func (p *clsParser) parseAnd(key string) (*clsNode, error) {
	left, err := p.parseUnary(key)
	if err != nil {
		return nil, err
	}
	for {
		l, ok := p.peek()
		switch {
		case !ok || l.kind == lexRParen || p.isOp(l, "OR"):
			return left, nil
		case p.isOp(l, "AND"):
			p.pos++
			right, err := p.parseUnary(key)
			if err != nil {
				return nil, err
			}
			left = &clsNode{kind: clsAnd, kids: []*clsNode{left, right}}
		case p.isOp(l, "NOT"):
			// `a NOT b` is a minus b.
			p.pos++
			right, err := p.parseUnary(key)
			if err != nil {
				return nil, err
			}
			left = &clsNode{kind: clsAnd, kids: []*clsNode{left, {kind: clsNot, kids: []*clsNode{right}}}}
		default:
			// Adjacent conditions: AND in CQL, OR in Lucene (a space means OR).
			right, err := p.parseUnary(key)
			if err != nil {
				return nil, err
			}
			join := clsAnd
			if p.syntax == clsLucene {
				join = clsOr
			}
			left = &clsNode{kind: join, kids: []*clsNode{left, right}}
		}
	}
}

func (p *clsParser) parseUnary(key string) (*clsNode, error) {
	if l, ok := p.peek(); ok && p.isOp(l, "NOT") {
		p.pos++
		n, err := p.parseUnary(key)
		if err != nil {
			return nil, err
		}
		return &clsNode{kind: clsNot, kids: []*clsNode{n}}, nil
	}
	return p.parsePrimary(key)
}

func (p *clsParser) group(key string) (*clsNode, error) {
	p.pos++ // (
	p.depth++
	if p.syntax == clsCQL && p.depth > clsMaxNesting {
		return nil, &clsSyntaxError{"more than 10 levels of parentheses"}
	}
	n, err := p.parseOr(key)
	if err != nil {
		return nil, err
	}
	if l, ok := p.peek(); !ok || l.kind != lexRParen {
		return nil, &clsSyntaxError{"missing `)`"}
	}
	p.pos++
	p.depth--
	return n, nil
}

func (p *clsParser) parsePrimary(key string) (*clsNode, error) {
	l, ok := p.peek()
	if !ok {
		return nil, &clsSyntaxError{"the statement ends where a condition is expected"}
	}
	switch l.kind {
	case lexLParen:
		return p.group(key)
	case lexQuoted:
		p.pos++
		return p.valueNode(key, l.text, true)
	case lexWord:
		p.pos++
		next, more := p.peek()
		if more && next.kind == lexColon && key == "" {
			p.pos++
			return p.afterKey(l.text)
		}
		if more && next.kind == lexCmp && key == "" && p.syntax == clsCQL {
			return p.comparison(l.text)
		}
		return p.valueNode(key, l.text, false)
	}
	return nil, &clsSyntaxError{"unexpected `" + l.text + "`"}
}

// afterKey parses what follows `key:`.
func (p *clsParser) afterKey(key string) (*clsNode, error) {
	l, ok := p.peek()
	if !ok {
		return nil, &clsSyntaxError{"no value after `" + key + ":`"}
	}
	if p.syntax == clsLucene && key == "_exists_" && l.kind == lexWord {
		p.pos++
		return p.leafNode(&clsNode{kind: clsExists, key: l.text}), nil
	}
	switch l.kind {
	case lexCmp:
		return p.comparison(key)
	case lexLParen:
		return p.group(key)
	case lexQuoted:
		p.pos++
		if l.text == "" {
			return p.leafNode(&clsNode{kind: clsEmpty, key: key}), nil
		}
		return p.valueNode(key, l.text, true)
	case lexLBracket:
		return p.luceneRange(key)
	case lexWord:
		p.pos++
		if l.text == "*" {
			return p.leafNode(&clsNode{kind: clsExists, key: key}), nil
		}
		return p.valueNode(key, l.text, false)
	}
	return nil, &clsSyntaxError{"unexpected `" + l.text + "` after `" + key + ":`"}
}

// comparison parses `op number` after a key.
func (p *clsParser) comparison(key string) (*clsNode, error) {
	op := p.lex[p.pos].text
	p.pos++
	l, ok := p.peek()
	if !ok || l.kind != lexWord {
		return nil, &clsSyntaxError{"a number must follow `" + key + op + "`"}
	}
	p.pos++
	v, err := strconv.ParseFloat(l.text, 64)
	if err != nil {
		return nil, &clsSyntaxError{"`" + l.text + "` is not a number"}
	}
	n := &clsNode{kind: clsRange, key: key, lo: negInf, hi: posInf}
	switch op {
	case ">":
		n.lo = v
	case ">=":
		n.lo, n.loIncl = v, true
	case "<":
		n.hi = v
	case "<=":
		n.hi, n.hiIncl = v, true
	case "=":
		n.lo, n.hi, n.loIncl, n.hiIncl = v, v, true, true
	}
	return p.leafNode(n), nil
}

// luceneRange parses `[a TO b]` (inclusive) or `{a TO b}` (exclusive).
func (p *clsParser) luceneRange(key string) (*clsNode, error) {
	open := p.lex[p.pos].text
	p.pos++
	if p.pos+3 > len(p.lex) || p.lex[p.pos].kind != lexWord || p.lex[p.pos+1].text != "TO" ||
		p.lex[p.pos+2].kind != lexWord || p.pos+3 >= len(p.lex) || p.lex[p.pos+3].kind != lexRBracket {
		return nil, &clsSyntaxError{"a range is `[a TO b]` or `{a TO b}`"}
	}
	lo, hi, closing := p.lex[p.pos].text, p.lex[p.pos+2].text, p.lex[p.pos+3].text
	p.pos += 4
	n := &clsNode{kind: clsRange, key: key, lo: negInf, hi: posInf, loIncl: open == "[", hiIncl: closing == "]"}
	var err error
	if lo != "*" {
		if n.lo, err = strconv.ParseFloat(lo, 64); err != nil {
			return nil, &clsSyntaxError{"`" + lo + "` is not a number"}
		}
	}
	if hi != "*" {
		if n.hi, err = strconv.ParseFloat(hi, 64); err != nil {
			return nil, &clsSyntaxError{"`" + hi + "` is not a number"}
		}
	}
	return p.leafNode(n), nil
}

// valueNode is a term or a phrase on key ("" = full text).
func (p *clsParser) valueNode(key, value string, phrase bool) (*clsNode, error) {
	if value == "*" && key == "" && !phrase {
		return &clsNode{kind: clsAll}, nil
	}
	tokens := p.tok.split(value, true)
	for _, t := range tokens {
		if strings.HasPrefix(t, "*") || (p.syntax == clsLucene && strings.HasPrefix(t, "?")) {
			return nil, &clsSyntaxError{"a wildcard may not start a word: `" + strings.ReplaceAll(value, string(escapedStar), "*") + "`"}
		}
	}
	if len(tokens) == 0 {
		// Only delimiters: matches what `key:""` matches.
		return p.leafNode(&clsNode{kind: clsEmpty, key: key}), nil
	}
	n := &clsNode{kind: clsTerm, key: key, tokens: tokens, join: clsAnd}
	if phrase {
		n.kind = clsPhrase
	} else if p.syntax == clsLucene {
		n.join = clsOr
	}
	return p.leafNode(n), nil
}

func (p *clsParser) leafNode(n *clsNode) *clsNode {
	n.leaf = p.leaves
	p.leaves++
	return n
}

// keys lists the keys a condition names, for the index checks.
func (n *clsNode) keys(out map[string]bool) {
	if n.kind >= clsTerm && n.key != "" {
		out[n.key] = true
	}
	for _, k := range n.kids {
		k.keys(out)
	}
}

// leafCount is how many leaves a parsed condition has.
func (n *clsNode) leafCount() int {
	if n.kind >= clsTerm {
		return n.leaf + 1
	}
	most := 0
	for _, k := range n.kids {
		most = max(most, k.leafCount())
	}
	return most
}
