package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The runner's own files never reach the engine: its HOME (~/.terraformrc,
// ~/.tofurc, ~/.terraform.d with its *.tfrc files, credentials and implied
// plugin mirrors, ~/.netrc and ~/.gitconfig for module downloads) and the
// XDG directories OpenTofu and Terraform also search
// ($XDG_CONFIG_HOME/opentofu/tofurc, $XDG_DATA_HOME/{opentofu,terraform}/plugins,
// $XDG_DATA_DIRS/terraform/plugins). Each holds a provider installation of
// the runner's; the root module asserts, at plan time, that the engine sees
// none of the runner's files.
func testRunnersFilesStayOut(t *testing.T, s *e2e, env []string, policy, varFile string) {
	repo := s.reviewedRepo(t)
	runner := t.TempDir()
	home := mkdir(t, runner, "home")
	xdgConfig := mkdir(t, runner, "config")
	xdgData := mkdir(t, runner, "data")
	xdgDirs := mkdir(t, runner, "share")
	cache := mkdir(t, runner, "plugin-cache")
	forged := mkdir(t, runner, "forged-mirror")
	marker := filepath.Join(t.TempDir(), "runner-provider-ran")
	markerProvider(t, forged, marker)
	for _, dir := range []string{
		filepath.Join(home, ".terraform.d", "plugins"),
		filepath.Join(xdgData, "opentofu", "plugins"),
		filepath.Join(xdgData, "terraform", "plugins"),
		filepath.Join(xdgDirs, "terraform", "plugins"),
	} {
		markerProvider(t, dir, marker)
	}
	rc := "plugin_cache_dir = " + hclString(cache) + "\nprovider_installation {\n  filesystem_mirror {\n    path = " + hclString(forged) + "\n  }\n}\n"
	writeFiles(t, home, map[string]string{".terraformrc": rc, ".tofurc": rc, ".netrc": "machine example.com login x password y\n", ".gitconfig": "[url \"file:///nowhere\"]\n\tinsteadOf = https://\n"})
	writeFiles(t, filepath.Join(home, ".terraform.d"), map[string]string{"runner.tfrc": rc})
	writeFiles(t, filepath.Join(xdgConfig, "opentofu"), map[string]string{"tofurc": rc, "runner.tfrc": rc})
	writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"home.tf": `locals {
  runner_files = [for f in ["~/.netrc", "~/.terraformrc", "~/.gitconfig"] : f if fileexists(pathexpand(f))]
}

check "engine_home" {
  assert {
    condition     = length(local.runner_files) == 0
    error_message = "the engine sees the runner's home directory: ${join(", ", local.runner_files)}"
  }
}
`})
	runnerEnv := append(append([]string{}, env...), "HOME="+home, "XDG_CONFIG_HOME="+xdgConfig, "XDG_DATA_HOME="+xdgData, "XDG_DATA_DIRS="+xdgDirs, "XDG_CACHE_HOME="+mkdir(t, runner, "cache"))
	out, code := s.run(t, runnerEnv, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, filepath.Join(repo, "compliance", "root"))
	expect(t, out, code, 0, "auditlog-gate: PASS (exit 0)", "(pinned)", "the engine's HOME and XDG directories: empty directories of the gate's (")
	if strings.Contains(out, "the engine sees the runner's home directory") {
		t.Error("the engine read the runner's home directory")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a provider of the runner's files ran")
	}
	if entries, _ := os.ReadDir(cache); len(entries) > 0 {
		t.Error("the engine wrote to the runner's plugin cache")
	}
}

// A module from outside the reviewed repository (a registry, git, an HTTP
// archive, a bucket) is not what the reviewers saw, and can change after the
// review: the run stops before init, naming the call and its source.
func testRemoteModuleSourcesRefused(t *testing.T, s *e2e, env []string, policy, varFile string) {
	for name, source := range map[string]string{
		"registry": "terraform-aws-modules/vpc/aws",
		"git":      "git::https://example.com/modules.git//audit?ref=v1.2.0",
		"archive":  "https://example.com/modules/audit.zip",
		"s3":       "s3::https://s3.amazonaws.com/bucket/audit.zip",
	} {
		t.Run(name, func(t *testing.T) {
			repo := s.reviewedRepo(t)
			writeFiles(t, filepath.Join(repo, "compliance", "root"), map[string]string{"remote.tf": "module \"extra\" {\n  source = \"" + source + "\"\n}\n"})
			out, code := s.run(t, env, "--data", policy, "--provider-mirror", s.mirror, "--var-file", varFile, filepath.Join(repo, "compliance", "root"))
			expect(t, out, code, 2, `module "extra" at `, `remote.tf:1,1-15 has the source "`+source+`", which is not in the reviewed repository`, "CANNOT JUDGE (exit 2)")
			if strings.Contains(out, " init in the sealed copy") {
				t.Error("init ran")
			}
		})
	}
}
