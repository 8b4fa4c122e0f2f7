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

// TccliProfile is what a tccli profile holds: the key pair in
// "<dir>/<profile>.credential" and the region in "<dir>/<profile>.configure".
type TccliProfile struct {
	SecretID        string
	SecretKey       string
	Token           string
	Region          string
	RoleArn         string
	RoleSessionName string
}

// DefaultTccliDir returns "~/.tccli", where tccli keeps its profiles.
func DefaultTccliDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ".tccli"
	}
	return filepath.Join(home, ".tccli")
}

// ExpandHome replaces a leading "~/" with the user's home directory.
func ExpandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// LoadTccliProfile reads a tccli profile from dir. found is false when
// neither file exists. Errors name the file but never its contents.
func LoadTccliProfile(dir, profile string) (p TccliProfile, found bool, err error) {
	if profile == "" {
		profile = "default"
	}
	dir = ExpandHome(dir)

	var cred struct {
		SecretID        string `json:"secretId"`
		SecretKey       string `json:"secretKey"`
		Token           string `json:"token"`
		RoleArn         string `json:"role-arn"`
		RoleSessionName string `json:"role-session-name"`
	}
	credFound, err := readJSONFile(filepath.Join(dir, profile+".credential"), &cred)
	if err != nil {
		return p, false, err
	}
	var conf struct {
		SysParam struct {
			Region string `json:"region"`
		} `json:"_sys_param"`
	}
	confFound, err := readJSONFile(filepath.Join(dir, profile+".configure"), &conf)
	if err != nil {
		return p, false, err
	}
	p = TccliProfile{
		SecretID: cred.SecretID, SecretKey: cred.SecretKey, Token: cred.Token,
		RoleArn: cred.RoleArn, RoleSessionName: cred.RoleSessionName, Region: conf.SysParam.Region,
	}
	return p, credFound || confFound, nil
}

// readJSONFile decodes path into v. A missing file is not an error.
func readJSONFile(path string, v any) (found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		// The decoder's message can quote file content; keep only where.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return false, fmt.Errorf("%s is not valid JSON (syntax error at byte %d)", path, se.Offset)
		}
		return false, fmt.Errorf("%s does not have the expected JSON layout", path)
	}
	return true, nil
}
