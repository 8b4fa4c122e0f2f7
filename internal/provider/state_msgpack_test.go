package provider

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// encodeState writes the bytes tftypes writes, for every type and value a
// state holds, and leaves what it does not handle to tftypes.
func TestEncodeStateIsTftypesEncoding(t *testing.T) {
	inner := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"k": tftypes.String, "n": tftypes.Number}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"s": tftypes.List{ElementType: tftypes.String}, "n": tftypes.List{ElementType: tftypes.Number},
		"b": tftypes.Bool, "objs": tftypes.List{ElementType: inner}, "set": tftypes.Set{ElementType: tftypes.String},
		"m": tftypes.Map{ElementType: tftypes.Number}, "tuple": tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}},
		"null_obj": inner, "null_list": tftypes.List{ElementType: inner}, "empty": tftypes.List{ElementType: tftypes.String},
		"zeta": tftypes.String, "a_first": tftypes.Number,
	}}
	var strs []tftypes.Value
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536, 70_000} {
		strs = append(strs, tftypes.NewValue(tftypes.String, strings.Repeat("é", n/2)+strings.Repeat("x", n%2)))
	}
	huge, _, _ := big.ParseFloat("123456789012345678901234567890", 10, 512, big.ToNearestEven)
	var nums []tftypes.Value
	for _, n := range []any{0, -1, 127, 128, -33, 255, 65_536, int64(1) << 40, -(int64(1) << 40), math.MaxInt64, math.MinInt64, 1.5, -0.25,
		huge, big.NewFloat(math.Inf(1)), big.NewFloat(math.Inf(-1))} {
		nums = append(nums, tftypes.NewValue(tftypes.Number, n))
	}
	obj := func(k string, n any) tftypes.Value {
		return tftypes.NewValue(inner, map[string]tftypes.Value{"k": tftypes.NewValue(tftypes.String, k), "n": tftypes.NewValue(tftypes.Number, n)})
	}
	v := tftypes.NewValue(typ, map[string]tftypes.Value{
		"s": tftypes.NewValue(typ.AttributeTypes["s"], strs), "n": tftypes.NewValue(typ.AttributeTypes["n"], nums),
		"b":    tftypes.NewValue(tftypes.Bool, true),
		"objs": tftypes.NewValue(typ.AttributeTypes["objs"], []tftypes.Value{obj("a", 1), obj("b", nil), tftypes.NewValue(inner, nil)}),
		"set":  tftypes.NewValue(typ.AttributeTypes["set"], []tftypes.Value{tftypes.NewValue(tftypes.String, "x"), tftypes.NewValue(tftypes.String, "y")}),
		"m":    tftypes.NewValue(typ.AttributeTypes["m"], map[string]tftypes.Value{"only": tftypes.NewValue(tftypes.Number, 7)}),
		"tuple": tftypes.NewValue(typ.AttributeTypes["tuple"], []tftypes.Value{tftypes.NewValue(tftypes.String, "t"),
			tftypes.NewValue(tftypes.Bool, nil)}),
		"null_obj": tftypes.NewValue(inner, nil), "null_list": tftypes.NewValue(typ.AttributeTypes["null_list"], nil),
		"empty": tftypes.NewValue(typ.AttributeTypes["empty"], []tftypes.Value{}),
		"zeta":  tftypes.NewValue(tftypes.String, nil), "a_first": tftypes.NewValue(tftypes.Number, nil),
	})
	sameAsTftypes(t, "every type", typ, v)

	// The logs of a CLS read, as the data source builds them.
	lj, src := `{"eventName":"DeleteUser","userIdentity.principalId":"100002"}`, ""
	tm, topic := int64(1_700_000_000_123), "topic-1"
	logs := make([]tftypes.Value, 3)
	for i := range logs {
		l := &client.CLSLogInfo{Time: &tm, TopicId: &topic, TopicName: &topic, Source: &src, LogJson: &lj, HighLights: []client.CLSHighLightItem{}}
		var err error
		if logs[i], err = clsLogValue(l, i == 1, "org.member"); err != nil {
			t.Fatal(err)
		}
	}
	sameAsTftypes(t, "CLS logs", clsLogListTFType, tftypes.NewValue(clsLogListTFType, logs))

	// An unknown value, and a dynamic type, go to tftypes.
	sameAsTftypes(t, "unknown", typ.AttributeTypes["s"], tftypes.NewValue(typ.AttributeTypes["s"],
		[]tftypes.Value{tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}))
	dyn := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"d": tftypes.DynamicPseudoType}}
	sameAsTftypes(t, "dynamic", dyn, tftypes.NewValue(dyn, map[string]tftypes.Value{"d": tftypes.NewValue(tftypes.String, "x")}))
}

func sameAsTftypes(t *testing.T, name string, typ tftypes.Type, v tftypes.Value) {
	t.Helper()
	want, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	got, err := encodeState(typ, v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !bytes.Equal(got.MsgPack, want.MsgPack) {
		t.Fatalf("%s: encoded %d bytes %x..., tftypes %d bytes %x...", name, len(got.MsgPack), got.MsgPack[:min(40, len(got.MsgPack))],
			len(want.MsgPack), want.MsgPack[:min(40, len(want.MsgPack))])
	}
	back, err := got.Unmarshal(typ)
	if err != nil || !back.Equal(v) {
		t.Fatalf("%s: decoded %v, %v", name, back, err)
	}
}

// The encoding of 10,000 CLS logs (~1 KB of log_json each), by tftypes and
// by encodeState:
//
//	go test -bench EncodeCLSState -run '^$' ./internal/provider
func BenchmarkEncodeCLSState(b *testing.B) {
	doc := `{"eventName":"DeleteUser","userIdentity.principalId":"100002","pad":"` + strings.Repeat("x", 950) + `"}`
	src, topic := "", "topic-1"
	logs := make([]tftypes.Value, 10_000)
	for i := range logs {
		tm, pkg := int64(1_700_000_000_000+i), strings.Repeat("A", 20)
		lj := doc[:len(doc)-3] + string(rune('a'+i%26)) + `"}`
		l := &client.CLSLogInfo{Time: &tm, TopicId: &topic, TopicName: &topic, Source: &src, FileName: &src, HostName: &src,
			PkgId: &pkg, PkgLogId: &pkg, LogJson: &lj, RawLog: &src, IndexStatus: &src, HighLights: []client.CLSHighLightItem{}}
		logs[i], _ = clsLogValue(l, false, "")
	}
	v := tftypes.NewValue(clsLogListTFType, logs)
	for name, enc := range map[string]func(tftypes.Type, tftypes.Value) (tfprotov6.DynamicValue, error){
		"tftypes": tfprotov6.NewDynamicValue, "encodeState": encodeState,
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := enc(clsLogListTFType, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
