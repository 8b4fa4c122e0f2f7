package provider

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccHostileGateways runs `terraform plan` with the real provider binary
// against both clouds' data sources through gateways, proxies and networks
// that misbehave: HTML, empty, truncated and huge bodies, stalls, resets,
// Retry-After, TLS with an untrusted and a trusted CA, forward proxies with
// and without credentials. Every case ends in one of two ways: the exact
// records the simulator holds, or an error that names the setting to check
// or what the server answered, after retries only when the fault is
// transient, with no output planned (nothing partial passes for complete)
// and no secret in any output or log.
//
// bash scripts/hostile-gateways.sh prints its table (BENCHMARKS.md), with
// the provider's peak RSS per case. HOSTILE_PROVIDER_BIN runs another build
// of the provider instead (to measure an older one).
func TestAccHostileGateways(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	rig := newHostileRig(t)
	start := time.Now()
	for _, hc := range hostileCases {
		for _, cloud := range hostileClouds {
			t.Run(hc.name+"/"+cloud.name, func(t *testing.T) { rig.run(t, hc, cloud) })
		}
	}
	t.Logf("HOSTILE-TOTAL | %d cases | %s", len(hostileCases)*len(hostileClouds), time.Since(start).Round(100*time.Millisecond))
}

// hostileNet is how the provider reaches the gateway.
type hostileNet int

const (
	netDirect        hostileNet = iota // http://127.0.0.1
	netPrefix                          // http://127.0.0.1/<cloud>/, a gateway routing that path only
	netTLSUntrusted                    // https://127.0.0.1, SSL_CERT_FILE naming another CA
	netTLSTrusted                      // https://127.0.0.1, SSL_CERT_FILE naming the gateway's CA
	netTLSTrustedDir                   // https://127.0.0.1, SSL_CERT_DIR holding the gateway's CA
	netProxyHTTPS                      // https://api.test.invalid through HTTPS_PROXY=user:password@
	netProxyHTTP                       // http://api.test.invalid through HTTP_PROXY=user:password@
	netProxyHTTPS407                   // the same with a wrong password
	netProxyHTTP407                    // the same with a wrong password
	netNoProxy                         // http://<this machine's address>, in NO_PROXY, proxies refusing all
)

// hostileCase is one row of the suite.
type hostileCase struct {
	name  string
	fault hostileAnswer
	page  int // the page faulted; 0: every page
	times int // faulted attempts at it; 0: every attempt
	net   hostileNet
	// requestTimeout and readTimeout, when set, are request_timeout and
	// the data source's timeouts.read. max_retries is 1.
	requestTimeout, readTimeout string
	// tencentErr and ucloudErr are what the error must say (words matched
	// whatever the line breaks); both empty means the exact records.
	tencentErr, ucloudErr []string
	// attempts is how many times the faulted page (or connection, or
	// tunnel) must have been asked for: 1 for a fault no retry can fix.
	attempts int
	// minGap is the least time between the first two attempts at the
	// faulted page (Retry-After).
	minGap time.Duration
}

const (
	hostileProxyUser     = "auditor"
	hostileProxyPassword = "proxy-S3cret-never-shown"
	hostileHugeBytes     = 500 << 20
)

