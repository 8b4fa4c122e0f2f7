package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccDemoExampleOnScenarios plans examples/demo, as make demo applies
// it, against each shipped scenario: their CloudAudit event documents carry
// no actionType, which the report must take in its stride.
func TestAccDemoExampleOnScenarios(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	rc := buildProviderForCLI(t, work)
	dir := filepath.Join(work, "demo")
	copyTree(t, filepath.Join(root, "examples", "demo"), dir)
	terraformInit(t, rc, dir)
	r := &exampleRun{t: t, root: root, dir: dir, rc: rc}
	for _, name := range cloudsim.Scenarios() {
		t.Run(name, func(t *testing.T) {
			d, err := cloudsim.Scenario(name)
			if err != nil {
				t.Fatal(err)
			}
			sim := startSim(t, cloudsim.Options{Data: d})
			env := append(simEnv(sim, sim.Options().TencentSecretKey), fmt.Sprintf("TF_VAR_audit_now=%d", time.Now().Unix()))
			r.t = t
			out, code := r.terraform(env, "plan", "-input=false", "-no-color")
			if code != 0 {
				t.Fatalf("plan of examples/demo on scenario %s: exit %d\n%s", name, code, out)
			}
		})
	}
}
