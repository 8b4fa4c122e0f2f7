package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// defaultTencentRegion is used when no region is configured anywhere, as the
// official Tencent Cloud provider does.
const defaultTencentRegion = "ap-guangzhou"

// environment reads environment variables; tests substitute a map.
type environment interface{ Getenv(string) string }

type osEnvironment struct{}

func (osEnvironment) Getenv(k string) string { return os.Getenv(k) }

// providerData is what Configure hands to every data source. Each cloud's
// client, or the reason it cannot be built, is settled in Configure but
// reported only when a data source of that cloud is read: a configuration
// that reads only UCloud needs no Tencent Cloud keys.
type providerData struct {
	tencent       *client.TencentClient
	tencentErr    *settingsError
	tencentWarn   diag.Diagnostics // reported with every read of this cloud
	tencentRegion string
	// tencentEndpointSource says where the settings of the Tencent Cloud
	// URLs came from (evidence.endpoint_source).
	tencentEndpointSource string
	// tencentAccounts are the named accounts, by name.
	tencentAccounts map[string]*tencentAccount

	ucloud          *client.UCloudClient
	ucloudErr       *settingsError
	ucloudWarn      diag.Diagnostics // reported with every read of this cloud
	ucloudProjectID string
	// ucloudEndpointSource says where the gateway's URL came from
	// (evidence.endpoint_source).
	ucloudEndpointSource string

	// secrets are masked in every log line written while a data source reads.
	secrets []string

	// keys says where the access keys came from, for error messages.
	keys keySources
	// unknown lists the provider arguments whose values were not known when
	// the provider was configured, such as "tencentcloud.secret_id".
	unknown []string
}

// unknownSettings lists the provider arguments whose values are not known
// yet, such as "tencentcloud.secret_id" when it is set from a resource that
// is still to be created. It walks the raw configuration, so it holds
// whatever the schema's shape.
func unknownSettings(raw tftypes.Value) []string {
	var out []string
	_ = tftypes.Walk(raw, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if v.IsKnown() {
			return true, nil
		}
		var names []string
		for _, step := range p.Steps() {
			if name, ok := step.(tftypes.AttributeName); ok {
				names = append(names, string(name))
			}
		}
		out = append(out, first(strings.Join(names, "."), "the provider block"))
		return false, nil
	})
	sort.Strings(out)
	return out
}

// refuseUnknown replaces the client of each cloud whose settings include
// one not known yet by an error naming it. Resolution ran with those values
// empty and may have found keys in the environment or a profile file: a read
// with them would read another account without a word. Settings outside
// both clouds (max_retries, request_timeout) concern both; so does
// everything when all is set.
func (d *providerData) refuseUnknown(unknown []string, all bool) {
	d.unknown = unknown
	var tencent, ucloud []string
	for _, p := range unknown {
		root, _, _ := strings.Cut(p, ".")
		if all || root != "ucloud" {
			tencent = append(tencent, p)
		}
		if all || root != "tencentcloud" {
			ucloud = append(ucloud, p)
		}
	}
	if len(tencent) > 0 {
		d.tencent, d.tencentErr = nil, unknownSettingsError("Tencent Cloud", tencent, "the TENCENTCLOUD_* environment variables or a tccli profile")
	}
	if len(ucloud) > 0 {
		d.ucloud, d.ucloudErr = nil, unknownSettingsError("UCloud", ucloud, "the UCLOUD_* environment variables or the files in ~/.ucloud")
	}
}

func unknownSettingsError(cloud string, paths []string, fallbacks string) *settingsError {
	return &settingsError{cloud + " settings not known yet",
		"The provider argument " + strings.Join(paths, ", ") + " is not known yet: it depends on a value that is only known " +
			"after apply, so this data source cannot be read now. The provider does not fall back to " + fallbacks +
			" instead, since they may belong to another account. Make the value known at plan time, or apply what it " +
			"depends on first (for example with terraform apply -target)."}
}

// settingsError explains why a cloud's client could not be set up.
type settingsError struct{ summary, detail string }

func (e *settingsError) diagnostics() diag.Diagnostics {
	var d diag.Diagnostics
	d.AddError(e.summary, e.detail)
	return d
}

