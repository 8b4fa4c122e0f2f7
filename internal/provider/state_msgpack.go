package provider

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"unsafe"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// encodeState is tfprotov6.NewDynamicValue(typ, v) for a read's state,
// byte for byte, at a fraction of its cost for large states: tftypes'
// encoder grows its buffer by doubling (a 100 MB state allocates and clears
// about twice that) and, for every attribute of every object, sorts the
// object's keys and allocates a path and a value for the key. This one
// sizes its buffer first, and sorts each object type's keys once. A state
// holding a type it does not handle (dynamic) or an unknown value, which a
// read's state never does, is left to tftypes.
func encodeState(typ tftypes.Type, v tftypes.Value) (tfprotov6.DynamicValue, error) {
	e := &stateEncoder{keys: map[unsafe.Pointer][]string{}}
	size, ok := e.size(typ, v)
	if !ok {
		return tfprotov6.NewDynamicValue(typ, v)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	e.enc = msgpack.NewEncoder(buf)
	if err := e.encode(typ, v); err != nil {
		return tfprotov6.DynamicValue{}, err
	}
	return tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, nil
}

// stateEncoder is one encoding: the object types' sorted attribute names,
// kept by the identity of their AttributeTypes map (every log of a list
// shares its element type's), and the encoder.
type stateEncoder struct {
	keys map[unsafe.Pointer][]string
	enc  *msgpack.Encoder
}

func (e *stateEncoder) sortedKeys(t tftypes.Object) []string {
	id := reflect.ValueOf(t.AttributeTypes).UnsafePointer()
	if k, ok := e.keys[id]; ok {
		return k
	}
	keys := make([]string, 0, len(t.AttributeTypes))
	for k := range t.AttributeTypes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.keys[id] = keys
	return keys
}

// size is an upper bound of v's encoding, and false where
// encodeMsgpack does not apply.
func (e *stateEncoder) size(typ tftypes.Type, v tftypes.Value) (int, bool) {
	if !v.IsKnown() || typ.Is(tftypes.DynamicPseudoType) {
		return 0, false
	}
	if v.IsNull() {
		return 1, true
	}
	switch t := typ.(type) {
	case tftypes.Object:
		var attrs map[string]tftypes.Value
		if v.As(&attrs) != nil {
			return 0, false
		}
		n := 5
		for _, k := range e.sortedKeys(t) {
			a, ok := attrs[k]
			if !ok {
				return 0, false
			}
			s, ok := e.size(t.AttributeTypes[k], a)
			if !ok {
				return 0, false
			}
			n += len(k) + 5 + s
		}
		return n, true
	case tftypes.List, tftypes.Set, tftypes.Map, tftypes.Tuple:
		return e.collectionSize(typ, v)
	}
	switch {
	case typ.Is(tftypes.String):
		var s string
		if v.As(&s) != nil {
			return 0, false
		}
		return len(s) + 5, true
	case typ.Is(tftypes.Number):
		var f big.Float
		if v.As(&f) != nil {
			return 0, false
		}
		if _, acc := f.Int64(); acc == big.Exact || f.IsInf() {
			return 9, true
		}
		return len(f.Text('f', -1)) + 9, true
	case typ.Is(tftypes.Bool):
		return 1, true
	}
	return 0, false
}

func (e *stateEncoder) collectionSize(typ tftypes.Type, v tftypes.Value) (int, bool) {
	n := 5
	if m, ok := typ.(tftypes.Map); ok {
		var elems map[string]tftypes.Value
		if v.As(&elems) != nil {
			return 0, false
		}
		for k, el := range elems {
			s, ok := e.size(m.ElementType, el)
			if !ok {
				return 0, false
			}
			n += len(k) + 5 + s
		}
		return n, true
	}
	var elems []tftypes.Value
	if v.As(&elems) != nil {
		return 0, false
	}
	for i, el := range elems {
		et, ok := elementType(typ, i)
		if !ok {
			return 0, false
		}
		s, ok := e.size(et, el)
		if !ok {
			return 0, false
		}
		n += s
	}
	return n, true
}

// elementType is the type of element i of a list, set or tuple; false for
// a tuple index beyond its types or another type.
func elementType(typ tftypes.Type, i int) (tftypes.Type, bool) {
	switch t := typ.(type) {
	case tftypes.List:
		return t.ElementType, true
	case tftypes.Set:
		return t.ElementType, true
	case tftypes.Tuple:
		if i >= len(t.ElementTypes) {
			return nil, false
		}
		return t.ElementTypes[i], true
	}
	return nil, false
}

// encode writes v as tftypes' msgpack encoding does (its
// value_msgpack.go); size has checked that it applies.
func (e *stateEncoder) encode(typ tftypes.Type, v tftypes.Value) error {
	if v.IsNull() {
		return e.enc.EncodeNil()
	}
	switch t := typ.(type) {
	case tftypes.Object:
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return err
		}
		keys := e.sortedKeys(t)
		if err := e.enc.EncodeMapLen(len(keys)); err != nil {
			return err
		}
		for _, k := range keys {
			if err := e.enc.EncodeString(k); err != nil {
				return err
			}
			if err := e.encode(t.AttributeTypes[k], attrs[k]); err != nil {
				return err
			}
		}
		return nil
	case tftypes.Map:
		var elems map[string]tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		if err := e.enc.EncodeMapLen(len(elems)); err != nil {
			return err
		}
		for k, el := range elems {
			if err := e.enc.EncodeString(k); err != nil {
				return err
			}
			if err := e.encode(t.ElementType, el); err != nil {
				return err
			}
		}
		return nil
	case tftypes.List, tftypes.Set, tftypes.Tuple:
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		if err := e.enc.EncodeArrayLen(len(elems)); err != nil {
			return err
		}
		for i, el := range elems {
			et, _ := elementType(typ, i) // size has checked every index
			if err := e.encode(et, el); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case typ.Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		return e.enc.EncodeString(s)
	case typ.Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			return err
		}
		return e.enc.EncodeBool(b)
	case typ.Is(tftypes.Number):
		var n big.Float
		if err := v.As(&n); err != nil {
			return err
		}
		if n.IsInf() {
			return e.enc.EncodeFloat64(math.Inf(n.Sign()))
		}
		if iv, acc := n.Int64(); acc == big.Exact {
			return e.enc.EncodeInt(iv)
		}
		if fv, acc := n.Float64(); acc == big.Exact && !n.IsInt() {
			return e.enc.EncodeFloat64(fv)
		}
		return e.enc.EncodeString(n.Text('f', -1))
	}
	return fmt.Errorf("encoding the state: unexpected type %s", typ)
}
