package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Default locations of the shared UCloud files written by ucloud-cli and read
// by the official SDKs.
const (
	DefaultUCloudCredentialFile = "~/.ucloud/credential.json"
	DefaultUCloudConfigFile     = "~/.ucloud/config.json"
	DefaultUCloudProfile        = "default"
)

// ucloudCredentialEntry is one element of credential.json. ucloud-cli adds
// more fields (cookie, csrf_token, access_token, ...); they are ignored.
type ucloudCredentialEntry struct {
	Profile    string `json:"profile"`
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
}

// ucloudConfigEntry is one element of config.json.
type ucloudConfigEntry struct {
	Profile   string `json:"profile"`
	Active    bool   `json:"active"`
	ProjectID string `json:"project_id"`
	BaseURL   string `json:"base_url"`
}

// LoadUCloudSharedCredential reads the key pair of a profile from a UCloud
// shared credential file, a JSON array of {profile, public_key, private_key}.
//
// An empty path means DefaultUCloudCredentialFile; a leading "~/" is expanded
// to the home directory. An empty profile means "default". found is false,
// with no error, when the default file does not exist or has no such profile
// (as in the official provider, the caller decides whether that is fatal).
// A missing file that was named explicitly, or a malformed file, is an error
// naming the file; errors never quote the file's contents.
// Keys are returned as written, whitespace included: the provider refuses a
// key with whitespace naming this file, rather than hiding the mistake.
func LoadUCloudSharedCredential(path, profile string) (publicKey, privateKey string, found bool, err error) {
	if profile == "" {
		profile = DefaultUCloudProfile
	}
	var entries []ucloudCredentialEntry
	ok, err := readUCloudSharedFile(path, DefaultUCloudCredentialFile, "credential", &entries)
	if err != nil || !ok {
		return "", "", false, err
	}
	for _, e := range entries {
		if e.Profile == profile {
			return e.PublicKey, e.PrivateKey, true, nil
		}
	}
	return "", "", false, nil
}

// LoadUCloudSharedConfig reads the project and gateway of a profile from a
// UCloud shared config file, a JSON array of {profile, active, project_id,
// base_url, ...}.
//
// Path handling is as in LoadUCloudSharedCredential. With an empty profile
// the entry marked "active": true is used, else the one named "default", the
// way the official SDK picks it.
func LoadUCloudSharedConfig(path, profile string) (projectID, baseURL string, found bool, err error) {
	var entries []ucloudConfigEntry
	ok, err := readUCloudSharedFile(path, DefaultUCloudConfigFile, "config", &entries)
	if err != nil || !ok {
		return "", "", false, err
	}
	pick := func(match func(ucloudConfigEntry) bool) (string, string, bool) {
		for _, e := range entries {
			if match(e) {
				return strings.TrimSpace(e.ProjectID), strings.TrimSpace(e.BaseURL), true
			}
		}
		return "", "", false
	}
	if profile != "" {
		projectID, baseURL, found = pick(func(e ucloudConfigEntry) bool { return e.Profile == profile })
		return projectID, baseURL, found, nil
	}
	if projectID, baseURL, found = pick(func(e ucloudConfigEntry) bool { return e.Active }); found {
		return projectID, baseURL, true, nil
	}
	projectID, baseURL, found = pick(func(e ucloudConfigEntry) bool { return e.Profile == DefaultUCloudProfile })
	return projectID, baseURL, found, nil
}

// UCloudActiveProfile names the profile to read when none is configured:
// the config file's entry marked "active": true, else "default", as
// ucloud-cli does. Keys (credential file) and settings (config file) are
// then both read from that one profile, never from two. An empty path means
// DefaultUCloudConfigFile.
func UCloudActiveProfile(configPath string) (string, error) {
	var entries []ucloudConfigEntry
	ok, err := readUCloudSharedFile(configPath, DefaultUCloudConfigFile, "config", &entries)
	if err != nil || !ok {
		return DefaultUCloudProfile, err
	}
	for _, e := range entries {
		if name := strings.TrimSpace(e.Profile); e.Active && name != "" {
			return name, nil
		}
	}
	return DefaultUCloudProfile, nil
}

// readUCloudSharedFile decodes the JSON file at path (or defaultPath when
// path is empty) into out. It reports false, without error, only when the
// default file is absent.
func readUCloudSharedFile(path, defaultPath, kind string, out any) (bool, error) {
	explicit := path != ""
	if !explicit {
		path = defaultPath
	}
	expanded, ok := expandHome(path)
	if !ok {
		if !explicit {
			return false, nil // no home directory, so no default file
		}
		return false, fmt.Errorf("ucloud shared %s file %s: cannot expand ~: home directory unknown", kind, path)
	}
	data, err := os.ReadFile(expanded)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return false, nil
	}
	if err != nil {
		// The *PathError names the file.
		return false, fmt.Errorf("ucloud shared %s file: %w", kind, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		// describeJSONError reports positions and types only, never the
		// text around them, which could be key material.
		return false, fmt.Errorf("ucloud shared %s file %s: malformed JSON (%s); expected an array of profile objects",
			kind, expanded, describeJSONError(err))
	}
	return true, nil
}

// expandHome replaces a leading "~/" (or a lone "~") with the home
// directory. It reports false if the path needs a home directory and none is
// known.
func expandHome(path string) (string, bool) {
	if path != "~" && !strings.HasPrefix(path, "~/") && !strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		return path, true
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", false
	}
	return filepath.Join(home, path[1:]), true
}
