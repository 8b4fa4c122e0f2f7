package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"golang.org/x/mod/sumdb/dirhash"
)

// providerPackage is one unpacked provider package:
// HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/ in a filesystem mirror or in a data
// directory's providers/.
type providerPackage struct {
	address  string // HOST/NAMESPACE/TYPE, lower case
	version  string
	platform string // OS_ARCH
	dir      string // real path
	hash     string // h1:, what Terraform records in its lock file
}

// findPackages lists the unpacked packages under dir (a mirror, or a data
// directory's providers/) and hashes each. Terraform links a package from
// a filesystem mirror instead of copying it: links are resolved, and the
// hash is of what the engine would run.
func findPackages(dir string) ([]providerPackage, error) {
	var pkgs []providerPackage
	matches, err := filepath.Glob(filepath.Join(dir, "*", "*", "*", "*", "*"))
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		realPath, err := filepath.EvalSymlinks(m)
		if err != nil {
			return nil, fmt.Errorf("the provider package %s: %w", m, unwrapPathError(err))
		}
		info, err := os.Stat(realPath)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			continue // a packed .zip of a mirror, or a stray file
		}
		rel, err := filepath.Rel(dir, m)
		if err != nil {
			return nil, err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		hash, err := dirhash.HashDir(realPath, "", dirhash.Hash1)
		if err != nil {
			return nil, fmt.Errorf("hashing the provider package %s: %w", m, err)
		}
		pkgs = append(pkgs, providerPackage{
			address:  strings.ToLower(strings.Join(parts[:3], "/")),
			version:  parts[3],
			platform: parts[4],
			dir:      realPath,
			hash:     hash,
		})
	}
	sort.Slice(pkgs, func(i, j int) bool {
		a, b := pkgs[i], pkgs[j]
		return a.address+" "+a.version+" "+a.platform < b.address+" "+b.version+" "+b.platform
	})
	return pkgs, nil
}

// pinsOf groups packages into the providers entries of policy data.
func pinsOf(pkgs []providerPackage) []providerPin {
	var pins []providerPin
	index := map[string]int{}
	for _, p := range pkgs {
		key := p.address + "@" + p.version
		i, ok := index[key]
		if !ok {
			i = len(pins)
			index[key] = i
			pins = append(pins, providerPin{Address: p.address, Version: p.version, Hashes: map[string][]string{}})
		}
		pins[i].Hashes[p.platform] = append(pins[i].Hashes[p.platform], p.hash)
	}
	return pins
}

// checkPinned requires every installed package to be one the policy pins:
// its address, its version, and its hash for its platform.
func checkPinned(installed []providerPackage, pins []providerPin) error {
	if len(installed) == 0 {
		return nil
	}
	var problems []string
	for _, p := range installed {
		var pin *providerPin
		for i := range pins {
			if pins[i].Address == p.address {
				pin = &pins[i]
				if pins[i].Version == p.version {
					break
				}
			}
		}
		switch {
		case pin == nil:
			problems = append(problems, fmt.Sprintf("the provider %s %s is not pinned in the policy data (providers): a sealed run installs only the providers the policy lists", p.address, p.version))
		case pin.Version != p.version:
			problems = append(problems, fmt.Sprintf("the provider %s is installed at version %s, the policy data pins %s", p.address, p.version, pin.Version))
		case !contains(pin.Hashes[p.platform], p.hash):
			problems = append(problems, fmt.Sprintf("the provider %s %s for %s has the package hash %s, which the policy data does not pin (it pins %s for %s)", p.address, p.version, p.platform, p.hash, orNone(pin.Hashes[p.platform]), p.platform))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("PROVIDER: %s", strings.Join(problems, "; "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "nothing"
	}
	return strings.Join(list, ", ")
}

// lockFile is what the gate reads of a dependency lock file.
type lockFile struct {
	Providers []struct {
		Address string   `hcl:"address,label"`
		Version string   `hcl:"version,optional"`
		Hashes  []string `hcl:"hashes,optional"`
		Rest    hcl.Body `hcl:",remain"`
	} `hcl:"provider,block"`
}

// crossCheckLock compares the lock file init wrote with the packages the
// gate hashed itself. The gate's own hashes decide; a lock file that names
// another version, or none of the installed hash, means init did not
// install what the gate hashed.
func crossCheckLock(path string, installed []providerPackage) error {
	f, diags := hclparse.NewParser().ParseHCLFile(path)
	if diags.HasErrors() {
		return fmt.Errorf("the lock file init wrote (%s): %s", path, diags.Error())
	}
	var lock lockFile
	if diags := gohcl.DecodeBody(f.Body, nil, &lock); diags.HasErrors() {
		return fmt.Errorf("the lock file init wrote (%s): %s", path, diags.Error())
	}
	for _, p := range installed {
		found := false
		for _, l := range lock.Providers {
			if strings.ToLower(l.Address) != p.address {
				continue
			}
			found = true
			if l.Version != p.version {
				return fmt.Errorf("PROVIDER: the lock file init wrote selects %s %s, yet %s is installed", p.address, l.Version, p.version)
			}
			if !contains(l.Hashes, p.hash) {
				return fmt.Errorf("PROVIDER: the lock file init wrote does not list the hash %s of the installed %s %s", p.hash, p.address, p.version)
			}
		}
		if !found {
			return fmt.Errorf("PROVIDER: the lock file init wrote does not list the installed %s %s", p.address, p.version)
		}
	}
	return nil
}

// runPin is `auditlog-gate pin --mirror DIR`: the providers entries for the
// packages of a filesystem mirror, as JSON on stdout.
func runPin(args []string, stdout, stderr func(string)) int {
	var mirror string
	for i := 0; i < len(args); i++ {
		name, value, has := strings.Cut(args[i], "=")
		if name != "--mirror" && name != "-mirror" {
			stderr(fmt.Sprintf("pin: unknown argument %s (usage: auditlog-gate pin --mirror DIR)", args[i]))
			return exitCannotJudge
		}
		if !has {
			if i+1 >= len(args) {
				stderr("pin: --mirror needs a directory")
				return exitCannotJudge
			}
			i++
			value = args[i]
		}
		mirror = value
	}
	if mirror == "" {
		stderr("pin: usage: auditlog-gate pin --mirror DIR")
		return exitCannotJudge
	}
	pkgs, err := findPackages(mirror)
	if err != nil {
		stderr("pin: " + err.Error())
		return exitCannotJudge
	}
	if len(pkgs) == 0 {
		stderr(fmt.Sprintf("pin: no unpacked provider package in %s (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/)", mirror))
		return exitCannotJudge
	}
	b, err := json.MarshalIndent(pinsOf(pkgs), "", "  ")
	if err != nil {
		stderr("pin: " + err.Error())
		return exitCannotJudge
	}
	stdout(string(b))
	return exitPass
}