var hostileCases = []hostileCase{
	{name: "HTML page with HTTP 200, once", fault: hostileStatus(200, "text/html", "<!DOCTYPE html><html><body>Back soon</body></html>"), page: 2, times: 1, attempts: 2},
	{name: "HTML error page with HTTP 502, always", fault: hostileStatus(502, "text/html", "<html><head><title>502 Bad Gateway</title></head></html>"), page: 2, attempts: 2,
		tencentErr: []string{`HTTP 502 Bad Gateway: "<html><head><title>502 Bad Gateway`, `made 2 times (max_retries = 1)`},
		ucloudErr:  []string{`HTTP 502: Bad Gateway: "<html><head><title>502 Bad Gateway`, `made 2 times (max_retries = 1)`}},
	{name: "empty body with HTTP 200, once", fault: hostileStatus(200, "application/json", ""), page: 2, times: 1, attempts: 2},
	{name: "empty body with HTTP 200, always", fault: hostileStatus(200, "application/json", ""), page: 2, attempts: 2,
		tencentErr: []string{`not a valid API envelope (unexpected end of JSON input): (empty body)`},
		ucloudErr:  []string{`empty response body`}},
	{name: "body cut short (Content-Length not reached), once", fault: hostileCut(false), page: 2, times: 1, attempts: 2},
	{name: "body cut short (Content-Length not reached), always", fault: hostileCut(false), page: 2, attempts: 2,
		tencentErr: []string{`ClientError.NetworkError: HTTP 200 answer cut short after`},
		ucloudErr:  []string{`reading response (HTTP 200`, `bytes read): unexpected EOF`}},
	{name: "connection reset mid-body, once", fault: hostileCut(true), page: 2, times: 1, attempts: 2},
	{name: "connection reset mid-body, always", fault: hostileCut(true), page: 2, attempts: 2,
		tencentErr: []string{`answer cut short after`, `connection reset by peer`},
		ucloudErr:  []string{`reading response (HTTP 200`, `connection reset by peer`}},
	{name: "stall before the headers, past request_timeout, always", fault: hostileStall(false), page: 2, requestTimeout: "1s", attempts: 2,
		tencentErr: []string{`request timed out: no complete answer within 1s`, `within request_timeout (1s), the time limit of one call`},
		ucloudErr:  []string{`request timed out: no complete answer within 1s`, `within request_timeout (1s), the time limit of one call`}},
	{name: "stall mid-body, past request_timeout, once", fault: hostileStall(true), page: 2, times: 1, requestTimeout: "1s", attempts: 2},
	{name: "HTTP 429 with Retry-After: 1, once", fault: hostileRetryAfter(429, func() string { return "1" }), page: 2, times: 1, attempts: 2, minGap: time.Second},
	{name: "HTTP 503 with Retry-After as an HTTP date, once", page: 2, times: 1, attempts: 2, minGap: time.Second,
		fault: hostileRetryAfter(503, func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) })},
	{name: "HTTP 429 with Retry-After: 30, timeouts.read 4s", fault: hostileRetryAfter(429, func() string { return "30" }), page: 2, readTimeout: "4s", attempts: 1,
		tencentErr: []string{`the server asked to wait 30s before a retry (Retry-After)`, `timeouts.read (4s) leaves too little`},
		ucloudErr:  []string{`the server asked to wait 30s before a retry (Retry-After)`, `timeouts.read (4s) leaves too little`}},
	{name: "huge body (500 MB, no Content-Length)", fault: hostileHuge(hostileHugeBytes), page: 2, attempts: 1,
		tencentErr: []string{`ClientError.ResponseTooLarge: HTTP 200: response body larger than 32 MiB`, `not repeated`},
		ucloudErr:  []string{`response body larger than 32 MiB`, `not repeated`}},
	{name: "gzip body without Content-Encoding", fault: hostileGzip, page: 2, attempts: 1,
		tencentErr: []string{`gzip-compressed data without a Content-Encoding header`, `"\x1f\x8b`},
		ucloudErr:  []string{`gzip-compressed data without a Content-Encoding header`, `"\x1f\x8b`}},
	{name: "deflate body in the zlib format (RFC 9110), every answer", fault: hostileDeflate(true), attempts: 1},
	{name: "deflate body as raw DEFLATE data, every answer", fault: hostileDeflate(false), attempts: 1},
	{name: "deflate body that does not decode", fault: hostileDeflateGarbage, page: 2, attempts: 1,
		tencentErr: []string{`Content-Encoding "deflate" but does not decode as zlib or raw DEFLATE data`},
		ucloudErr:  []string{`Content-Encoding "deflate" but does not decode as zlib or raw DEFLATE data`}},
	{name: "UTF-8 byte order mark before every answer", fault: hostileBOM, attempts: 1},
	{name: "endpoint path prefix /<cloud>/ kept", net: netPrefix, attempts: 1},
	{name: "TLS, the gateway's CA not trusted", net: netTLSUntrusted, attempts: 1,
		tencentErr: []string{`certificate signed by unknown authority`, `SSL_CERT_FILE`, `SSL_CERT_DIR`},
		ucloudErr:  []string{`certificate signed by unknown authority`, `SSL_CERT_FILE`, `SSL_CERT_DIR`}},
	{name: "TLS, the gateway's CA trusted through SSL_CERT_FILE", net: netTLSTrusted, attempts: 1},
	{name: "TLS, the gateway's CA trusted through SSL_CERT_DIR", net: netTLSTrustedDir, attempts: 1},
	{name: "HTTPS_PROXY with user:password@ (CONNECT)", net: netProxyHTTPS, attempts: 1},
	{name: "HTTP_PROXY with user:password@", net: netProxyHTTP, attempts: 1},
	{name: "HTTPS_PROXY answers 407 (wrong password)", net: netProxyHTTPS407, attempts: 1,
		tencentErr: []string{`refused to open a tunnel: HTTP 407 Proxy Authentication Required`, `HTTPS_PROXY`, `user name and password`},
		ucloudErr:  []string{`refused to open a tunnel: HTTP 407 Proxy Authentication Required`, `HTTPS_PROXY`, `user name and password`}},
	{name: "HTTP_PROXY answers 407 (wrong password)", net: netProxyHTTP407, attempts: 1,
		tencentErr: []string{`HTTP 407 Proxy Authentication Required`, `HTTPS_PROXY`, `user name and password`},
		ucloudErr:  []string{`HTTP 407: Proxy Authentication Required`, `HTTPS_PROXY`, `user name and password`}},
	{name: "NO_PROXY names the gateway (the proxies refuse all)", net: netNoProxy, attempts: 1},
}

