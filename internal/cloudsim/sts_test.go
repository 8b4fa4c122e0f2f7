package cloudsim_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// tcsimIdentity is GetCallerIdentity's answer.
type tcsimIdentity struct {
	Arn, AccountId, UserId, PrincipalId, Type, RequestId string
}

func tcsimCallerIdentity(t *testing.T, c tcsimCaller) tcsimIdentity {
	t.Helper()
	res := c.call("sts", "2018-08-13", "GetCallerIdentity", "{}")
	if res.err != nil {
		t.Fatalf("GetCallerIdentity: %v", res.err)
	}
	var out struct {
		Response map[string]json.RawMessage
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatalf("answer %s: %v", res.body, err)
	}
	// Every documented field, all strings, and nothing else.
	var id tcsimIdentity
	fields := map[string]*string{"Arn": &id.Arn, "AccountId": &id.AccountId, "UserId": &id.UserId,
		"PrincipalId": &id.PrincipalId, "Type": &id.Type, "RequestId": &id.RequestId}
	for name, dst := range fields {
		raw, ok := out.Response[name]
		if !ok || json.Unmarshal(raw, dst) != nil || *dst == "" {
			t.Errorf("%s is missing or not a non-empty string in %s", name, res.body)
		}
	}
	if len(out.Response) != len(fields) {
		t.Errorf("the answer has %d fields, want the %d documented: %s", len(out.Response), len(fields), res.body)
	}
	return id
}

// GetCallerIdentity answers for the key that signed it: the owner account
// for the permanent key, the role and its account for assumed-role
// credentials.
func TestTencentSimGetCallerIdentity(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	owner := cloudsim.DefaultTencentOwnerUin

	root := tcsimCallerIdentity(t, tcsimDefaultCaller(t, host))
	if root.AccountId != owner || root.UserId != owner || root.PrincipalId != owner || root.Type != "CAMUser" ||
		root.Arn != "qcs::cam:"+owner+":uin/"+owner {
		t.Errorf("the permanent key's identity is %+v, want the owner account %s", root, owner)
	}

	id, key, token, _ := tcsimAssume(t, host, 3600)
	c := tcsimDefaultCaller(t, host)
	c.cred = tccommon.NewTokenCredential(id, key, token)
	role := tcsimCallerIdentity(t, c)
	roleID := regexp.MustCompile(`^qcs::sts:` + owner + `:assumed-role/([0-9]+)$`).FindStringSubmatch(role.Arn)
	if roleID == nil {
		t.Fatalf("assumed-role Arn %q is not qcs::sts:%s:assumed-role/<role id>", role.Arn, owner)
	}
	if role.AccountId != owner || role.UserId != roleID[1]+":tcsim-test" || role.PrincipalId != owner || role.Type != "CAMRole" {
		t.Errorf("the assumed role's identity is %+v", role)
	}
	// The same role has the same ID in every session.
	id2, key2, token2, _ := tcsimAssume(t, host, 3600)
	c.cred = tccommon.NewTokenCredential(id2, key2, token2)
	if again := tcsimCallerIdentity(t, c); again.Arn != role.Arn {
		t.Errorf("a second session of the role has Arn %q, the first %q", again.Arn, role.Arn)
	}
	if n := sim.CallCount("GetCallerIdentity"); n != 3 {
		t.Errorf("CallCount(GetCallerIdentity) = %d, want 3", n)
	}
}

