package catalogue

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	policy "github.com/auditlog/terraform-provider-auditlog/examples/policy"
)

// The controls of the shipped policy; a control added to the catalogue is
// added here, with its requirements, on purpose.
var wantControls = []string{"TRK-01", "TRK-02", "TRK-03", "TRK-04", "RET-01", "NET-01", "EVT-01", "EVT-02", "UC-01", "UC-02"}

func TestEmbeddedCatalogueParses(t *testing.T) {
	if _, err := Parse(policy.CatalogueData()); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range Controls() {
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != strings.Join(wantControls, ",") {
		t.Errorf("controls %v, want %v", ids, wantControls)
	}
}

// Every control serves at least one requirement, and every requirement
// names the public source it was checked against or is marked unverified.
func TestEveryControlHasSourcedRequirements(t *testing.T) {
	frameworks := map[string]bool{}
	for _, f := range Frameworks() {
		frameworks[f.Key] = true
	}
	for _, c := range Controls() {
		if len(c.Requirements) == 0 {
			t.Errorf("%s serves no requirement", c.ID)
		}
		if c.Severity != "high" && c.Severity != "medium" && c.Severity != "low" {
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		for _, r := range c.Requirements {
			if !frameworks[r.Framework] {
				t.Errorf("%s: %s: framework %q is not in the catalogue", c.ID, r.Tag(), r.Framework)
			}
			if r.Verified && !strings.HasPrefix(r.Source, "https://") && !strings.Contains(r.Source, "GB/T") {
				t.Errorf("%s: %s is verified against %q, which is neither a URL nor a citation", c.ID, r.Tag(), r.Source)
			}
			if !r.Verified && r.Source != "" {
				t.Errorf("%s: %s is unverified but names the source %q", c.ID, r.Tag(), r.Source)
			}
			if strings.TrimSpace(r.Text) == "" {
				t.Errorf("%s: %s has no text", c.ID, r.Tag())
			}
		}
	}
}

func TestTag(t *testing.T) {
	for _, tc := range []struct{ fw, id, want string }{
		{"mlps2-l3", "8.1.4.3 a", "MLPS2-L3:8.1.4.3a"},
		{"iso27001-2022", "A.8.15", "ISO27001-2022:A.8.15"},
		{"soc2", "CC7.2", "SOC2:CC7.2"},
	} {
		if got := (Requirement{Framework: tc.fw, ID: tc.id}).Tag(); got != tc.want {
			t.Errorf("Tag(%q, %q) = %q, want %q", tc.fw, tc.id, got, tc.want)
		}
	}
	c, ok := Lookup("TRK-03")
	if !ok {
		t.Fatal("Lookup(TRK-03): no control")
	}
	if tags := c.RequirementTags(); len(tags) != len(c.Requirements) || tags[0] != c.Requirements[0].Tag() {
		t.Errorf("RequirementTags() = %v", tags)
	}
	if _, ok := Lookup("TRK-99"); ok {
		t.Error("Lookup(TRK-99) found a control")
	}
}

// Callers get their own slices: changing one does not change the catalogue.
func TestControlsAreCopies(t *testing.T) {
	c := Controls()
	c[0].Requirements[0].ID = "changed"
	c[0].DataSources[0] = "changed"
	again, _ := Lookup(c[0].ID)
	if again.Requirements[0].ID == "changed" || again.DataSources[0] == "changed" {
		t.Error("a caller's change reached the embedded catalogue")
	}
}

// The compliance module reads its own copy (a module copied elsewhere
// cannot read ../policy): it must be the catalogue, byte for byte.
func TestModuleCopyIsIdentical(t *testing.T) {
	module, err := os.ReadFile(filepath.Join("..", "..", "compliance", "catalogue.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(module, policy.CatalogueData()) {
		t.Error("examples/compliance/catalogue.json differs from examples/policy/catalogue.json: copy it (cp examples/policy/catalogue.json examples/compliance/)")
	}
}

func TestParseIsStrict(t *testing.T) {
	good := string(policy.CatalogueData())
	for name, tc := range map[string]struct{ doc, want string }{
		"repeated key": {
			doc:  strings.Replace(good, `"schema_version": 1,`, `"schema_version": 1, "schema_version": 1,`, 1),
			want: `duplicate key "schema_version"`,
		},
		"repeated controls key": {
			doc:  strings.Replace(good, `"controls": [`, `"controls": [], "controls": [`, 1),
			want: `duplicate key "controls"`,
		},
		"byte-order mark": {doc: "\xef\xbb\xbf" + good, want: "byte-order mark"},
		"unknown key": {
			doc:  strings.Replace(good, `"schema_version": 1,`, `"schema_version": 1, "extra": 1,`, 1),
			want: `unknown field "extra"`,
		},
		"trailing data":  {doc: good + "{}", want: "data after the document"},
		"wrong version":  {doc: strings.Replace(good, `"schema_version": 1,`, `"schema_version": 2,`, 1), want: "schema_version must be 1"},
		"string version": {doc: strings.Replace(good, `"schema_version": 1,`, `"schema_version": "1",`, 1), want: "cannot unmarshal string"},
		"bad severity":   {doc: strings.Replace(good, `"severity": "high"`, `"severity": "critical"`, 1), want: `severity "critical"`},
		"unknown control in a requirement": {
			doc:  strings.Replace(good, `"controls": [`+"\n            \"TRK-01\"", `"controls": [`+"\n            \"TRK-09\"", 1),
			want: `"TRK-09" is not a control of the catalogue`,
		},
		"verified without source": {
			doc:  strings.Replace(good, `"verified": false`, `"verified": true`, 1),
			want: "verified against no source",
		},
		"verified left out": {
			doc:  strings.Replace(good, `"verified": false,`, ``, 1),
			want: "must say whether it was verified",
		},
		"not wrapped": {doc: `{"catalogue": {}}`, want: `unknown field "catalogue"`},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.doc == good {
				t.Fatal("the case does not change the catalogue")
			}
			_, err := Parse([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// A control no requirement names is refused.
func TestParseRefusesControlWithoutRequirement(t *testing.T) {
	doc := []byte(`{"auditlog": {"catalogue": {"schema_version": 1,
	  "frameworks": [{"key": "soc2", "name": "SOC 2", "source": ""}],
	  "controls": [{"id": "TRK-01", "title": "t", "rationale": "r", "severity": "high", "data_sources": ["auditlog_cloudaudit_tracks"]},
	               {"id": "TRK-02", "title": "t", "rationale": "r", "severity": "low", "data_sources": ["auditlog_cloudaudit_tracks"]}],
	  "requirements": [{"framework": "soc2", "id": "CC7.2", "text": "x", "source": "", "verified": false, "controls": ["TRK-01"]}]}}}`)
	_, err := Parse(doc)
	if err == nil || !strings.Contains(err.Error(), "control TRK-02 serves no requirement") {
		t.Errorf("error %v, want TRK-02 serving no requirement", err)
	}
}

// The compliance guide lists, per control, its severity and requirement
// tags: the rows are the catalogue's, in catalogue order.
func TestGuideListsEveryControlsRequirements(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "templates", "guides", "compliance-checks.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	guide := string(b)
	var want strings.Builder
	want.WriteString("| Id | Severity | Requirements |\n|---|---|---|\n")
	for _, c := range Controls() {
		fmt.Fprintf(&want, "| %s | %s | %s |\n", c.ID, c.Severity, strings.Join(c.RequirementTags(), ", "))
	}
	if !strings.Contains(guide, want.String()) {
		t.Errorf("templates/guides/compliance-checks.md.tmpl does not list the catalogue's requirements; want the table\n%s", want.String())
	}
}
