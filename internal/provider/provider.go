// Package provider is the auditlog Terraform provider: its configuration and
// its read-only data sources over the audit APIs of Tencent Cloud and UCloud.
package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ provider.Provider              = &auditlogProvider{}
	_ provider.ProviderWithFunctions = &auditlogProvider{}
)

// auditlogProvider is the provider. version is set at build time.
type auditlogProvider struct {
	version string

	mu   sync.Mutex
	data *providerData // set by Configure

	readersOnce sync.Once
	readers     map[string]func() stateReader // by data source type name
}

// configured returns what Configure resolved, or nil before it ran.
func (p *auditlogProvider) configured() *providerData {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.data
}

// stateReaders lists the data sources whose read the server calls directly.
func (p *auditlogProvider) stateReaders() map[string]func() stateReader {
	p.readersOnce.Do(func() {
		p.readers = map[string]func() stateReader{}
		for _, newDS := range p.DataSources(context.Background()) {
			if _, ok := newDS().(stateReader); !ok {
				continue
			}
			var meta datasource.MetadataResponse
			newDS().Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: "auditlog"}, &meta)
			p.readers[meta.TypeName] = func() stateReader { return newDS().(stateReader) } //nolint:forcetypeassert // checked just above
		}
	})
	return p.readers
}

// New returns a constructor of the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &auditlogProvider{version: version}
	}
}

// providerModel is the provider block.
type providerModel struct {
	TencentCloud   *tencentCloudModel `tfsdk:"tencentcloud"`
	UCloud         *ucloudModel       `tfsdk:"ucloud"`
	MaxRetries     types.Int64        `tfsdk:"max_retries"`
	RequestTimeout types.String       `tfsdk:"request_timeout"`
}

type tencentCloudModel struct {
	SecretID             types.String     `tfsdk:"secret_id"`
	SecretKey            types.String     `tfsdk:"secret_key"`
	SecurityToken        types.String     `tfsdk:"security_token"`
	Region               types.String     `tfsdk:"region"`
	Profile              types.String     `tfsdk:"profile"`
	SharedCredentialsDir types.String     `tfsdk:"shared_credentials_dir"`
	Domain               types.String     `tfsdk:"domain"`
	Protocol             types.String     `tfsdk:"protocol"`
	Endpoint             types.String     `tfsdk:"endpoint"`
	RateLimit            types.Int64      `tfsdk:"rate_limit"`
	AssumeRole           *assumeRoleModel `tfsdk:"assume_role"`
	Accounts             []accountModel   `tfsdk:"account"`
}

type assumeRoleModel struct {
	RoleArn         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	ExternalID      types.String `tfsdk:"external_id"`
	Policy          types.String `tfsdk:"policy"`
}

type ucloudModel struct {
	PublicKey             types.String `tfsdk:"public_key"`
	PrivateKey            types.String `tfsdk:"private_key"`
	ProjectID             types.String `tfsdk:"project_id"`
	Profile               types.String `tfsdk:"profile"`
	SharedCredentialsFile types.String `tfsdk:"shared_credentials_file"`
	BaseURL               types.String `tfsdk:"base_url"`
	RateLimit             types.Int64  `tfsdk:"rate_limit"`
}

func (p *auditlogProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "auditlog"
	resp.Version = p.version
}