// tencentClient returns the Tencent Cloud client, or why there is none.
func (d *providerData) tencentClient() (*client.TencentClient, diag.Diagnostics) {
	if d.tencentErr != nil {
		return nil, d.tencentErr.diagnostics()
	}
	return d.tencent, d.tencentWarn
}

// ucloudClient returns the UCloud client, or why there is none.
func (d *providerData) ucloudClient() (*client.UCloudClient, diag.Diagnostics) {
	if d.ucloudErr != nil {
		return nil, d.ucloudErr.diagnostics()
	}
	return d.ucloud, d.ucloudWarn
}

// maskSecrets returns ctx with every configured secret masked in log output.
// Masks live on the context, and every RPC brings a fresh one, so each Read
// calls this rather than relying on Configure.
func (d *providerData) maskSecrets(ctx context.Context) context.Context {
	if len(d.secrets) == 0 {
		return ctx
	}
	return tflog.MaskLogStrings(ctx, d.secrets...)
}

// newProviderData resolves the provider configuration: each setting comes
// from its attribute, then its environment variable, then the cloud's own
// profile files, then its default.
func newProviderData(ctx context.Context, version string, m providerModel, env environment) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	maxRetries := client.DefaultMaxRetries
	if !m.MaxRetries.IsNull() && !m.MaxRetries.IsUnknown() {
		maxRetries = int(m.MaxRetries.ValueInt64())
	}
	timeout := client.DefaultRequestTimeout
	if s := m.RequestTimeout.ValueString(); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			diags.AddError("Invalid request_timeout", fmt.Sprintf("request_timeout must be a positive duration such as 30s, got %q.", s))
			return nil, diags
		}
		timeout = d
	}
	userAgent := "terraform-provider-auditlog/" + version
	log := tflogAdapter{}

	data := &providerData{}
	tc := m.TencentCloud
	if tc == nil {
		tc = &tencentCloudModel{}
	}
	cfg, region, err := resolveTencent(tc, env)
	data.tencentRegion = region
	data.tencentEndpointSource = tencentEndpointSource(tc, env)
	if err == nil {
		cfg.MaxRetries, cfg.RequestTimeout, cfg.UserAgent, cfg.Logger = maxRetries, timeout, userAgent, log
		data.tencent, err = tencentClientOrError(cfg)
		data.secrets = appendNonEmpty(data.secrets, cfg.SecretKey, cfg.SecurityToken)
		if err == nil {
			data.tencentWarn = tencentPlainHTTPWarning(cfg)
			data.tencentWarn.Append(providerRegionWarning(tc, env, region)...)
		}
	}
	data.tencentErr = err
	data.tencentAccounts = newTencentAccounts(data.tencent, tc.Accounts)
	data.keys.tencent, data.keys.tencentProfileFile = tencentKeySource(tc, env, cfg)
	data.keys.assumeRole = cfg.AssumeRole != nil
	data.keys.maxRetries = maxRetries
	data.keys.requestTimeout, data.keys.requestTimeoutSet = timeout, m.RequestTimeout.ValueString() != ""

	uc := m.UCloud
	if uc == nil {
		uc = &ucloudModel{}
	}
	ucfg, uerr := resolveUCloud(uc, env)
	if uerr == nil {
		ucfg.MaxRetries, ucfg.RequestTimeout, ucfg.UserAgent, ucfg.Logger = maxRetries, timeout, userAgent, log
		data.ucloud, uerr = ucloudClientOrError(ucfg)
		data.ucloudProjectID = ucfg.ProjectID
		data.ucloudEndpointSource = ucloudEndpointSource(uc, env, ucfg)
		if uerr == nil {
			data.ucloudWarn = ucloudPlainHTTPWarning(ucfg)
		}
		data.secrets = appendNonEmpty(data.secrets, ucfg.PrivateKey, ucfg.SecurityToken)
	}
	data.ucloudErr = uerr
	data.keys.ucloud = ucloudKeySource(uc, env, ucfg)

	tflog.Debug(ctx, "provider configured", map[string]any{
		"tencentcloud_ready": data.tencentErr == nil, "tencentcloud_region": data.tencentRegion,
		"ucloud_ready": data.ucloudErr == nil, "max_retries": maxRetries, "request_timeout": timeout.String(),
	})
	return data, diags
}

// first returns the first non-empty value.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func appendNonEmpty(list []string, values ...string) []string {
	for _, v := range values {
		if v != "" {
			list = append(list, v)
		}
	}
	return list
}

