package cloudsim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// params is a decoded Tencent request: a JSON body, or flattened form or
// query parameters turned into the same object (unflattenParams). Its
// accessors answer with the error codes the real gateway uses for missing,
// unknown and mistyped parameters; a flattened value, which is text, is
// converted to the type the action asks for.
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
	// A NUL is no valid parameter text, and would pass for a flattened value.
	if bytes.Contains(body, []byte(`\u0000`)) {
		return p, errorf("InvalidParameter", "The request body holds a NUL character.")
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
	raw := p.raw[name]
	if bytes.Contains(raw, []byte(`"\u0000`)) {
		var tree any
		conv, ok := any(nil), json.Unmarshal(raw, &tree) == nil
		if ok {
			conv, ok = fromText(tree, reflect.TypeOf(v).Elem())
		}
		if ok {
			raw, _ = json.Marshal(conv)
		} else {
			raw = nil
		}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, errorf("InvalidParameter", "The value type of parameter `%s%s` is not valid.", p.path, name)
	}
	return true, nil
}

var rawMessageType = reflect.TypeOf(json.RawMessage{})

// fromText converts a decoded flattened value (marked text leaves, lists,
// objects) to what encodes as a JSON value of type t: text becomes a number
// or a boolean where t wants one. Values kept as json.RawMessage keep their
// marks, so that parameters nested further convert the same way.
func fromText(v any, t reflect.Type) (any, bool) {
	if t == rawMessageType {
		return v, true
	}
	if s, isText := v.(string); isText {
		s = strings.TrimPrefix(s, formMark)
		switch t.Kind() {
		case reflect.Pointer:
			return fromText(v, t.Elem())
		case reflect.String, reflect.Interface:
			return s, true
		case reflect.Bool:
			b, err := strconv.ParseBool(s)
			return b, err == nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, err := strconv.ParseInt(s, 10, t.Bits())
			return n, err == nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n, err := strconv.ParseUint(s, 10, t.Bits())
			return n, err == nil
		case reflect.Float32, reflect.Float64:
			f, err := strconv.ParseFloat(s, t.Bits())
			return f, err == nil
		}
		return nil, false
	}
	switch t.Kind() {
	case reflect.Pointer:
		return fromText(v, t.Elem())
	case reflect.Interface:
		return stripMarks(v), true
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]any, len(list))
		for i, e := range list {
			if out[i], ok = fromText(e, t.Elem()); !ok {
				return nil, false
			}
		}
		return out, true
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return nil, false
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			if out[k], ok = fromText(e, t.Elem()); !ok {
				return nil, false
			}
		}
		return out, true
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		out := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if e, found := obj[name]; found {
				if out[name], ok = fromText(e, f.Type); !ok {
					return nil, false
				}
			}
		}
		return out, true
	}
	return nil, false
}

func stripMarks(v any) any {
	switch v := v.(type) {
	case string:
		return strings.TrimPrefix(v, formMark)
	case []any:
		for i, e := range v {
			v[i] = stripMarks(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = stripMarks(e)
		}
	}
	return v
}

// object returns a nested object parameter.
func (p params) object(name string) (params, bool, *tencentError) {
	q := params{raw: map[string]json.RawMessage{}, path: p.path + name + "."}
	found, err := p.get(name, &q.raw, false)
	return q, found, err
}
