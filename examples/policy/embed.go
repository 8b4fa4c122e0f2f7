// Package policy holds the shipped compliance policy: the Rego rules that
// judge a plan and the policy data written for the simulator's scenarios.
// The auditlog-gate command embeds them, so that a CI runs the rules of
// the release it installed, never rules from the repository it reviews.
package policy

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// files are the Rego modules (tests included: they are skipped when the
// policy is loaded), the shipped policy data, the built-in policy data and
// the catalogue of controls.
//
//go:embed *.rego lib/*.rego policy.json builtin/*.json catalogue.json
var files embed.FS

// Module is one Rego file of the shipped policy.
type Module struct {
	Path   string // relative to examples/policy, e.g. "lib/policy.rego"
	Source []byte
}

// Modules returns the shipped Rego modules in a stable order, leaving out
// the tests (*_test.rego): they hold fixtures that are no part of a verdict.
func Modules() ([]Module, error) {
	var mods []Module
	for _, pattern := range []string{"*.rego", "lib/*.rego"} {
		names, err := fs.Glob(files, pattern)
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, name := range names {
			if strings.HasSuffix(path.Base(name), "_test.rego") {
				continue
			}
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			mods = append(mods, Module{Path: name, Source: b})
		}
	}
	return mods, nil
}

// ShippedData is policy.json as shipped beside the rules.
func ShippedData() ([]byte, error) {
	return files.ReadFile("policy.json")
}

// CatalogueData is catalogue.json, the catalogue of controls: the data
// document {"auditlog": {"catalogue": {...}}} the rules read as
// data.auditlog.catalogue. Package catalogue parses it.
func CatalogueData() []byte {
	b, err := files.ReadFile("catalogue.json")
	if err != nil {
		panic("catalogue.json is not embedded: " + err.Error()) // the go:embed line above names it
	}
	return b
}

// Builtin returns the built-in policy data document called name (the file
// builtin/NAME.json) and whether there is one.
func Builtin(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	b, err := files.ReadFile("builtin/" + name + ".json")
	if err != nil {
		return nil, false
	}
	return b, true
}

// BuiltinNames lists the built-in policy data documents.
func BuiltinNames() []string {
	names, _ := fs.Glob(files, "builtin/*.json")
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.TrimSuffix(path.Base(n), ".json"))
	}
	sort.Strings(out)
	return out
}
