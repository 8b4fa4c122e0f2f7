package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// AnalysisColumn is a column of an SQL answer (SearchLog's Columns).
type AnalysisColumn struct {
	Name string
	Type string
}

// AnalysisRow is one row of an SQL answer: each column's value as text
// (a string as it is, a number as its literal, true/false, an object or
// array as compact JSON), nil for SQL NULL.
type AnalysisRow map[string]*string

// ParseAnalysisRecords reads SearchLog's AnalysisRecords (UseNewAnalysis):
// one string a row. The API does not document how a row is encoded; every
// answer seen is a JSON object keyed by column name, so that is what is
// read, strictly: a row that is not one JSON object, or whose keys are not
// exactly the columns (one missing, one more, one repeated), fails the read
// naming the row, rather than being read as something else.
func ParseAnalysisRecords(columns []AnalysisColumn, records []string) ([]AnalysisRow, error) {
	want := make(map[string]bool, len(columns))
	for i, c := range columns {
		if c.Name == "" {
			return nil, fmt.Errorf("the answer's column %d has no name", i+1)
		}
		if want[c.Name] {
			return nil, fmt.Errorf("the answer names the column %q twice", c.Name)
		}
		want[c.Name] = true
	}
	rows := make([]AnalysisRow, 0, len(records))
	for i, rec := range records {
		row, err := parseAnalysisRecord(rec, want)
		if err != nil {
			return nil, fmt.Errorf("row %d of the answer: %w", i+1, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func parseAnalysisRecord(rec string, want map[string]bool) (AnalysisRow, error) {
	dec := json.NewDecoder(strings.NewReader(rec))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("it is not a JSON object")
	}
	row := make(AnalysisRow, len(want))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("it is not a JSON object")
		}
		key, _ := tok.(string)
		if !want[key] {
			return nil, fmt.Errorf("it holds %q, which is not a column of the answer", key)
		}
		if _, dup := row[key]; dup {
			return nil, fmt.Errorf("it holds %q twice", key)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("the value of %q is not JSON", key)
		}
		v, err := analysisValue(raw)
		if err != nil {
			return nil, fmt.Errorf("the value of %q: %w", key, err)
		}
		row[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, errors.New("it is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("it holds more than one JSON value")
	}
	for name := range want {
		if _, ok := row[name]; !ok {
			return nil, fmt.Errorf("it has no value for the column %q", name)
		}
	}
	return row, nil
}

func analysisValue(raw json.RawMessage) (*string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case bytes.Equal(raw, []byte("null")):
		return nil, nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return &s, nil
	case raw[0] == '{' || raw[0] == '[':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return nil, err
		}
		s := b.String()
		return &s, nil
	default: // a number, true or false, kept as written
		s := string(raw)
		return &s, nil
	}
}

// CheckSamplingRate refuses an SQL answer that was not computed on every
// matching log. SearchLog's SamplingRate echoes the rate used; 1 is exact,
// 0 means CLS chose (automatic sampling), anything else a sample.
func CheckSamplingRate(echoed float64) error {
	if echoed == 1 {
		return nil
	}
	what := fmt.Sprintf("a sample (rate %g)", echoed)
	if echoed == 0 || math.IsNaN(echoed) {
		what = "an automatic sample (rate 0)"
	}
	return fmt.Errorf("CLS computed the analysis on %s, not on every matching log, though SamplingRate 1 was sent: the counts are estimates, and the read fails rather than report them", what)
}
