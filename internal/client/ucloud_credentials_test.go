package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

const credentialJSON = `[
  {"profile":"default","public_key":"pub-default","private_key":"priv-default-SECRET"},
  {"profile":"audit","public_key":"pub-audit","private_key":"priv-audit-SECRET","cookie":"","csrf_token":""}
]`

func TestLoadUCloudSharedCredential(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credential.json")
	writeFile(t, path, credentialJSON)

	pub, priv, found, err := LoadUCloudSharedCredential(path, "")
	if err != nil || !found || pub != "pub-default" || priv != "priv-default-SECRET" {
		t.Errorf("default profile: %q %q %v %v", pub, priv, found, err)
	}
	pub, priv, found, err = LoadUCloudSharedCredential(path, "audit")
	if err != nil || !found || pub != "pub-audit" || priv != "priv-audit-SECRET" {
		t.Errorf("audit profile: %q %q %v %v", pub, priv, found, err)
	}
	_, _, found, err = LoadUCloudSharedCredential(path, "nope")
	if err != nil || found {
		t.Errorf("unknown profile: found %v err %v", found, err)
	}

	// An explicit file that does not exist is an error naming it.
	missing := filepath.Join(dir, "missing.json")
	if _, _, _, err := LoadUCloudSharedCredential(missing, ""); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing explicit file: %v", err)
	}
}

func TestLoadUCloudSharedCredentialDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)

	// No file at the default location: not an error.
	_, _, found, err := LoadUCloudSharedCredential("", "")
	if err != nil || found {
		t.Errorf("absent default file: found %v err %v", found, err)
	}

	writeFile(t, filepath.Join(home, ".ucloud", "credential.json"), credentialJSON)
	pub, _, found, err := LoadUCloudSharedCredential("", "audit")
	if err != nil || !found || pub != "pub-audit" {
		t.Errorf("default file: %q %v %v", pub, found, err)
	}
	// "~/" is expanded in explicit paths too.
	pub, _, found, err = LoadUCloudSharedCredential("~/.ucloud/credential.json", "")
	if err != nil || !found || pub != "pub-default" {
		t.Errorf("~ path: %q %v %v", pub, found, err)
	}
}

func TestLoadUCloudSharedCredentialMalformed(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"syntax.json":    `[{"profile":"default","public_key":"pub","private_key":"priv-SECRET"`,
		"badchar.json":   `[{"profile":"default","private_key":SECRETKEY}]`,
		"object.json":    `{"profile":"default","public_key":"pub","private_key":"priv-SECRET"}`,
		"wrongtype.json": `[{"profile":"default","public_key":12345,"private_key":"priv-SECRET"}]`,
	} {
		path := filepath.Join(dir, name)
		writeFile(t, path, content)
		_, _, found, err := LoadUCloudSharedCredential(path, "")
		if err == nil || found {
			t.Errorf("%s: found %v err %v", name, found, err)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
		if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "12345") {
			t.Errorf("%s: error quotes the file: %v", name, err)
		}
	}
}

func TestLoadUCloudSharedConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	writeFile(t, path, `[
	  {"profile":"default","active":false,"project_id":"org-default","region":"cn-bj2","base_url":"https://api.ucloud.cn/"},
	  {"profile":"work","active":true,"project_id":"org-work","base_url":"https://api.ucloud-global.com","timeout_sec":15}
	]`)
	project, base, found, err := LoadUCloudSharedConfig(path, "")
	if err != nil || !found || project != "org-work" || base != "https://api.ucloud-global.com" {
		t.Errorf("active profile: %q %q %v %v", project, base, found, err)
	}
	project, base, found, err = LoadUCloudSharedConfig(path, "default")
	if err != nil || !found || project != "org-default" || base != "https://api.ucloud.cn/" {
		t.Errorf("named profile: %q %q %v %v", project, base, found, err)
	}
	if _, _, found, err = LoadUCloudSharedConfig(path, "other"); err != nil || found {
		t.Errorf("unknown profile: %v %v", found, err)
	}

	// Without an active entry, "default" is chosen.
	writeFile(t, path, `[{"profile":"x","project_id":"org-x"},{"profile":"default","project_id":"org-d"}]`)
	if project, _, found, err = LoadUCloudSharedConfig(path, ""); err != nil || !found || project != "org-d" {
		t.Errorf("fallback to default: %q %v %v", project, found, err)
	}

	// Default path absent: fine. Explicit path absent or malformed: errors.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	if _, _, found, err = LoadUCloudSharedConfig("", ""); err != nil || found {
		t.Errorf("absent default config: %v %v", found, err)
	}
	if _, _, _, err = LoadUCloudSharedConfig(filepath.Join(dir, "nope.json"), ""); err == nil {
		t.Error("missing explicit config accepted")
	}
	writeFile(t, path, `not json`)
	if _, _, _, err = LoadUCloudSharedConfig(path, ""); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("malformed config: %v", err)
	}
}