// resolveTencent resolves the Tencent Cloud settings. Credentials:
//
//   - secret_id and secret_key are each taken from the provider block, else
//     from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY, so the pair may
//     be split between the two (an ID in code, its secret in the
//     environment);
//   - the security token goes with the secret key: security_token when
//     secret_key is in the block (TENCENTCLOUD_SECURITY_TOKEN is then not
//     read), TENCENTCLOUD_SECURITY_TOKEN when it comes from the environment;
//     a security_token in the block beside a secret key from the
//     environment is an error naming both;
//   - the tccli profile is read only when none of the three is set in the
//     block or the environment, and then supplies all of them.
func resolveTencent(m *tencentCloudModel, env environment) (client.TencentConfig, string, *settingsError) {
	blockKey, blockToken := m.SecretKey.ValueString(), m.SecurityToken.ValueString()
	envKey, envToken := env.Getenv("TENCENTCLOUD_SECRET_KEY"), env.Getenv("TENCENTCLOUD_SECURITY_TOKEN")
	token := envToken
	if blockKey != "" {
		token = blockToken
	}
	cfg := client.TencentConfig{
		SecretID:      first(m.SecretID.ValueString(), env.Getenv("TENCENTCLOUD_SECRET_ID")),
		SecretKey:     first(blockKey, envKey),
		SecurityToken: token,
		Domain:        first(m.Domain.ValueString(), env.Getenv("TENCENTCLOUD_DOMAIN")),
		Protocol:      first(m.Protocol.ValueString(), env.Getenv("TENCENTCLOUD_PROTOCOL")),
		Endpoint:      first(m.Endpoint.ValueString(), env.Getenv("TENCENTCLOUD_ENDPOINT")),
		RateLimit:     float64(m.RateLimit.ValueInt64()), // 0: the client's default
	}
	region := first(m.Region.ValueString(), env.Getenv("TENCENTCLOUD_REGION"))

	profileName := first(m.Profile.ValueString(), env.Getenv("TENCENTCLOUD_PROFILE"), "default")
	dir := first(m.SharedCredentialsDir.ValueString(), env.Getenv("TENCENTCLOUD_SHARED_CREDENTIALS_DIR"), client.DefaultTccliDir())
	profile, found, err := client.LoadTccliProfile(dir, profileName)
	if err != nil {
		return cfg, first(region, defaultTencentRegion), &settingsError{"Unreadable tccli profile", err.Error()}
	}
	// The profile supplies credentials only when none are configured in the
	// block or the environment: its keys are never combined with others.
	keysFromProfile := cfg.SecretID == "" && cfg.SecretKey == "" && blockToken == "" && envToken == "" && found
	if keysFromProfile {
		cfg.SecretID, cfg.SecretKey, cfg.SecurityToken = profile.SecretID, profile.SecretKey, profile.Token
	}
	region = first(region, profile.Region, defaultTencentRegion)

	// The profile's role belongs to the profile's keys: keys configured
	// elsewhere are never made to assume it.
	roleProfile := client.TccliProfile{}
	if keysFromProfile {
		roleProfile = profile
	}
	ar, serr := resolveAssumeRole(m.AssumeRole, env, roleProfile)
	if serr != nil {
		return cfg, region, serr
	}
	cfg.AssumeRole = ar

	profileFile := "the tccli profile " + filepath.Join(dir, profileName+".credential")
	if serr := keyWhitespaceError("Tencent Cloud",
		resolvedKey{cfg.SecretID, m.SecretID.ValueString(), env.Getenv("TENCENTCLOUD_SECRET_ID"), "tencentcloud.secret_id", "TENCENTCLOUD_SECRET_ID", "secretId", profileFile},
		resolvedKey{cfg.SecretKey, blockKey, envKey, "tencentcloud.secret_key", "TENCENTCLOUD_SECRET_KEY", "secretKey", profileFile},
		resolvedKey{cfg.SecurityToken, blockToken, envToken, "tencentcloud.security_token", "TENCENTCLOUD_SECURITY_TOKEN", "token", profileFile},
	); serr != nil {
		return cfg, region, serr
	}

	switch {
	case blockToken != "" && blockKey == "" && envKey != "":
		return cfg, region, &settingsError{"Tencent Cloud credentials from two places",
			"tencentcloud.security_token is set in the provider block, but the secret key comes from the environment variable " +
				"TENCENTCLOUD_SECRET_KEY. A security token belongs to the temporary key pair it was issued with, and is taken from " +
				"where the secret key is: set secret_key in the provider block as well, or the token in TENCENTCLOUD_SECURITY_TOKEN."}
	case cfg.SecretID == "" && cfg.SecretKey == "":
		return cfg, region, &settingsError{"Missing Tencent Cloud credentials",
			"A Tencent Cloud data source is read, but no API key is configured. Set tencentcloud.secret_id and " +
				"tencentcloud.secret_key in the provider block, or the environment variables TENCENTCLOUD_SECRET_ID and " +
				"TENCENTCLOUD_SECRET_KEY, or write a tccli profile (" + filepath.Join(dir, profileName+".credential") +
				"; see tencentcloud.profile and tencentcloud.shared_credentials_dir)."}
	case cfg.SecretID == "":
		return cfg, region, &settingsError{"Missing Tencent Cloud SecretId",
			"A secret key (or security token) is set but tencentcloud.secret_id is not: set it in the provider block or in TENCENTCLOUD_SECRET_ID " +
				"(the tccli profile is not read when any credential is set in the provider block or the environment)."}
	case cfg.SecretKey == "":
		return cfg, region, &settingsError{"Missing Tencent Cloud SecretKey",
			"tencentcloud.secret_id is set but tencentcloud.secret_key is not: set it in the provider block or in TENCENTCLOUD_SECRET_KEY " +
				"(the tccli profile is not read when any credential is set in the provider block or the environment)."}
	}
	return cfg, region, nil
}

