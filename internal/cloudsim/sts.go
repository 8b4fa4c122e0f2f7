package cloudsim

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"time"
)

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
	if m[1] != DefaultTencentOwnerUin {
		return nil, errorf("InvalidParameter.AccountNotAvaliable", "The account %s of RoleArn is not available.", m[1])
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{2,128}$`).MatchString(session) {
		return nil, errorf("InvalidParameter.ParamError", "RoleSessionName must be 2 to 128 letters, digits or _+=,.@-.")
	}
	if duration < 1 || duration > 43200 {
		return nil, errorf("InvalidParameter.ParamError", "DurationSeconds must be between 1 and 43200.")
	}

	id, key, token := "AKIDtmp"+randomHex(14), randomHex(16), randomHex(48)
	expires := call.now.Add(time.Duration(duration) * time.Second)
	t.mu.Lock()
	t.tempCreds[id] = tempCredential{secretKey: key, token: token, expires: expires}
	t.mu.Unlock()
	return map[string]any{
		"Credentials": map[string]string{"Token": token, "TmpSecretId": id, "TmpSecretKey": key},
		"ExpiredTime": expires.Unix(),
		"Expiration":  expires.UTC().Format(time.RFC3339),
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
