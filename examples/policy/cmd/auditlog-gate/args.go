package main

import (
	"errors"
	"fmt"
	"strings"
)

// options are the command line of a judging run.
type options struct {
	data             string
	policies         []string
	providerMirror   string
	root             string
	allowRulesInTree bool
	junit            string
	sarif            string // --sarif FILE
	summary          string // --summary FILE
	stepSummary      string // GITHUB_STEP_SUMMARY: the summary's default
	source           string // --source DIR: the configuration of a plan JSON
	varFiles         []string
	target           string // DIR or PLAN.json
	planArgs         []string
	planArgsGiven    bool
}

// parseArgs reads the command line. Every flag takes its value as the next
// argument or after =.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.planArgs = append([]string(nil), args[i+1:]...)
			o.planArgsGiven = true
			break
		}
		name, value, hasValue := strings.Cut(a, "=")
		takeValue := func() (string, error) {
			if !hasValue {
				if i+1 >= len(args) {
					return "", fmt.Errorf("%s needs a value", name)
				}
				i++
				value = args[i]
			}
			if value == "" {
				return "", fmt.Errorf("%s needs a value", name)
			}
			return value, nil
		}
		var err error
		switch name {
		case "--data", "-data":
			o.data, err = takeValue()
		case "--policy", "-policy":
			var v string
			v, err = takeValue()
			o.policies = append(o.policies, v)
		case "--provider-mirror", "-provider-mirror":
			o.providerMirror, err = takeValue()
		case "--root", "-root":
			o.root, err = takeValue()
		case "--junit", "-junit":
			o.junit, err = takeValue()
		case "--sarif", "-sarif":
			o.sarif, err = takeValue()
		case "--summary", "-summary":
			o.summary, err = takeValue()
		case "--source", "-source":
			o.source, err = takeValue()
		case "--var-file", "-var-file":
			var v string
			v, err = takeValue()
			o.varFiles = append(o.varFiles, v)
		case "--allow-rules-in-tree", "-allow-rules-in-tree":
			if hasValue {
				return nil, fmt.Errorf("%s takes no value", name)
			}
			o.allowRulesInTree = true
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				return nil, fmt.Errorf("unknown option %s", a)
			}
			if o.target != "" {
				return nil, fmt.Errorf("one DIR or PLAN.json, not both %s and %s", o.target, a)
			}
			o.target = a
		}
		if err != nil {
			return nil, err
		}
	}
	if o.target == "" {
		return nil, errors.New("no DIR or PLAN.json given")
	}
	if o.data == "" {
		return nil, errors.New("no policy data: give --data FILE (the policy data document your team keeps outside the reviewed repository) or --data builtin:simulator (the local simulator only)")
	}
	return o, nil
}

// allowedPlanArgs is what PLAN_ARGS may hold: variables and how the engine
// runs, never what the plan reads. A targeted plan (-target, -exclude)
// reads only the data sources it targets, and every other one keeps the
// values of the state, which the author of the change controls;
// -refresh=false, -refresh-only, -destroy, -replace, -state and -out change
// what is planned or judged; -detailed-exitcode changes what the exit code
// of plan means. Anything not listed is refused.
const allowedPlanArgsText = "-var, -var-file, -parallelism, -lock, -lock-timeout, -input=false, -compact-warnings and -no-color"

// checkPlanArgs refuses PLAN_ARGS outside the allowed list.
func checkPlanArgs(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, _ := strings.Cut(a, "=")
		switch {
		case a == "-var" || a == "-var-file":
			if i+1 >= len(args) {
				return fmt.Errorf("PLAN_ARGS: %s needs a value", a)
			}
			i++
		case name == "-var" || name == "-var-file" || name == "-parallelism" || name == "-lock-timeout":
		case a == "-lock=true" || a == "-lock=false" || a == "-input=false" || a == "-compact-warnings" || a == "-no-color":
		case name == "-target" || name == "-exclude":
			return fmt.Errorf("PLAN_ARGS: %s is not allowed: a targeted plan judges the state's values of every data source it does not target; after -- the gate passes only %s", a, allowedPlanArgsText)
		case name == "-detailed-exitcode":
			return fmt.Errorf("PLAN_ARGS: %s is not allowed: the gate reads plan's exit code as success or error, and exit 2 would mean changes; after -- the gate passes only %s", a, allowedPlanArgsText)
		default:
			return fmt.Errorf("PLAN_ARGS: %s is not allowed: after -- the gate passes only %s to plan", a, allowedPlanArgsText)
		}
	}
	return nil
}
