package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// The rules of the shipped policy that convert an older policy data
// document (lib/convert.rego): version 1 to 2, and version 2 to 3.
const (
	queryConvertV1 = "data.auditlog.lib.convert_v1"
	queryConvertV2 = "data.auditlog.lib.convert_v2"
)

// runConvertV1 is `auditlog-gate convert-v1 FILE`: the version 2 document
// for a version 1 one, on stdout, for its owner to review and complete with
// provider pins.
func runConvertV1(args []string, stdout, stderr io.Writer) int {
	return runConvert("convert-v1", queryConvertV1, args, stdout, stderr)
}

// runConvertV2 is `auditlog-gate convert FILE`: the version 3 document for
// a version 2 one, with the defaults of version 3 written out for its owner
// to review.
func runConvertV2(args []string, stdout, stderr io.Writer) int {
	return runConvert("convert", queryConvertV2, args, stdout, stderr)
}

func runConvert(command, query string, args []string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "auditlog-gate "+command+": "+format+"\n", a...)
		return exitCannotJudge
	}
	if len(args) != 1 {
		return fail("usage: auditlog-gate %s FILE", command)
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return fail("%v", err)
	}
	if _, err := checkedJSON(raw); err != nil {
		return fail("%s: %v", args[0], err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fail("%s: %v", args[0], err)
	}
	compiler, err := compileShipped(nil)
	if err != nil {
		return fail("%v", err)
	}
	rs, err := rego.New(rego.Query(query), rego.Compiler(compiler), rego.Store(inmem.NewFromObject(doc)), rego.StrictBuiltinErrors(true)).Eval(context.Background())
	if err != nil {
		return fail("%v", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		why, _ := rego.New(rego.Query(query+"_errors"), rego.Compiler(compiler), rego.Store(inmem.NewFromObject(doc))).Eval(context.Background())
		if len(why) == 1 && len(why[0].Expressions) == 1 {
			b, _ := json.Marshal(why[0].Expressions[0].Value)
			return fail("%s cannot be converted: %s", args[0], b)
		}
		return fail("%s cannot be converted (%s is undefined)", args[0], query)
	}
	b, err := json.MarshalIndent(rs[0].Expressions[0].Value, "", "  ")
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintln(stdout, string(b))
	return exitPass
}