func (p *auditlogProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the audit trails of Tencent Cloud (CloudAudit, Cloud Security Center) and UCloud " +
			"(operation log) as data sources, for compliance checks, reports and policy as code.\n\n" +
			"Every argument may be left out and taken from the environment or from the clouds' own credential " +
			"files instead; credentials of a cloud are only required once a data source of that cloud is read.",
		Blocks: map[string]schema.Block{
			"tencentcloud": schema.SingleNestedBlock{
				MarkdownDescription: "Tencent Cloud settings, a block: `tencentcloud { ... }`. Each falls back to the environment variable named in its description, then to the tccli profile files.",
				Attributes: map[string]schema.Attribute{
					"secret_id": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "SecretId of an API key. Environment: `TENCENTCLOUD_SECRET_ID`. Each key is taken from here, else from its environment variable, so the pair may be split between the two. When no key or token is set here or in the environment, the tccli profile is read for all of them.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1), keyValidator{}},
					},
					"secret_key": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "SecretKey of the API key. Environment: `TENCENTCLOUD_SECRET_KEY`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1), keyValidator{}},
					},
					"security_token": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "Session token of temporary credentials. It is taken from where the secret key comes: this attribute when `secret_key` is set here, `TENCENTCLOUD_SECURITY_TOKEN` when the secret key comes from the environment (setting it here then is an error).",
						Validators:          []validator.String{keyValidator{}},
					},
					"region": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Default region of region-bound actions such as CloudAudit. Environment: `TENCENTCLOUD_REGION`, then the tccli profile's region. Default `ap-guangzhou`.",
						Validators:          regionValidators(),
					},
					"profile": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "tccli profile to read credentials and region from. Environment: `TENCENTCLOUD_PROFILE`. Default `default`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"shared_credentials_dir": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Directory of the tccli profile files `<profile>.credential` and `<profile>.configure`. Environment: `TENCENTCLOUD_SHARED_CREDENTIALS_DIR`. Default `~/.tccli`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"domain": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Root domain of the API hosts (`<service>.<domain>`), for example `intl.tencentcloudapi.com` for the international site. Environment: `TENCENTCLOUD_DOMAIN`. Default `tencentcloudapi.com`.",
						Validators:          []validator.String{tencentDomainValidator()},
					},
					"protocol": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "`HTTPS` or `HTTP`. Environment: `TENCENTCLOUD_PROTOCOL`. Default `HTTPS`.",
						Validators:          []validator.String{stringvalidator.OneOfCaseInsensitive("HTTPS", "HTTP")},
					},
					"endpoint": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Full URL, such as `http://127.0.0.1:8080`, that replaces the host of every Tencent Cloud service " +
							"(CloudAudit, CSIP, STS): for a private gateway or a local simulator. Environment: `TENCENTCLOUD_ENDPOINT`. Overrides `domain` and `protocol`.",
						Validators: []validator.String{urlValidator{}},
					},
					"rate_limit": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Requests per second allowed to each API action and account, shared by every data source of this provider " +
							"instance, so that many data sources read in parallel stay inside the API's limit instead of being throttled; each " +
							"`account` has budgets of its own. 1 to 1000. Default 20, the documented limit of the CloudAudit, CSIP and " +
							"`GetCallerIdentity` actions (STS `AssumeRole` then keeps its own documented 600). A `UinLimitExceeded` answer " +
							"pauses that account's calls for a second, an `IPLimitExceeded` answer those of every account.",
						Validators: []validator.Int64{int64validator.Between(1, 1000)},
					},
				},
				Blocks: map[string]schema.Block{
					"account": accountBlockSchema(),
					"assume_role": schema.SingleNestedBlock{
						MarkdownDescription: "A block: assume a CAM role through STS and read with its temporary credentials. Environment: " +
							"`TENCENTCLOUD_ASSUME_ROLE_ARN`, `TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME`, `TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION`, `TENCENTCLOUD_ASSUME_ROLE_EXTERNAL_ID`.",
						// The framework checks Required attributes of a single
						// block even when the block is absent, so the two
						// required arguments are optional attributes that the
						// block itself requires when it is present.
						Validators: []validator.Object{objectvalidator.AlsoRequires(
							path.MatchRelative().AtName("role_arn"), path.MatchRelative().AtName("session_name"))},
						Attributes: map[string]schema.Attribute{
							"role_arn": schema.StringAttribute{
								Optional:            true,
								MarkdownDescription: "Required in an `assume_role` block. ARN of the role, such as `qcs::cam::uin/100000000001:roleName/auditor`.",
								Validators:          []validator.String{stringvalidator.RegexMatches(roleArnPattern, "must be a CAM role ARN such as qcs::cam::uin/100000000001:roleName/auditor")},
							},
							"session_name": schema.StringAttribute{
								Optional:            true,
								MarkdownDescription: "Required in an `assume_role` block. Name of the role session, 2 to 128 letters, digits or `_+=,.@-`; it appears in the audit trail.",
								Validators:          []validator.String{stringvalidator.RegexMatches(sessionNamePattern, "must be 2 to 128 letters, digits or _+=,.@-")},
							},
							"session_duration": schema.Int64Attribute{
								Optional:            true,
								MarkdownDescription: "Lifetime of the temporary credentials in seconds, 1 to 43200. Default 7200. They are reused until the last fifth of their lifetime (at most its last 5 minutes), then renewed; if the renewal fails, reads go on with them until they expire.",
								Validators:          []validator.Int64{int64validator.Between(1, 43200)},
							},
							"external_id": externalIDAttribute(),
							"policy": schema.StringAttribute{
								Optional:            true,
								MarkdownDescription: "Policy (JSON) that further restricts the session's permissions.",
							},
						},
					},
				},
			},
			"ucloud": schema.SingleNestedBlock{
				MarkdownDescription: "UCloud settings, a block: `ucloud { ... }`. Each falls back to the environment variable named in its description, then to the files in `~/.ucloud`.",
				Attributes: map[string]schema.Attribute{
					"public_key": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "API public key. Environment: `UCLOUD_PUBLIC_KEY`. Each key is taken from here, else from its environment variable, so the pair may be split between the two. When neither key is set here or in the environment, the shared credential file is read for both.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1), keyValidator{}},
					},
					"private_key": schema.StringAttribute{
						Optional:            true,
						Sensitive:           true,
						MarkdownDescription: "API private key. Environment: `UCLOUD_PRIVATE_KEY`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1), keyValidator{}},
					},
					"project_id": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Default project of UCloud data sources; sub-accounts must set one. Environment: `UCLOUD_PROJECT_ID`, then `~/.ucloud/config.json`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"profile": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Profile of the shared credential file and of `~/.ucloud/config.json`; keys, project and base URL read from the files all come from this one profile. Environment: `UCLOUD_PROFILE`. Default: the profile `config.json` marks active, else `default`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"shared_credentials_file": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Shared credential file. Environment: `UCLOUD_SHARED_CREDENTIAL_FILE`. Default `~/.ucloud/credential.json`.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"base_url": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "API base URL. Environment: `UCLOUD_API_BASE_URL`, then `~/.ucloud/config.json`. Default `https://api.ucloud.cn`; " +
							"the international site is `https://api.ucloud-global.com`.",
						Validators: []validator.String{urlValidator{}},
					},
					"rate_limit": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Requests per second allowed to each API action, shared by every data source of this provider " +
							"instance. 1 to 1000. Default: no rate limit. Whatever the rate, the operation log is never called " +
							"concurrently: the API forbids it, so its reads run one call at a time.",
						Validators: []validator.Int64{int64validator.Between(1, 1000)},
					},
				},
			},
		},
		Attributes: map[string]schema.Attribute{
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "How many times a call that failed in a retryable way (throttling, a transient server fault, a network error) is retried, with exponential backoff and jitter. 0 to 10. Default 3.",
				Validators:          []validator.Int64{int64validator.Between(0, 10)},
			},
			"request_timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Time limit of one API call, as a Go duration such as `30s` or `2m`. A paged read makes many calls. Default `60s`.",
				Validators:          []validator.String{durationValidator{}},
			},
		},
	}
}

