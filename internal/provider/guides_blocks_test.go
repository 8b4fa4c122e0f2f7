package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The guides are code: every command block of README.md, the guides'
// templates (templates/guides/*.md.tmpl, so the markers reach docs/guides
// through tfplugindocs as HTML comments) and examples/*/README.md runs in
// TestAccGuides. What the test does with a block is said by markers, HTML
// comments on the lines before the block (several may precede one block):
//
//	<!-- guide-test: file PATH -->       the next block is a file the reader
//	                                     creates, at PATH relative to the
//	                                     reader's working directory (~/ is HOME)
//	<!-- guide-test: copy SRC DEST -->   the reader copies SRC of the
//	                                     repository to DEST, as the text says
//	<!-- guide-test: simulator SCENARIO -->  from here on the simulator serves
//	                                     SCENARIO (compliant, noncompliant,
//	                                     organization) on 127.0.0.1:8787, with
//	                                     the cloudsim options that follow it,
//	                                     if any (-cls-review MODE,
//	                                     -cls-topic SPEC)
//	<!-- guide-test: exit N -->          the next command block exits N
//	<!-- guide-test: in repository -->   the next command block runs in the
//	                                     repository, as the text says (it
//	                                     must write nowhere inside it)
//	<!-- guide-test: skip (REASON) -->   the next command block does not run;
//	                                     the test lists it with REASON
//	<!-- guide-test: output -->          the next block is output of the
//	                                     previous command block: each of its
//	                                     lines appears in the output, in order
//	                                     ("..." in a line matches any text)
//	<!-- guide-test: output json -->     the next block is JSON the previous
//	                                     command block printed: every key and
//	                                     value it shows is in the output
//
// Times are normalized before any comparison: RFC 3339 times and dates,
// and UNIX seconds of this century, become TIME.
//
// Command blocks are fenced sh, shell, bash or console. A block with no
// marker runs and must exit 0.

// guideBlock kinds.
const (
	blockCommand = "command"
	blockFile    = "file"
	blockOutput  = "output"
	blockOther   = "other"
)

// guideStep is one thing the test does for a document, in order.
type guideStep struct {
	line     int    // of the fence, 1-based
	kind     string // command, file, output, copy, simulator, other
	lang     string
	body     string
	path     string // file: where; copy: destination
	src      string // copy: the repository's path
	scenario string
	exit     int
	skip     string // the reason, for a skipped command
	inRepo   bool
	json     bool // output json
}

var (
	guideMarker = regexp.MustCompile(`^\s*<!--\s*guide-test:\s*(.*?)\s*-->\s*$`)
	guideFence  = regexp.MustCompile("^(\\s*)(`{3,})\\s*([A-Za-z0-9_-]*)")
)

var commandLangs = map[string]bool{"sh": true, "shell": true, "bash": true, "console": true}

