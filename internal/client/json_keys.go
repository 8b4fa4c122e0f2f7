package client

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

// An answer whose object repeats a key is ambiguous: encoding/json keeps
// the last value ({"Tracks":[a,b,c],"Tracks":[d]} reads as one tracking
// set), another reader the first. It also matches keys to fields without
// regard to case, so "TotalCount" and "totalcount" fill one field, the
// later winning. Such an answer is refused as damaged, naming the key: it
// is well-formed JSON of an unexpected shape, which asking again would not
// fix, so it is not retried.

// repeatedKey is the key scan every UCloud answer goes through, whatever
// its action decodes (attempt calls it): the first key an object of body
// repeats, or nil. decodeErr and env are what the action's decoder
// returned: a decoder that found a repeated key, or scanned and found none
// (env.keysScanned), is not scanned after; a body that is not JSON at all
// is reported as such by the caller.
func repeatedKey(body []byte, env *ucloudEnvelope, decodeErr error) error {
	var dup *duplicateKeyError
	switch {
	case errors.As(decodeErr, &dup):
		return dup
	case env != nil && env.keysScanned:
		return nil
	case decodeErr != nil && !json.Valid(body):
		return nil
	}
	_, err := scanJSONKeys(body, "", nil)
	return err
}

// duplicateKeyError is a key that repeats in one object of an answer.
type duplicateKeyError struct {
	key, earlier string   // earlier is the first spelling, when it differs in case
	path         []string // from the inside out
	cut          bool     // path lacks its outer steps
}

func (e *duplicateKeyError) Error() string {
	where := "the top-level object"
	if len(e.path) > 0 {
		var b strings.Builder
		for i := len(e.path) - 1; i >= 0; i-- { // built from the inside out
			b.WriteString(e.path[i])
		}
		where = strings.TrimPrefix(b.String(), ".")
		if e.cut {
			where = "…" + where
		}
	}
	if e.earlier != "" && e.earlier != e.key {
		return fmt.Sprintf("duplicate key %s in %s (the same field as %s: keys match without regard to case)", quoteKey(e.key), where, quoteKey(e.earlier))
	}
	return fmt.Sprintf("duplicate key %s in %s", quoteKey(e.key), where)
}

// quoteKey quotes a key for a message, cut to a sane length.
func quoteKey(k string) string {
	const maxLen = 60
	if len(k) > maxLen {
		k = k[:maxLen] + "…"
	}
	return strconv.Quote(k)
}

// scanJSONKeys walks body, a JSON document that encoding/json has already
// decoded without error, and reports the first object that repeats a key
// (as encoding/json matches keys: without regard to case). It also reports
// which of want are keys of the object under the top-level key at (the
// top-level object itself when at is ""), as bits of present: bit i for
// want[i].
func scanJSONKeys(body []byte, at string, want []string) (present uint64, err error) {
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
			return &duplicateKeyError{key: string(key), earlier: string(prev)}
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
	var e *duplicateKeyError
	switch {
	case !errors.As(err, &e):
	case len(e.path) == maxPathSteps:
		e.cut = true
	default:
		if len(step) > maxStep {
			step = step[:maxStep] + "…"
		}
		e.path = append(e.path, step)
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