func resolveAssumeRole(m *assumeRoleModel, env environment, profile client.TccliProfile) (*client.AssumeRoleConfig, *settingsError) {
	if m != nil {
		return &client.AssumeRoleConfig{
			RoleArn: m.RoleArn.ValueString(), SessionName: m.SessionName.ValueString(),
			SessionDuration: m.SessionDuration.ValueInt64(), ExternalID: m.ExternalID.ValueString(), Policy: m.Policy.ValueString(),
		}, nil
	}
	arn := first(env.Getenv("TENCENTCLOUD_ASSUME_ROLE_ARN"), profile.RoleArn)
	if arn == "" {
		return nil, nil
	}
	ar := &client.AssumeRoleConfig{
		RoleArn:     arn,
		SessionName: first(env.Getenv("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME"), profile.RoleSessionName),
		ExternalID:  env.Getenv("TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID"),
	}
	if !roleArnPattern.MatchString(ar.RoleArn) {
		return nil, &settingsError{"Invalid role ARN", "The role ARN from TENCENTCLOUD_ASSUME_ROLE_ARN or the tccli profile is not a CAM role ARN such as qcs::cam::uin/100000000001:roleName/auditor."}
	}
	if ar.SessionName == "" {
		return nil, &settingsError{"Missing role session name", "A role ARN is configured through the environment or the tccli profile; set TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME as well."}
	}
	// The rule of the block's external_id; the value is not quoted, as
	// the attribute is sensitive.
	if ar.ExternalID != "" && !externalIDPattern.MatchString(ar.ExternalID) {
		return nil, &settingsError{"Invalid external ID", "TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID " + externalIDRule + "."}
	}
	if s := env.Getenv("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"); s != "" {
		d, err := strconv.ParseInt(s, 10, 64)
		if err != nil || d < 1 || d > 43200 {
			return nil, &settingsError{"Invalid role session duration", fmt.Sprintf("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION must be a number of seconds from 1 to 43200, got %q.", s)}
		}
		ar.SessionDuration = d
	}
	return ar, nil
}

func tencentClientOrError(cfg client.TencentConfig) (*client.TencentClient, *settingsError) {
	c, err := client.NewTencentClient(cfg)
	if err != nil {
		return nil, &settingsError{"Invalid Tencent Cloud settings", err.Error() + " (check tencentcloud.endpoint / TENCENTCLOUD_ENDPOINT, tencentcloud.domain / TENCENTCLOUD_DOMAIN " +
			"and tencentcloud.protocol / TENCENTCLOUD_PROTOCOL)."}
	}
	return c, nil
}

