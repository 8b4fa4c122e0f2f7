package client

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Keys of the published vectors V1-V5 and V7 (docs/ucloud.md section 2.5).
const (
	vecPublicKey  = "ucloudsomeone@example.com1296235120854146120"
	vecPrivateKey = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
)

func withKey(params map[string]string) map[string]string {
	out := map[string]string{"PublicKey": vecPublicKey}
	for k, v := range params {
		out[k] = v
	}
	return out
}

func v2Params() map[string]string {
	return withKey(map[string]string{
		"Action":     "CreateUHostInstance",
		"CPU":        "2",
		"ChargeType": "Month",
		"DiskSpace":  "10",
		"ImageId":    "f43736e1-65a5-4bea-ad2e-8a46e18883c2",
		"LoginMode":  "Password",
		"Memory":     "2048",
		"Name":       "Host01",
		"Password":   "VUNsb3VkLmNu",
		"Quantity":   "1",
		"Region":     "cn-bj2",
		"Zone":       "cn-bj2-04",
	})
}

func v4Params() map[string]string {
	p := withKey(map[string]string{"Action": "AllocateBackendBatch"})
	vals := []string{"foo", "bar", "42"}
	for i := 0; i < 12; i++ {
		p["Backends."+strconv.Itoa(i)] = vals[i%3]
	}
	return p
}

func v5Params() map[string]string {
	return withKey(map[string]string{
		"Action":     "GetUserOperationEvents",
		"BeginTime":  "1700000000",
		"EndTime":    "1700086400",
		"MaxResults": "50",
		"ProjectId":  "org-abc123",
	})
}

