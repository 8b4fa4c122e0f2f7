package provider

import (
	"context"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Access keys and security tokens never contain whitespace. One that does
// was copied with a stray space, tab or line break; sent as is, the API
// answers only that the key is unknown. It is refused rather than trimmed:
// trimming a secret silently would hide the copy-paste mistake in the
// place it came from, and the next tool to read that place would fail.

// hasWhitespace reports whether s holds any Unicode white space.
func hasWhitespace(s string) bool {
	return strings.IndexFunc(s, unicode.IsSpace) >= 0
}

// keyWhitespaceDetail explains the refusal of the key at where, which names
// an attribute, an environment variable or a file, never the value.
func keyWhitespaceDetail(where string) string {
	return "The value of " + where + " contains whitespace (a space, tab or line break), which no access key or security " +
		"token contains: it was most likely copied with a stray character. Remove it where the value is set; the value " +
		"itself is not shown, as it is a secret."
}

// keyValidator refuses whitespace in a key attribute of the provider block.
type keyValidator struct{}

func (keyValidator) Description(context.Context) string {
	return "value must not contain whitespace"
}

func (v keyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (keyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !hasWhitespace(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Whitespace in a key", keyWhitespaceDetail("the attribute "+req.Path.String()))
}

// resolvedKey is one resolved credential and the places it may have come
// from, to name the one it did.
type resolvedKey struct {
	value                 string
	block, env            string // the provider block's and the environment's values
	attribute, variable   string // "tencentcloud.secret_id", "TENCENTCLOUD_SECRET_ID"
	fileField, fileOrigin string // "secretId", "the tccli profile <path>"
}

// keyWhitespaceError returns the error for the first key holding
// whitespace, naming where it came from; nil when all are clean.
func keyWhitespaceError(cloud string, keys ...resolvedKey) *settingsError {
	for _, k := range keys {
		if !hasWhitespace(k.value) {
			continue
		}
		where := k.fileField + " in " + k.fileOrigin
		switch {
		case k.block != "" && k.block == k.value:
			where = "the attribute " + k.attribute + " in the provider block"
		case k.env != "" && k.env == k.value:
			where = "the environment variable " + k.variable
		}
		return &settingsError{"Whitespace in a " + cloud + " key", keyWhitespaceDetail(where)}
	}
	return nil
}