func (p *auditlogProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	// The first line of every run: which build answers, for bug reports.
	tflog.Info(ctx, "auditlog provider started", map[string]any{"version": p.version, "terraform_version": req.TerraformVersion})
	// Settings not known yet (they depend on a resource not applied yet)
	// must never be replaced by the environment or a profile file, which
	// may belong to another account.
	unknown := unknownSettings(req.Config.Raw)
	var model providerModel
	var data *providerData
	if diags := req.Config.Get(ctx, &model); diags.HasError() {
		if len(unknown) == 0 {
			resp.Diagnostics.Append(diags...)
			return
		}
		// A whole nested object not known yet cannot be decoded: neither
		// cloud can be set up until it is.
		data = &providerData{}
		data.refuseUnknown(unknown, true)
	} else {
		var diags diag.Diagnostics
		data, diags = newProviderData(ctx, p.version, model, osEnvironment{})
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		data.refuseUnknown(unknown, false)
	}
	if len(unknown) > 0 && req.ClientCapabilities.DeferralAllowed {
		// Terraform can read the data sources later, once the values are
		// known; the framework then defers every read of this provider.
		resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
	}
	resp.DataSourceData = data
	p.mu.Lock()
	p.data = data
	p.mu.Unlock()
}

func (p *auditlogProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCloudAuditTracksDataSource,
		NewCSIPUserCallRecordsDataSource,
		NewUCloudOperationEventsDataSource,
		NewCloudAuditEventsDataSource,
		NewCloudAuditTrackDataSource,
		NewOrganizationMembersDataSource,
		NewUCloudProjectsDataSource,
		NewCLSTopicsDataSource,
		NewCLSSearchDataSource,
		NewCLSAnalysisDataSource,
	}
}

// Functions are the provider-defined functions (Terraform 1.8 and later).
func (p *auditlogProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewUnixTimeFunction,
		NewRFC3339Function,
		NewCIDRContainsFunction,
	}
}

func (p *auditlogProvider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}
