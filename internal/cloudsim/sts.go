package cloudsim

// STS: AssumeRole and GetCallerIdentity (version 2018-08-13).
//
// GetCallerIdentity takes no parameter and answers, for the key that
// signed the call, Arn, AccountId, UserId, PrincipalId and Type (all
// strings; the API's own page, https://cloud.tencent.com/document/api/1312/66098,
// documents them for a sub-user's key and for AssumeRole credentials). The
// simulator's permanent key belongs to the owner account itself, for which
// the page gives no example: it answers as for a sub-user whose UIN is the
// owner's (Arn qcs::cam:<owner>:uin/<owner>, Type CAMUser). Credentials of
// an assumed role answer as the role (Arn qcs::sts:<owner>:assumed-role/<role
// id>, UserId <role id>:<session>, PrincipalId the UIN that assumed it, Type
// CAMRole), in the account that owns the role. Its CAM permission is not
// documented: Options.RefuseCallerIdentity makes it refuse, after the
// signature checks, with the code given (such as
// AuthFailure.UnauthorizedOperation or UnauthorizedOperation, the common
// codes of a CAM refusal).

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"regexp"
	"strconv"
	"time"
)

// Faults of AssumeRole's answer. The API documents both ExpiredTime (Unix
// seconds) and Expiration (RFC 3339, UTC) but not that every answer carries
// both; a client must cope with either alone, and refuse neither.
const (
	// FaultNoExpiredTime answers AssumeRole without ExpiredTime: the
	// credentials' end is only in Expiration.
	FaultNoExpiredTime FaultKind = "no-expired-time"
	// FaultNoExpiry answers AssumeRole with neither ExpiredTime nor
	// Expiration: credentials without a known end.
	FaultNoExpiry FaultKind = "no-expiry"
)

// dropAssumeRoleExpiry removes the expiry fields of a successful
// AssumeRole answer for FaultNoExpiredTime and FaultNoExpiry. Any other
// answer is sent as it is.
func dropAssumeRoleExpiry(kind FaultKind, body []byte) []byte {
	var env map[string]map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil || env["Response"] == nil || env["Response"]["Credentials"] == nil {
		return body
	}
	delete(env["Response"], "ExpiredTime")
	if kind == FaultNoExpiry {
		delete(env["Response"], "Expiration")
	}
	out, err := json.Marshal(env)
	if err != nil {
		return body
	}
	return out
}

// roleArnPattern is the shape of a CAM role ARN:
// qcs::cam::uin/<owner uin>:roleName/<name> (or :role/<role id>).
var roleArnPattern = regexp.MustCompile(`^qcs::cam::uin/([0-9]+):(roleName|role)/([A-Za-z0-9_+=,.@-]+)$`)

// assumeRole answers STS AssumeRole: it issues a temporary key pair that the
// other actions then accept only together with its token.
func (t *tencentAPI) assumeRole(call *tencentCall) (any, *tencentError) {
	p := call.params
	if err := p.only("RoleArn", "RoleSessionName", "DurationSeconds", "Policy", "ExternalId", "Tags", "SourceIdentity", "SerialNumber", "TokenCode"); err != nil {
		return nil, err
	}
	var arn, session, policy, externalID string
	duration := int64(7200)
	if _, err := p.get("RoleArn", &arn, true); err != nil {
		return nil, err
	}
	if _, err := p.get("RoleSessionName", &session, true); err != nil {
		return nil, err
	}
	if _, err := p.get("DurationSeconds", &duration, false); err != nil {
		return nil, err
	}
	if _, err := p.get("Policy", &policy, false); err != nil {
		return nil, err
	}
	if _, err := p.get("ExternalId", &externalID, false); err != nil {
		return nil, err
	}
	m := roleArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return nil, errorf("InvalidParameter.ParamError", "RoleArn `%s` is not a valid role ARN (qcs::cam::uin/<uin>:roleName/<name>).", arn)
	}
	t.mu.Lock()
	caller := t.keyUin(call.secretID)
	t.mu.Unlock()
	if m[1] != t.srv.opts.ownerUin {
		if err := t.checkMemberRole(m[1], m[3], m[2] == "role", caller); err != nil {
			return nil, err
		}
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{2,128}$`).MatchString(session) {
		return nil, errorf("InvalidParameter.ParamError", "RoleSessionName must be 2 to 128 letters, digits or _+=,.@-.")
	}
	if duration < 1 || duration > 43200 {
		return nil, errorf("InvalidParameter.ParamError", "DurationSeconds must be between 1 and 43200.")
	}

	id, key, token := "AKIDtmp"+randomHex(14), randomHex(16), randomHex(48)
	expires := call.now.Add(time.Duration(duration) * time.Second)
	roleID := m[3]
	if m[2] == "roleName" {
		roleID = roleIDFor(m[3])
	}
	t.mu.Lock()
	t.tempCreds[id] = tempCredential{secretKey: key, token: token, expires: expires,
		roleOwner: m[1], roleID: roleID, session: session, assumedBy: caller}
	t.assumed[arn]++
	t.mu.Unlock()
	return map[string]any{
		"Credentials": map[string]string{"Token": token, "TmpSecretId": id, "TmpSecretKey": key},
		"ExpiredTime": expires.Unix(),
		"Expiration":  expires.UTC().Format(time.RFC3339),
	}, nil
}

// roleIDFor is the numeric role ID the simulator gives a role name, the
// same on every run: 46116860184xxxxxxxx, the shape of CAM's role IDs.
func roleIDFor(name string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return strconv.FormatUint(4611686018400000000+uint64(h.Sum32()%100_000_000), 10)
}

// keyUin is the UIN that owns a SecretId: the owner account for the
// permanent key, the UIN that assumed the role for a temporary one. The
// caller holds t.mu.
func (t *tencentAPI) keyUin(secretID string) string {
	if c, ok := t.tempCreds[secretID]; ok {
		return c.assumedBy
	}
	return t.srv.opts.ownerUin
}

// getCallerIdentity answers STS GetCallerIdentity for the key that signed
// the call; see the top of this file.
func (t *tencentAPI) getCallerIdentity(call *tencentCall) (any, *tencentError) {
	if err := call.params.only(); err != nil {
		return nil, err
	}
	if code := t.srv.opts.RefuseCallerIdentity; code != "" {
		return nil, errorf(code, "you are not authorized to perform operation (sts:GetCallerIdentity)\nresource (qcs::sts::uin/%s:*) has no permission",
			DefaultTencentOwnerUin)
	}
	t.mu.Lock()
	c, temp := t.tempCreds[call.secretID]
	t.mu.Unlock()
	if temp {
		return map[string]string{
			"Arn":         "qcs::sts:" + c.roleOwner + ":assumed-role/" + c.roleID,
			"AccountId":   c.roleOwner,
			"UserId":      c.roleID + ":" + c.session,
			"PrincipalId": c.assumedBy,
			"Type":        "CAMRole",
		}, nil
	}
	return map[string]string{
		"Arn":         "qcs::cam:" + DefaultTencentOwnerUin + ":uin/" + DefaultTencentOwnerUin,
		"AccountId":   DefaultTencentOwnerUin,
		"UserId":      DefaultTencentOwnerUin,
		"PrincipalId": DefaultTencentOwnerUin,
		"Type":        "CAMUser",
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// IssuedTencentSecrets returns every temporary secret key and token STS has
// issued, so tests can prove that none of them leaks.
func (s *Server) IssuedTencentSecrets() []string {
	t := s.tencent
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, c := range t.tempCreds {
		out = append(out, c.secretKey, c.token)
	}
	return out
}
