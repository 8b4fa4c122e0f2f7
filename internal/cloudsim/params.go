package cloudsim

import (
	"bytes"
	"encoding/json"
	"sort"
)

// params is a decoded Tencent request body. Its accessors answer with the
// error codes the real gateway uses for missing, unknown and mistyped
// parameters.
type params struct {
	raw  map[string]json.RawMessage
	path string // "Filter." for nested objects, for messages
}

func parseParams(body []byte) (params, *tencentError) {
	p := params{raw: map[string]json.RawMessage{}}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(body, &p.raw); err != nil {
		return p, errorf("InvalidParameter", "The request body is not a valid JSON object.")
	}
	return p, nil
}

// only fails with UnknownParameter if the body holds any other name.
func (p params) only(names ...string) *tencentError {
	allowed := map[string]bool{}
	for _, n := range names {
		allowed[n] = true
	}
	var unknown []string
	for k := range p.raw {
		if !allowed[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return errorf("UnknownParameter", "The parameter `%s%s` is not recognized.", p.path, unknown[0])
	}
	return nil
}

func (p params) has(name string) bool {
	v, ok := p.raw[name]
	return ok && string(v) != "null"
}

// get decodes name into v; it reports whether the parameter was present.
func (p params) get(name string, v any, required bool) (bool, *tencentError) {
	if !p.has(name) {
		if required {
			return false, errorf("MissingParameter", "The request is missing a required parameter `%s%s`.", p.path, name)
		}
		return false, nil
	}
	if err := json.Unmarshal(p.raw[name], v); err != nil {
		return false, errorf("InvalidParameter", "The value type of parameter `%s%s` is not valid.", p.path, name)
	}
	return true, nil
}

// object returns a nested object parameter.
func (p params) object(name string) (params, bool, *tencentError) {
	q := params{raw: map[string]json.RawMessage{}, path: p.path + name + "."}
	found, err := p.get(name, &q.raw, false)
	return q, found, err
}
