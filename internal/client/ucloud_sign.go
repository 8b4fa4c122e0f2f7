package client

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// SignUCloud computes the UCloud API signature of a flattened parameter set:
// parameter names sorted by raw byte order, each name followed by its raw
// (unescaped) value, the private key appended, SHA-1, lower-case hex.
//
// The parameter named "Signature", if present, is not signed. Every other
// parameter is, including Action, PublicKey and SecurityToken, so params must
// be exactly what is sent on the wire (FlattenUCloudParams drops empty values
// for that reason).
func SignUCloud(params map[string]string, privateKey string) string {
	sum := sha1.Sum([]byte(ucloudStringToSign(params) + privateKey))
	return hex.EncodeToString(sum[:])
}

// ucloudStringToSign is the string SignUCloud hashes, before the private key is
// appended. It is separate so that tests can compare it with the published one.
func ucloudStringToSign(params map[string]string) string {
	names := make([]string, 0, len(params))
	size := 0
	for name, value := range params {
		if name == "Signature" {
			continue
		}
		names = append(names, name)
		size += len(name) + len(value)
	}
	// sort.Strings compares Go strings bytewise, which is the order the
	// gateway uses: "CPU" < "ChargeType" and "Backends.10" < "Backends.2".
	sort.Strings(names)
	var b strings.Builder
	b.Grow(size)
	for _, name := range names {
		b.WriteString(name)
		b.WriteString(params[name])
	}
	return b.String()
}

// FlattenUCloudParams turns structured request parameters into the flat
// name=value set the UCloud gateway expects, as the official Go SDK's form
// encoder does:
//
//   - scalars become Name=value; strings as they are, bools "true"/"false",
//     integers in decimal, floats as the shortest decimal without an exponent
//     (42.0 becomes "42");
//   - slices and arrays become Name.0, Name.1, ... (zero-based);
//   - maps with string keys and structs become Name.Sub, recursively, so a
//     slice of objects becomes Name.N.Sub;
//   - pointers are followed; nil pointers, nil interfaces, empty slices and
//     empty strings produce nothing at all, so they are neither sent nor signed.
//
// Struct fields use their Go name, or the name in a `ucloud:"Name"` tag;
// `ucloud:"-"` skips a field. Values of other kinds (channels, functions,
// complex numbers) and non-finite floats are errors naming the parameter.
func FlattenUCloudParams(params map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(params))
	for name, value := range params {
		if name == "" {
			return nil, fmt.Errorf("ucloud: empty parameter name")
		}
		if err := flattenUCloudValue(out, name, reflect.ValueOf(value)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func flattenUCloudValue(out map[string]string, name string, v reflect.Value) error {
	// Follow pointers and interfaces; a nil anywhere means "absent".
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil
	}

	// json.Number is a string kind but a number on the wire; keep its text.
	if v.Type() == reflect.TypeFor[json.Number]() {
		return setUCloudParam(out, name, v.String())
	}

	switch v.Kind() {
	case reflect.String:
		return setUCloudParam(out, name, v.String())
	case reflect.Bool:
		return setUCloudParam(out, name, strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return setUCloudParam(out, name, strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return setUCloudParam(out, name, strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("ucloud: parameter %s: %v cannot be sent", name, f)
		}
		return setUCloudParam(out, name, formatUCloudFloat(f, v.Type().Bits()))
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := flattenUCloudValue(out, name+"."+strconv.Itoa(i), v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("ucloud: parameter %s: map keys must be strings, not %s", name, v.Type().Key())
		}
		iter := v.MapRange()
		for iter.Next() {
			if err := flattenUCloudValue(out, name+"."+iter.Key().String(), iter.Value()); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			sub := f.Name
			if tag, ok := f.Tag.Lookup("ucloud"); ok {
				if tag == "-" {
					continue
				}
				if tag != "" {
					sub = tag
				}
			}
			if err := flattenUCloudValue(out, name+"."+sub, v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("ucloud: parameter %s: unsupported type %s", name, v.Type())
	}
	return nil
}

// setUCloudParam records a flattened value, dropping empty strings: the Go SDK
// never sends them, and a sent-but-empty parameter would change the signature.
// Two values landing on one name ("Keys" = [a] beside "Keys.0" = b) are an
// error, not a result that depends on map order.
func setUCloudParam(out map[string]string, name, value string) error {
	if value == "" {
		return nil
	}
	if _, taken := out[name]; taken {
		return fmt.Errorf("ucloud: two parameters flatten to the same name %q", name)
	}
	out[name] = value
	return nil
}

// formatUCloudFloat renders a float the way the SDK encoders do: the shortest
// decimal that round-trips, never in scientific notation, so 42.0 is "42" and
// 1e21 is "1000000000000000000000".
func formatUCloudFloat(f float64, bits int) string {
	return strconv.FormatFloat(f, 'f', -1, bits)
}
