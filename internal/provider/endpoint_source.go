package provider

import (
	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// Where the URL a read calls (evidence.endpoint) was set: a policy that does
// not trust the server must say who chose it, and the provider block, the
// environment of the run and a profile file in the home directory are
// written by different people. The values are evidence.endpoint_source.
const (
	// endpointFromBlock: every setting that made the URL is in the
	// provider block.
	endpointFromBlock = "provider_block"
	// endpointFromEnvironment: every setting that made the URL is an
	// environment variable.
	endpointFromEnvironment = "environment"
	// endpointFromBlockAndEnvironment: Tencent Cloud's URL made of
	// tencentcloud.domain and tencentcloud.protocol, one of them set in the
	// provider block and the other in the environment.
	endpointFromBlockAndEnvironment = "provider_block_and_environment"
	// endpointFromProfileFile: UCloud's base_url of the profile in
	// ~/.ucloud/config.json.
	endpointFromProfileFile = "profile_file"
	// endpointDefault: nothing set the URL; it is the provider's default,
	// the cloud's public API.
	endpointDefault = "default"
)

// settingSource says where a setting resolved by first(block, env) came
// from: endpointFromBlock, endpointFromEnvironment, or "" when neither set it.
func settingSource(block, env string) string {
	switch {
	case block != "":
		return endpointFromBlock
	case env != "":
		return endpointFromEnvironment
	}
	return ""
}

// tencentEndpointSource says where the settings that make the Tencent Cloud
// client's URLs came from, as resolveTencent takes them. tencentcloud.endpoint
// (or TENCENTCLOUD_ENDPOINT) replaces scheme and host, so it alone decides;
// without it the host is under tencentcloud.domain and the scheme is
// tencentcloud.protocol, each defaulted when unset. The tccli profile holds
// no endpoint. Named accounts and assume_role do not change it: their reads
// and their STS calls go to the servers the same settings chose.
func tencentEndpointSource(m *tencentCloudModel, env environment) string {
	if s := settingSource(m.Endpoint.ValueString(), env.Getenv("TENCENTCLOUD_ENDPOINT")); s != "" {
		return s
	}
	domain := settingSource(m.Domain.ValueString(), env.Getenv("TENCENTCLOUD_DOMAIN"))
	protocol := settingSource(m.Protocol.ValueString(), env.Getenv("TENCENTCLOUD_PROTOCOL"))
	switch {
	case domain == "" && protocol == "":
		return endpointDefault
	case domain == "" || protocol == "" || domain == protocol:
		return first(domain, protocol)
	}
	return endpointFromBlockAndEnvironment
}

// ucloudEndpointSource says where the UCloud client's gateway (cfg.BaseURL,
// as resolveUCloud resolved it) came from: ucloud.base_url, else
// UCLOUD_API_BASE_URL, else the profile's base_url in ~/.ucloud/config.json,
// else the client's default.
func ucloudEndpointSource(m *ucloudModel, env environment, cfg client.UCloudConfig) string {
	if s := settingSource(m.BaseURL.ValueString(), env.Getenv("UCLOUD_API_BASE_URL")); s != "" {
		return s
	}
	if cfg.BaseURL != "" {
		return endpointFromProfileFile
	}
	return endpointDefault
}
