package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	policy "github.com/auditlog/terraform-provider-auditlog/examples/policy"
	"github.com/auditlog/terraform-provider-auditlog/jsonkeys"
)

// schemaVersion is the version of the policy data document the gate and
// its embedded rules read.
const schemaVersion = 3

// builtinPrefix names a policy data document embedded in the gate.
const builtinPrefix = "builtin:"

// policyData is the policy data document the gate judges by, as read and
// checked before the rules see it.
type policyData struct {
	source    string // the file's absolute path, or builtin:NAME
	raw       []byte // the document exactly as handed to the rules and the module
	policy    map[string]any
	simulator bool // builtin:simulator: not evidence of any cloud

	acceptUnsealedPlans bool
	providers           []providerPin
}

// providerPin is one entry of the policy data's providers: a provider a
// sealed run may install, with the package hashes it may have.
type providerPin struct {
	Address string              `json:"address"`
	Version string              `json:"version"`
	Hashes  map[string][]string `json:"hashes"`
}

// sha256 is the hex SHA-256 of the document as handed on.
func (d *policyData) sha256() string {
	return sha256Hex(d.raw)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// loadPolicyData reads --data: a file, or builtin:NAME.
func loadPolicyData(arg string) (*policyData, error) {
	if name, ok := strings.CutPrefix(arg, builtinPrefix); ok {
		raw, found := policy.Builtin(name)
		if !found {
			return nil, fmt.Errorf("--data %s: no such built-in policy data (built in: %s)", arg, strings.Join(prefixed(policy.BuiltinNames()), ", "))
		}
		d, err := parsePolicyData(raw, arg)
		if err != nil {
			return nil, fmt.Errorf("--data %s: %w", arg, err)
		}
		d.simulator = name == "simulator"
		return d, nil
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", arg, err)
	}
	raw, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("the policy data file %s cannot be read (%w): no control is judged without it", arg, unwrapPathError(err))
	}
	d, err := parsePolicyData(raw, abs)
	if err != nil {
		return nil, fmt.Errorf("the policy data file %s: %w", arg, err)
	}
	return d, nil
}

func prefixed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = builtinPrefix + n
	}
	return out
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parsePolicyData checks the document strictly before any rule sees it:
// OPA, like encoding/json, keeps the last of two equal keys, so a second
// "controls" key would silently replace the first. The document holds
// data.auditlog.policy and nothing else: any other key would reach the
// rules' data beside it (data.auditlog.gate_run is the gate's own).
func parsePolicyData(raw []byte, source string) (*policyData, error) {
	top, err := checkedJSON(raw)
	if err != nil {
		return nil, err
	}
	obj, ok := top.(map[string]any)
	if !ok || len(obj) != 1 || obj["auditlog"] == nil {
		return nil, errors.New(`POLICY: the document must be {"auditlog": {"policy": {...}}} and hold nothing else`)
	}
	auditlog, ok := obj["auditlog"].(map[string]any)
	if !ok || len(auditlog) != 1 || auditlog["policy"] == nil {
		return nil, errors.New(`POLICY: the document must be {"auditlog": {"policy": {...}}} and hold nothing else (auditlog has other keys)`)
	}
	pol, ok := auditlog["policy"].(map[string]any)
	if !ok {
		return nil, errors.New("POLICY: auditlog.policy is not an object")
	}
	d := &policyData{source: source, raw: raw, policy: pol}
	if err := d.readGateKeys(); err != nil {
		return nil, err
	}
	return d, nil
}

// checkedJSON decodes one JSON document, refusing a byte order mark, a
// repeated key at any depth and anything after the document.
func checkedJSON(raw []byte) (any, error) {
	if bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		return nil, errors.New("POLICY: the document starts with a byte order mark (EF BB BF): save it as UTF-8 without one")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("POLICY: not a JSON document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("POLICY: more than one JSON value: the document is one object")
	}
	if _, err := jsonkeys.Scan(raw, "", nil); err != nil {
		var dup *jsonkeys.DuplicateKeyError
		if errors.As(err, &dup) {
			return nil, fmt.Errorf("POLICY: the key %q appears twice in %s: a reader keeps one of them and drops the other silently, so the document is refused", dup.Key, dup.Where())
		}
		return nil, fmt.Errorf("POLICY: %w", err)
	}
	return top, nil
}

// readGateKeys reads what the gate itself acts on before the rules run: the
// schema version, accept_unsealed_plans and the provider pins. The rules
// check the rest of the schema.
func (d *policyData) readGateKeys() error {
	switch v := d.policy["schema_version"].(type) {
	case json.Number:
		if v.String() == "1" {
			return errors.New("POLICY: schema_version 1: this gate reads schema_version 3 (an organization as a map of accounts with their regions and sub-accounts, trusted origins, pinned providers); convert it with `auditlog-gate convert-v1 FILE` and the result with `auditlog-gate convert FILE`, then pin the providers (auditlog-gate pin --mirror DIR) and review the organization: the CHANGELOG's migration note says what changed")
		}
		if v.String() == "2" {
			return errors.New("POLICY: schema_version 2: this policy reads 3; see the migration note \"Policy data v3\" in examples/policy/README.md; convert it with `auditlog-gate convert FILE`, which adds min_retention_days 184, cls_window_days 180, cls_member_account_field null, cloudaudit_instance_event_patterns and the controls RET-01 and EVT-02")
		}
		if v.String() != fmt.Sprint(schemaVersion) {
			return fmt.Errorf("POLICY: schema_version %s: this gate reads schema_version %d", v, schemaVersion)
		}
	default:
		return fmt.Errorf("POLICY: schema_version must be the number %d", schemaVersion)
	}
	switch v := d.policy["accept_unsealed_plans"].(type) {
	case bool:
		d.acceptUnsealedPlans = v
	default:
		return errors.New("POLICY: accept_unsealed_plans must be true or false")
	}
	list, ok := d.policy["providers"].([]any)
	if !ok {
		return errors.New("POLICY: providers must be a list of {address, version, hashes}")
	}
	for i, item := range list {
		b, _ := json.Marshal(item)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var p providerPin
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("POLICY: providers[%d]: %w", i, err)
		}
		if p.Address == "" || p.Version == "" || len(p.Hashes) == 0 {
			return fmt.Errorf("POLICY: providers[%d] needs address, version and hashes (per platform, such as {\"linux_amd64\": [\"h1:...\"]})", i)
		}
		p.Address = strings.ToLower(p.Address)
		d.providers = append(d.providers, p)
	}
	return nil
}

// withProviders returns the document with its providers replaced, as the
// simulator policy is completed with the packages of --provider-mirror.
func (d *policyData) withProviders(pins []providerPin) (*policyData, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(d.raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	pol := doc["auditlog"].(map[string]any)["policy"].(map[string]any) //nolint:forcetypeassert // checked by parsePolicyData
	pol["providers"] = pins
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	out, err := parsePolicyData(append(raw, '\n'), d.source)
	if err != nil {
		return nil, err
	}
	out.simulator = d.simulator
	return out, nil
}
