// Package catalogue is the catalogue of controls: for each control its id,
// title, rationale, severity, the data sources it reads and the
// requirements of the frameworks it serves (MLPS 2.0, ISO/IEC 27001,
// SOC 2, the Cybersecurity Law).
//
// The catalogue is one file, examples/policy/catalogue.json, embedded in
// the auditlog-gate command and read by the Rego rules as the data
// document data.auditlog.catalogue; the compliance module keeps a
// byte-identical copy (examples/compliance/catalogue.json) because a
// module cannot read outside its directory once copied. It never comes
// from a team's policy data: what a control is and which requirement it
// serves is the release's word, not the reviewed change's.
package catalogue

import (
	"strings"
	"sync"

	policy "github.com/auditlog/terraform-provider-auditlog/examples/policy"
)

// Requirement is one item of a framework that a control serves.
type Requirement struct {
	Framework string // framework key, e.g. "mlps2-l3", "iso27001-2022", "soc2", "csl"
	ID        string // the item as the framework names it, e.g. "8.1.4.3 a", "A.8.15", "CC7.2"
	Text      string // the requirement's words (a short paraphrase when the standard is not freely published)
	Source    string // the public source it was checked against (URL or citation); "" when unverified
	Verified  bool   // false: published marked "unverified"
}

// Control is one control of the compliance policy.
type Control struct {
	ID, Title, Rationale, Severity string   // Severity: "high" | "medium" | "low"
	DataSources                    []string // data source types the control reads
	Requirements                   []Requirement
}

// Framework is a framework whose requirements the controls serve.
type Framework struct{ Key, Name, Source string }

// Tag is the requirement's stable id in reports and SARIF tags: the
// framework key in upper case, a colon, and the item id with its spaces
// removed ("mlps2-l3" "8.1.4.3 a" is "MLPS2-L3:8.1.4.3a"; "soc2" "CC7.2"
// is "SOC2:CC7.2"). The Rego rules and the compliance module build it the
// same way; a test holds the three to one another.
func (r Requirement) Tag() string {
	return strings.ToUpper(r.Framework) + ":" + strings.ReplaceAll(r.ID, " ", "")
}

// RequirementTags returns the tags of the control's requirements, in
// catalogue order.
func (c Control) RequirementTags() []string {
	tags := make([]string, len(c.Requirements))
	for i, r := range c.Requirements {
		tags[i] = r.Tag()
	}
	return tags
}

var (
	loadOnce sync.Once
	embedded *Catalogue
)

// shipped parses the embedded catalogue once. A catalogue that does not
// parse is a defect of the release, caught by its tests: it panics rather
// than give a gate without controls.
func shipped() *Catalogue {
	loadOnce.Do(func() {
		c, err := Parse(policy.CatalogueData())
		if err != nil {
			panic("the embedded catalogue of controls: " + err.Error())
		}
		embedded = c
	})
	return embedded
}

// Frameworks returns the frameworks of the embedded catalogue, in
// catalogue order.
func Frameworks() []Framework {
	return append([]Framework(nil), shipped().Frameworks...)
}

// Controls returns the controls of the embedded catalogue, in catalogue
// order.
func Controls() []Control {
	return shipped().copyControls()
}

// Lookup returns the control called id and whether there is one.
func Lookup(id string) (Control, bool) {
	for _, c := range shipped().Controls {
		if c.ID == id {
			return c.clone(), true
		}
	}
	return Control{}, false
}

// clone gives the caller its own slices, never the embedded ones.
func (c Control) clone() Control {
	c.DataSources = append([]string(nil), c.DataSources...)
	c.Requirements = append([]Requirement(nil), c.Requirements...)
	return c
}

func (c *Catalogue) copyControls() []Control {
	out := make([]Control, len(c.Controls))
	for i, ctl := range c.Controls {
		out[i] = ctl.clone()
	}
	return out
}
