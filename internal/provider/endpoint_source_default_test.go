package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// defaultServerNames are the hosts of the clouds' public APIs that a
// configuration setting no server calls.
var defaultServerNames = []string{"cloudaudit.tencentcloudapi.com", "csip.tencentcloudapi.com",
	"organization.tencentcloudapi.com", "sts.tencentcloudapi.com", "api.ucloud.cn"}

// With no server set anywhere, every data source calls the cloud's public
// API and says so: evidence.endpoint is the default URL and endpoint_source
// "default". No test reaches a cloud, so the engine runs the provider as a
// user does, with HTTPS_PROXY leading every default host to the simulator
// behind TLS, under a certificate of a test CA that SSL_CERT_FILE trusts.
func TestAccEvidence_endpointSourceDefault(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	sim := startSim(t, cloudsim.Options{OrgMembers: 3})
	o := sim.Options()
	w := evWindowsOf(sim)
	work := t.TempDir()

	caPEM, leaf := newServerCA(t, defaultServerNames)
	writeFile(t, filepath.Join(work, "ca.pem"), string(caPEM))
	front := httptest.NewUnstartedServer(sim.Server)
	front.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12}
	front.StartTLS()
	t.Cleanup(front.Close)
	frontAddr := strings.TrimPrefix(front.URL, "https://")
	var mu sync.Mutex
	tunnelled := map[string]bool{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port, err := net.SplitHostPort(r.Host)
		if r.Method != http.MethodConnect || err != nil || port != "443" {
			http.Error(w, "only CONNECT to port 443", http.StatusBadRequest)
			return
		}
		mu.Lock()
		tunnelled[host] = true
		mu.Unlock()
		(&hostileProxy{}).tunnel(w, frontAddr)
	}))
	t.Cleanup(proxy.Close)

	r := &exampleRun{t: t, dir: filepath.Join(work, "root"), rc: buildProviderForCLI(t, work)}
	writeFile(t, filepath.Join(r.dir, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {
  tencentcloud {
    secret_id  = %q
    secret_key = %q
  }
  ucloud {
    public_key  = %q
    private_key = %q
    project_id  = %q
  }
  max_retries = 1
}

data "auditlog_cloudaudit_tracks" "test" {}

data "auditlog_cloudaudit_track" "test" {
  track_id = 1003
}

data "auditlog_cloudaudit_events" "test" {
  start_time = %d
  end_time   = %d
}

data "auditlog_csip_user_call_records" "test" {
  sub_uin = %q
  filter {
    start_time = %q
    end_time   = %q
  }
}

data "auditlog_organization_members" "test" {}

data "auditlog_ucloud_operation_events" "test" {
  begin_time = %d
  end_time   = %d
}

data "auditlog_ucloud_projects" "test" {}

output "servers" {
  value = {
    tracks  = data.auditlog_cloudaudit_tracks.test.evidence
    track   = data.auditlog_cloudaudit_track.test.evidence
    events  = data.auditlog_cloudaudit_events.test.evidence
    csip    = data.auditlog_csip_user_call_records.test.evidence
    members = data.auditlog_organization_members.test.evidence
    ucloud  = data.auditlog_ucloud_operation_events.test.evidence
    projects = data.auditlog_ucloud_projects.test.evidence
  }
}
`, o.TencentSecretID, o.TencentSecretKey, o.UCloudPublicKey, o.UCloudPrivateKey, o.UCloudProjectID,
		w.eventsStart, w.eventsEnd, cloudsim.CSIPSubUins[0], w.csipStart, w.csipEnd, w.ucloudBegin, w.ucloudEnd))

	terraformInit(t, r.rc, r.dir)
	env := []string{"HOME=" + work, "HTTPS_PROXY=" + proxy.URL, "https_proxy=" + proxy.URL, "NO_PROXY=", "no_proxy=",
		"SSL_CERT_FILE=" + filepath.Join(work, "ca.pem"), "SSL_CERT_DIR=" + filepath.Join(work, "no-certs")}
	for _, k := range endpointSourceVars {
		env = append(env, k+"=")
	}
	if out, code := r.command(r.dir, env, testEngine.Path, "apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("%s apply: exit %d\n%s", testEngine.Name, code, out)
	}
	out, code := r.command(r.dir, env, testEngine.Path, "output", "-json", "servers")
	if code != 0 {
		t.Fatalf("%s output: exit %d\n%s", testEngine.Name, code, out)
	}
	var got map[string]struct {
		Endpoint       string `json:"endpoint"`
		EndpointSource string `json:"endpoint_source"`
		Complete       bool   `json:"complete"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output servers: %v\n%s", err, out)
	}
	for name, want := range map[string]string{
		"tracks": "https://cloudaudit.tencentcloudapi.com", "track": "https://cloudaudit.tencentcloudapi.com",
		"events": "https://cloudaudit.tencentcloudapi.com", "csip": "https://csip.tencentcloudapi.com",
		"members": "https://organization.tencentcloudapi.com", "ucloud": "https://api.ucloud.cn", "projects": "https://api.ucloud.cn",
	} {
		ev, ok := got[name]
		if !ok {
			t.Errorf("%s: no evidence in the output\n%s", name, out)
			continue
		}
		if strings.TrimSuffix(ev.Endpoint, "/") != want || ev.EndpointSource != "default" || !ev.Complete {
			t.Errorf("%s: endpoint %q from %q (complete %v), want %s from \"default\"", name, ev.Endpoint, ev.EndpointSource, ev.Complete, want)
		}
	}
	// The reads went where the evidence says.
	mu.Lock()
	defer mu.Unlock()
	for _, host := range []string{"cloudaudit.tencentcloudapi.com", "csip.tencentcloudapi.com", "organization.tencentcloudapi.com", "api.ucloud.cn"} {
		if !tunnelled[host] {
			t.Errorf("no read called %s through the proxy (called: %v)", host, tunnelled)
		}
	}
}

// newServerCA is a test CA's certificate and a server certificate it
// issued for names.
func newServerCA(t *testing.T, names []string) (caPEM []byte, leaf tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "endpoint source test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), DNSNames: names,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}
}
