package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// sourceMap finds where in the reviewed repository a plan address is
// written: the data source block, else the module call it is under, else
// the root module's first file. It reads the configuration the plan was
// made from (the sealed copy, or --source for a plan JSON), and names files
// by their paths relative to the top of the repository.
type sourceMap struct {
	rootDir string // the root module, in the tree parsed
	// toRepo maps a path of the tree parsed to its path relative to the
	// top of the repository (slash-separated); false when it lies outside.
	toRepo func(path string) (string, bool)
	mods   map[string]*moduleBlocks
}

// sourcePosition is a place in a file of the repository.
type sourcePosition struct {
	File                                 string // relative to the repository's top, slash-separated
	StartLine, StartCol, EndLine, EndCol int
	What                                 string // what the position shows: "data source", "module call", "check block", "root module"
}

// moduleBlocks are the blocks of one module directory a location can
// point at.
type moduleBlocks struct {
	firstFile string
	calls     map[string]moduleCallBlock // by call name
	blocks    map[string]hcl.Range       // "data.TYPE.NAME", "TYPE.NAME", "check.NAME", "check.NAME/data.TYPE.NAME"
}

type moduleCallBlock struct {
	rng    hcl.Range
	source string
}

var (
	positionSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "check", LabelNames: []string{"name"}},
	}}
	checkBodySchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "data", LabelNames: []string{"type", "name"}}}}
)

// newSourceMap reads the root module rootDir of a tree whose paths toRepo
// maps into the repository.
func newSourceMap(rootDir string, toRepo func(string) (string, bool)) *sourceMap {
	return &sourceMap{rootDir: rootDir, toRepo: toRepo, mods: map[string]*moduleBlocks{}}
}

// repoMapper maps paths under tree to paths relative to top, tree itself
// standing for the directory prefix (relative to top) it is a copy of.
func repoMapper(tree, prefix string) func(string) (string, bool) {
	return func(path string) (string, bool) {
		rel, err := filepath.Rel(tree, path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			return "", false
		}
		return filepath.ToSlash(filepath.Join(prefix, rel)), true
	}
}

// preload parses the root module and every local module it calls, at any
// depth: the sealed copy is removed when the run ends, and a run refused
// after the copy was made still locates its reason in it.
func (m *sourceMap) preload() {
	var visit func(dir string, depth int)
	visit = func(dir string, depth int) {
		_, seen := m.mods[filepath.Clean(dir)]
		mb := m.module(dir)
		if seen || depth > 64 {
			return
		}
		for _, call := range mb.calls {
			if isLocalSource(call.source) {
				visit(filepath.Join(dir, filepath.FromSlash(call.source)), depth+1)
			}
		}
	}
	visit(m.rootDir, 0)
}