// parseGuide returns the steps of a document: its fenced blocks with what
// their markers say, and the standalone markers (copy, simulator).
func parseGuide(text string) ([]guideStep, error) {
	lines := strings.Split(text, "\n")
	var steps []guideStep
	var pending guideStep // what markers said of the next block
	var marked bool
	for i := 0; i < len(lines); i++ {
		if m := guideMarker.FindStringSubmatch(lines[i]); m != nil {
			words := strings.Fields(m[1])
			if len(words) == 0 {
				return nil, fmt.Errorf("line %d: empty guide-test marker", i+1)
			}
			switch words[0] {
			case "file":
				if len(words) != 2 {
					return nil, fmt.Errorf("line %d: want <!-- guide-test: file PATH -->", i+1)
				}
				if !readerRelative(words[1]) {
					return nil, fmt.Errorf("line %d: %s is not a path under the reader's directory or ~/", i+1, words[1])
				}
				pending.kind, pending.path, marked = blockFile, words[1], true
			case "copy":
				if len(words) != 3 {
					return nil, fmt.Errorf("line %d: want <!-- guide-test: copy SRC DEST -->", i+1)
				}
				if !readerRelative(words[1]) || !readerRelative(words[2]) {
					return nil, fmt.Errorf("line %d: copy takes a path of the repository and one under the reader's directory", i+1)
				}
				steps = append(steps, guideStep{line: i + 1, kind: "copy", src: words[1], path: words[2]})
			case "simulator":
				if len(words) < 2 || len(words)%2 != 0 {
					return nil, fmt.Errorf("line %d: want <!-- guide-test: simulator SCENARIO [-OPTION VALUE]... -->", i+1)
				}
				steps = append(steps, guideStep{line: i + 1, kind: "simulator", scenario: strings.Join(words[1:], " ")})
			case "exit":
				n, err := strconv.Atoi(strings.Join(words[1:], ""))
				if err != nil {
					return nil, fmt.Errorf("line %d: want <!-- guide-test: exit N -->", i+1)
				}
				pending.exit, marked = n, true
			case "in":
				if strings.Join(words, " ") != "in repository" {
					return nil, fmt.Errorf("line %d: unknown marker %q", i+1, m[1])
				}
				pending.inRepo, marked = true, true
			case "skip":
				reason := strings.TrimSpace(strings.TrimPrefix(m[1], "skip"))
				if !strings.HasPrefix(reason, "(") || !strings.HasSuffix(reason, ")") || len(reason) < 3 {
					return nil, fmt.Errorf("line %d: want <!-- guide-test: skip (REASON) -->", i+1)
				}
				pending.skip, marked = reason[1:len(reason)-1], true
			case "output":
				pending.kind, marked = blockOutput, true
				pending.json = len(words) == 2 && words[1] == "json"
				if len(words) > 2 || (len(words) == 2 && !pending.json) {
					return nil, fmt.Errorf("line %d: want <!-- guide-test: output [json] -->", i+1)
				}
			default:
				return nil, fmt.Errorf("line %d: unknown marker %q", i+1, m[1])
			}
			continue
		}
		f := guideFence.FindStringSubmatch(lines[i])
		if f == nil {
			if marked && strings.TrimSpace(lines[i]) != "" {
				return nil, fmt.Errorf("line %d: a guide-test marker is not followed by a fenced block", i+1)
			}
			continue
		}
		indent, fence, lang := f[1], f[2], f[3]
		var body []string
		end := -1
		for j := i + 1; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) == fence {
				end = j
				break
			}
			body = append(body, strings.TrimPrefix(lines[j], indent))
		}
		if end < 0 {
			return nil, fmt.Errorf("line %d: unterminated fenced block", i+1)
		}
		s := pending
		s.line, s.lang = i+1, lang
		s.body = strings.Join(body, "\n") + "\n"
		switch {
		case s.kind == blockFile || s.kind == blockOutput:
		case commandLangs[lang]:
			s.kind = blockCommand
		default:
			s.kind = blockOther
		}
		if s.kind != blockCommand && (s.skip != "" || s.exit != 0 || s.inRepo) {
			return nil, fmt.Errorf("line %d: skip, exit and in repository apply to command blocks only", i+1)
		}
		steps = append(steps, s)
		pending, marked = guideStep{}, false
		i = end
	}
	if marked {
		return nil, fmt.Errorf("a guide-test marker at the end is not followed by a fenced block")
	}
	return steps, nil
}

// readerRelative reports whether p stays under the directory it is
// relative to (the reader's working directory, ~/, or the repository).
func readerRelative(p string) bool {
	p = strings.TrimPrefix(p, "~/")
	return p != "" && !strings.HasPrefix(p, "/") && !slices.Contains(strings.Split(p, "/"), "..")
}

var (
	rfc3339Time = regexp.MustCompile(`\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?`)
	unixSeconds = regexp.MustCompile(`\b1[6-9]\d{8}\b`)
)

// normalizeTimes replaces times by TIME.
func normalizeTimes(s string) string {
	return unixSeconds.ReplaceAllString(rfc3339Time.ReplaceAllString(s, "TIME"), "TIME")
}

// outputHasLines reports the first line of want (after normalizing times)
// that is not in got in order, or "" when every line is. "..." in a line of
// want matches any text; a line of only "..." is skipped.
func outputHasLines(got, want string) string {
	gotLines := strings.Split(normalizeTimes(got), "\n")
	next := 0
	for _, w := range strings.Split(strings.TrimRight(normalizeTimes(want), "\n"), "\n") {
		w = strings.TrimRight(w, " ")
		if strings.TrimSpace(w) == "..." || w == "" {
			continue
		}
		parts := strings.Split(w, "...")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re := regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
		found := false
		for ; next < len(gotLines); next++ {
			if re.MatchString(strings.TrimRight(gotLines[next], " ")) {
				found, next = true, next+1
				break
			}
		}
		if !found {
			return w
		}
	}
	return ""
}

