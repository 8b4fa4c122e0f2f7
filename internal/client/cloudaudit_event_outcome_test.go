package client

import "testing"

// Keys are matched as encoding/json matches them, and every occurrence of
// a repeated key counts, so no spelling of the document hides a failure.
func TestCloudAuditEventOutcome(t *testing.T) {
	zero, denied := int64(0), int64(4102)
	for name, c := range map[string]struct {
		code *int64
		doc  string
		want CallOutcome
	}{
		"succeeded":              {&zero, `{"errorCode":0,"apiErrorCode":0,"errorMessage":"","apiErrorMessage":null}`, OutcomeSucceeded},
		"CAM refusal":            {&denied, `not JSON`, OutcomeFailed},
		"service failure":        {&zero, `{"errorCode":0,"apiErrorCode":"InvalidParameter"}`, OutcomeFailed},
		"other case":             {&zero, `{"ErrorCode":0,"ApiErrorCode":"InvalidParameter"}`, OutcomeFailed},
		"repeated key":           {&zero, `{"errorCode":0,"apiErrorCode":"ResourceInUse","apiErrorCode":0}`, OutcomeFailed},
		"repeated in other case": {&zero, `{"errorCode":0,"apiErrorCode":0,"APIERRORCODE":"x"}`, OutcomeFailed},
		"code string zero":       {&zero, `{"errorCode":"0","apiErrorCode":"0"}`, OutcomeSucceeded},
		"code 0.0":               {nil, `{"errorCode":0.0,"apiErrorCode":-0}`, OutcomeSucceeded},
		"null codes":             {&zero, `{"errorCode":null,"apiErrorCode":null}`, OutcomeUnknown},
		"boolean code":           {&zero, `{"errorCode":0,"apiErrorCode":false}`, OutcomeUnknown},
		"number message":         {&zero, `{"errorCode":0,"apiErrorCode":0,"errorMessage":7}`, OutcomeUnknown},
		"two documents":          {&zero, `{"errorCode":0,"apiErrorCode":0} {}`, OutcomeUnknown},
		"no authentication code": {nil, `{"apiErrorCode":0}`, OutcomeUnknown},
		"array":                  {&zero, `[]`, OutcomeUnknown},
		"null document":          {&zero, `null`, OutcomeUnknown},
	} {
		doc := c.doc
		e := CloudAuditEvent{ErrorCode: c.code, CloudAuditEvent: &doc}
		if got := e.Outcome(); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}
