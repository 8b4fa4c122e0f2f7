package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tctWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

const (
	tctTccliCredential = `{
    "secretId": "AKIDtccliProfile000000000000000000",
    "secretKey": "tccliSecretKey0000000000000000000",
    "token": "tccliSessionToken",
    "role-arn": "qcs::cam::uin/100000000001:roleName/reader",
    "role-session-name": "tccli-session"
}`
	tctTccliConfigure = `{
    "_sys_param": {"arrayCount": 10, "output": "json", "region": "ap-hongkong", "warning": "off"},
    "cvm": {"endpoint": "cvm.tencentcloudapi.com", "version": "2017-03-12"}
}`
)

func TestLoadTccliProfileReadsBothFiles(t *testing.T) {
	dir := t.TempDir()
	tctWriteFile(t, filepath.Join(dir, "default.credential"), tctTccliCredential)
	tctWriteFile(t, filepath.Join(dir, "default.configure"), tctTccliConfigure)
	for _, profile := range []string{"default", ""} {
		p, found, err := LoadTccliProfile(dir, profile)
		if err != nil || !found {
			t.Fatalf("profile %q: found=%v err=%v", profile, found, err)
		}
		want := TccliProfile{
			SecretID: "AKIDtccliProfile000000000000000000", SecretKey: "tccliSecretKey0000000000000000000",
			Token: "tccliSessionToken", Region: "ap-hongkong",
			RoleArn: "qcs::cam::uin/100000000001:roleName/reader", RoleSessionName: "tccli-session",
		}
		if p != want {
			t.Errorf("profile %q: got %+v, want %+v", profile, p, want)
		}
	}
}

func TestLoadTccliProfileNamedProfile(t *testing.T) {
	dir := t.TempDir()
	tctWriteFile(t, filepath.Join(dir, "default.credential"), tctTccliCredential)
	tctWriteFile(t, filepath.Join(dir, "prod.credential"), `{"secretId":"AKIDprod","secretKey":"prodKey"}`)
	tctWriteFile(t, filepath.Join(dir, "prod.configure"), `{"_sys_param":{"region":"eu-frankfurt"}}`)
	p, found, err := LoadTccliProfile(dir, "prod")
	if err != nil || !found {
		t.Fatalf("found=%v err=%v", found, err)
	}
	if p != (TccliProfile{SecretID: "AKIDprod", SecretKey: "prodKey", Region: "eu-frankfurt"}) {
		t.Errorf("prod profile: %+v", p)
	}
}

func TestLoadTccliProfileOneFileOnly(t *testing.T) {
	dir := t.TempDir()
	tctWriteFile(t, filepath.Join(dir, "region.configure"), tctTccliConfigure)
	p, found, err := LoadTccliProfile(dir, "region")
	if err != nil || !found || p != (TccliProfile{Region: "ap-hongkong"}) {
		t.Errorf("configure only: %+v found=%v err=%v", p, found, err)
	}
	tctWriteFile(t, filepath.Join(dir, "keys.credential"), `{"secretId":"AKIDk","secretKey":"k"}`)
	p, found, err = LoadTccliProfile(dir, "keys")
	if err != nil || !found || p != (TccliProfile{SecretID: "AKIDk", SecretKey: "k"}) {
		t.Errorf("credential only: %+v found=%v err=%v", p, found, err)
	}
}

func TestLoadTccliProfileMissing(t *testing.T) {
	dir := t.TempDir()
	tctWriteFile(t, filepath.Join(dir, "other.credential"), tctTccliCredential)
	for _, d := range []string{dir, filepath.Join(dir, "does-not-exist")} {
		p, found, err := LoadTccliProfile(d, "default")
		if err != nil || found || p != (TccliProfile{}) {
			t.Errorf("dir %s: %+v found=%v err=%v; want nothing, no error", d, p, found, err)
		}
	}
}

func TestLoadTccliProfileMalformedNamesFileNotContent(t *testing.T) {
	const fakeKey = "FAKEsecretKeyMustNotLeak123"
	for _, tc := range []struct{ name, file, content string }{
		{"syntax", "default.credential", `{"secretId": "AKIDleakcheck", "secretKey": "` + fakeKey + `",, }`},
		{"bad character in string", "default.credential", "{\"secretKey\": \"" + fakeKey + "\x01\"}"},
		{"unquoted value", "default.credential", `{"secretKey": ` + fakeKey + `}`},
		{"wrong type", "default.credential", `{"secretKey": "` + fakeKey + `", "token": 12}`},
		{"not an object", "default.credential", `["` + fakeKey + `"]`},
		{"truncated", "default.credential", `{"secretKey": "` + fakeKey},
		{"configure", "default.configure", `{"_sys_param": {"region": "` + fakeKey + `"}`},
		{"configure wrong type", "default.configure", `{"_sys_param": "` + fakeKey + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.file == "default.configure" {
				tctWriteFile(t, filepath.Join(dir, "default.credential"), tctTccliCredential)
			}
			path := filepath.Join(dir, tc.file)
			tctWriteFile(t, path, tc.content)
			p, found, err := LoadTccliProfile(dir, "default")
			if err == nil {
				t.Fatalf("malformed %s accepted: %+v", tc.file, p)
			}
			if found || p.SecretKey != "" {
				t.Errorf("a profile was returned with the error: %+v found=%v", p, found)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			for _, leak := range []string{fakeKey, "FAKEsecret", "AKIDleakcheck", "tccliSecretKey"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q quotes the file's content (%s)", err, leak)
				}
			}
		})
	}
}

func TestLoadTccliProfileUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should be cannot be read.
	if err := os.MkdirAll(filepath.Join(dir, "default.credential"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, found, err := LoadTccliProfile(dir, "default")
	if err == nil || found || !strings.Contains(err.Error(), "default.credential") {
		t.Errorf("unreadable file: found=%v err=%v", found, err)
	}
}

func TestLoadTccliProfileExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tctWriteFile(t, filepath.Join(home, ".tccli", "default.credential"), tctTccliCredential)
	tctWriteFile(t, filepath.Join(home, ".tccli", "default.configure"), tctTccliConfigure)
	p, found, err := LoadTccliProfile("~/.tccli", "default")
	if err != nil || !found || p.SecretID != "AKIDtccliProfile000000000000000000" || p.Region != "ap-hongkong" {
		t.Fatalf("~/.tccli: %+v found=%v err=%v", p, found, err)
	}
	p2, found, err := LoadTccliProfile(DefaultTccliDir(), "")
	if err != nil || !found || p2 != p {
		t.Errorf("DefaultTccliDir(): %+v found=%v err=%v", p2, found, err)
	}
	if got, want := DefaultTccliDir(), filepath.Join(home, ".tccli"); got != want {
		t.Errorf("DefaultTccliDir() = %q, want %q", got, want)
	}
	for in, want := range map[string]string{
		"~":            home,
		"~/":           home,
		"~/x/y":        filepath.Join(home, "x", "y"),
		"/abs/~/p":     "/abs/~/p",
		"~other/p":     "~other/p",
		"relative/dir": "relative/dir",
	} {
		if got := ExpandHome(in); got != want {
			t.Errorf("ExpandHome(%q) = %q, want %q", in, got, want)
		}
	}
}
