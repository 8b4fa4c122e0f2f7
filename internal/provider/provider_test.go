package provider

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// testAccProtoV6ProviderFactories runs the provider in-process for the real
// terraform binary that acceptance tests drive.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"auditlog": func() (tfprotov6.ProviderServer, error) { return NewProtocol6Server("test")(), nil },
}

// TestMain isolates the tests from the machine: no cloud credentials from the
// environment, and a home directory of their own, so ~/.tccli and ~/.ucloud
// are only what a test writes there.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TENCENTCLOUD_") || strings.HasPrefix(name, "UCLOUD_") || name == "TCCLI_PROFILE" {
			os.Unsetenv(name)
		}
	}
	// The go tool finds its caches through HOME: pin them first, so tests
	// that build the provider do not start from an empty build cache.
	if out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output(); err == nil {
		vals := strings.Split(strings.TrimSpace(string(out)), "\n")
		for i, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
			if i < len(vals) && os.Getenv(name) == "" {
				os.Setenv(name, vals[i])
			}
		}
	}
	// Terraform's update check is a network call; there is no network.
	os.Setenv("CHECKPOINT_DISABLE", "1")
	home, err := os.MkdirTemp("", "auditlog-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	// An empty CLI configuration, so no developer's ~/.terraformrc applies.
	rc := home + "/.terraformrc"
	if err := os.WriteFile(rc, nil, 0o600); err == nil {
		os.Setenv("TF_CLI_CONFIG_FILE", rc)
	}
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		// Never let the test framework download Terraform: use the one on PATH.
		tf, err := exec.LookPath("terraform")
		if err != nil {
			fmt.Fprintln(os.Stderr, "acceptance tests need the terraform binary on PATH (TF_ACC is set); none was found")
			os.Exit(1)
		}
		os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	}
	if os.Getenv("TF_ACC") != "" {
		if err := setUpEngine(); err != nil {
			fmt.Fprintln(os.Stderr, "acceptance tests:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// testSim is a simulator serving on loopback for one test.
type testSim struct {
	*cloudsim.Server
	URL string
}

// startSim starts a simulator for the test and stops it when the test ends.
func startSim(t *testing.T, opts cloudsim.Options) *testSim {
	t.Helper()
	srv := cloudsim.New(opts)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting simulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &testSim{Server: srv, URL: url}
}

// providerConfig is a provider block with the simulator's credentials for
// both clouds. Retries are fast-failing unless a test says otherwise.
func (s *testSim) providerConfig() string {
	o := s.Options()
	return fmt.Sprintf(`
provider "auditlog" {
  tencentcloud {
    secret_id  = %q
    secret_key = %q
    endpoint   = %q
  }
  ucloud {
    public_key  = %q
    private_key = %q
    project_id  = %q
    base_url    = %q
  }
  max_retries = 1
}
`, o.TencentSecretID, o.TencentSecretKey, s.URL, o.UCloudPublicKey, o.UCloudPrivateKey, o.UCloudProjectID, s.URL)
}

// tfObject and tfList take apart state values built by the data sources.
func tfObject(t *testing.T, v tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatalf("%v is not an object: %v", v, err)
	}
	return m
}

func tfList(t *testing.T, v tftypes.Value) []tftypes.Value {
	t.Helper()
	var l []tftypes.Value
	if err := v.As(&l); err != nil {
		t.Fatalf("%v is not a list: %v", v, err)
	}
	return l
}
