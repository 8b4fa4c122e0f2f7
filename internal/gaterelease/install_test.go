package gaterelease

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// releaseURL is where the guide's install block downloads from; the curl
// stand-in serves only what lies under it.
const releaseURL = "https://github.com/auditlog/terraform-provider-auditlog/releases/download/"

// The guide's install block, run as written in a directory outside the
// repository against this platform's snapshot release (the download served
// from the snapshot's files): the digest check passes and the unpacked
// command reports the release's version. A tampered archive, or a checksum
// file that does not list it, stops the install before anything runs.
func TestGateInstallAsTheGuideShows(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if goos := goEnv(t, "GOOS"); goos != "linux" {
		t.Skipf("the guide installs on a Linux runner; this is %s", goos)
	}
	block := guideInstallBlock(t, filepath.Join(root, "docs", "guides", "policy-as-code.md"))
	rel := gateSnapshot(t, root)

	t.Run("as written", func(t *testing.T) {
		run := runInstall(t, block, rel, rel.dir)
		if run.err != nil {
			t.Fatalf("the install block failed: %v\n%s", run.err, run.out)
		}
		wantRequested := []string{rel.url(rel.archive), rel.url(rel.sums)}
		if !slices.Equal(run.requested, wantRequested) {
			t.Errorf("downloads = %q, want %q", run.requested, wantRequested)
		}
		lines := strings.Split(strings.TrimSpace(run.out), "\n")
		checked := slices.Index(lines, rel.archive+": OK")
		if checked < 0 {
			t.Fatalf("no %q line from the digest check:\n%s", rel.archive+": OK", run.out)
		}
		if reported := versionLine(lines, rel.version); reported < checked {
			t.Errorf("auditlog-gate --version did not report %s after the digest check:\n%s", rel.version, run.out)
		}
	})

	t.Run("tampered archive", func(t *testing.T) {
		dir := rel.copyTo(t)
		f, err := os.OpenFile(filepath.Join(dir, rel.archive), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte{0}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		run := runInstall(t, block, rel, dir)
		if run.err == nil {
			t.Fatalf("the install of a tampered archive succeeded:\n%s", run.out)
		}
		if !strings.Contains(run.out, rel.archive+": FAILED") {
			t.Errorf("the digest check did not name the tampered archive:\n%s", run.out)
		}
		run.assertNothingUnpacked(t, rel)
	})

	t.Run("archive not in the checksum file", func(t *testing.T) {
		// --ignore-missing skips what the checksum file lists and the
		// directory lacks; an archive it does not list must still fail.
		dir := rel.copyTo(t)
		other := strings.Replace(rel.archive, rel.platform, "plan9_amd64", 1)
		sums, err := os.ReadFile(filepath.Join(dir, rel.sums))
		if err != nil {
			t.Fatal(err)
		}
		sums = bytes.ReplaceAll(sums, []byte(rel.archive), []byte(other))
		if err := os.WriteFile(filepath.Join(dir, rel.sums), sums, 0o644); err != nil {
			t.Fatal(err)
		}
		run := runInstall(t, block, rel, dir)
		if run.err == nil {
			t.Fatalf("the install of an archive its checksum file does not list succeeded:\n%s", run.out)
		}
		run.assertNothingUnpacked(t, rel)
	})
}

// guideInstallBlock is the one sh block of the guide that checks a
// download's digest: the install steps a CI copies.
func guideInstallBlock(t *testing.T, guide string) string {
	t.Helper()
	text, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, m := range regexp.MustCompile("(?ms)^```sh\n(.*?)^```$").FindAllStringSubmatch(string(text), -1) {
		if strings.Contains(m[1], "sha256sum --check --ignore-missing") {
			found = append(found, m[1])
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one sh block with sha256sum --check --ignore-missing, found %d", guide, len(found))
	}
	return found[0]
}

// snapshotRelease is what scripts/gate-snapshot.sh made: this platform's
// archive and the checksum file, named as on a release.
type snapshotRelease struct {
	dir, version, platform, archive, sums string
}

func (r snapshotRelease) url(name string) string {
	return releaseURL + "v" + r.version + "/" + name
}

// copyTo copies the archive and the checksum file into a new directory.
func (r snapshotRelease) copyTo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{r.archive, r.sums} {
		b, err := os.ReadFile(filepath.Join(r.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func gateSnapshot(t *testing.T, root string) snapshotRelease {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "gate-snapshot.sh"), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/gate-snapshot.sh: %v\n%s", err, out)
	}
	sums, err := filepath.Glob(filepath.Join(dir, "auditlog-gate_*_SHA256SUMS"))
	if err != nil || len(sums) != 1 {
		t.Fatalf("want one checksum file in %s, found %q (%v)", dir, sums, err)
	}
	r := snapshotRelease{dir: dir, sums: filepath.Base(sums[0])}
	r.version = strings.TrimSuffix(strings.TrimPrefix(r.sums, "auditlog-gate_"), "_SHA256SUMS")
	r.platform = "linux_" + goEnv(t, "GOARCH")
	r.archive = fmt.Sprintf("auditlog-gate_%s_%s.tar.gz", r.version, r.platform)
	if _, err := os.Stat(filepath.Join(dir, r.archive)); err != nil {
		t.Fatal(err)
	}
	return r
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// curlStandIn answers the guide's downloads from the snapshot directory
// (SNAPSHOT_DIR): a URL under the release of AUDITLOG_GATE_VERSION whose
// file is there is copied to the current directory (curl -O), anything else
// fails as curl --fail does on a 404. Every URL asked for is appended to
// CURL_LOG.
const curlStandIn = `#!/usr/bin/env bash
set -euo pipefail
url= remote_name=
for arg in "$@"; do
  case "$arg" in
  https://*) url=$arg ;;
  --remote-name) remote_name=1 ;;
  --*) ;;
  -*O*) remote_name=1 ;;
  esac
done
echo "$url" >>"$CURL_LOG"
prefix="` + releaseURL + `v${AUDITLOG_GATE_VERSION}/"
name=${url#"$prefix"}
if [ -z "$remote_name" ] || [ "$name" = "$url" ] || [ ! -f "$SNAPSHOT_DIR/$name" ]; then
  echo "curl: (22) The requested URL returned error: 404" >&2
  exit 22
fi
cp "$SNAPSHOT_DIR/$name" "./$name"
`

// installRun is one run of the install block.
type installRun struct {
	dir       string // its HOME, where it installs
	out       string // stdout and stderr
	requested []string
	err       error
}

// assertNothingUnpacked fails unless the run stopped before the command was
// unpacked or run.
func (r installRun) assertNothingUnpacked(t *testing.T, rel snapshotRelease) {
	t.Helper()
	unpacked, err := filepath.Glob(filepath.Join(r.dir, "*", "auditlog-gate"))
	if err != nil {
		t.Fatal(err)
	}
	if len(unpacked) > 0 {
		t.Errorf("auditlog-gate was unpacked (%q):\n%s", unpacked, r.out)
	}
	if versionLine(strings.Split(r.out, "\n"), rel.version) >= 0 {
		t.Errorf("auditlog-gate ran:\n%s", r.out)
	}
}

// versionLine is the index of the first line holding version as a word of
// its own (a file name holding it does not count), or -1.
func versionLine(lines []string, version string) int {
	return slices.IndexFunc(lines, func(l string) bool {
		return slices.Contains(strings.Fields(l), version)
	})
}

// runInstall runs the block with bash in a new directory outside the
// repository, with a new HOME and curl served from snapshotDir.
func runInstall(t *testing.T, block string, rel snapshotRelease, snapshotDir string) installRun {
	t.Helper()
	work := t.TempDir()
	bin := filepath.Join(work, "bin")
	home := filepath.Join(work, "home")
	checkout := filepath.Join(work, "checkout") // where a CI step starts
	for _, d := range []string{bin, home, checkout} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(curlStandIn), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(work, "install.sh")
	if err := os.WriteFile(script, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	curlLog := filepath.Join(work, "curl.log")
	cmd := exec.Command("bash", script)
	cmd.Dir = checkout
	cmd.Env = append(withoutGateVariables(os.Environ()),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home,
		"AUDITLOG_GATE_VERSION="+rel.version,
		"SNAPSHOT_DIR="+snapshotDir,
		"CURL_LOG="+curlLog,
	)
	out, err := cmd.CombinedOutput()
	logged, readErr := os.ReadFile(curlLog)
	if readErr != nil && !os.IsNotExist(readErr) {
		t.Fatal(readErr)
	}
	return installRun{dir: home, out: string(out), requested: strings.Fields(string(logged)), err: err}
}

// withoutGateVariables drops what the test sets itself, so that nothing of
// the caller's environment decides what is installed.
func withoutGateVariables(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "PATH" || name == "HOME" || strings.HasPrefix(name, "AUDITLOG_GATE_") ||
			name == "SNAPSHOT_DIR" || name == "CURL_LOG"
	})
}