// hostileCloud is one cloud's data source under the suite.
type hostileCloud struct {
	name, dataSource, url string
	// records is an HCL expression that lists the records read, and want
	// is its value for the exact read of the simulator.
	block, records string
	want           func(sim *cloudsim.Server) string
}

var hostileClouds = []hostileCloud{
	{
		name: "tencent", dataSource: "auditlog_cloudaudit_tracks", url: "/tencent/",
		block:   `page_size = 10`,
		records: `"${data.auditlog_cloudaudit_tracks.test.total_count}: ${join(",", [for t in data.auditlog_cloudaudit_tracks.test.tracks : "${t.track_id}/${t.name}"])}"`,
		want: func(sim *cloudsim.Server) string {
			var ids []string
			for i := range 25 {
				d, _ := sim.CloudAuditTrack(uint64(1000 + i))
				ids = append(ids, fmt.Sprintf("%d/%s", 1000+i, d.Name))
			}
			return "25: " + strings.Join(ids, ",")
		},
	},
	{
		name: "ucloud", dataSource: "auditlog_ucloud_operation_events", url: "/ucloud/",
		block:   `max_results = 20`,
		records: `"${length(data.auditlog_ucloud_operation_events.test.events)}: ${join(",", [for e in data.auditlog_ucloud_operation_events.test.events : "${e.operate_time}/${e.api}/${e.user_name}"])}"`,
		want: func(sim *cloudsim.Server) string {
			var out []string
			for _, e := range sim.UCloudEvents() {
				out = append(out, fmt.Sprintf("%d/%s/%s", e.OperateTime, e.Api, e.UserName))
			}
			return strconv.Itoa(len(out)) + ": " + strings.Join(out, ",")
		},
	},
}

// config is the data source and an output of its records, which
// `terraform plan` itself checks against want: a plan that succeeds has
// read exactly the simulator's records, in order.
func (c hostileCloud) config(readTimeout, want string) string {
	timeouts := ""
	if readTimeout != "" {
		timeouts = "\n  timeouts {\n    read = \"" + readTimeout + "\"\n  }"
	}
	return fmt.Sprintf(`data %q "test" {
  %s%s
}
locals {
  records = %s
}
output "records" {
  value = local.records
  precondition {
    condition     = local.records == %q
    error_message = "The records differ from the simulator's: ${local.records}"
  }
}
`, c.dataSource, c.block, timeouts, c.records, want)
}

// hostileRig is what every case shares: the provider binary, the
// simulator, the CAs and a working directory.
type hostileRig struct {
	work, rc          string
	measured          bool
	sim               *testSim
	ca, otherCA       *hostileCA
	caFile, otherFile string
	emptyDir          string
}

