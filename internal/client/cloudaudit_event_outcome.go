package client

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// CallOutcome is what a CloudAudit event says of the call it records.
type CallOutcome int

const (
	// OutcomeUnknown: the event does not show whether the call failed.
	OutcomeUnknown CallOutcome = iota
	// OutcomeSucceeded: every place a failure is recorded says none.
	OutcomeSucceeded
	// OutcomeFailed: at least one of them records a failure.
	OutcomeFailed
)

// A call can fail in two places, and the API records them apart: the SDK
// documents Event.ErrorCode as the authentication (CAM) error code, and
// DescribeEvents keeps ApiErrorCode and CamErrorCode as separate lookup
// keys. The event document (the CloudAuditEvent string) carries errorCode
// and errorMessage for a signature or authentication failure and
// apiErrorCode and apiErrorMessage for a failure in the service, so a call
// that passed CAM and failed in the service has ErrorCode 0 and says so
// only in its document. Keys are compared without regard to case, as
// encoding/json compares them, and each occurrence of a repeated key
// counts.
var (
	failureCodeKeys    = []string{"errorCode", "apiErrorCode", "camErrorCode"}
	failureMessageKeys = []string{"errorMessage", "apiErrorMessage"}
)

// Outcome tells whether the call an event records failed. Any field that
// records a failure makes it OutcomeFailed. OutcomeSucceeded needs both
// places stated: the authentication outcome (ErrorCode, or the document's
// errorCode or camErrorCode) and the service's (the document's
// apiErrorCode), each as zero or empty, with no error message. An absent
// or malformed document, a document without apiErrorCode, or an error
// field of an unexpected type leaves a call that CAM let through
// OutcomeUnknown: its failure in the service cannot be ruled out.
func (e *CloudAuditEvent) Outcome() CallOutcome {
	if e.ErrorCode != nil && *e.ErrorCode != 0 {
		return OutcomeFailed
	}
	authStated := e.ErrorCode != nil
	if e.CloudAuditEvent == nil {
		return OutcomeUnknown
	}
	fields, ok := documentFields(*e.CloudAuditEvent)
	if !ok {
		return OutcomeUnknown
	}
	apiStated, odd := false, false
	for _, f := range fields {
		key, raw := f.key, f.value
		switch {
		case equalFoldAny(key, failureCodeKeys):
			failed, stated, ok := failureCode(raw)
			if failed {
				return OutcomeFailed
			}
			odd = odd || !ok
			if stated {
				if strings.EqualFold(key, "apiErrorCode") {
					apiStated = true
				} else {
					authStated = true
				}
			}
		case equalFoldAny(key, failureMessageKeys):
			failed, ok := failureMessage(raw)
			if failed {
				return OutcomeFailed
			}
			odd = odd || !ok
		}
	}
	if authStated && apiStated && !odd {
		return OutcomeSucceeded
	}
	return OutcomeUnknown
}

type documentField struct {
	key   string
	value json.RawMessage
}

// documentFields lists the members of a JSON object in order, repeated
// keys included (a map would keep only the last); ok is false unless the
// text is exactly one object.
func documentFields(text string) (fields []documentField, ok bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return nil, false
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		fields = append(fields, documentField{key, value})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return fields, true
}

func equalFoldAny(key string, names []string) bool {
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return true
		}
	}
	return false
}

// failureCode reads an error code: a number other than 0, or a string
// other than "" and "0", is a failure (the documents give the codes as
// integers; Tencent Cloud's API codes are strings such as
// "ResourceInUse"). null states nothing; ok is false for any other type.
func failureCode(raw json.RawMessage) (failed, stated, ok bool) {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return false, false, true
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return false, false, false
	}
	switch v := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return err != nil || f != 0, true, true
	case string:
		s := strings.TrimSpace(v)
		return s != "" && s != "0", true, true
	}
	return false, false, false
}

// failureMessage reads an error message: a non-blank string is a failure.
func failureMessage(raw json.RawMessage) (failed, ok bool) {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		return false, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false, false
	}
	return strings.TrimSpace(s) != "", true
}
