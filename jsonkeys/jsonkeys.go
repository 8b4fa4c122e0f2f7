// Package jsonkeys finds repeated keys in JSON documents.
//
// An object whose key repeats is ambiguous: encoding/json keeps the last
// value ({"Tracks":[a,b,c],"Tracks":[d]} reads as one tracking set), another
// reader the first. encoding/json also matches keys to fields without regard
// to case, so "TotalCount" and "totalcount" fill one field, the later
// winning. The API clients refuse such an answer as damaged; the gate refuses
// such policy data. Both name the key and where it is.
package jsonkeys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DuplicateKeyError is a key that repeats in one object of a document.
type DuplicateKeyError struct {
	Key     string   // the repeated key, as it appears the second time
	Earlier string   // the first spelling, when it differs in case
	Path    []string // the steps to the object (".name", "[2]"), from the inside out
	Cut     bool     // Path lacks its outer steps
}

func (e *DuplicateKeyError) Error() string {
	where := e.Where()
	if e.Earlier != "" && e.Earlier != e.Key {
		return fmt.Sprintf("duplicate key %s in %s (the same field as %s: keys match without regard to case)", quoteKey(e.Key), where, quoteKey(e.Earlier))
	}
	return fmt.Sprintf("duplicate key %s in %s", quoteKey(e.Key), where)
}

// quoteKey quotes a key for a message, cut to a sane length.
func quoteKey(k string) string {
	const maxLen = 60
	if len(k) > maxLen {
		k = k[:maxLen] + "…"
	}
	return strconv.Quote(k)
}

// Where names the object holding the key: "the top-level object" or a
// path such as "auditlog.policy.controls" or "Response.Tracks[3]".
func (e *DuplicateKeyError) Where() string {
	if len(e.Path) == 0 {
		return "the top-level object"
	}
	var b strings.Builder
	for i := len(e.Path) - 1; i >= 0; i-- { // built from the inside out
		b.WriteString(e.Path[i])
	}
	where := strings.TrimPrefix(b.String(), ".")
	if e.Cut {
		where = "…" + where
	}
	return where
}

// Scan walks body, a JSON document that encoding/json has already
// decoded without error, and reports the first object that repeats a key
// (as encoding/json matches keys: without regard to case). It also reports
// which of want are keys of the object under the top-level key at (the
// top-level object itself when at is ""), as bits of present: bit i for
// want[i].
func Scan(body []byte, at string, want []string) (present uint64, err error) {
	var keys [64]jsonKey // enough for the usual answer without allocating
	// A UTF-8 byte order mark, which a caller may accept (RFC 8259 allows
	// a parser to ignore it), is not the document.
	s := jsonKeyScanner{b: bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), at: at, want: want, keys: keys[:0]}
	s.skipSpace()
	if err := s.value(0, at == ""); err != nil {
		return 0, err
	}
	return s.present, nil
}

type jsonKeyScanner struct {
	b       []byte
	i       int
	at      string
	want    []string
	present uint64
	keys    []jsonKey // keys of the objects open, innermost last
}

// jsonKey is a key of an open object.
type jsonKey struct {
	b     []byte
	ascii bool
}

func (s *jsonKeyScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value skips one value; target marks the object whose keys are wanted.
func (s *jsonKeyScanner) value(depth int, target bool) error {
	if s.i >= len(s.b) {
		return nil
	}
	switch s.b[s.i] {
	case '{':
		return s.object(depth, target)
	case '[':
		return s.array(depth)
	case '"':
		s.str()
	default:
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return nil
			}
			s.i++
		}
	}
	return nil
}

// str skips a string and returns its content, quotes excluded.
func (s *jsonKeyScanner) str() []byte {
	s.i++ // the opening quote
	start := s.i
	for {
		j := bytes.IndexByte(s.b[s.i:], '"')
		if j < 0 {
			s.i = len(s.b)
			return s.b[start:]
		}
		s.i += j
		// A quote preceded by an odd number of backslashes is escaped.
		n := 0
		for k := s.i - 1; k >= start && s.b[k] == '\\'; k-- {
			n++
		}
		s.i++
		if n%2 == 0 {
			return s.b[start : s.i-1]
		}
	}
}

func (s *jsonKeyScanner) array(depth int) error {
	s.i++
	for n := 0; ; n++ {
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] == ']' {
			s.i++
			return nil
		}
		if err := s.value(depth+1, false); err != nil {
			return within(err, "["+strconv.Itoa(n)+"]")
		}
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
		}
	}
}

func (s *jsonKeyScanner) object(depth int, target bool) error {
	s.i++
	frame := len(s.keys)
	// Few objects have many keys; those that do are looked up by the keys'
	// folded forms instead of key by key.
	const linear = 24
	var folded map[string][]byte
	for {
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] == '}' {
			s.i++
			s.keys = s.keys[:frame]
			return nil
		}
		raw := s.str()
		key := raw
		if bytes.IndexByte(raw, '\\') >= 0 {
			// The quoted key, escapes and all, as encoding/json reads it.
			var unq string
			if json.Unmarshal(s.b[s.i-len(raw)-2:s.i], &unq) == nil {
				key = []byte(unq)
			}
		}
		this := jsonKey{b: key, ascii: isASCII(key)}
		keys := s.keys[frame:]
		var prev []byte
		switch {
		case folded != nil:
			prev = folded[string(foldKey(key))]
		case len(keys) == linear:
			folded = make(map[string][]byte, 2*linear)
			for _, k := range keys {
				folded[string(foldKey(k.b))] = k.b
			}
			prev = folded[string(foldKey(key))]
		default:
			for _, k := range keys {
				if k.ascii && this.ascii && len(k.b) != len(key) {
					continue // the usual case, decided at once
				}
				if sameKey(k.b, key) {
					prev = k.b
					break
				}
			}
		}
		if prev != nil {
			return &DuplicateKeyError{Key: string(key), Earlier: string(prev)}
		}
		s.keys = append(s.keys, this)
		if folded != nil {
			folded[string(foldKey(key))] = key
		}
		if target {
			for i, w := range s.want {
				if i < 64 && sameKey(key, []byte(w)) {
					s.present |= 1 << i
				}
			}
		}
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == ':' {
			s.i++
		}
		s.skipSpace()
		child := depth == 0 && s.at != "" && sameKey(key, []byte(s.at))
		if err := s.value(depth+1, child); err != nil {
			return within(err, "."+string(key))
		}
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
		}
	}
}

// within adds a step to the path of a duplicate key found inside it; a
// message names at most maxPathSteps, the innermost.
func within(err error, step string) error {
	const maxPathSteps, maxStep = 16, 40
	var e *DuplicateKeyError
	switch {
	case !errors.As(err, &e):
	case len(e.Path) == maxPathSteps:
		e.Cut = true
	default:
		if len(step) > maxStep {
			step = step[:maxStep] + "…"
		}
		e.Path = append(e.Path, step)
	}
	return err
}

// sameKey reports whether encoding/json takes a and b for one field name:
// bytes.EqualFold, with a fast path for the usual ASCII keys.
func sameKey(a, b []byte) bool {
	if len(a) != len(b) {
		return (!isASCII(a) || !isASCII(b)) && bytes.EqualFold(a, b)
	}
	for i := range a {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x >= utf8.RuneSelf || y >= utf8.RuneSelf {
			return bytes.EqualFold(a, b)
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldKey is b's canonical folded form: equal for two keys exactly when
// bytes.EqualFold holds (as encoding/json folds names).
func foldKey(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if c := b[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}