func TestSignUCloudVectors(t *testing.T) {
	v3 := v2Params()
	v3["SecurityToken"] = "some_stoken"
	v7 := v5Params()
	v7["NextToken"] = "tok+/=="
	v7["AccessKeyIDs.0"] = "key-a"
	v7["AccessKeyIDs.1"] = "key-b"

	tests := []struct {
		name       string
		params     map[string]string
		privateKey string
		want       string
	}{
		{"V1", withKey(map[string]string{"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": "10"}), vecPrivateKey, "cba5cf5ec4d4233d206b1b54951e3787350a642f"},
		{"V2", v2Params(), vecPrivateKey, "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"},
		{"V3 security token", v3, vecPrivateKey, "170c480ad176a247b324eb92a2cfe536aacfbd04"},
		{"V4 array ordering", v4Params(), vecPrivateKey, "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3"},
		{"V5 GetUserOperationEvents", v5Params(), vecPrivateKey, "36138b94c513c2daa2361aba44033628875e8548"},
		{"V6 python doctest", map[string]string{"PublicKey": "my_public_key", "foo": "bar"}, "my_private_key", "d4411ab30953fb0bbcb1e7313081f05e4e91a394"},
		{"V6 without PublicKey", map[string]string{"foo": "bar"}, "my_private_key", "634edc1bb957c0d65e5ab5494cf3b7784fbc87af"},
		{"V7 token and key filter", v7, vecPrivateKey, "41db1107c7419fe8e73f8e1ef818566a33889a94"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SignUCloud(tt.params, tt.privateKey); got != tt.want {
				t.Errorf("SignUCloud = %s, want %s (string to sign %q)", got, tt.want, ucloudStringToSign(tt.params))
			}
			// A Signature already in the set must not be signed.
			withSig := map[string]string{"Signature": "ignored"}
			for k, v := range tt.params {
				withSig[k] = v
			}
			if got := SignUCloud(withSig, tt.privateKey); got != tt.want {
				t.Errorf("SignUCloud with a Signature param = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSignUCloudStringToSign(t *testing.T) {
	v1 := withKey(map[string]string{"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": "10"})
	const want = "ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120Regioncn-bj2"
	if got := ucloudStringToSign(v1); got != want {
		t.Errorf("string to sign = %q, want %q", got, want)
	}
	// V6: the doctest's documented string.
	if got := ucloudStringToSign(map[string]string{"PublicKey": "my_public_key", "foo": "bar"}); got != "PublicKeymy_public_keyfoobar" {
		t.Errorf("V6 string to sign = %q", got)
	}
	// The white-label mirrors' key (no "ucloud" prefix) gives another value.
	mirror := map[string]string{"Action": "DescribeUHostInstance", "Region": "cn-bj2", "Limit": "10", "PublicKey": "someone@example.com1296235120854146120"}
	if got := SignUCloud(mirror, vecPrivateKey); got != "4201919d267504385deb93af19e0197870fed36b" {
		t.Errorf("mirror-key V1 = %s", got)
	}
}

// The client's own request building must reproduce V5 and V7 end to end.
func TestSignUCloudClientForm(t *testing.T) {
	c, err := NewUCloudClient(UCloudConfig{PublicKey: vecPublicKey, PrivateKey: vecPrivateKey, ProjectID: "org-abc123"})
	if err != nil {
		t.Fatal(err)
	}
	begin, end, pageSize := int64(1700000000), int64(1700086400), 50
	req := GetUserOperationEventsRequest{BeginTime: &begin, EndTime: &end, MaxResults: &pageSize}
	form := c.signedForm("GetUserOperationEvents", req.params(c.projectID))
	if got := form.Get("Signature"); got != "36138b94c513c2daa2361aba44033628875e8548" {
		t.Errorf("V5 via client = %s", got)
	}

	req.NextToken = "tok+/=="
	req.AccessKeyIDs = []string{"key-a", "", "key-b"} // the empty one is skipped, not numbered
	form = c.signedForm("GetUserOperationEvents", req.params(c.projectID))
	if got := form.Get("Signature"); got != "41db1107c7419fe8e73f8e1ef818566a33889a94" {
		t.Errorf("V7 via client = %s; form %v", got, form)
	}
	if form.Get("AccessKeyIDs.1") != "key-b" || form.Has("AccessKeyIDs.2") {
		t.Errorf("AccessKeyIDs numbering: %v", form)
	}

	// STS: the token is sent and signed (V3).
	c3, _ := NewUCloudClient(UCloudConfig{PublicKey: vecPublicKey, PrivateKey: vecPrivateKey, SecurityToken: "some_stoken"})
	v2 := v2Params()
	delete(v2, "PublicKey")
	delete(v2, "Action")
	form = c3.signedForm("CreateUHostInstance", v2)
	if got := form.Get("Signature"); got != "170c480ad176a247b324eb92a2cfe536aacfbd04" {
		t.Errorf("V3 via client = %s", got)
	}
}

func TestFlattenUCloudParams(t *testing.T) {
	type disk struct {
		IsBoot bool
		Size   int
		Type   string `ucloud:"DiskType"`
		Skip   string `ucloud:"-"`
		Note   *string
	}
	empty := ""
	got, err := FlattenUCloudParams(map[string]any{
		"Action":     "CreateUHostInstance",
		"Limit":      10,
		"Big":        uint64(18446744073709551615),
		"Neg":        int8(-3),
		"Ratio":      42.0,
		"Half":       0.5,
		"Small":      float32(0.1),
		"Huge":       1e21,
		"Num":        json.Number("7"),
		"Flag":       true,
		"Off":        false,
		"Empty":      "",
		"NilPtr":     (*int)(nil),
		"NilAny":     nil,
		"EmptyList":  []string{},
		"EmptyPtr":   &empty,
		"Ptr":        &empty,
		"Zones":      []string{"cn-bj2-02", "", "cn-bj2-04"},
		"Disks":      []disk{{IsBoot: true, Size: 20, Type: "CLOUD_SSD", Skip: "x"}, {Size: 100}},
		"Tag":        map[string]any{"Key": "env", "Value": "prod"},
		"Nested":     map[string]any{"Inner": []any{map[string]any{"A": 1}}},
		"Interfaces": []any{"a", 2, false},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Action":           "CreateUHostInstance",
		"Limit":            "10",
		"Big":              "18446744073709551615",
		"Neg":              "-3",
		"Ratio":            "42",
		"Half":             "0.5",
		"Small":            "0.1",
		"Huge":             "1000000000000000000000",
		"Num":              "7",
		"Flag":             "true",
		"Off":              "false",
		"Zones.0":          "cn-bj2-02",
		"Zones.2":          "cn-bj2-04",
		"Disks.0.IsBoot":   "true",
		"Disks.0.Size":     "20",
		"Disks.0.DiskType": "CLOUD_SSD",
		"Disks.1.IsBoot":   "false",
		"Disks.1.Size":     "100",
		"Tag.Key":          "env",
		"Tag.Value":        "prod",
		"Nested.Inner.0.A": "1",
		"Interfaces.0":     "a",
		"Interfaces.1":     "2",
		"Interfaces.2":     "false",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FlattenUCloudParams:\n got %v\nwant %v", got, want)
	}

	// The flattened V4 array signs to the published value, which proves the
	// byte ordering Backends.10 < Backends.11 < Backends.2.
	flat, err := FlattenUCloudParams(map[string]any{
		"Action":    "AllocateBackendBatch",
		"PublicKey": vecPublicKey,
		"Backends":  []any{"foo", "bar", 42, "foo", "bar", 42, "foo", "bar", 42, "foo", "bar", 42.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if sig := SignUCloud(flat, vecPrivateKey); sig != "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3" {
		t.Errorf("V4 from flattened array = %s", sig)
	}
	s := ucloudStringToSign(flat)
	if i10, i2 := strings.Index(s, "Backends.10"), strings.Index(s, "Backends.2"); i10 < 0 || i2 < 0 || i10 > i2 {
		t.Errorf("Backends.10 must sort before Backends.2: %q", s)
	}
}

func TestFlattenUCloudParamsErrors(t *testing.T) {
	for name, v := range map[string]any{
		"chan":    make(chan int),
		"func":    func() {},
		"complex": complex(1, 2),
		"nan":     []float64{0, nan()},
		"intkeys": map[int]string{1: "a"},
	} {
		_, err := FlattenUCloudParams(map[string]any{"P": v})
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), "P") {
			t.Errorf("%s: error does not name the parameter: %v", name, err)
		}
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}
