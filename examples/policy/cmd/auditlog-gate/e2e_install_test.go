package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// The end-to-end tests run auditlog-gate as a CI gets it: the release
// archive and checksum file for this platform, built by goreleaser's
// snapshot (scripts/gate-snapshot.sh, once per test binary run), installed
// by the policy guide's own install block with the download served from
// those files, so the digest check runs as written.

const guideReleaseURL = "https://github.com/auditlog/terraform-provider-auditlog/releases/download/"

// guideCurl stands in for curl: a URL under the release of
// AUDITLOG_GATE_VERSION whose file is in SNAPSHOT_DIR is copied to the
// current directory (curl --remote-name); anything else fails as curl
// --fail does on a 404.
const guideCurl = `#!/usr/bin/env bash
set -euo pipefail
url=
for arg in "$@"; do
  case "$arg" in https://*) url=$arg ;; esac
done
name=${url#"` + guideReleaseURL + `v${AUDITLOG_GATE_VERSION}/"}
if [ "$name" = "$url" ] || [ ! -f "$SNAPSHOT_DIR/$name" ]; then
  echo "curl: (22) The requested URL returned error: 404" >&2
  exit 22
fi
cp "$SNAPSHOT_DIR/$name" "./$name"
`

// installReleasedGate builds this platform's snapshot release into
// work/release and installs the command from it; it returns the installed
// command.
func installReleasedGate(repo, work string) (string, error) {
	release := filepath.Join(work, "release")
	snap := exec.Command("bash", filepath.Join(repo, "scripts", "gate-snapshot.sh"), release)
	snap.Dir = repo
	if out, err := snap.CombinedOutput(); err != nil {
		return "", fmt.Errorf("scripts/gate-snapshot.sh: %w\n%s", err, out)
	}
	sums, err := filepath.Glob(filepath.Join(release, "auditlog-gate_*_SHA256SUMS"))
	if err != nil {
		return "", err
	}
	if len(sums) != 1 {
		return "", fmt.Errorf("want one checksum file in %s, found %q", release, sums)
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(sums[0]), "auditlog-gate_"), "_SHA256SUMS")
	home := filepath.Join(work, "install-home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", err
	}
	gate := filepath.Join(home, "auditlog-gate-"+version, "auditlog-gate")
	if runtime.GOOS == "linux" {
		err = runGuideInstall(repo, work, release, home, version)
	} else {
		// The guide installs on a Linux runner; elsewhere the same steps.
		err = installLikeTheGuide(release, filepath.Dir(gate), version)
	}
	if err != nil {
		return "", err
	}
	out, err := exec.Command(gate, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("the installed %s --version: %w", gate, err)
	}
	if !strings.Contains(string(out), version) {
		return "", fmt.Errorf("the installed %s --version printed %q, want %s", gate, out, version)
	}
	return gate, nil
}

// runGuideInstall runs the policy guide's install block with bash, with a
// HOME of its own and curl served from the snapshot release.
func runGuideInstall(repo, work, release, home, version string) error {
	guide, err := os.ReadFile(filepath.Join(repo, "docs", "guides", "policy-as-code.md"))
	if err != nil {
		return err
	}
	var block string
	for _, m := range regexp.MustCompile("(?ms)^```sh\n(.*?)^```$").FindAllStringSubmatch(string(guide), -1) {
		if strings.Contains(m[1], "sha256sum --check --ignore-missing") {
			if block != "" {
				return errors.New("the policy guide has more than one install block (sha256sum --check --ignore-missing)")
			}
			block = m[1]
		}
	}
	if block == "" {
		return errors.New("the policy guide has no install block (sha256sum --check --ignore-missing)")
	}
	bin := filepath.Join(work, "install-bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(guideCurl), 0o755); err != nil {
		return err
	}
	cmd := exec.Command("bash", "-c", block)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+home,
		"AUDITLOG_GATE_VERSION="+version, "SNAPSHOT_DIR="+release)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("the policy guide's install block: %w\n%s", err, out)
	}
	if !strings.Contains(string(out), ": OK") {
		return fmt.Errorf("the policy guide's install block checked no digest:\n%s", out)
	}
	return nil
}

// installLikeTheGuide checks the archive's digest against the checksum
// file (which must list it) and unpacks auditlog-gate into dir.
func installLikeTheGuide(release, dir, version string) error {
	archive := fmt.Sprintf("auditlog-gate_%s_%s_%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	f, err := os.Open(filepath.Join(release, "auditlog-gate_"+version+"_SHA256SUMS"))
	if err != nil {
		return err
	}
	defer f.Close()
	want := ""
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[1] == archive {
			want = fields[0]
		}
	}
	b, err := os.ReadFile(filepath.Join(release, archive))
	if err != nil {
		return err
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(b)); want == "" || got != want {
		return fmt.Errorf("%s: digest %s, the checksum file lists %q", archive, got, want)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return fmt.Errorf("%s holds no auditlog-gate: %w", archive, err)
		}
		if h.Name != "auditlog-gate" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(filepath.Join(dir, "auditlog-gate"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, tr); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
}
