package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// realDir returns the absolute path of dir with its symbolic links resolved:
// "inside the repository" is decided on real paths only.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// repositoryTop is the top of the repository holding path: the nearest
// directory at or above it that holds .git (a directory, or a file in a
// worktree or submodule). ok is false when there is none.
func repositoryTop(path string) (top string, ok bool) {
	for dir := path; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// within reports whether path is dir or below it (both absolute, clean).
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// commonDir is the deepest directory holding every one of dirs.
func commonDir(dirs []string) string {
	common := dirs[0]
	for _, d := range dirs[1:] {
		for !within(d, common) {
			common = filepath.Dir(common)
		}
	}
	return common
}

// excludedFromCopy reports whether a file or directory of the reviewed tree
// stays out of the sealed copy, and why: what a previous run or the author
// left there must not choose the providers, the modules or the state.
func excludedFromCopy(name string, isDir bool) (bool, string) {
	switch {
	case isDir && name == ".terraform":
		return true, "a data directory (installed providers and modules)"
	case isDir && name == "terraform.d":
		return true, "an implied local provider mirror"
	case isDir && name == ".git":
		return true, "version control"
	case name == ".terraform.lock.hcl":
		return true, "a dependency lock file (init writes its own)"
	case strings.Contains(name, ".tfstate"):
		return true, "a state file"
	case !isDir && (strings.HasSuffix(name, ".tfplan") || name == "tfplan" || strings.HasSuffix(name, ".plan")):
		return true, "a plan file"
	case name == ".terraformrc" || name == "terraform.rc":
		return true, "a CLI configuration"
	}
	return false, ""
}

// copyTree copies src into dst (which must not exist), leaving out what
// excludedFromCopy names: a symbolic link is copied as a link only when its
// target stays inside src (the copy would otherwise read, or run, what it
// points to outside); a link that leaves it is an error.
// Plain files keep their mode; nothing is followed.
func copyTree(src, dst string, log func(string)) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if rel != "." {
			if skip, why := excludedFromCopy(d.Name(), d.IsDir()); skip {
				log(fmt.Sprintf("left out of the sealed copy: %s (%s)", rel, why))
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		switch mode := d.Type(); {
		case mode&os.ModeSymlink != 0:
			return copySymlink(path, target, src)
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case mode.IsRegular():
			return copyFile(path, target)
		default:
			return fmt.Errorf("%s is not a file, a directory or a symbolic link (%s): the gate copies nothing else", path, mode)
		}
	})
}

func copySymlink(path, target, top string) error {
	dest, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("the symbolic link %s leads nowhere (%w): refused", path, unwrapPathError(err))
	}
	if !within(dest, top) {
		return fmt.Errorf("the symbolic link %s leads out of the directory the gate copies (%s is not under %s): refused", path, dest, top)
	}
	link, err := os.Readlink(path)
	if err != nil {
		return err
	}
	if filepath.IsAbs(link) {
		// An absolute link would point back into the reviewed tree from the
		// copy; a relative one keeps the copy to itself.
		rel, err := filepath.Rel(filepath.Dir(path), dest)
		if err != nil {
			return err
		}
		link = rel
	}
	return os.Symlink(link, target)
}

func copyFile(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, info.Mode().Perm()|0o200)
}
