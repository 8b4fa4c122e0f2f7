package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// testEngine is the CLI the acceptance tests run: Terraform or OpenTofu,
// whichever binary TF_ACC_TERRAFORM_PATH names (TestMain sets it to the
// terraform on PATH when it is unset). It is the one setting that picks the
// engine: the testing framework runs it, and so do the tests that start the
// binary themselves.
var testEngine engine

type engine struct {
	Path    string // the binary
	Name    string // "Terraform" or "OpenTofu"
	Version string // e.g. "1.12.6"
	// Host is the registry host that a source address without one, such as
	// "auditlog/auditlog", means to this engine.
	Host string
}

// OpenTofu reports whether the engine is OpenTofu.
func (e engine) OpenTofu() bool { return e.Name == "OpenTofu" }

// AtLeast reports whether the engine's version is at least major.minor.
func (e engine) AtLeast(major, minor int) bool {
	parts := strings.SplitN(e.Version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	gotMajor, err1 := strconv.Atoi(parts[0])
	gotMinor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return gotMajor > major || (gotMajor == major && gotMinor >= minor)
}

// engineVersionRe matches the version line of `terraform version` and of
// `tofu version`: "Terraform v1.11.4", "OpenTofu v1.12.6".
var engineVersionRe = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)`)

// detectEngine runs `<path> version` and says which engine it is. The JSON
// form cannot tell them apart: both report "terraform_version".
func detectEngine(path string) (engine, error) {
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return engine{}, fmt.Errorf("%s version: %w", path, err)
	}
	var m []string
	for _, line := range strings.Split(string(out), "\n") {
		if m = engineVersionRe.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			break
		}
	}
	if m == nil {
		return engine{}, fmt.Errorf("%s version printed no Terraform or OpenTofu version:\n%s", path, out)
	}
	e := engine{Path: path, Name: m[1], Version: m[2], Host: "registry.terraform.io"}
	if e.OpenTofu() {
		e.Host = "registry.opentofu.org"
	}
	return e, nil
}

// setUpEngine finds the engine and configures the testing framework for it.
// The framework serves the provider in-process under
// <TF_ACC_PROVIDER_HOST>/hashicorp/auditlog; configurations without
// required_providers mean hashicorp/auditlog on the engine's default host,
// which for OpenTofu is registry.opentofu.org, so the host must follow the
// engine.
func setUpEngine() error {
	e, err := detectEngine(os.Getenv("TF_ACC_TERRAFORM_PATH"))
	if err != nil {
		return err
	}
	testEngine = e
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		os.Setenv("TF_ACC_PROVIDER_HOST", e.Host)
	}
	return nil
}

// skipUnlessOpenTofu skips a test of an OpenTofu feature under Terraform,
// with the reason.
func skipUnlessOpenTofu(t *testing.T, major, minor int, why string) {
	t.Helper()
	if !testEngine.OpenTofu() || !testEngine.AtLeast(major, minor) {
		t.Skipf("needs OpenTofu %d.%d or later (engine: %s %s): %s", major, minor, testEngine.Name, testEngine.Version, why)
	}
}

func TestEngineVersionLine(t *testing.T) {
	for line, want := range map[string][2]string{
		"Terraform v1.11.4":     {"Terraform", "1.11.4"},
		"OpenTofu v1.12.6":      {"OpenTofu", "1.12.6"},
		"OpenTofu v1.12.6-dev":  {"OpenTofu", "1.12.6-dev"},
		"Terraform v1.15.0-rc1": {"Terraform", "1.15.0-rc1"},
	} {
		m := engineVersionRe.FindStringSubmatch(line)
		if m == nil || m[1] != want[0] || m[2] != want[1] {
			t.Errorf("%q: got %q, want %v", line, m, want)
		}
	}
	if engineVersionRe.MatchString("Warning: Unable to open CLI configuration file") {
		t.Error("a warning was taken for a version line")
	}
	for v, want := range map[string]bool{"1.12.6": true, "1.9.0": true, "1.8.9": false, "2.0.0": true, "x": false} {
		if got := (engine{Version: v}).AtLeast(1, 9); got != want {
			t.Errorf("AtLeast(1, 9) of %s = %v, want %v", v, got, want)
		}
	}
}

// engineCommand is the engine's command line with args, for the tests that
// run the binary themselves.
func engineCommand(args ...string) *exec.Cmd {
	return exec.Command(testEngine.Path, args...)
}

// engineAsTerraform returns a directory whose terraform is the engine, to
// put first on PATH where a guide's commands, written for terraform, run
// under OpenTofu.
func engineAsTerraform(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(testEngine.Path, filepath.Join(dir, "terraform")); err != nil {
		t.Fatal(err)
	}
	return dir
}
