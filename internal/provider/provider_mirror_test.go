package provider

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// builtMirror is the provider built once per test run by scripts/mirror.sh
// into a mirror in a directory of its own, which TestMain removes: linking
// the provider takes seconds of CPU, and a dozen tests install it.
var builtMirror struct {
	once sync.Once
	tmp  string // the directory TestMain removes
	dir  string // the mirror directory
	rc   string // its CLI configuration
	err  error
}

// buildMirrorOnce runs scripts/mirror.sh into builtMirror on its first call.
func buildMirrorOnce() error {
	builtMirror.once.Do(func() {
		// Not under HOME: a test may point HOME at a directory of its own.
		tmp, err := os.MkdirTemp("", "auditlog-test-mirror-")
		if err != nil {
			builtMirror.err = err
			return
		}
		builtMirror.tmp = tmp
		out, err := exec.Command("bash", "../../scripts/mirror.sh", filepath.Join(tmp, "mirror")).CombinedOutput()
		if err != nil {
			builtMirror.err = fmt.Errorf("%w\n%s", err, out)
			return
		}
		builtMirror.rc = strings.TrimSpace(string(out))
		builtMirror.dir = filepath.Dir(builtMirror.rc)
	})
	return builtMirror.err
}

// removeBuiltMirror removes the run's build, if any, at the end of the run.
func removeBuiltMirror() {
	if builtMirror.tmp != "" {
		_ = os.RemoveAll(builtMirror.tmp)
	}
}

// copyOfBuiltMirror gives dest a mirror of its own with the files
// scripts/mirror.sh writes: the provider's binaries, linked (or copied) from
// the run's one build, and a CLI configuration naming dest. It returns that
// configuration's path.
func copyOfBuiltMirror(dest string) (string, error) {
	if err := buildMirrorOnce(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return "", err
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return "", err
	}
	rcName, err := filepath.Rel(builtMirror.dir, builtMirror.rc)
	if err != nil {
		return "", err
	}
	err = filepath.WalkDir(builtMirror.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(builtMirror.dir, path)
		target := filepath.Join(dest, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case rel == rcName:
			// The configuration names its mirror's directory.
			rc, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, []byte(strings.ReplaceAll(string(rc), builtMirror.dir, dest)), 0o644)
		default:
			if os.Link(path, target) == nil {
				return nil
			}
			return copyFile(path, target)
		}
	})
	if err != nil {
		return "", err
	}
	return filepath.Join(dest, rcName), nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// builtProvider is the path of the run's one build of the provider (see
// builtMirror), built on first use.
func builtProvider() (string, error) {
	if err := buildMirrorOnce(); err != nil {
		return "", err
	}
	bins, err := filepath.Glob(filepath.Join(builtMirror.dir, "registry.terraform.io", "auditlog", "auditlog", "*", "*", "terraform-provider-auditlog_v*"))
	if err != nil {
		return "", err
	}
	if len(bins) != 1 {
		return "", fmt.Errorf("the mirror %s holds %v, want one provider binary", builtMirror.dir, bins)
	}
	return bins[0], nil
}
