package provider

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
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
	removeBuiltMirror()
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
func (s *testSim) providerConfig() string { return s.providerBlock() }

// providerBlock is the provider block of providerConfig with the options'
// changes: the simulator's keys, endpoint and project for both clouds and
// max_retries = 1, unless an option says otherwise.
func (s *testSim) providerBlock(opts ...providerOption) string {
	o := s.Options()
	settings := providerSettings{
		{tencentBlock, "secret_id", strconv.Quote(o.TencentSecretID)},
		{tencentBlock, "secret_key", strconv.Quote(o.TencentSecretKey)},
		{tencentBlock, "endpoint", strconv.Quote(s.URL)},
		{ucloudBlock, "public_key", strconv.Quote(o.UCloudPublicKey)},
		{ucloudBlock, "private_key", strconv.Quote(o.UCloudPrivateKey)},
		{ucloudBlock, "project_id", strconv.Quote(o.UCloudProjectID)},
		{ucloudBlock, "base_url", strconv.Quote(s.URL)},
		{"", "max_retries", "1"},
	}
	for _, opt := range opts {
		opt(&settings)
	}
	var b strings.Builder
	b.WriteString("\nprovider \"auditlog\" {\n")
	for _, block := range []string{tencentBlock, ucloudBlock} {
		if inner := settings.write(block, "    "); inner != "" {
			b.WriteString("  " + block + " {\n" + inner + "  }\n")
		}
	}
	b.WriteString(settings.write("", "  "))
	b.WriteString("}\n")
	return b.String()
}

const (
	tencentBlock = "tencentcloud"
	ucloudBlock  = "ucloud"
)

// providerOption changes a setting of the block providerBlock writes.
type providerOption func(*providerSettings)

// providerSettings are a provider block's settings, in the order written.
type providerSettings []providerSetting

type providerSetting struct {
	block string // tencentBlock, ucloudBlock, or "" for the provider's own
	name  string // "" for nested blocks, written as they are
	value string // an HCL expression, or the nested blocks
}

// set gives a setting a value, in its place when it is set already.
func (s *providerSettings) set(block, name, value string) {
	for i := range *s {
		if (*s)[i].block == block && (*s)[i].name == name && name != "" {
			(*s)[i].value = value
			return
		}
	}
	*s = append(*s, providerSetting{block, name, value})
}

// write is the settings of one block, one a line, each indented.
func (s providerSettings) write(block, indent string) string {
	var b strings.Builder
	for _, p := range s {
		switch {
		case p.block != block:
		case p.name == "":
			for line := range strings.Lines(strings.Trim(p.value, "\n")) {
				b.WriteString(indent + strings.TrimRight(line, "\n") + "\n")
			}
		default:
			b.WriteString(indent + p.name + " = " + p.value + "\n")
		}
	}
	return b.String()
}

func withMaxRetries(n int) providerOption {
	return func(s *providerSettings) { s.set("", "max_retries", strconv.Itoa(n)) }
}

func withRequestTimeout(d string) providerOption {
	return func(s *providerSettings) { s.set("", "request_timeout", strconv.Quote(d)) }
}

func withTencentSecretID(id string) providerOption {
	return withTencent("secret_id", strconv.Quote(id))
}

func withTencentSecretKey(key string) providerOption {
	return withTencent("secret_key", strconv.Quote(key))
}

func withTencentEndpoint(url string) providerOption {
	return withTencent("endpoint", strconv.Quote(url))
}

func withUCloudPrivateKey(key string) providerOption {
	return func(s *providerSettings) { s.set(ucloudBlock, "private_key", strconv.Quote(key)) }
}

func withUCloudBaseURL(url string) providerOption {
	return func(s *providerSettings) { s.set(ucloudBlock, "base_url", strconv.Quote(url)) }
}

// withTencent sets a tencentcloud argument to an HCL expression.
func withTencent(name, expr string) providerOption {
	return func(s *providerSettings) { s.set(tencentBlock, name, expr) }
}

// withTencentBlocks adds HCL (nested blocks such as assume_role or
// account, or argument lines) to the tencentcloud block, as it is.
func withTencentBlocks(hcl ...string) providerOption {
	return func(s *providerSettings) {
		for _, h := range hcl {
			if strings.TrimSpace(h) != "" {
				s.set(tencentBlock, "", h)
			}
		}
	}
}

// without leaves settings out: "max_retries" (the provider's default then
// applies), "tencentcloud.secret_key", or a whole block, "ucloud".
func without(settings ...string) providerOption {
	return func(s *providerSettings) {
		for _, name := range settings {
			block, arg, inBlock := strings.Cut(name, ".")
			if !inBlock && block != tencentBlock && block != ucloudBlock {
				block, arg = "", name
			}
			*s = slices.DeleteFunc(*s, func(p providerSetting) bool {
				return p.block == block && (arg == "" || p.name == arg)
			})
		}
	}
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
