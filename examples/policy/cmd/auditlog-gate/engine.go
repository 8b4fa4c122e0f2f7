package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// keptEnvironment is the part of the TF_* and TERRAFORM_* variables a sealed
// run passes on: the configuration's variables, registry credentials and
// logging. Every other one chooses what the engine runs or reads
// (TF_CLI_ARGS*, TF_CLI_CONFIG_FILE, TF_DATA_DIR, TF_PLUGIN_CACHE_DIR,
// TF_REATTACH_PROVIDERS, TF_WORKSPACE, TERRAFORM_CONFIG, ...).
func keptEnvironment(name string) bool {
	switch {
	case strings.HasPrefix(name, "TF_VAR_"), strings.HasPrefix(name, "TF_TOKEN_"):
		return name != "TF_VAR_auditlog_policy_data_file" // the gate sets it
	case name == "TF_LOG", name == "TF_LOG_PATH", name == "TF_IN_AUTOMATION":
		return true
	}
	return false
}

// engineEnvironment is environ without the variables a sealed run removes
// (returned by name, sorted), with the gate's own settings added.
func engineEnvironment(environ []string, own map[string]string) (env, removed []string) {
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		ruled := strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "TERRAFORM_") ||
			strings.HasPrefix(name, "TOFU_") || strings.HasPrefix(name, "OPENTOFU_")
		dropped := ruled && !keptEnvironment(name)
		if _, overridden := own[name]; overridden || dropped {
			// A kept variable the gate sets itself (TF_IN_AUTOMATION) is
			// replaced, not removed: only what the engine loses is named.
			if dropped {
				removed = append(removed, name)
			}
			continue
		}
		env = append(env, kv)
	}
	names := make([]string, 0, len(own))
	for k := range own {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		env = append(env, k+"="+own[k])
	}
	sort.Strings(removed)
	return env, removed
}

// engineHome makes the engine's home and XDG base directories: empty
// directories in the gate's temporary directory, so that nothing of the
// runner's account decides what the engine installs or reads. Terraform
// and OpenTofu look for CLI configuration in ~/.terraformrc, ~/.tofurc and
// $XDG_CONFIG_HOME/opentofu/tofurc, merge the *.tfrc files of
// ~/.terraform.d or $XDG_CONFIG_HOME/opentofu, read registry credentials
// from credentials.tfrc.json there, and search implied provider mirrors in
// ~/.terraform.d/plugins, $XDG_DATA_HOME/{terraform,opentofu}/plugins and
// $XDG_DATA_DIRS/terraform/plugins (on Windows, %APPDATA%\terraform.rc,
// tofu.rc and terraform.d); module downloads read ~/.netrc, ~/.gitconfig
// and ~/.ssh. The gate's own CLI configuration (TF_CLI_CONFIG_FILE) already
// replaces the main file and turns off the implied mirrors; these settings
// close every other lookup, whatever the engine's version.
func engineHome(work string) (map[string]string, error) {
	home := filepath.Join(work, "home")
	dirs := map[string]string{
		"HOME":            home,
		"USERPROFILE":     home,
		"APPDATA":         filepath.Join(home, "AppData", "Roaming"),
		"LOCALAPPDATA":    filepath.Join(home, "AppData", "Local"),
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_DATA_HOME":   filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local", "state"),
		"XDG_DATA_DIRS":   filepath.Join(work, "xdg-data-dirs"),
		"XDG_CONFIG_DIRS": filepath.Join(work, "xdg-config-dirs"),
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	return dirs, nil
}

// cliConfiguration is the gate's CLI configuration: the installation
// sources it names and nothing else. An explicit provider_installation
// block turns off the implied local mirrors (terraform.d/plugins beside the
// configuration, ~/.terraform.d/plugins and the rest); include limits each
// source to the providers the policy pins, so init cannot install another.
func cliConfiguration(mirror string, addresses []string) string {
	var b strings.Builder
	b.WriteString("# Written by auditlog-gate for one sealed run.\nprovider_installation {\n")
	include := quotedList(addresses)
	if mirror != "" {
		fmt.Fprintf(&b, "  filesystem_mirror {\n    path    = %s\n    include = %s\n  }\n", hclString(mirror), include)
	} else {
		fmt.Fprintf(&b, "  direct {\n    include = %s\n  }\n", include)
	}
	b.WriteString("}\n")
	return b.String()
}

func quotedList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = hclString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// hclString quotes s for an HCL file: a template sequence (${ or %{) is
// escaped too.
func hclString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "${", "$${")
	s = strings.ReplaceAll(s, "%{", "%%{")
	return `"` + s + `"`
}

// engine runs terraform (or tofu) in the sealed copy.
type engine struct {
	path string
	dir  string
	env  []string
	log  func(string)
}

// run runs one command and returns its combined output and exit code; an
// engine that does not start is an error.
func (e *engine) run(args ...string) (string, int, error) {
	cmd := exec.Command(e.path, append([]string{"-chdir=" + e.dir}, args...)...)
	cmd.Env = e.env
	cmd.Dir = e.dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0, nil
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode(), nil
	}
	return out.String(), -1, fmt.Errorf("%s %s: %w", e.path, args[0], err)
}

// runStdout runs one command and returns its standard output alone; its
// standard error goes to the gate's log.
func (e *engine) runStdout(args ...string) ([]byte, int, error) {
	cmd := exec.Command(e.path, append([]string{"-chdir=" + e.dir}, args...)...)
	cmd.Env = e.env
	cmd.Dir = e.dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if stderr.Len() > 0 {
		e.log(strings.TrimSpace(stderr.String()))
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out, 0, nil
	case errors.As(err, &ee):
		return out, ee.ExitCode(), nil
	}
	return nil, -1, fmt.Errorf("%s %s: %w", e.path, args[0], err)
}

// findEngine resolves AUDITLOG_GATE_TF (default terraform) on PATH.
func findEngine(getenv func(string) string) (string, error) {
	name := getenv("AUDITLOG_GATE_TF")
	if name == "" {
		name = "terraform"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("no engine: %s is not on PATH (AUDITLOG_GATE_TF names terraform, tofu or the path of either)", name)
	}
	return filepath.Abs(path)
}

// devOverrideIn reports the CLI configuration file that the environment
// would have the engine read and that holds a dev override: a sealed run
// never uses one, and says so rather than quietly install something else.
func devOverrideIn(getenv func(string) string) string {
	var files []string
	home := getenv("HOME")
	if f := getenv("TF_CLI_CONFIG_FILE"); f != "" {
		files = append(files, f)
	} else if home != "" {
		files = append(files, filepath.Join(home, ".terraformrc"))
	}
	// The engine merges *.tfrc files of its configuration directory into
	// whatever file it reads, the gate's own included.
	if home != "" {
		more, _ := filepath.Glob(filepath.Join(home, ".terraform.d", "*.tfrc"))
		files = append(files, more...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && devOverridePattern.Match(stripHashComments(b)) {
			return f
		}
	}
	return ""
}

var devOverridePattern = regexp.MustCompile(`(?m)^\s*dev_overrides\s*\{`)

func stripHashComments(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		t := bytes.TrimSpace(l)
		if bytes.HasPrefix(t, []byte("#")) || bytes.HasPrefix(t, []byte("//")) {
			lines[i] = nil
		}
	}
	return bytes.Join(lines, []byte("\n"))
}
