package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccOpenTofuProviderForEach runs examples/opentofu-for-each, the
// guide's example of auditing many accounts with one provider instance per
// account, installed from the mirror, against two simulators standing for
// two accounts. Each account has its own keys, project and data, so an
// instance reading with another account's settings fails its signature
// checks or reports the other account's records.
func TestAccOpenTofuProviderForEach(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	skipUnlessOpenTofu(t, 1, 9, "for_each in a provider block is an OpenTofu feature; Terraform rejects the example's configuration")
	accounts := map[string]*testSim{
		"production": startSim(t, cloudsim.Options{
			Tracks: 2, Events: 14,
			TencentSecretID: "AKIDproduction000000000000000000000", TencentSecretKey: "productionSecretKey0000000000000",
			UCloudPublicKey: "production@example.com", UCloudPrivateKey: "production-private-key", UCloudProjectID: "org-prod01",
		}),
		"staging": startSim(t, cloudsim.Options{
			Tracks: 5, Events: 21,
			TencentSecretID: "AKIDstaging00000000000000000000000", TencentSecretKey: "stagingSecretKey0000000000000000",
			UCloudPublicKey: "staging@example.com", UCloudPrivateKey: "staging-private-key", UCloudProjectID: "org-stag01",
		}),
	}

	// Each account's keys in its own tccli and UCloud profile, as the
	// example expects; nothing in the environment.
	work := t.TempDir()
	home := filepath.Join(work, "home")
	var ucloudCreds, ucloudConfigs, tfvars []string
	for name, sim := range accounts {
		o := sim.Options()
		writeTccliProfile(t, filepath.Join(home, ".tccli"), name+"-audit", o.TencentSecretID, o.TencentSecretKey, "ap-guangzhou")
		ucloudCreds = append(ucloudCreds, fmt.Sprintf(`{"profile": %q, "public_key": %q, "private_key": %q}`, name+"-audit", o.UCloudPublicKey, o.UCloudPrivateKey))
		ucloudConfigs = append(ucloudConfigs, fmt.Sprintf(`{"profile": %q, "project_id": %q, "base_url": %q}`, name+"-audit", o.UCloudProjectID, sim.URL))
		tfvars = append(tfvars, fmt.Sprintf("  %s = {\n    tccli_profile = %q\n    ucloud_profile = %q\n    tencentcloud_endpoint = %q\n  }", name, name+"-audit", name+"-audit", sim.URL))
	}
	writeFile(t, filepath.Join(home, ".ucloud", "credential.json"), "["+strings.Join(ucloudCreds, ",\n")+"]")
	writeFile(t, filepath.Join(home, ".ucloud", "config.json"), "["+strings.Join(ucloudConfigs, ",\n")+"]")

	rc := buildProviderForCLI(t, work)
	dir := filepath.Join(work, "config")
	copyTree(t, "../../examples/opentofu-for-each", dir)
	// The user's step: the accounts in accounts.auto.tfvars, which init
	// reads too.
	writeFile(t, filepath.Join(dir, "accounts.auto.tfvars"), "accounts = {\n"+strings.Join(tfvars, "\n")+"\n}\n")
	terraformInit(t, rc, dir)

	run := func(args ...string) string {
		t.Helper()
		cmd := engineCommand(args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+home, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", testEngine.Name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// 365 days reach every simulated UCloud operation.
	run("apply", "-auto-approve", "-input=false", "-no-color", "-var=days=365")
	var got map[string]struct {
		TrackingSets     []string `json:"tracking_sets"`
		UCloudProject    string   `json:"ucloud_project"`
		UCloudOperations int      `json:"ucloud_operations"`
		FailedOperations []string `json:"failed_operations"`
	}
	if err := json.Unmarshal([]byte(run("output", "-json", "accounts")), &got); err != nil {
		t.Fatalf("output accounts: %v", err)
	}
	if len(got) != len(accounts) {
		t.Fatalf("accounts in the output: %v, want %d", got, len(accounts))
	}
	for name, sim := range accounts {
		o, g := sim.Options(), got[name]
		events := sim.UCloudEvents()
		var failed []string
		for _, e := range events {
			if !e.IsSuccess {
				failed = append(failed, fmt.Sprintf("%s: %s at %s", e.UserName, e.Api, time.Unix(e.OperateTime, 0).UTC().Format(time.RFC3339)))
			}
		}
		if len(failed) == 0 {
			t.Fatalf("%s: the simulator has no failed operation, so the check below would prove less", name)
		}
		if len(g.TrackingSets) != o.Tracks || g.UCloudProject != o.UCloudProjectID || g.UCloudOperations != len(events) ||
			!reflect.DeepEqual(append([]string{}, g.FailedOperations...), append([]string{}, failed...)) {
			t.Errorf("%s: got %d tracking sets, project %s, %d operations, failed %q; want %d, %s, %d, %q",
				name, len(g.TrackingSets), g.UCloudProject, g.UCloudOperations, g.FailedOperations, o.Tracks, o.UCloudProjectID, len(events), failed)
		}
		for _, action := range []string{"DescribeAuditTracks", "GetUserOperationEvents"} {
			if sim.CallCount(action) == 0 {
				t.Errorf("%s: the account's simulator answered no %s", name, action)
			}
		}
	}
}
