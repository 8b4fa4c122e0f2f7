package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// configSchema is what the gate reads of a configuration before init: the
// module calls (their sources decide what is copied) and the terraform
// blocks (a cloud block or a remote-operations backend would run the plan
// elsewhere, with providers the gate never sees).
var configSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "terraform"},
	},
}

var moduleCallSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "source"}},
}

var terraformBlockSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "cloud"},
		{Type: "backend", LabelNames: []string{"type"}},
	},
}

// remoteOperationBackends run plan on a server of their own.
var remoteOperationBackends = map[string]bool{"remote": true}

// configuration is what the gate learned of DIR and the local modules it
// calls, before copying it.
type configuration struct {
	dirs []string // real paths: DIR first, then every local module directory
}

// readConfiguration parses every .tf and .tf.json file of dir and of each
// local module it calls (source "./..." or "../..."), recursively, and
// refuses a local source that leaves top, any other source (registry, git,
// HTTP, S3, GCS, OCI, an absolute path: what it fetches is not what the
// reviewers saw, and can change after the review), a cloud block and a
// remote-operations backend.
func readConfiguration(dir, top string) (*configuration, error) {
	c := &configuration{}
	seen := map[string]bool{}
	var visit func(dir, caller string) error
	visit = func(dir, caller string) error {
		realPath, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return fmt.Errorf("the module directory %s (called from %s): %w", dir, caller, unwrapPathError(err))
		}
		if !within(realPath, top) {
			return fmt.Errorf("the module called from %s has its source at %s, outside the repository %s: the gate copies and judges only what the repository holds", caller, realPath, top)
		}
		if seen[realPath] {
			return nil
		}
		seen[realPath] = true
		c.dirs = append(c.dirs, realPath)
		calls, err := readModuleDir(realPath)
		if err != nil {
			return err
		}
		for _, call := range calls {
			if !isLocalSource(call.source) {
				return fmt.Errorf("%s has the source %q, which is not in the reviewed repository: what the reviewers saw is the repository, and a module from a registry, git, an HTTP archive or a bucket can change after the review. Copy the module into the repository (terraform get, or a release of it) and call it by a relative path such as \"./modules/NAME\"", call.where, call.source)
			}
			if err := visit(filepath.Join(realPath, filepath.FromSlash(call.source)), call.where); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(dir, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// isLocalSource reports whether a module source is a path in the same
// repository, as Terraform tells them apart.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, `.\`) || strings.HasPrefix(s, `..\`)
}

type moduleCall struct {
	source string
	where  string // file:line of the call
}

// readModuleDir parses one module directory's configuration files.
func readModuleDir(dir string) ([]moduleCall, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") {
			continue
		}
		if strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parser := hclparse.NewParser()
	var calls []moduleCall
	for _, n := range names {
		path := filepath.Join(dir, n)
		var f *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(n, ".json") {
			f, diags = parser.ParseJSONFile(path)
		} else {
			f, diags = parser.ParseHCLFile(path)
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("cannot read %s: %s", path, diags.Error())
		}
		content, _, diags := f.Body.PartialContent(configSchema)
		if diags.HasErrors() {
			return nil, fmt.Errorf("cannot read %s: %s", path, diags.Error())
		}
		for _, b := range content.Blocks {
			switch b.Type {
			case "module":
				call, err := readModuleCall(b)
				if err != nil {
					return nil, err
				}
				calls = append(calls, call)
			case "terraform":
				if err := checkTerraformBlock(b); err != nil {
					return nil, err
				}
			}
		}
	}
	return calls, nil
}

func readModuleCall(b *hcl.Block) (moduleCall, error) {
	where := b.DefRange.String()
	attrs, _, diags := b.Body.PartialContent(moduleCallSchema)
	if diags.HasErrors() {
		return moduleCall{}, fmt.Errorf("module %q at %s: %s", b.Labels[0], where, diags.Error())
	}
	attr, ok := attrs.Attributes["source"]
	if !ok {
		return moduleCall{}, fmt.Errorf("module %q at %s has no source", b.Labels[0], where)
	}
	var source string
	if diags := gohcl.DecodeExpression(attr.Expr, nil, &source); diags.HasErrors() {
		return moduleCall{}, fmt.Errorf("module %q at %s: its source must be a literal string: %s", b.Labels[0], where, diags.Error())
	}
	return moduleCall{source: source, where: fmt.Sprintf("module %q at %s", b.Labels[0], where)}, nil
}

// checkTerraformBlock refuses what would plan elsewhere.
func checkTerraformBlock(b *hcl.Block) error {
	content, _, diags := b.Body.PartialContent(terraformBlockSchema)
	if diags.HasErrors() {
		return fmt.Errorf("the terraform block at %s: %s", b.DefRange.String(), diags.Error())
	}
	for _, inner := range content.Blocks {
		switch {
		case inner.Type == "cloud":
			return fmt.Errorf("a cloud block at %s: the plan would run on HCP Terraform with providers the gate cannot check; judge a configuration without it (a sealed run plans locally)", inner.DefRange.String())
		case inner.Type == "backend" && remoteOperationBackends[inner.Labels[0]]:
			return fmt.Errorf("backend %q at %s runs operations remotely: the plan would run with providers the gate cannot check; judge a configuration without it", inner.Labels[0], inner.DefRange.String())
		}
	}
	return nil
}
