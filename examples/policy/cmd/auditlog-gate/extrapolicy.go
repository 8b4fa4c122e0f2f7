package main

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// extraModule is a Rego file of a --policy directory, parsed.
type extraModule struct {
	path   string // absolute
	sha256 string
	module *ast.Module
}
