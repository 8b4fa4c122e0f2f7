package client

import (
	"fmt"
	"strings"
)

// codeErrorWithoutCode is the Code of a TencentError made from an answer's
// Error object that has no Code (or an empty one): still an error.
const codeErrorWithoutCode = "ClientError.ErrorWithoutCode"

// shapeError is an answer that is well-formed JSON but not of the shape its
// action promises: a repeated key, or a missing field. It is not retried.
type shapeError struct {
	requestID string
	err       error
}

func (e *shapeError) Error() string { return e.err.Error() }
func (e *shapeError) Unwrap() error { return e.err }

// promisedFields is implemented by responses whose success answers must
// carry some fields: an answer without its list is not an empty list.
type promisedFields interface {
	// promised names the fields inside Response; anyOf reports that one
	// of them is enough.
	promised() (fields []string, anyOf bool)
}

func (*DescribeUserCallRecordResponse) promised() ([]string, bool) { return []string{"Data"}, false }
func (*DescribeAuditTracksResponse) promised() ([]string, bool)    { return []string{"Tracks"}, false }
func (*DescribeEventsResponse) promised() ([]string, bool)         { return []string{"Events"}, false }

// A page of members without Items or without Total cannot be told from an
// organization of no members: both are promised.
func (*DescribeOrganizationMembersResponse) promised() ([]string, bool) {
	return []string{"Items", "Total"}, false
}

// A tracking set's fields may each be absent (null in the schema), but not
// all of them: that answer describes no tracking set.
func (*DescribeAuditTrackResponse) promised() ([]string, bool) {
	return []string{"Name", "ActionType", "ResourceType", "Status", "EventNames", "Storage", "CreateTime", "TrackForAllMembers", "Filters"}, true
}

// checkTencentShape refuses an answer with a repeated key anywhere, and a
// successful answer without the fields its action promises.
func checkTencentShape(body []byte, into responseMetaHolder) error {
	meta := into.responseMeta()
	var fields []string
	anyOf := false
	if p, ok := into.(promisedFields); ok && meta.Error == nil {
		fields, anyOf = p.promised()
	}
	present, err := scanJSONKeys(body, "Response", fields)
	if err != nil {
		return &shapeError{requestID: meta.RequestId, err: err}
	}
	var missing []string
	for i, f := range fields {
		if present&(1<<i) == 0 {
			missing = append(missing, `"`+f+`"`)
		}
	}
	switch {
	case len(missing) == 0, anyOf && len(missing) < len(fields):
		return nil
	case anyOf:
		return &shapeError{requestID: meta.RequestId, err: fmt.Errorf("the Response has none of the fields %s: an answer of an unexpected shape", strings.Join(missing, ", "))}
	}
	return &shapeError{requestID: meta.RequestId, err: fmt.Errorf("the Response has no %s field: an answer of an unexpected shape, not an empty list", strings.Join(missing, " or "))}
}
