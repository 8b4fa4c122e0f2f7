package catalogue

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	policy "github.com/auditlog/terraform-provider-auditlog/examples/policy"
)

// view is what a reader of the catalogue sees of one control.
type view struct {
	Title, Rationale, Severity string
	Types                      []string
	Requirements               []string
}

func goView() map[string]view {
	out := map[string]view{}
	for _, c := range Controls() {
		types := append([]string(nil), c.DataSources...)
		sort.Strings(types)
		out[c.ID] = view{Title: c.Title, Rationale: c.Rationale, Severity: c.Severity, Types: types, Requirements: c.RequirementTags()}
	}
	return out
}

// regoView evaluates data.compliance.catalogue with the shipped rules and
// the catalogue file as data.auditlog.catalogue, as auditlog-gate, opa and
// conftest load them.
func regoView(t *testing.T, catalogueFile []byte) map[string]view {
	t.Helper()
	mods, err := policy.Modules()
	if err != nil {
		t.Fatal(err)
	}
	var opts []func(*rego.Rego)
	for _, m := range mods {
		opts = append(opts, rego.Module(m.Path, string(m.Source)))
	}
	var data map[string]any
	if err := json.Unmarshal(catalogueFile, &data); err != nil {
		t.Fatal(err)
	}
	opts = append(opts, rego.Query("data.compliance.catalogue"), rego.Store(inmem.NewFromObject(data)), rego.SetRegoVersion(ast.RegoV1))
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("data.compliance.catalogue: %d results", len(rs))
	}
	b, _ := json.Marshal(rs[0].Expressions[0].Value)
	var got map[string]view
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// The Rego rules (the gate's OPA, opa and conftest) see the catalogue as
// the Go package does: the same controls, titles, rationales, severities,
// data source types and requirement tags, in the same order.
func TestRegoViewIsTheCatalogue(t *testing.T) {
	want := goView()
	got := regoView(t, policy.CatalogueData())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("data.compliance.catalogue differs from the catalogue:\n got %+v\nwant %+v", got, want)
	}
}

// Without the catalogue the rules judge nothing: no control exists, and
// the policy says why.
func TestRegoWithoutCatalogueHasNoControls(t *testing.T) {
	if got := regoView(t, []byte(`{}`)); len(got) != 0 {
		t.Errorf("controls without a catalogue: %v", got)
	}
}

// moduleView is what the compliance module's output compliance shows of a
// control's catalogue entry.
type moduleView struct {
	Title        string   `json:"title"`
	Rationale    string   `json:"rationale"`
	Severity     string   `json:"severity"`
	Requirements []string `json:"requirements"`
}

var update = flag.Bool("update", false, "rewrite examples/compliance/tests/catalogue_view.json from the catalogue")

// The compliance module sees the catalogue as the Go package does. The
// module's terraform test (tests/mock.tftest.hcl, run "catalogue") asserts
// that its output compliance shows, per control, exactly what
// tests/catalogue_view.json holds; this test holds that file to the
// catalogue (go test ./catalogue/ -update rewrites it).
func TestModuleViewIsTheCatalogue(t *testing.T) {
	want := map[string]moduleView{}
	for id, v := range goView() {
		want[id] = moduleView{Title: v.Title, Rationale: v.Rationale, Severity: v.Severity, Requirements: v.Requirements}
	}
	path := filepath.Join("..", "..", "compliance", "tests", "catalogue_view.json")
	if *update {
		b, err := json.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]moduleView
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s differs from the catalogue (go test ./catalogue/ -update rewrites it):\n got %+v\nwant %+v", path, got, want)
	}
}