// resolveUCloud resolves the UCloud settings. public_key and private_key
// are each taken from the provider block, else from UCLOUD_PUBLIC_KEY /
// UCLOUD_PRIVATE_KEY, so the pair may be split between the two; the shared
// credential file is read only when neither is set in either place, and
// then supplies both.
func resolveUCloud(m *ucloudModel, env environment) (client.UCloudConfig, *settingsError) {
	cfg := client.UCloudConfig{
		PublicKey:  first(m.PublicKey.ValueString(), env.Getenv("UCLOUD_PUBLIC_KEY")),
		PrivateKey: first(m.PrivateKey.ValueString(), env.Getenv("UCLOUD_PRIVATE_KEY")),
		ProjectID:  first(m.ProjectID.ValueString(), env.Getenv("UCLOUD_PROJECT_ID")),
		BaseURL:    first(m.BaseURL.ValueString(), env.Getenv("UCLOUD_API_BASE_URL")),
		RateLimit:  float64(m.RateLimit.ValueInt64()), // 0: no rate limit
	}
	profile := first(m.Profile.ValueString(), env.Getenv("UCLOUD_PROFILE"))
	credFile := first(m.SharedCredentialsFile.ValueString(), env.Getenv("UCLOUD_SHARED_CREDENTIAL_FILE"))
	if profile == "" && (cfg.PublicKey == "" && cfg.PrivateKey == "" || cfg.ProjectID == "" || cfg.BaseURL == "") {
		// One profile for both files: keys of one account must not be
		// sent with the project and gateway of another.
		active, err := client.UCloudActiveProfile("")
		if err != nil {
			return cfg, &settingsError{"Unreadable UCloud config file", err.Error()}
		}
		profile = active
	}

	// The shared credential file supplies keys only when none are configured.
	if cfg.PublicKey == "" && cfg.PrivateKey == "" {
		// An empty path means the default file, whose absence is no error.
		pub, priv, found, err := client.LoadUCloudSharedCredential(credFile, profile)
		if err != nil {
			return cfg, &settingsError{"Unreadable UCloud credential file", err.Error()}
		}
		if found {
			cfg.PublicKey, cfg.PrivateKey = pub, priv
		}
	}
	if cfg.ProjectID == "" || cfg.BaseURL == "" {
		projectID, baseURL, _, err := client.LoadUCloudSharedConfig("", profile)
		if err != nil {
			return cfg, &settingsError{"Unreadable UCloud config file", err.Error()}
		}
		cfg.ProjectID, cfg.BaseURL = first(cfg.ProjectID, projectID), first(cfg.BaseURL, baseURL)
	}

	credOrigin := "the shared credential file " + first(credFile, "~/.ucloud/credential.json")
	if serr := keyWhitespaceError("UCloud",
		resolvedKey{cfg.PublicKey, m.PublicKey.ValueString(), env.Getenv("UCLOUD_PUBLIC_KEY"), "ucloud.public_key", "UCLOUD_PUBLIC_KEY", "public_key", credOrigin},
		resolvedKey{cfg.PrivateKey, m.PrivateKey.ValueString(), env.Getenv("UCLOUD_PRIVATE_KEY"), "ucloud.private_key", "UCLOUD_PRIVATE_KEY", "private_key", credOrigin},
	); serr != nil {
		return cfg, serr
	}

	switch {
	case cfg.PublicKey == "" && cfg.PrivateKey == "":
		return cfg, &settingsError{"Missing UCloud credentials",
			"A UCloud data source is read, but no API key is configured. Set ucloud.public_key and ucloud.private_key in the " +
				"provider block, or the environment variables UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY, or a profile in " +
				"~/.ucloud/credential.json (see ucloud.profile and ucloud.shared_credentials_file)."}
	case cfg.PublicKey == "":
		return cfg, &settingsError{"Missing UCloud public key", "ucloud.private_key is set but ucloud.public_key is not: set it in the provider block or in UCLOUD_PUBLIC_KEY " +
			"(the shared credential file is not read when either key is set in the provider block or the environment)."}
	case cfg.PrivateKey == "":
		return cfg, &settingsError{"Missing UCloud private key", "ucloud.public_key is set but ucloud.private_key is not: set it in the provider block or in UCLOUD_PRIVATE_KEY " +
			"(the shared credential file is not read when either key is set in the provider block or the environment)."}
	}
	return cfg, nil
}

