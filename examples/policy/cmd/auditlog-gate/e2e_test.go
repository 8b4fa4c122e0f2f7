package main

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// e2e is what the end-to-end tests share: the command installed from this
// platform's snapshot release as the policy guide installs it, the provider
// built into a filesystem mirror (scripts/mirror.sh, as users build it), and
// a simulator per scenario.
type e2e struct {
	repo   string // this repository
	work   string
	gate   string // auditlog-gate, installed from the snapshot release
	mirror string
	engine string
	pins   []providerPin
}

var (
	e2eOnce  sync.Once
	e2eSetup *e2e
	e2eErr   error
)

func setupE2E(t *testing.T) *e2e {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end test: set TF_ACC=1 (builds the command and the provider, runs the engine against the simulator)")
	}
	e2eOnce.Do(func() { e2eSetup, e2eErr = buildE2E() })
	if e2eErr != nil {
		t.Fatal(e2eErr)
	}
	return e2eSetup
}

func buildE2E() (*e2e, error) {
	repo, err := filepath.Abs("../../../..")
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "auditlog-gate-e2e-")
	if err != nil {
		return nil, err
	}
	s := &e2e{repo: repo, work: work, mirror: filepath.Join(work, "mirror")}
	if s.gate, err = installReleasedGate(repo, work); err != nil {
		return nil, err
	}
	mirror := exec.Command("bash", "scripts/mirror.sh", s.mirror)
	mirror.Dir = repo
	if out, err := mirror.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("scripts/mirror.sh: %w\n%s", err, out)
	}
	out, err := exec.Command(s.gate, "pin", "--mirror", s.mirror).Output()
	if err != nil {
		return nil, fmt.Errorf("auditlog-gate pin: %w", err)
	}
	if err := json.Unmarshal(out, &s.pins); err != nil {
		return nil, fmt.Errorf("auditlog-gate pin printed %s: %w", out, err)
	}
	s.engine = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if s.engine == "" {
		if s.engine, err = exec.LookPath("terraform"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// sim starts the simulator on a scenario and returns the provider's
// environment for it.
func (s *e2e) sim(t *testing.T, scenario string) (env []string, port string) {
	t.Helper()
	return s.simWith(t, scenario, nil)
}

// simWith starts the simulator on a scenario with options set by edit
// (nil: none), such as the CLS review's deliveries.
func (s *e2e) simWith(t *testing.T, scenario string, edit func(*cloudsim.Options)) (env []string, port string) {
	t.Helper()
	data, err := cloudsim.Scenario(scenario)
	if err != nil {
		t.Fatal(err)
	}
	opts := cloudsim.Options{Data: data}
	if edit != nil {
		edit(&opts)
	}
	srv := cloudsim.New(opts)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	o := srv.Options()
	_, port, _ = strings.Cut(strings.TrimPrefix(url, "http://"), ":")
	return []string{
		"TENCENTCLOUD_ENDPOINT=" + url, "TENCENTCLOUD_SECRET_ID=" + o.TencentSecretID, "TENCENTCLOUD_SECRET_KEY=" + o.TencentSecretKey,
		"UCLOUD_API_BASE_URL=" + url, "UCLOUD_PUBLIC_KEY=" + o.UCloudPublicKey, "UCLOUD_PRIVATE_KEY=" + o.UCloudPrivateKey,
		"UCLOUD_PROJECT_ID=" + o.UCloudProjectID,
	}, port
}

// policyFor writes policy data outside any repository: the simulator
// policy's rules, trusting the simulator on port and pinning the mirror's
// provider by its hash. edit may change the document's text.
func (s *e2e) policyFor(t *testing.T, dir, port string, edit func(string) string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(simulatorDocument(t), &doc); err != nil {
		t.Fatal(err)
	}
	auditlog, _ := doc["auditlog"].(map[string]any)
	p, ok := auditlog["policy"].(map[string]any)
	if !ok {
		t.Fatal("the simulator policy has no auditlog.policy object")
	}
	p["providers"] = s.pins
	p["origins"] = []any{map[string]any{"scheme": "http", "host": "127.0.0.1", "port": json.Number(port)}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if edit != nil {
		text = edit(text)
	}
	path := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// reviewedRepo is a repository under review holding the compliance example
// (the module and its root configuration), as a user's repository would.
func (s *e2e) reviewedRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(repo, "compliance"), os.DirFS(filepath.Join(s.repo, "examples", "compliance"))); err != nil {
		t.Fatal(err)
	}
	return repo
}

// run runs the command and returns its output and exit code.
func (s *e2e) run(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(s.gate, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(append(os.Environ(), "AUDITLOG_GATE_TF="+s.engine), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("auditlog-gate: %v", err)
	return "", -1
}

func expect(t *testing.T, out string, code, wantCode int, wants ...string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit %d, want %d", code, wantCode)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("the output lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// treeHash is a digest of every path, mode, link and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s %v %d\n", rel, info.Mode(), info.ModTime().UnixNano())
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			fmt.Fprintln(h, l)
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// markerProvider writes a provider package that records being run: a
// forged auditlog provider the author committed.
func markerProvider(t *testing.T, dir, marker string) {
	t.Helper()
	platform := runtime.GOOS + "_" + runtime.GOARCH
	pkg := filepath.Join(dir, "registry.terraform.io", "auditlog", "auditlog", "0.1.0", platform)
	writeFiles(t, pkg, map[string]string{"terraform-provider-auditlog_v0.1.0": "#!/bin/sh\ntouch " + marker + "\nexit 1\n"})
	if err := os.Chmod(filepath.Join(pkg, "terraform-provider-auditlog_v0.1.0"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"registry.opentofu.org"} {
		if err := os.CopyFS(filepath.Join(dir, host), os.DirFS(filepath.Join(dir, "registry.terraform.io"))); err != nil {
			t.Fatal(err)
		}
	}
}
