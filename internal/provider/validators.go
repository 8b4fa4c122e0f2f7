package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

var (
	roleArnPattern     = regexp.MustCompile(`^qcs::cam::uin/[0-9]+:(roleName|role)/[A-Za-z0-9_+=,.@-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{2,128}$`)
	tencentRegionRe    = regexp.MustCompile(`^[a-z]{2,}-[a-z]+(-[0-9a-z]+)*$`)
)

// regionValidators accept Tencent Cloud region IDs such as ap-guangzhou,
// and warn of one the SDK does not list.
func regionValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(tencentRegionRe, "must be a Tencent Cloud region ID such as ap-guangzhou"),
		regionListedValidator{},
	}
}

// tencentDomainValidator accepts what the client accepts as a root
// domain, from any source: a host name, with no user info, port or path.
func tencentDomainValidator() validator.String {
	return stringvalidator.RegexMatches(client.TencentDomainPattern, client.TencentDomainRule)
}

// urlValidator accepts an absolute http:// or https:// URL with a host.
type urlValidator struct{}

func (urlValidator) Description(context.Context) string {
	return "value must be an absolute http:// or https:// URL"
}

func (v urlValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (urlValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, _, err := client.ParseEndpointURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}

// durationValidator accepts a positive Go duration such as "30s".
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s must be a positive duration such as 30s or 2m, got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

// uint64StringValidator accepts the decimal digits of an unsigned 64-bit
// integer, such as the API's NextToken.
type uint64StringValidator struct{}

func (uint64StringValidator) Description(context.Context) string {
	return "value must be the decimal digits of an unsigned 64-bit integer"
}

func (v uint64StringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

var digitsRe = regexp.MustCompile(`^[0-9]+$`)

func (uint64StringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if _, err := strconv.ParseUint(s, 10, 64); !digitsRe.MatchString(s) || err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid token",
			fmt.Sprintf("Attribute %s must be the decimal digits of an unsigned 64-bit integer (0 to 18446744073709551615), "+
				"such as the resume_token of an earlier read; got %q.", req.Path, s))
	}
}
