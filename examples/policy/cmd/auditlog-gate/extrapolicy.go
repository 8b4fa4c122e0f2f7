package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// extraModule is a Rego file of a --policy directory, parsed.
type extraModule struct {
	path   string // absolute
	sha256 string
	module *ast.Module
}

// reservedPackages are the packages of the shipped policy and the ones
// conftest and OPA read verdicts from. Rego OR-s the bodies of a rule or
// function across files, so a file in one of them could widen what the
// shipped rules trust (a second body of endpoint_allowed) or add a verdict.
var reservedPackages = []string{"auditlog", "compliance", "main"}

// loadExtraPolicies reads the *.rego files (not *_test.rego) of each --policy
// directory and refuses any in a reserved package.
func loadExtraPolicies(dirs []string) ([]extraModule, error) {
	var mods []extraModule
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.rego"))
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		n := 0
		for _, name := range names {
			if strings.HasSuffix(name, "_test.rego") {
				continue
			}
			m, err := parseExtraPolicy(name)
			if err != nil {
				return nil, err
			}
			mods = append(mods, m)
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("--policy %s holds no *.rego file", dir)
		}
	}
	return mods, nil
}

func parseExtraPolicy(name string) (extraModule, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return extraModule{}, err
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return extraModule{}, err
	}
	mod, err := ast.ParseModuleWithOpts(abs, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return extraModule{}, fmt.Errorf("--policy: %w", err)
	}
	pkg := packageName(mod)
	for _, r := range reservedPackages {
		if pkg == r || strings.HasPrefix(pkg, r+".") {
			return extraModule{}, fmt.Errorf("--policy: %s is in package %s: extra policies may only add rules in packages of their own, never %s or its subpackages (rules of one name are OR-ed across files, so a rule there could change the shipped verdict)", abs, pkg, r)
		}
	}
	sum := sha256.Sum256(src)
	return extraModule{path: abs, sha256: hex.EncodeToString(sum[:]), module: mod}, nil
}

// packageName is a module's package without the leading data.
func packageName(m *ast.Module) string {
	var parts []string
	for _, t := range m.Package.Path[1:] {
		switch v := t.Value.(type) {
		case ast.String:
			parts = append(parts, string(v))
		default:
			parts = append(parts, v.String())
		}
	}
	return strings.Join(parts, ".")
}