// module parses (once) the blocks of a module directory; a directory that
// cannot be read holds none.
func (m *sourceMap) module(dir string) *moduleBlocks {
	dir = filepath.Clean(dir)
	if mb, ok := m.mods[dir]; ok {
		return mb
	}
	mb := &moduleBlocks{calls: map[string]moduleCallBlock{}, blocks: map[string]hcl.Range{}}
	m.mods[dir] = mb
	entries, err := os.ReadDir(dir)
	if err != nil {
		return mb
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && !strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parser := hclparse.NewParser()
	for _, n := range names {
		path := filepath.Join(dir, n)
		if mb.firstFile == "" {
			mb.firstFile = path
		}
		var f *hcl.File
		if strings.HasSuffix(n, ".json") {
			f, _ = parser.ParseJSONFile(path)
		} else {
			f, _ = parser.ParseHCLFile(path)
		}
		if f == nil || f.Body == nil {
			continue
		}
		content, _, _ := f.Body.PartialContent(positionSchema)
		if content == nil {
			continue
		}
		for _, b := range content.Blocks {
			switch b.Type {
			case "module":
				call := moduleCallBlock{rng: b.DefRange}
				if attrs, _, diags := b.Body.PartialContent(moduleCallSchema); !diags.HasErrors() {
					if attr, ok := attrs.Attributes["source"]; ok {
						_ = gohcl.DecodeExpression(attr.Expr, nil, &call.source)
					}
				}
				mb.calls[b.Labels[0]] = call
			case "data":
				mb.blocks["data."+b.Labels[0]+"."+b.Labels[1]] = b.DefRange
			case "resource":
				mb.blocks[b.Labels[0]+"."+b.Labels[1]] = b.DefRange
			case "check":
				mb.blocks["check."+b.Labels[0]] = b.DefRange
				if inner, _, _ := b.Body.PartialContent(checkBodySchema); inner != nil {
					for _, d := range inner.Blocks {
						mb.blocks["data."+d.Labels[0]+"."+d.Labels[1]] = d.DefRange
					}
				}
			}
		}
	}
	return mb
}

// locate finds address in the configuration. An address of no data
// source, resource, check or module call (or none at all) is placed at
// line 1 of the root module's first file; ok is false only when the
// configuration has no file in the repository at all.
func (m *sourceMap) locate(address string) (sourcePosition, bool) {
	dir := m.rootDir
	var best *sourcePosition
	steps := addressSteps(address)
	i := 0
	for ; i+1 < len(steps) && steps[i] == "module"; i += 2 {
		call, ok := m.module(dir).calls[steps[i+1]]
		if !ok {
			break
		}
		if p, ok := m.position(call.rng, "module call"); ok {
			best = &p
		}
		if !isLocalSource(call.source) {
			return m.orRoot(best)
		}
		dir = filepath.Join(dir, filepath.FromSlash(call.source))
	}
	rest := steps[i:]
	key := ""
	switch {
	case len(rest) >= 3 && rest[0] == "data":
		key = "data." + rest[1] + "." + rest[2]
	case len(rest) >= 2 && rest[0] == "check":
		key = "check." + rest[1]
	case len(rest) >= 2 && rest[0] != "module":
		key = rest[0] + "." + rest[1]
	}
	if key != "" {
		if rng, ok := m.module(dir).blocks[key]; ok {
			what := map[string]string{"data": "data source", "check": "check block"}[rest[0]]
			if what == "" {
				what = "resource"
			}
			if p, ok := m.position(rng, what); ok {
				return p, true
			}
		}
	}
	return m.orRoot(best)
}

func (m *sourceMap) orRoot(best *sourcePosition) (sourcePosition, bool) {
	if best != nil {
		return *best, true
	}
	return m.rootPosition()
}

// rootPosition is line 1 of the root module's first file.
func (m *sourceMap) rootPosition() (sourcePosition, bool) {
	first := m.module(m.rootDir).firstFile
	if first == "" {
		return sourcePosition{}, false
	}
	rel, ok := m.toRepo(first)
	if !ok {
		return sourcePosition{}, false
	}
	return sourcePosition{File: rel, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1, What: "root module"}, true
}

func (m *sourceMap) position(rng hcl.Range, what string) (sourcePosition, bool) {
	rel, ok := m.toRepo(rng.Filename)
	if !ok {
		return sourcePosition{}, false
	}
	p := sourcePosition{File: rel, StartLine: rng.Start.Line, StartCol: rng.Start.Column, EndLine: rng.End.Line, EndCol: rng.End.Column, What: what}
	if p.StartLine < 1 {
		p.StartLine, p.StartCol = 1, 1
	}
	if p.EndLine < p.StartLine {
		p.EndLine, p.EndCol = p.StartLine, p.StartCol
	}
	return p, true
}

// addressSteps splits a plan address into its names, instance keys left
// out: module.a["x"].module.b[0].data.t.n["k"] is module a module b data t n.
func addressSteps(address string) []string {
	var steps []string
	var cur strings.Builder
	for i := 0; i < len(address); i++ {
		switch c := address[i]; c {
		case '.':
			if cur.Len() > 0 {
				steps = append(steps, cur.String())
				cur.Reset()
			}
		case '[':
			if cur.Len() > 0 {
				steps = append(steps, cur.String())
				cur.Reset()
			}
			i = skipKey(address, i)
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 {
		steps = append(steps, cur.String())
	}
	return steps
}

// skipKey returns the index of the "]" closing the key opened at i, quoted
// strings (with escapes) skipped whole.
func skipKey(s string, i int) int {
	inQuote := false
	for i++; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ']' && !inQuote:
			return i
		}
	}
	return len(s)
}

// addressIn finds the first plan address a message names: a data source,
// a resource under a module, a check block, or a module call.
var addressIn = regexp.MustCompile(`(?:module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?\.)*(?:data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|check\.[A-Za-z0-9_-]+|module\.[A-Za-z0-9_-]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?`)

func firstAddress(message string) string {
	return addressIn.FindString(message)
}