func ucloudClientOrError(cfg client.UCloudConfig) (*client.UCloudClient, *settingsError) {
	c, err := client.NewUCloudClient(cfg)
	if err != nil {
		return nil, &settingsError{"Invalid UCloud settings", err.Error() + " (check ucloud.base_url / UCLOUD_API_BASE_URL, or base_url in ~/.ucloud/config.json)."}
	}
	return c, nil
}

// tencentPlainHTTPWarning warns when Tencent Cloud requests, signed with the
// key pair and carrying any security token, would travel unencrypted to a
// host other than this machine.
func tencentPlainHTTPWarning(cfg client.TencentConfig) diag.Diagnostics {
	host := ""
	if cfg.Endpoint != "" {
		scheme, hostPath, err := client.ParseEndpointURL(cfg.Endpoint)
		if err != nil || scheme != "http" {
			return nil
		}
		host, _, _ = strings.Cut(hostPath, "/")
	} else if strings.EqualFold(cfg.Protocol, "HTTP") {
		host = "<service>." + first(cfg.Domain, client.DefaultTencentRootDomain)
	}
	if host == "" || isLoopbackHost(host) {
		return nil
	}
	var d diag.Diagnostics
	d.AddWarning("Tencent Cloud credentials sent without encryption",
		"Requests go to "+host+" over plain HTTP (tencentcloud.endpoint or tencentcloud.protocol, or TENCENTCLOUD_ENDPOINT "+
			"or TENCENTCLOUD_PROTOCOL), and that host is not this machine: anyone on the way can read the audit records, the "+
			"SecretId and any security token, and replay a signed request while its timestamp is valid. Use HTTPS.")
	return d
}

// ucloudPlainHTTPWarning warns when UCloud requests would travel unencrypted
// to a host other than this machine. UCloud signatures carry no timestamp,
// so a captured request can be replayed at any later time.
func ucloudPlainHTTPWarning(cfg client.UCloudConfig) diag.Diagnostics {
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || !strings.EqualFold(u.Scheme, "http") || isLoopbackHost(u.Host) {
		return nil
	}
	var d diag.Diagnostics
	d.AddWarning("UCloud credentials sent without encryption",
		"Requests go to "+u.Host+" over plain HTTP (ucloud.base_url, UCLOUD_API_BASE_URL or ~/.ucloud/config.json), and that "+
			"host is not this machine: anyone on the way can read the audit records and the public key, and since UCloud "+
			"signatures carry no timestamp, replay a captured request at any later time. Use HTTPS.")
	return d
}

// isLoopbackHost reports whether host ("name", "name:port", "[::1]:port")
// is this machine: localhost, 127.0.0.0/8 or ::1.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return strings.EqualFold(host, "localhost")
}

// tflogAdapter lets the API clients log through terraform-plugin-log without
// importing it. Everything logged under a read's context goes through it.
type tflogAdapter struct{}

func (tflogAdapter) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ownLogFields(ctx), msg, fields)
}

func (tflogAdapter) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ownLogFields(ctx), msg, fields)
}

func (tflogAdapter) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ownLogFields(ctx), msg, fields)
}

func (tflogAdapter) Trace(ctx context.Context, msg string, fields map[string]any) {
	tflog.Trace(ownLogFields(ctx), msg, fields)
}

// ownLogFields returns ctx with a private copy of the logger's fields.
//
// A masked context must never be logged through by two goroutines at once:
// terraform-plugin-log applies masks by rewriting the context's field map in
// place on every log call (hashicorp/terraform-plugin-log#246), and the
// pages of one read are fetched by several goroutines under one context, so
// they would write the same map concurrently and the runtime kills the
// process ("concurrent map writes"), whatever TF_LOG says. Each log call
// therefore works on its own copy: the library copies the fields whenever
// it derives a context, and masking with no new strings derives one that
// differs in nothing else. The masks themselves are copied along, so every
// line stays masked.
func ownLogFields(ctx context.Context) context.Context {
	return tflog.MaskAllFieldValuesStrings(ctx)
}

// stringValueOr returns v's value, or def when v is null, unknown or empty.
func stringValueOr(v types.String, def string) string {
	if s := strings.TrimSpace(v.ValueString()); s != "" {
		return s
	}
	return def
}
