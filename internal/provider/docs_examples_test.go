package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditlog/terraform-provider-auditlog/internal/cloudsim"
)

// TestAccDocsExamplesPlan plans the example of every docs page
// (examples/data-sources/*/ and examples/functions/*/, which tfplugindocs
// puts on the pages) as written, against the simulator's organization
// scenario, whose member accounts the examples' account blocks name. Every
// directory is planned; none is skipped.
func TestAccDocsExamplesPlan(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, pattern := range []string{"examples/data-sources/*", "examples/functions/*"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, m...)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories: %v", len(dirs), dirs)
	}
	// Examples whose check block shows how a gap is reported: against the
	// simulator, which serves accounts and projects the examples' lists
	// leave out, each must report it, and nothing else.
	checkFailures := map[string]string{
		"examples/data-sources/auditlog_organization_members": "Members not audited: finance (100000000003)",
		"examples/data-sources/auditlog_ucloud_projects":      "Projects not audited: org-sim",
	}
	work := t.TempDir()
	rc := buildProviderForCLI(t, work)
	opts, err := cloudsim.OrganizationOptions(cloudsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, opts)
	env := simEnv(sim, sim.Options().TencentSecretKey)

	for _, src := range dirs {
		rel, _ := filepath.Rel(root, src)
		t.Run(rel, func(t *testing.T) {
			dir := filepath.Join(work, rel)
			copyTree(t, src, dir)
			// The pages show only the example; a reader's configuration
			// also requires the provider.
			writeFile(t, filepath.Join(dir, "zz_required_providers.tf"),
				"terraform {\n  required_providers {\n    auditlog = { source = \"auditlog/auditlog\" }\n  }\n}\n")
			terraformInit(t, rc, dir)
			r := &exampleRun{t: t, root: root, dir: dir, rc: rc}
			out, code := r.terraform(env, "plan", "-input=false", "-no-color")
			if code != 0 {
				t.Fatalf("plan of %s: exit %d\n%s", rel, code, out)
			}
			want, checks := checkFailures[filepath.ToSlash(rel)]
			switch got := strings.Count(out, "Warning:"); {
			case checks && (got != 1 || !strings.Contains(out, "Warning: Check block assertion failed") || !strings.Contains(out, want)):
				t.Errorf("plan of %s: want only its check's warning %q:\n%s", rel, want, out)
			case !checks && got != 0:
				t.Errorf("plan of %s warns:\n%s", rel, out)
			}
		})
	}
}
