package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/client"
)

// An API's own message ("AuthFailure.SignatureFailure: The provided
// credentials could not be validated", "RetCode 171: Signature VerifyAC
// Error") says what failed, not what to change. Read errors therefore end
// with advice: which settings and environment variables supply the key that
// failed (and where this provider instance took it from), the endpoint that
// was called, and how many attempts were made.

type providerDataKey struct{}

// withProviderData puts d on a read's context, for readErrorAdvice.
func withProviderData(ctx context.Context, d *providerData) context.Context {
	return context.WithValue(ctx, providerDataKey{}, d)
}

// keySources records where each cloud's access key ID came from, for
// messages; "" when no key was found.
type keySources struct {
	tencent, tencentProfileFile string
	ucloud                      string
	maxRetries                  int
	assumeRole                  bool
	// requestTimeout is request_timeout in force; requestTimeoutSet says
	// whether the configuration set it.
	requestTimeout    time.Duration
	requestTimeoutSet bool
}

// tencentKeySource says where resolveTencent found cfg's key pair: one
// place, or the SecretId's and then the SecretKey's when they were split
// between the provider block and the environment.
func tencentKeySource(m *tencentCloudModel, env environment, cfg client.TencentConfig) (source, profileFile string) {
	profileName := first(m.Profile.ValueString(), env.Getenv("TENCENTCLOUD_PROFILE"), "default")
	dir := first(m.SharedCredentialsDir.ValueString(), env.Getenv("TENCENTCLOUD_SHARED_CREDENTIALS_DIR"), client.DefaultTccliDir())
	profileFile = filepath.Join(dir, profileName+".credential")
	if cfg.SecretID == "" {
		return "", profileFile
	}
	id := keyOrigin(m.SecretID.ValueString(), env.Getenv("TENCENTCLOUD_SECRET_ID"), cfg.SecretID, "tencentcloud.secret_id", "TENCENTCLOUD_SECRET_ID")
	key := keyOrigin(m.SecretKey.ValueString(), env.Getenv("TENCENTCLOUD_SECRET_KEY"), cfg.SecretKey, "tencentcloud.secret_key", "TENCENTCLOUD_SECRET_KEY")
	switch {
	case id == "" || key == "":
		return "the tccli profile " + profileFile, profileFile
	case id.block() != key.block():
		return id.String() + " (with the secret key from " + key.String() + ")", profileFile
	}
	return id.String(), profileFile
}

// ucloudKeySource says where resolveUCloud found cfg's key pair.
func ucloudKeySource(m *ucloudModel, env environment, cfg client.UCloudConfig) string {
	if cfg.PublicKey == "" {
		return ""
	}
	pub := keyOrigin(m.PublicKey.ValueString(), env.Getenv("UCLOUD_PUBLIC_KEY"), cfg.PublicKey, "ucloud.public_key", "UCLOUD_PUBLIC_KEY")
	priv := keyOrigin(m.PrivateKey.ValueString(), env.Getenv("UCLOUD_PRIVATE_KEY"), cfg.PrivateKey, "ucloud.private_key", "UCLOUD_PRIVATE_KEY")
	switch {
	case pub == "" || priv == "":
		return "the shared credential file " + first(m.SharedCredentialsFile.ValueString(), env.Getenv("UCLOUD_SHARED_CREDENTIAL_FILE"), "~/.ucloud/credential.json")
	case pub.block() != priv.block():
		return pub.String() + " (with the private key from " + priv.String() + ")"
	}
	return pub.String()
}

// origin names where one credential came from: "" for a profile file.
type origin string

func (o origin) String() string { return string(o) }
func (o origin) block() bool    { return strings.HasSuffix(string(o), "in the provider block") }

// keyOrigin is where value came from: the provider block's attribute, the
// environment variable, or neither (a profile file).
func keyOrigin(block, envValue, value, attribute, variable string) origin {
	switch {
	case block != "" && block == value:
		return origin(attribute + " in the provider block")
	case envValue != "" && envValue == value:
		return origin("the environment variable " + variable)
	}
	return ""
}

