package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	policy "github.com/auditlog/terraform-provider-auditlog/examples/policy"
	"github.com/auditlog/terraform-provider-auditlog/examples/policy/catalogue"
)

// gateRun is what the gate saw of the run, data.auditlog.gate_run: the
// verdict, the report and the JUnit file are decided together from it.
type gateRun struct {
	PlanExitCode     int    `json:"plan_exit_code"`
	Sealed           bool   `json:"sealed"`
	SimulatorPolicy  bool   `json:"simulator_policy"`
	ProviderVerified bool   `json:"provider_verified"`
	PolicySHA256     string `json:"policy_sha256"`
}

// The queries of the shipped policy (gate.rego).
const (
	queryOutput = "data.auditlog.gate.output"
	queryJUnit  = "data.auditlog.gate.junit"
)

// evaluator holds the compiled rules and the data: each query runs on the
// same plan.
type evaluator struct {
	compiler *ast.Compiler
	data     map[string]any
	input    ast.Value
}

// newEvaluator compiles the shipped rules with the extra ones and parses
// the plan once.
func newEvaluator(extra []extraModule, pd *policyData, run gateRun, planJSON []byte) (*evaluator, error) {
	compiler, err := compileShipped(extra)
	if err != nil {
		return nil, err
	}

	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(pd.raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	runJSON, err := json.Marshal(run)
	if err != nil {
		return nil, err
	}
	var runData map[string]any
	if err := json.Unmarshal(runJSON, &runData); err != nil {
		return nil, err
	}
	doc["auditlog"].(map[string]any)["gate_run"] = runData //nolint:forcetypeassert // parsePolicyData checked the shape
	// The catalogue of controls is the release's, embedded beside the rules;
	// parsePolicyData refuses policy data that brings its own.
	if doc["auditlog"].(map[string]any)["catalogue"], err = embeddedCatalogue(); err != nil { //nolint:forcetypeassert // as above
		return nil, err
	}

	input, err := ast.ValueFromReader(bytes.NewReader(planJSON))
	if err != nil {
		return nil, fmt.Errorf("the plan JSON: %w", err)
	}
	return &evaluator{compiler: compiler, data: doc, input: input}, nil
}

// embeddedCatalogue is data.auditlog.catalogue: catalogue.json as embedded,
// parsed strictly by package catalogue first so that the rules never judge
// by a catalogue the Go side would refuse.
func embeddedCatalogue() (any, error) {
	raw := policy.CatalogueData()
	if _, err := catalogue.Parse(raw); err != nil {
		return nil, fmt.Errorf("the embedded %w", err)
	}
	var doc map[string]map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("the embedded catalogue: %w", err)
	}
	return doc["auditlog"]["catalogue"], nil
}

// query is query over the plan and the data, strict: a built-in that fails
// is an error, never an undefined value.
func (e *evaluator) query(query string) *rego.Rego {
	return rego.New(
		rego.Query(query),
		rego.Compiler(e.compiler),
		rego.Store(inmem.NewFromObject(e.data)),
		rego.ParsedInput(e.input),
		rego.StrictBuiltinErrors(true),
	)
}

// eval runs one query that must give a string: an undefined result (no rule
// loaded) and a built-in that fails are errors, never a pass.
func (e *evaluator) eval(ctx context.Context, query string) (string, error) {
	rs, err := e.query(query).Eval(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return "", fmt.Errorf("%s is undefined: no rule was evaluated", query)
	}
	s, ok := rs[0].Expressions[0].Value.(string)
	if !ok {
		return "", fmt.Errorf("%s is not a string but %T", query, rs[0].Expressions[0].Value)
	}
	return s, nil
}

// compileShipped compiles the embedded rules (tests left out) with extra.
func compileShipped(extra []extraModule) (*ast.Compiler, error) {
	mods, err := policy.Modules()
	if err != nil {
		return nil, fmt.Errorf("the embedded policy: %w", err)
	}
	if len(mods) == 0 {
		return nil, errors.New("the embedded policy holds no rules")
	}
	parsed := make(map[string]*ast.Module, len(mods)+len(extra))
	for _, m := range mods {
		name := "auditlog-gate/" + m.Path
		mod, err := ast.ParseModuleWithOpts(name, string(m.Source), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("the embedded policy %s: %w", m.Path, err)
		}
		parsed[name] = mod
	}
	for _, m := range extra {
		parsed[m.path] = m.module
	}
	compiler := ast.NewCompiler()
	compiler.Compile(parsed)
	if compiler.Failed() {
		return nil, fmt.Errorf("the policy does not compile: %w", compiler.Errors)
	}
	return compiler, nil
}

// verdict splits the output query's answer: its first line is exit=N.
func verdict(output string) (code int, report string, err error) {
	first, rest, _ := strings.Cut(output, "\n")
	switch first {
	case "exit=0":
		return exitPass, rest, nil
	case "exit=1":
		return exitViolations, rest, nil
	case "exit=2":
		return exitCannotJudge, rest, nil
	}
	return exitCannotJudge, output, errors.New("the policy gave no verdict (its first line is not exit=0, 1 or 2): no rule was evaluated")
}
