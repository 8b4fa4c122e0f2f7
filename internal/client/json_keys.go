package client

import (
	"encoding/json"
	"errors"

	"github.com/auditlog/terraform-provider-auditlog/jsonkeys"
)

// An answer whose object repeats a key is ambiguous: encoding/json keeps
// the last value ({"Tracks":[a,b,c],"Tracks":[d]} reads as one tracking
// set), another reader the first. It also matches keys to fields without
// regard to case, so "TotalCount" and "totalcount" fill one field, the
// later winning. Such an answer is refused as damaged, naming the key: it
// is well-formed JSON of an unexpected shape, which asking again would not
// fix, so it is not retried. The scanner is shared with the compliance
// gate, which refuses policy data the same way.

// repeatedKey is the key scan every UCloud answer goes through, whatever
// its action decodes (attempt calls it): the first key an object of body
// repeats, or nil. decodeErr and env are what the action's decoder
// returned: a decoder that found a repeated key, or scanned and found none
// (env.keysScanned), is not scanned after; a body that is not JSON at all
// is reported as such by the caller.
func repeatedKey(body []byte, env *ucloudEnvelope, decodeErr error) error {
	var dup *jsonkeys.DuplicateKeyError
	switch {
	case errors.As(decodeErr, &dup):
		return dup
	case env != nil && env.keysScanned:
		return nil
	case decodeErr != nil && !json.Valid(body):
		return nil
	}
	_, err := scanJSONKeys(body, "", nil)
	return err
}

// scanJSONKeys walks body, a JSON document that encoding/json has already
// decoded without error, and reports the first object that repeats a key
// (as encoding/json matches keys: without regard to case). It also reports
// which of want are keys of the object under the top-level key at (the
// top-level object itself when at is ""), as bits of present: bit i for
// want[i]. A byte order mark before the document is skipped.
func scanJSONKeys(body []byte, at string, want []string) (present uint64, err error) {
	return jsonkeys.Scan(body, at, want)
}
