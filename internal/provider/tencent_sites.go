package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Sites and the regions their documents list.
//
// The international site (tencentcloud.domain = "intl.tencentcloudapi.com")
// documents DescribeEvents in six regions only: the DescribeEvents page of
// the international API documentation (2025,
// https://www.tencentcloud.com/document/product/1021/42703) limits Region to
// ap-guangzhou, ap-hongkong, ap-seoul, ap-singapore, ap-tokyo and
// eu-frankfurt (its 2023 version, https://intl.cloud.tencent.com/document/api/362/32170,
// had no list). The China site's pages list no restriction, and neither site
// restricts DescribeAuditTracks / DescribeAuditTrack; CSIP takes no region.
// Where nothing is listed, the API's own UnsupportedRegion has the last word.

// intlSiteDomain is the root domain of the international site.
const intlSiteDomain = "intl.tencentcloudapi.com"

// intlEventsRegions are the regions the international site documents for
// DescribeEvents.
var intlEventsRegions = []string{"ap-guangzhou", "ap-hongkong", "ap-seoul", "ap-singapore", "ap-tokyo", "eu-frankfurt"}

// checkEventsSite refuses, before any call, a DescribeEvents region the
// site's documents do not list. from says where the region came from.
func checkEventsSite(diags *diag.Diagnostics, domain, region, from string) bool {
	if !strings.EqualFold(strings.TrimSuffix(domain, "."), intlSiteDomain) || slices.Contains(intlEventsRegions, region) {
		return true
	}
	diags.AddAttributeError(path.Root("region"), "Region not served by the international site",
		fmt.Sprintf("region %q (%s) is not one of the regions the international site (tencentcloud.domain = %q) documents for "+
			"CloudAudit DescribeEvents: %s. Choose one of them, or read the account through the China site (tencentcloud.domain "+
			"unset) if it is a China-site account.", region, from, intlSiteDomain, strings.Join(intlEventsRegions, ", ")))
	return false
}
