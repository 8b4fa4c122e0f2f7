package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/regions"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// sdkRegions are the region IDs the Tencent Cloud SDK names, in the
// package github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/regions
// of the common module this provider calls the APIs with (v1.3.209). The
// package exports one constant per region and no list, so the list is
// written here from its constants; TestSDKRegionsListsEveryConstant fails
// when an upgrade of the module adds one that is not named here.
//
// A region outside it is only warned of: CloudAudit's China-site pages and
// DescribeAuditTracks / DescribeAuditTrack list no regions (the one list a
// page gives, the international site's for DescribeEvents, is enforced in
// tencent_sites.go), and new regions open before the SDK names them, so the
// API has the last word.
var sdkRegions = []string{
	regions.Bangkok, regions.Beijing, regions.Chengdu, regions.Chongqing, regions.Guangzhou, regions.GuangzhouOpen,
	regions.HongKong, regions.Jakarta, regions.Mumbai, regions.Seoul, regions.Shanghai, regions.Nanjing,
	regions.ShanghaiFSI, regions.ShenzhenFSI, regions.Singapore, regions.Tokyo, regions.Frankfurt, regions.Moscow,
	regions.Ashburn, regions.SiliconValley, regions.Toronto, regions.SaoPaulo,
}

// regionOutsideSDKDetail explains the warning about region, set at where.
func regionOutsideSDKDetail(where, region string) string {
	return fmt.Sprintf("%s is %q, which is not one of the regions the Tencent Cloud SDK lists (%s). If it is a typing "+
		"mistake, correct it: the API would refuse the call. If the region is newer than the SDK, this warning can be "+
		"ignored.", where, region, strings.Join(sdkRegions, ", "))
}

// regionListedValidator warns of a region the SDK does not list.
type regionListedValidator struct{}

func (regionListedValidator) Description(context.Context) string {
	return "value should be a region the Tencent Cloud SDK lists"
}

func (v regionListedValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (regionListedValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	region := req.ConfigValue.ValueString()
	// A value the ID pattern refuses already has its error.
	if !tencentRegionRe.MatchString(region) || slices.Contains(sdkRegions, region) {
		return
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, "Region not listed by the Tencent Cloud SDK",
		regionOutsideSDKDetail("Attribute "+req.Path.String(), region))
}

// providerRegionWarning warns of a default region from the environment or
// the tccli profile that the SDK does not list; the provider block's own
// attribute is warned of by its validator.
func providerRegionWarning(m *tencentCloudModel, env environment, region string) diag.Diagnostics {
	if m.Region.ValueString() != "" || region == "" || slices.Contains(sdkRegions, region) {
		return nil
	}
	profileName := first(m.Profile.ValueString(), env.Getenv("TENCENTCLOUD_PROFILE"), "default")
	dir := first(m.SharedCredentialsDir.ValueString(), env.Getenv("TENCENTCLOUD_SHARED_CREDENTIALS_DIR"), client.DefaultTccliDir())
	where := "The region of the tccli profile " + filepath.Join(dir, profileName+".configure")
	if env.Getenv("TENCENTCLOUD_REGION") == region {
		where = "The environment variable TENCENTCLOUD_REGION"
	}
	var d diag.Diagnostics
	d.AddWarning("Region not listed by the Tencent Cloud SDK", regionOutsideSDKDetail(where, region))
	return d
}