// jsonSubset reports where want is not part of got: objects may leave keys
// out, arrays must have the same length, and strings and numbers equal after
// normalizing times; "" when it is.
func jsonSubset(got, want any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: an object in the guide, %s in the output", path, short(got))
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s: in the guide, not in the output", path, k)
			}
			if d := jsonSubset(gv, v, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: %s in the guide, %s in the output", path, short(want), short(got))
		}
		for i := range w {
			if d := jsonSubset(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	default:
		if !reflect.DeepEqual(normalizeScalar(got), normalizeScalar(want)) {
			return fmt.Sprintf("%s: %s in the guide, %s in the output", path, short(want), short(got))
		}
		return ""
	}
}

func normalizeScalar(v any) any {
	switch x := v.(type) {
	case string:
		return normalizeTimes(x)
	case float64:
		return normalizeTimes(strconv.FormatFloat(x, 'f', -1, 64))
	}
	return v
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

func TestParseGuideMarkers(t *testing.T) {
	doc := "Intro\n\n<!-- guide-test: file root/main.tf -->\n```terraform\nprovider \"auditlog\" {}\n```\n\n" +
		"<!-- guide-test: copy examples/compliance compliance -->\n<!-- guide-test: simulator organization -->\n" +
		"<!-- guide-test: exit 1 -->\n```sh\nauditlog-gate x\n```\n<!-- guide-test: output -->\n```text\nFAIL ...\n```\n" +
		"<!-- guide-test: skip (needs a cloud) -->\n```console\n$ x\n```\n\n  ```sh\n  indented\n  ```\n```json\n{}\n```\n" +
		"<!-- guide-test: simulator compliant -cls-review noncompliant -->\n"
	steps, err := parseGuide(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%s %s %s %d %q %q", s.kind, s.path, s.scenario, s.exit, s.skip, s.body))
	}
	want := []string{
		`file root/main.tf  0 "" "provider \"auditlog\" {}\n"`,
		`copy compliance  0 "" ""`,
		`simulator  organization 0 "" ""`,
		`command   1 "" "auditlog-gate x\n"`,
		`output   0 "" "FAIL ...\n"`,
		`command   0 "needs a cloud" "$ x\n"`,
		`command   0 "" "indented\n"`,
		`other   0 "" "{}\n"`,
		`simulator  compliant -cls-review noncompliant 0 "" ""`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, bad := range []string{
		"<!-- guide-test: skip -->\n```sh\nx\n```\n",
		"<!-- guide-test: exit one -->\n```sh\nx\n```\n",
		"<!-- guide-test: frobnicate -->\n```sh\nx\n```\n",
		"<!-- guide-test: exit 1 -->\ntext\n```sh\nx\n```\n",
		"<!-- guide-test: exit 1 -->\n```json\n{}\n```\n",
		"```sh\nx\n",
		"<!-- guide-test: file ../outside.tf -->\n```hcl\nx\n```\n",
		"<!-- guide-test: file /etc/x -->\n```hcl\nx\n```\n",
		"<!-- guide-test: copy ../x y -->\n",
		"<!-- guide-test: simulator compliant -cls-review -->\n",
	} {
		if _, err := parseGuide(bad); err == nil {
			t.Errorf("parseGuide accepted %q", bad)
		}
	}
}

func TestGuideOutputComparison(t *testing.T) {
	got := "a\nFAIL TRK-01 at 2026-05-04T10:00:00Z: 3 findings\nb\nexit 1\n"
	if d := outputHasLines(got, "FAIL TRK-01 at 2026-06-01T00:00:00Z: ... findings\n...\nexit 1\n"); d != "" {
		t.Errorf("outputHasLines: %q", d)
	}
	if d := outputHasLines(got, "exit 1\nFAIL TRK-01 ...\n"); d != "FAIL TRK-01 ..." {
		t.Errorf("out of order lines matched: %q", d)
	}
	var g, w any
	_ = json.Unmarshal([]byte(`{"a": 1780308000, "b": [{"c": "x", "d": 2}], "e": true}`), &g)
	_ = json.Unmarshal([]byte(`{"a": 1777888800, "b": [{"c": "x"}]}`), &w)
	if d := jsonSubset(g, w, "$"); d != "" {
		t.Errorf("jsonSubset: %s", d)
	}
	_ = json.Unmarshal([]byte(`{"b": [{"c": "y"}]}`), &w)
	if d := jsonSubset(g, w, "$"); d != `$.b[0].c: "y" in the guide, "x" in the output` {
		t.Errorf("jsonSubset of a changed value: %q", d)
	}
	_ = json.Unmarshal([]byte(`{"f": 1}`), &w)
	if d := jsonSubset(g, w, "$"); d == "" {
		t.Errorf("jsonSubset accepted a key the output lacks")
	}
}

// jsonUnmarshalStrict decodes one JSON value and nothing after it.
func jsonUnmarshalStrict(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}
