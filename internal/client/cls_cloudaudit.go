package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// How CloudAudit names its fields once delivered to CLS is undocumented.
// The one public reader (the official provider's test sweeper) accepts
// userIdentity both as flattened keys ("userIdentity.principalId") and as
// one JSON string under "userIdentity"; an object is the console's shape.
// All three are decoded here, and the shape found is reported.

// CLSUserIdentity shapes.
const (
	IdentityFlattened  = "flattened"
	IdentityJSONString = "json_string"
	IdentityObject     = "object"
)

// CLSCloudAuditEvent is what a delivered CloudAudit event says, decoded
// from a log's LogJson. A field the log lacks is nil. Numbers are kept in
// their decimal text.
type CLSCloudAuditEvent struct {
	EventName, EventSource, EventType, EventRegion, EventTime *string
	RequestID, SourceIPAddress, ResourceType, ResourceName    *string
	ActionType, ErrorCode, ErrorMessage                       *string
	PrincipalID, AccountID, UserName, SecretID                *string
	// IdentityShape is how userIdentity was delivered: IdentityFlattened,
	// IdentityJSONString, IdentityObject, or "" when the log has none.
	IdentityShape string
	// MemberAccount is the value under the configured member-account
	// field, nil when none is configured or the log lacks it.
	MemberAccount *string
}

// DecodeCLSCloudAuditEvent decodes one log's LogJson as a CloudAudit event.
// memberField names the key (a flattened key, or a dotted path into
// objects and JSON strings) holding the member account; "" reads none. A
// LogJson that is not a JSON object, or a userIdentity string that is not
// a JSON object, is an error: the log is not what the read claims.
func DecodeCLSCloudAuditEvent(logJSON, memberField string) (*CLSCloudAuditEvent, error) {
	doc, err := decodeObject(logJSON)
	if err != nil {
		return nil, fmt.Errorf("LogJson is not a JSON object: %w", err)
	}
	ev := &CLSCloudAuditEvent{}
	for _, f := range []struct {
		key string
		dst **string
	}{
		{"eventName", &ev.EventName}, {"eventSource", &ev.EventSource}, {"eventType", &ev.EventType},
		{"eventRegion", &ev.EventRegion}, {"eventTime", &ev.EventTime}, {"requestID", &ev.RequestID},
		{"sourceIPAddress", &ev.SourceIPAddress}, {"resourceType", &ev.ResourceType}, {"resourceName", &ev.ResourceName},
		{"actionType", &ev.ActionType}, {"errorCode", &ev.ErrorCode}, {"errorMessage", &ev.ErrorMessage},
	} {
		*f.dst = scalarText(doc[f.key])
	}
	if ev.RequestID == nil {
		ev.RequestID = scalarText(doc["requestId"])
	}
	identity, shape, err := userIdentity(doc)
	if err != nil {
		return nil, err
	}
	ev.IdentityShape = shape
	ev.PrincipalID, ev.AccountID = scalarText(identity["principalId"]), scalarText(identity["accountId"])
	ev.UserName, ev.SecretID = scalarText(identity["userName"]), scalarText(identity["secretId"])
	if memberField != "" {
		v, err := lookupPath(doc, memberField)
		if err != nil {
			return nil, err
		}
		ev.MemberAccount = scalarText(v)
	}
	return ev, nil
}

func decodeObject(s string) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("null")
	}
	return m, nil
}

// userIdentity finds userIdentity as an object, a JSON string or
// flattened keys. Two shapes in one log that disagree are an error.
func userIdentity(doc map[string]json.RawMessage) (map[string]json.RawMessage, string, error) {
	flat := map[string]json.RawMessage{}
	for k, v := range doc {
		if rest, ok := strings.CutPrefix(k, "userIdentity."); ok {
			flat[rest] = v
		}
	}
	raw, ok := doc["userIdentity"]
	if !ok || isJSONNull(raw) {
		if len(flat) > 0 {
			return flat, IdentityFlattened, nil
		}
		return map[string]json.RawMessage{}, "", nil
	}
	var inner map[string]json.RawMessage
	shape := IdentityObject
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		shape = IdentityJSONString
		if inner, err = decodeObject(s); err != nil {
			return nil, "", fmt.Errorf("userIdentity is a string but not a JSON object: %w", err)
		}
	} else if inner, err = decodeObject(string(raw)); err != nil {
		return nil, "", fmt.Errorf("userIdentity is neither an object nor a JSON string: %w", err)
	}
	for k, v := range flat {
		if w, both := inner[k]; both && !bytes.Equal(bytes.TrimSpace(w), bytes.TrimSpace(v)) {
			return nil, "", fmt.Errorf("userIdentity.%s is %s as a flattened key but %s inside userIdentity", k, v, w)
		}
		inner[k] = v
	}
	return inner, shape, nil
}

// lookupPath finds key: first as one flattened key, else as a dotted path
// through objects and JSON strings holding objects.
func lookupPath(doc map[string]json.RawMessage, key string) (json.RawMessage, error) {
	if v, ok := doc[key]; ok {
		return v, nil
	}
	head, rest, dotted := strings.Cut(key, ".")
	v, ok := doc[head]
	if !ok || !dotted {
		return nil, nil
	}
	var inner map[string]json.RawMessage
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		if inner, err = decodeObject(s); err != nil {
			return nil, nil //nolint:nilerr // a plain string holds no member
		}
	} else if inner, err = decodeObject(string(v)); err != nil {
		return nil, nil //nolint:nilerr // a number or list holds no member
	}
	return lookupPath(inner, rest)
}

func isJSONNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// scalarText is a string's value or a number's or boolean's text; nil for
// absent, null, objects and lists (which are not one value).
func scalarText(v json.RawMessage) *string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || isJSONNull(v) || v[0] == '{' || v[0] == '[' {
		return nil
	}
	var s string
	if v[0] == '"' {
		if json.Unmarshal(v, &s) != nil {
			return nil
		}
		return &s
	}
	s = string(v)
	return &s
}
