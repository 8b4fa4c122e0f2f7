package provider

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccSecretsNeverLeak runs the real provider binary under the real
// terraform CLI with TF_LOG=TRACE, once successfully (through an assumed
// role) and once with a wrong key, and proves that no secret key, private
// key, temporary key or token appears in the log, the console output, the
// state or any other file the run wrote.
func TestAccSecretsNeverLeak(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	sim := startSim(t, cloudsim.Options{Tracks: 3})
	o := sim.Options()
	work := t.TempDir()
	rc := buildProviderForCLI(t, work)
	mirror := filepath.Join(work, "mirror") // where buildProviderForCLI put the provider

	run := func(dir, secretKey string) string {
		writeFile(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}
%sdata "auditlog_cloudaudit_tracks" "test" {}
data "auditlog_ucloud_operation_events" "test" {
  max_items = 60
}
output "names" { value = data.auditlog_cloudaudit_tracks.test.tracks[*].name }
output "apis" { value = data.auditlog_ucloud_operation_events.test.events[*].api }
`, sim.providerBlock(withTencentSecretKey(secretKey), withTencentBlocks(`
assume_role {
  role_arn     = "qcs::cam::uin/100000000001:roleName/auditor"
  session_name = "leak-check"
}`), without("ucloud.project_id", "max_retries"))))
		terraformInit(t, rc, dir)
		cmd := engineCommand("apply", "-auto-approve", "-input=false", "-no-color")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_LOG=TRACE", "TF_LOG_PATH="+filepath.Join(dir, "terraform.log"))
		out, _ := cmd.CombinedOutput()
		writeFile(t, filepath.Join(dir, "console.txt"), string(out))
		return string(out)
	}

	okDir, failDir := filepath.Join(work, "ok"), filepath.Join(work, "fail")
	if out := run(okDir, o.TencentSecretKey); !strings.Contains(out, "Apply complete") {
		t.Fatalf("the successful run failed:\n%s", out)
	}
	if out := run(failDir, "wrong-"+o.TencentSecretKey); !strings.Contains(out, "AuthFailure.SignatureFailure") {
		t.Fatalf("the failing run did not fail with the API's error:\n%s", out)
	}

	secrets := append([]string{o.TencentSecretKey, "wrong-" + o.TencentSecretKey, o.UCloudPrivateKey}, sim.IssuedTencentSecrets()...)
	if len(secrets) < 5 {
		t.Fatalf("STS issued no temporary credentials; the assume-role path was not exercised")
	}
	log, err := os.ReadFile(filepath.Join(okDir, "terraform.log"))
	if err != nil {
		t.Fatal(err)
	}
	// The log must hold the provider's own request lines, or the scan
	// below would prove nothing.
	for _, line := range []string{"tencentcloud request", "ucloud api call"} {
		if !strings.Contains(string(log), line) {
			t.Fatalf("TF_LOG=TRACE captured none of the provider's %q logging", line)
		}
	}
	scanned := 0
	_ = filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		// main.tf is the configuration the keys were given in; everything
		// else was written by terraform or the provider.
		if err != nil || d.IsDir() || strings.HasPrefix(path, mirror) || strings.Contains(path, "/.terraform/providers/") || d.Name() == "main.tf" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s contains a secret (%.6s…)", strings.TrimPrefix(path, work), s)
			}
		}
		return nil
	})
	if scanned < 6 {
		t.Errorf("scanned only %d files; expected logs, console output and state of both runs", scanned)
	}
}
