package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/auditlog/terraform-provider-auditlog/jsonkeys"
)

// SchemaVersion is the version of the catalogue file this package reads.
const SchemaVersion = 1

// Catalogue is a parsed catalogue file.
type Catalogue struct {
	Frameworks []Framework
	Controls   []Control // each with the requirements that name it, in file order
}

// The file, as written (see DESIGN.md, "The catalogue of controls"):
//
//	{"auditlog": {"catalogue": {
//	  "schema_version": 1,
//	  "frameworks":   [{"key", "name", "source"}],
//	  "controls":     [{"id", "title", "rationale", "severity", "data_sources": [type]}],
//	  "requirements": [{"framework", "id", "text", "source", "verified", "controls": [control id]}]
//	}}}
//
// Requirements name their controls (requirement → checks, as Prowler's
// compliance files do), so that a requirement's words are written once.
type fileDoc struct {
	Auditlog *struct {
		Catalogue *fileCatalogue `json:"catalogue"`
	} `json:"auditlog"`
}

type fileCatalogue struct {
	SchemaVersion *int              `json:"schema_version"`
	Frameworks    []fileFramework   `json:"frameworks"`
	Controls      []fileControl     `json:"controls"`
	Requirements  []fileRequirement `json:"requirements"`
}

type fileFramework struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Source string `json:"source"`
}

type fileControl struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Rationale   string   `json:"rationale"`
	Severity    string   `json:"severity"`
	DataSources []string `json:"data_sources"`
}

type fileRequirement struct {
	Framework string   `json:"framework"`
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Source    string   `json:"source"`
	Verified  *bool    `json:"verified"`
	Controls  []string `json:"controls"`
}

var (
	controlIDPattern    = regexp.MustCompile(`^[A-Z]+-[0-9]{2}$`)
	frameworkKeyPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	dataSourcePattern   = regexp.MustCompile(`^auditlog_[a-z0-9_]+$`)
	severities          = map[string]bool{"high": true, "medium": true, "low": true}
)

// Parse reads a catalogue file strictly: a repeated key at any depth
// (encoding/json would keep the last), a byte-order mark, an unknown key, a
// value of the wrong type or trailing data are errors, and so is a
// catalogue that does not hold together (see check).
func Parse(b []byte) (*Catalogue, error) {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return nil, errors.New("catalogue: starts with a byte-order mark")
	}
	if _, err := jsonkeys.Scan(b, "", nil); err != nil {
		var dup *jsonkeys.DuplicateKeyError
		if errors.As(err, &dup) {
			return nil, fmt.Errorf("catalogue: %w", err)
		}
		return nil, fmt.Errorf("catalogue: not JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var doc fileDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("catalogue: data after the document")
	}
	if doc.Auditlog == nil || doc.Auditlog.Catalogue == nil {
		return nil, errors.New(`catalogue: the document must be {"auditlog": {"catalogue": {...}}}`)
	}
	return build(doc.Auditlog.Catalogue)
}

// build checks the file's catalogue and joins requirements to controls.
func build(fc *fileCatalogue) (*Catalogue, error) {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if fc.SchemaVersion == nil || *fc.SchemaVersion != SchemaVersion {
		bad("schema_version must be %d", SchemaVersion)
	}

	cat := &Catalogue{}
	frameworks := map[string]bool{}
	for i, f := range fc.Frameworks {
		at := fmt.Sprintf("frameworks[%d]", i)
		switch {
		case !frameworkKeyPattern.MatchString(f.Key):
			bad("%s.key %q is not a framework key (lower case letters, digits and dashes)", at, f.Key)
		case frameworks[f.Key]:
			bad("%s.key %q repeats", at, f.Key)
		}
		if strings.TrimSpace(f.Name) == "" {
			bad("%s.name is empty", at)
		}
		frameworks[f.Key] = true
		cat.Frameworks = append(cat.Frameworks, Framework(f))
	}
	if len(cat.Frameworks) == 0 {
		bad("frameworks is empty")
	}

	index := map[string]int{}
	for i, c := range fc.Controls {
		at := fmt.Sprintf("controls[%d]", i)
		if !controlIDPattern.MatchString(c.ID) {
			bad("%s.id %q is not a control id (such as TRK-01)", at, c.ID)
		}
		if _, dup := index[c.ID]; dup {
			bad("%s.id %q repeats", at, c.ID)
		}
		if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(c.Rationale) == "" {
			bad("%s (%s) needs a title and a rationale", at, c.ID)
		}
		if !severities[c.Severity] {
			bad("%s.severity %q is not high, medium or low", at, c.Severity)
		}
		if len(c.DataSources) == 0 {
			bad("%s (%s) reads no data source", at, c.ID)
		}
		for _, ds := range c.DataSources {
			if !dataSourcePattern.MatchString(ds) {
				bad("%s.data_sources: %q is not a data source type of the provider", at, ds)
			}
		}
		index[c.ID] = i
		cat.Controls = append(cat.Controls, Control{
			ID: c.ID, Title: c.Title, Rationale: c.Rationale, Severity: c.Severity,
			DataSources: append([]string(nil), c.DataSources...),
		})
	}
	if len(cat.Controls) == 0 {
		bad("controls is empty")
	}

	tags := map[string]bool{}
	for i, r := range fc.Requirements {
		at := fmt.Sprintf("requirements[%d]", i)
		req := Requirement{Framework: r.Framework, ID: r.ID, Text: r.Text, Source: r.Source, Verified: r.Verified != nil && *r.Verified}
		if !frameworks[r.Framework] {
			bad("%s.framework %q is not a key of frameworks", at, r.Framework)
		}
		if strings.TrimSpace(r.ID) == "" || strings.TrimSpace(r.Text) == "" {
			bad("%s needs an id and a text", at)
		}
		if tags[req.Tag()] {
			bad("%s (%s) repeats", at, req.Tag())
		}
		tags[req.Tag()] = true
		if r.Verified == nil {
			bad("%s (%s) must say whether it was verified (verified: true or false)", at, req.Tag())
		}
		if req.Verified && strings.TrimSpace(r.Source) == "" {
			bad("%s (%s) is verified against no source", at, req.Tag())
		}
		if !req.Verified && r.Source != "" {
			bad("%s (%s) names a source but is not verified: verify it or leave the source empty", at, req.Tag())
		}
		if len(r.Controls) == 0 {
			bad("%s (%s) names no control", at, req.Tag())
		}
		seen := map[string]bool{}
		for _, id := range r.Controls {
			ci, ok := index[id]
			switch {
			case !ok:
				bad("%s (%s).controls: %q is not a control of the catalogue", at, req.Tag(), id)
			case seen[id]:
				bad("%s (%s).controls: %q repeats", at, req.Tag(), id)
			default:
				cat.Controls[ci].Requirements = append(cat.Controls[ci].Requirements, req)
			}
			seen[id] = true
		}
	}
	for _, c := range cat.Controls {
		if len(c.Requirements) == 0 {
			bad("control %s serves no requirement", c.ID)
		}
	}
	if len(errs) > 0 {
		return nil, errors.New("catalogue: " + strings.Join(errs, "; "))
	}
	return cat, nil
}