func newHostileRig(t *testing.T) *hostileRig {
	t.Helper()
	r := &hostileRig{work: t.TempDir()}
	provider := os.Getenv("HOSTILE_PROVIDER_BIN")
	if provider == "" {
		// The run's one build of the provider (scripts/mirror.sh).
		built, err := builtProvider()
		if err != nil {
			t.Fatalf("building the provider: %v", err)
		}
		provider = built
	}
	// Terraform starts the provider through a wrapper that records its
	// peak RSS (Linux), or directly.
	override := filepath.Join(r.work, "override")
	measure := filepath.Join(r.work, "bin", "benchpaging")
	build := exec.Command("go", "build", "-o", measure, "github.com/auditlog/terraform-provider-auditlog/cmd/benchpaging")
	script := "#!/bin/sh\nexec " + strconv.Quote(provider) + " \"$@\"\n"
	if out, err := build.CombinedOutput(); err == nil {
		r.measured = true
		script = "#!/bin/sh\nexec " + strconv.Quote(measure) + " measure -poll 0 -label provider -o \"$HOSTILE_FIGURES\" -- " + strconv.Quote(provider) + " \"$@\"\n"
	} else {
		t.Logf("no peak RSS figures: building benchpaging: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(override, "terraform-provider-auditlog"), script)
	if err := os.Chmod(filepath.Join(override, "terraform-provider-auditlog"), 0o700); err != nil {
		t.Fatal(err)
	}
	r.rc = filepath.Join(r.work, "terraformrc")
	writeFile(t, r.rc, fmt.Sprintf("provider_installation {\n  dev_overrides { \"auditlog/auditlog\" = %q }\n  direct {}\n}\n", override))

	r.sim = startSim(t, cloudsim.Options{Tracks: 25, Events: 50})
	r.ca, r.otherCA = newHostileCA(t, "hostile gateway CA"), newHostileCA(t, "some other CA")
	// The gateway's CA alone in its directory, for SSL_CERT_DIR.
	r.caFile, r.otherFile = filepath.Join(r.work, "ca", "ca.pem"), filepath.Join(r.work, "other-ca.pem")
	writeFile(t, r.caFile, string(r.ca.pem))
	writeFile(t, r.otherFile, string(r.otherCA.pem))
	r.emptyDir = filepath.Join(r.work, "no-certs")
	if err := os.MkdirAll(r.emptyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	return r
}

// hostileEnvNames are the variables of the network that a case sets; the
// machine's own are never passed on.
var hostileEnvNames = []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR"}

func (r *hostileRig) run(t *testing.T, hc hostileCase, cloud hostileCloud) {
	gw := newHostileGateway(r.sim.Server)
	gw.answer, gw.page, gw.times = hc.fault, hc.page, hc.times
	env := map[string]string{"SSL_CERT_FILE": r.otherFile, "SSL_CERT_DIR": r.emptyDir}
	var proxy *hostileProxy
	startProxy := func(p *hostileProxy) string {
		proxy = p
		srv := httptestServer(t, p)
		return strings.TrimPrefix(srv.URL, "http://")
	}
	var endpoint string
	switch hc.net {
	case netDirect:
		endpoint = gw.serve(t, "127.0.0.1:0", nil).URL
	case netPrefix:
		gw.prefix = cloud.url
		endpoint = gw.serve(t, "127.0.0.1:0", nil).URL + cloud.url
	case netTLSUntrusted, netTLSTrusted, netTLSTrustedDir:
		endpoint = gw.serve(t, "127.0.0.1:0", &r.ca.leaf).URL
		switch hc.net {
		case netTLSTrusted:
			env["SSL_CERT_FILE"] = r.caFile
		case netTLSTrustedDir:
			env["SSL_CERT_DIR"] = filepath.Dir(r.caFile)
		}
	case netProxyHTTPS, netProxyHTTPS407:
		endpoint = strings.Replace(gw.serve(t, "127.0.0.1:0", &r.ca.leaf).URL, "127.0.0.1", "api.test.invalid", 1)
		env["SSL_CERT_FILE"] = r.caFile
		password := hostileProxyPassword
		if hc.net == netProxyHTTPS407 {
			password = "wrong-" + hostileProxyPassword
		}
		env["HTTPS_PROXY"] = "http://" + hostileProxyUser + ":" + password + "@" + startProxy(&hostileProxy{user: hostileProxyUser, password: hostileProxyPassword})
	case netProxyHTTP, netProxyHTTP407:
		endpoint = strings.Replace(gw.serve(t, "127.0.0.1:0", nil).URL, "127.0.0.1", "api.test.invalid", 1)
		password := hostileProxyPassword
		if hc.net == netProxyHTTP407 {
			password = "wrong-" + hostileProxyPassword
		}
		env["HTTP_PROXY"] = "http://" + hostileProxyUser + ":" + password + "@" + startProxy(&hostileProxy{user: hostileProxyUser, password: hostileProxyPassword})
	case netNoProxy:
		ip := nonLoopbackIPv4()
		if ip == "" {
			t.Logf("HOSTILE | %s | %s | n/a: this machine has no address but loopback, which Go never proxies | 0 | 0s | n/a", hc.name, cloud.name)
			t.Skip("no non-loopback address to reach without a proxy")
		}
		endpoint = gw.serve(t, ip+":0", nil).URL
		hostport := startProxy(&hostileProxy{refuse: true})
		env["HTTP_PROXY"], env["HTTPS_PROXY"], env["NO_PROXY"] = "http://"+hostport, "http://"+hostport, "localhost,"+ip
	}

	want := cloud.want(r.sim.Server)
	if strings.ContainsAny(want, "\\\"$%") || strconv.Quote(want) != `"`+want+`"` {
		t.Fatalf("the expected records %q need escaping in HCL", want)
	}
	requestTimeout := hc.requestTimeout
	if requestTimeout == "" {
		requestTimeout = "10s"
	}
	dir := filepath.Join(r.work, strings.NewReplacer(" ", "-", "/", "-", ":", "").Replace(hc.name), cloud.name)
	writeFile(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(`terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}
%s%s`, r.sim.providerBlock(withTencentEndpoint(endpoint), withUCloudBaseURL(endpoint), withRequestTimeout(requestTimeout)), cloud.config(hc.readTimeout, want)))

	figures := filepath.Join(dir, "provider-figures.txt")
	var cmdEnv []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(hostileEnvNames, name) && !strings.HasPrefix(name, "TF_LOG") && name != "TF_CLI_CONFIG_FILE" {
			cmdEnv = append(cmdEnv, kv)
		}
	}
	cmdEnv = append(cmdEnv, "TF_CLI_CONFIG_FILE="+r.rc, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+filepath.Join(dir, "terraform.log"), "HOSTILE_FIGURES="+figures)
	for k, v := range env {
		cmdEnv = append(cmdEnv, k+"="+v)
	}
	terraform := func(args ...string) ([]byte, error) {
		cmd := exec.Command("terraform", args...)
		cmd.Dir, cmd.Env = dir, cmdEnv
		return cmd.CombinedOutput()
	}

	wantErr := hc.tencentErr
	if cloud.name == "ucloud" {
		wantErr = hc.ucloudErr
	}
	outcome, attempts := "exact data", 0
	began := time.Now()
	planOut, planErr := terraform("plan", "-input=false", "-no-color", "-json")
	took := time.Since(began)
	// One line per case for scripts/hostile-gateways.sh, whatever happens.
	defer func() {
		if t.Failed() {
			outcome = "FAILED (expected " + outcome + ")"
		}
		t.Logf("HOSTILE | %s | %s | %s | %d | %s | %s", hc.name, cloud.name, outcome, attempts, took.Round(100*time.Millisecond), r.peakRSS(figures))
	}()
	writeFile(t, filepath.Join(dir, "plan.jsonl"), string(planOut))
	errs := hostileDiagnostics(planOut)
	if len(wantErr) == 0 {
		// The output's precondition compared the records with want.
		if planErr != nil || len(errs) > 0 {
			t.Fatalf("the plan failed: %v\n%s\n%.2000s", planErr, strings.Join(errs, "\n---\n"), planOut)
		}
		if !hostilePlansOutput(planOut) {
			t.Fatalf("the plan succeeded without planning the records output:\n%.2000s", planOut)
		}
	} else {
		outcome = "error: " + strings.Join(wantErr, " … ")
		if planErr == nil {
			t.Fatalf("the plan succeeded; want an error saying %q", wantErr)
		}
		if hostilePlansOutput(planOut) {
			t.Error("a failed plan planned the records output: something partial could pass for complete")
		}
		all := strings.Join(errs, "\n")
		for _, w := range wantErr {
			if !regexp.MustCompile(words(w)).MatchString(all) {
				t.Errorf("no error says %q:\n%s", w, all)
			}
		}
	}

	// Retried only when transient: count what reached the gateway (or the
	// proxy, or the TLS listener).
	faulted, perPage := gw.faultedAttempts()
	attempts = perPage
	switch hc.net {
	case netTLSUntrusted:
		attempts = int(gw.conns.Load())
	case netProxyHTTPS407:
		attempts = int(proxy.connects.Load())
	case netProxyHTTP407:
		attempts = int(proxy.requests.Load())
	}
	if attempts != hc.attempts {
		t.Errorf("asked %d times (%d faulted answers), want %d", attempts, faulted, hc.attempts)
	}
	if hc.fault != nil && faulted == 0 {
		t.Error("the fault was never served; the case proves nothing")
	}
	if hc.minGap > 0 {
		if gap := gw.retryGap(hc.page); gap < hc.minGap {
			t.Errorf("retried after %v; the server asked for at least %v", gap, hc.minGap)
		}
	}
	switch hc.net {
	case netProxyHTTPS, netProxyHTTP:
		if proxy.authorized.Load() == 0 || proxy.refused.Load() != 0 {
			t.Errorf("the proxy let %d requests through and refused %d; every call must go through it with its credentials", proxy.authorized.Load(), proxy.refused.Load())
		}
	case netNoProxy:
		if n := proxy.connects.Load() + proxy.requests.Load(); n != 0 {
			t.Errorf("%d requests went to the proxy, although NO_PROXY names the gateway", n)
		}
	}

	// No secret anywhere: the plan's output, the log, the saved plan's
	// rendering. The proxy's password included.
	r.checkNoSecrets(t, dir)
}

func (r *hostileRig) checkNoSecrets(t *testing.T, dir string) {
	t.Helper()
	o := r.sim.Options()
	secrets := []string{o.TencentSecretKey, o.UCloudPrivateKey, hostileProxyPassword}
	log, err := os.ReadFile(filepath.Join(dir, "terraform.log"))
	if err != nil || !bytes.Contains(log, []byte("provider.terraform-provider-auditlog")) {
		t.Errorf("the provider's log was not captured (%v): the check below would prove nothing", err)
	}
	for _, name := range []string{"terraform.log", "plan.jsonl"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains a secret (%.6s…)", name, s)
			}
		}
	}
}

// peakRSS is the largest peak RSS of the provider processes of the case.
func (r *hostileRig) peakRSS(figures string) string {
	if !r.measured {
		return "n/a"
	}
	data, err := os.ReadFile(figures)
	if err != nil {
		return "n/a"
	}
	peak := 0
	for _, m := range regexp.MustCompile(`tree_maxrss_kb=(\d+)`).FindAllStringSubmatch(string(data), -1) {
		if kb, err := strconv.Atoi(m[1]); err == nil {
			peak = max(peak, kb)
		}
	}
	return strconv.Itoa(peak >> 10)
}

// hostilePlansOutput reports whether a `terraform plan -json` stream
// planned the records output.
func hostilePlansOutput(stream []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(stream))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var line struct {
			Type    string         `json:"type"`
			Outputs map[string]any `json:"outputs"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "outputs" && line.Outputs["records"] != nil {
			return true
		}
	}
	return false
}

// hostileDiagnostics are the error diagnostics of a `terraform plan -json`
// stream, summary and detail.
func hostileDiagnostics(stream []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(stream))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var line struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "diagnostic" && line.Diagnostic.Severity == "error" {
			out = append(out, line.Diagnostic.Summary+": "+line.Diagnostic.Detail)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func httptestServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}