// readErrorAdvice is what to append to a read error's detail: empty when
// there is nothing useful to add.
func readErrorAdvice(ctx context.Context, err error) string {
	d, _ := ctx.Value(providerDataKey{}).(*providerData)
	if d == nil {
		return ""
	}
	var parts []string
	var te *client.TencentError
	var ue *client.UCloudError
	isTencent, isUCloud := errors.As(err, &te), errors.As(err, &ue)
	// Failures of the network between here and the API come first: the
	// API's own advice does not apply to them.
	where := "ucloud.base_url (UCLOUD_API_BASE_URL)"
	if isTencent {
		where = "tencentcloud.endpoint (TENCENTCLOUD_ENDPOINT), tencentcloud.domain and tencentcloud.protocol"
	}
	network := d.networkAdvice(ctx, err, where)
	parts = append(parts, network...)
	switch {
	case isTencent:
		if len(network) == 0 {
			var refused *client.RoleTokenRefusedError
			if errors.As(err, &refused) {
				parts = append(parts, "The temporary credentials of the role "+refused.RoleArn+" were refused, and refused again after the role was assumed anew: "+
					"the role's sessions may have been revoked, or the API's clock may be ahead. Check the role in CAM; no key or token of this configuration was at fault.")
			} else {
				parts = append(parts, d.tencentAdvice(te)...)
			}
		}
		if d.tencent != nil && te.Service != "" {
			parts = append(parts, fmt.Sprintf("Called %s (%s).", d.tencent.ServiceURL(te.Service), te.Action))
		}
	case isUCloud:
		if len(network) == 0 {
			parts = append(parts, d.ucloudAdvice(ue)...)
		}
		if d.ucloud != nil {
			parts = append(parts, fmt.Sprintf("Called %s (%s).", d.ucloud.BaseURL(), ue.Action))
		}
	case len(network) > 0:
		// Tencent's client reports every failure as a TencentError, so
		// this is UCloud.
		if d.ucloud != nil {
			parts = append(parts, fmt.Sprintf("Called %s.", d.ucloud.BaseURL()))
		}
	case errors.As(err, new(net.Error)):
		// A call that never got an answer (refused, reset, no such host).
		if d.ucloud != nil {
			parts = append(parts, fmt.Sprintf("Could not reach %s: check ucloud.base_url (UCLOUD_API_BASE_URL) and the network.", d.ucloud.BaseURL()))
		}
	}
	if n, retryable, ok := client.Attempts(err); ok {
		switch {
		case retryable:
			parts = append(parts, fmt.Sprintf("The call was made %d %s (max_retries = %d) before giving up.", n, plural(n, "time", "times"), d.keys.maxRetries))
		case n > 1:
			parts = append(parts, fmt.Sprintf("The call was made %d times; this error is not retried.", n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "\n\n" + strings.Join(parts, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// tencentAdvice explains authentication and network failures.
func (d *providerData) tencentAdvice(te *client.TencentError) []string {
	switch {
	case te.Code == "AuthFailure.SignatureExpire":
		return []string{"The request's time was more than 5 minutes off the API's: check the clock of the machine running Terraform."}
	case te.Code == "AuthFailure.TokenFailure":
		return []string{"The security token was refused: it may have expired. Check tencentcloud.security_token or TENCENTCLOUD_SECURITY_TOKEN, or the token of the tccli profile " + d.keys.tencentProfileFile + "."}
	case codeHasPrefix(te.Code, "AuthFailure") && te.Code != "AuthFailure.UnauthorizedOperation":
		msg := "Tencent Cloud refused the API key"
		if d.keys.tencent != "" {
			msg += " taken from " + d.keys.tencent
		}
		msg += ". The key is tencentcloud.secret_id and tencentcloud.secret_key in the provider block, else the environment variables " +
			"TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, else the tccli profile " + d.keys.tencentProfileFile +
			" (see tencentcloud.profile and tencentcloud.shared_credentials_dir): check that this SecretId and SecretKey belong together and are enabled."
		if d.keys.assumeRole {
			msg += " With assume_role, the role's temporary credentials are made from this key."
		}
		return []string{msg}
	case te.Code == "ClientError.NetworkError":
		return []string{"Check tencentcloud.endpoint (TENCENTCLOUD_ENDPOINT), tencentcloud.domain and tencentcloud.protocol, and the network."}
	}
	return nil
}

// ucloudAdvice explains authentication failures: RetCode 170 (missing
// signature), 171 (wrong signature: a private key that does not match the
// public key), 172 (no such public key), 174 (no such token).
func (d *providerData) ucloudAdvice(ue *client.UCloudError) []string {
	switch ue.RetCode {
	case 170, 171, 172, 174:
		msg := "UCloud refused the API key"
		if d.keys.ucloud != "" {
			msg += " taken from " + d.keys.ucloud
		}
		return []string{msg + ". The key is ucloud.public_key and ucloud.private_key in the provider block, else the environment variables " +
			"UCLOUD_PUBLIC_KEY and UCLOUD_PRIVATE_KEY, else the shared credential file (see ucloud.shared_credentials_file and ucloud.profile): " +
			"check that this public key and private key belong together, and that base_url is the gateway of the site they belong to."}
	}
	return nil
}

// networkAdvice explains the failures that come from the network between
// the provider and the API rather than from the API: the per-call time
// limit, a certificate that does not verify, a proxy refusing us, a
// Retry-After the read cannot wait for, an answer too large to be a page.
// where names the settings that choose the API's address. It returns
// nothing for other errors.
func (d *providerData) networkAdvice(ctx context.Context, err error, where string) []string {
	var rae *client.RetryAfterError
	var tooLarge *client.ResponseTooLargeError
	var te *client.TencentError
	var ue *client.UCloudError
	status := 0
	switch {
	case errors.As(err, &te):
		status = te.HTTPStatus
	case errors.As(err, &ue):
		status = ue.HTTPStatus
	}
	pe, proxied := client.ProxyRefusal(err)
	switch {
	case errors.As(err, &rae):
		if rae.Wait > client.MaxRetryAfter {
			return []string{fmt.Sprintf("The server asked to wait %s before the call is repeated, more than the provider waits (%s): try again later.", rae.Wait, client.MaxRetryAfter)}
		}
		return []string{fmt.Sprintf("The server asked to wait %s before the call is repeated, and %s leaves too little of the read for that: set a longer one, or try again later.", rae.Wait, readTimeoutInForce(ctx))}
	case proxied && pe.StatusCode == http.StatusProxyAuthRequired, status == http.StatusProxyAuthRequired:
		return []string{"A proxy asked for credentials (HTTP 407 Proxy Authentication Required). The proxy is the one HTTPS_PROXY names " +
			"(HTTP_PROXY for http:// URLs; also lower case); put its user name and password in that URL, such as " +
			"HTTPS_PROXY=http://user:password@proxy.example.com:3128 (percent-encode special characters), and check them. " +
			"NO_PROXY lists the hosts reached without a proxy."}
	case proxied:
		return []string{fmt.Sprintf("The proxy %s refused to open a tunnel to the API (HTTP %s): check HTTPS_PROXY and NO_PROXY, and that the proxy lets this machine reach the API's host.", pe.Proxy, pe.Status)}
	case client.TLSProblem(err):
		return []string{"The API's TLS certificate did not verify. If a corporate proxy or gateway re-signs TLS with its own CA, " +
			"trust that CA: SSL_CERT_FILE names a PEM bundle used instead of the system's (include the public CAs too if other hosts need them), " +
			"SSL_CERT_DIR a colon-separated list of directories of PEM files. Otherwise check " + where + ": the host must be the one the certificate names."}
	case errors.As(err, &tooLarge):
		return []string{"No page of these APIs is anywhere near that size: check that " + where + " is the API, not a proxy's or gateway's page."}
	}
	if limit, ok := client.RequestTimeout(err); ok {
		inForce := "request_timeout (" + limit.String() + ")"
		if !d.keys.requestTimeoutSet {
			inForce = "request_timeout (" + limit.String() + ", the default)"
		}
		return []string{"No complete answer came within " + inForce + ", the time limit of one call: raise it if the API, or a proxy on the way, is slow to answer; otherwise check " + where + " and the network."}
	}
	return nil
}
