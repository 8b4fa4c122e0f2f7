package client

import "regexp"

// The root domain a Tencent Cloud client's service hosts are under
// ("<service>.<root domain>"); an endpoint URL is checked by
// ParseEndpointURL (endpoint_url.go).

// TencentDomainPattern is what a root domain may be: a host name, with
// no user info, port or path. TencentDomainRule says so.
var TencentDomainPattern = regexp.MustCompile(`^[A-Za-z0-9.-]+$`)

// TencentDomainRule is the message of a domain TencentDomainPattern refuses.
const TencentDomainRule = "must be a domain name such as intl.tencentcloudapi.com"

// DefaultTencentRootDomain is the root domain of Tencent Cloud's China site.
// Service hosts are "<service>.<root domain>".
const DefaultTencentRootDomain = "tencentcloudapi.com"