// GetCallerIdentity is authenticated like every action: a tampered
// signature, an unknown key or a missing region is refused before it
// answers, and a parameter it does not take is refused.
func TestTencentSimGetCallerIdentityChecks(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	tampered := tcsimDefaultCaller(t, host)
	tampered.tamper = func(_ *testing.T, r *http.Request) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Signature=", "Signature=00", 1))
	}
	tcsimExpectError(t, tampered.call("sts", "2018-08-13", "GetCallerIdentity", "{}"), "AuthFailure.SignatureFailure")

	unknown := tcsimDefaultCaller(t, host)
	unknown.cred = tccommon.NewCredential("AKIDunknown000000000000000000000000", cloudsim.DefaultTencentSecretKey)
	tcsimExpectError(t, unknown.call("sts", "2018-08-13", "GetCallerIdentity", "{}"), "AuthFailure.SecretIdNotFound")

	noRegion := tcsimDefaultCaller(t, host)
	noRegion.region = ""
	tcsimExpectError(t, noRegion.call("sts", "2018-08-13", "GetCallerIdentity", "{}"), "MissingParameter")

	tcsimExpectError(t, tcsimDefaultCaller(t, host).call("sts", "2018-08-13", "GetCallerIdentity", `{"RoleArn":"x"}`), "UnknownParameter")
	if n := sim.CallCount("GetCallerIdentity"); n != 1 {
		t.Errorf("CallCount(GetCallerIdentity) = %d, want 1 (only the call with an unknown parameter got past authentication)", n)
	}
}

// Told to, the simulator refuses GetCallerIdentity as a CAM policy would,
// after authenticating the call, while every other action still answers.
func TestTencentSimRefusesGetCallerIdentity(t *testing.T) {
	_, host := tcsimStart(t, cloudsim.Options{RefuseCallerIdentity: "AuthFailure.UnauthorizedOperation"})
	c := tcsimDefaultCaller(t, host)
	res := c.call("sts", "2018-08-13", "GetCallerIdentity", "{}")
	tcsimExpectError(t, res, "AuthFailure.UnauthorizedOperation")
	if msg := res.sdkErr().GetMessage(); !strings.Contains(msg, "sts:GetCallerIdentity") {
		t.Errorf("message %q does not name the operation refused", msg)
	}
	tampered := tcsimDefaultCaller(t, host)
	tampered.tamper = func(_ *testing.T, r *http.Request) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Signature=", "Signature=00", 1))
	}
	tcsimExpectError(t, tampered.call("sts", "2018-08-13", "GetCallerIdentity", "{}"), "AuthFailure.SignatureFailure")
	if res := c.page(1, 10); res.err != nil {
		t.Errorf("DescribeAuditTracks failed while only GetCallerIdentity is refused: %v", res.err)
	}
}

// AssumeRole can answer without ExpiredTime (the end only in Expiration)
// and without either, each a fault; the credentials still work.
func TestTencentSimAssumeRoleWithoutExpiry(t *testing.T) {
	sim, host := tcsimStart(t, cloudsim.Options{})
	for _, tc := range []struct {
		kind       cloudsim.FaultKind
		expiration bool
	}{{cloudsim.FaultNoExpiredTime, true}, {cloudsim.FaultNoExpiry, false}} {
		sim.InjectFault(cloudsim.Fault{Kind: tc.kind, Action: "AssumeRole", Times: 1})
		res := tcsimDefaultCaller(t, host).call("sts", "2018-08-13", "AssumeRole",
			`{"RoleArn":"`+tcsimRoleArn+`","RoleSessionName":"tcsim-test","DurationSeconds":600}`)
		if res.err != nil {
			t.Fatalf("%s: %v", tc.kind, res.err)
		}
		var out struct{ Response map[string]json.RawMessage }
		if err := json.Unmarshal(res.body, &out); err != nil {
			t.Fatal(err)
		}
		_, hasExpiredTime := out.Response["ExpiredTime"]
		raw, hasExpiration := out.Response["Expiration"]
		if hasExpiredTime || hasExpiration != tc.expiration || out.Response["Credentials"] == nil || out.Response["RequestId"] == nil {
			t.Errorf("%s: answer %s", tc.kind, res.body)
		}
		if tc.expiration {
			var exp string
			if err := json.Unmarshal(raw, &exp); err != nil || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(exp) {
				t.Errorf("Expiration %s is not an RFC 3339 UTC time", raw)
			}
		}
	}
	if _, err := cloudsim.ParseFault("no-expiry,action=AssumeRole"); err != nil {
		t.Error(err)
	}
}
