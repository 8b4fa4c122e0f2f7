# What the gate command (examples/policy/gate) prints and exits with: one
# evaluation of data.auditlog.gate.output gives the exit code on its first
# line ("exit=N") and the report after it; data.auditlog.gate.junit is the
# JUnit XML (one test case per control and per data source).
#
#   0  every enabled control passed on evidence that covers it
#   1  violations: findings, evidence that does not cover a control, failed checks
#   2  the plan cannot be judged: no or invalid policy data, errored or stale
#      plan, deferred reads, unknown checks, or no control evaluated
package auditlog.gate

import data.auditlog.lib
import data.compliance

# The reasons the plan cannot be judged: the library's without the controls,
# and what the gate command saw of the run (data.auditlog.gate_run, which
# the gate writes before it evaluates, so that the report and the JUnit file
# carry the same verdict as its exit code).
cannot_judge := policy_cannot_judge | run_cannot_judge

policy_cannot_judge := c if {
	c := compliance.cannot_judge
} else := lib.cannot_judge

run_cannot_judge contains sprintf("PLAN: terraform plan exited %d: a plan that does not exit 0 is never a pass (-detailed-exitcode exits 2 when the plan has changes)", [rc]) if {
	rc := data.auditlog.gate_run.plan_exit_code
	rc != 0
}

enabled_count := n if {
	n := count(compliance.enabled)
} else := 0

violations := v if {
	v := compliance.violations
} else := set()

problems := p if {
	p := compliance.problems
} else := set()

exit_code := 2 if {
	count(cannot_judge) > 0
} else := 2 if {
	enabled_count == 0
} else := 1 if {
	count(violations) > 0
} else := 0

verdict := {0: "PASS", 1: "FAIL", 2: "CANNOT JUDGE"}[exit_code]

output := concat("\n", array.concat([sprintf("exit=%d", [exit_code])], report))

# --- What the run rests on (data.auditlog.gate_run) ------------------------------------
#
# The gate command says whether the policy data is its built-in simulator
# policy and whether it verified the provider that made the plan (a sealed
# run with pinned providers); a plan made elsewhere and accepted
# (accept_unsealed_plans) was not. Every output says so.
run_flag(name) := data.auditlog.gate_run[name] if is_boolean(data.auditlog.gate_run[name])

simulator_policy if run_flag("simulator_policy") == true

provider_not_verified if run_flag("provider_verified") == false

provider_not_verified if simulator_policy

trust_notes contains "SIMULATOR POLICY: not evidence of any cloud; provider not verified" if simulator_policy

trust_notes contains "provider not verified: the plan was not made by a provider the gate verified (accept_unsealed_plans), so its reads are not evidence of what the pinned provider would read" if {
	provider_not_verified
	not simulator_policy
}

# The policy data the verdict rests on, by its sha256 when the gate gives it.
policy_line := [sprintf("Policy data: sha256 %s", [h])] if {
	h := data.auditlog.gate_run.policy_sha256
	is_string(h)
} else := []

trust_note_lines := array.concat(sort(trust_notes), policy_line)

# trust_suffix ends the summary line: "; SIMULATOR POLICY: ..." or "".
trust_suffix := concat("", [sprintf("; %s", [n]) | some n in ["SIMULATOR POLICY: not evidence of any cloud; provider not verified", "provider not verified"]; trust_short(n)])

trust_short("SIMULATOR POLICY: not evidence of any cloud; provider not verified") if simulator_policy

trust_short("provider not verified") if {
	provider_not_verified
	not simulator_policy
}

# n_of(3, "record") is "3 records", n_of(1, "record") "1 record".
n_of(n, noun) := sprintf("%d %s", [n, noun]) if {
	n == 1
} else := sprintf("%d %ss", [n, noun])

# --- The report ----------------------------------------------------------------------

report := array.concat(
	array.concat(
		array.concat(trust_note_lines, array.concat(data_source_lines, control_lines)),
		array.concat(cannot_judge_lines, violation_lines),
	),
	[sprintf("gate: %s: %d controls evaluated, %d data sources, %d violations, %d reasons it cannot judge%s", [verdict, enabled_count, count(lib.data_sources), count(violations), count(cannot_judge), trust_suffix])],
)

data_source_lines := array.concat(
	[sprintf("Data sources read (%d):", [count(lib.data_sources)])],
	sort([sprintf("  %s %s: %s", [ds_status(r), r.address, provenance(r)]) | some r in lib.data_sources]),
)

control_lines := array.concat(
	[sprintf("Controls (%d of %d enabled by the policy data):", [enabled_count, count(compliance.catalogue)])],
	[control_line(id) | some id in sort([id | some id, _ in compliance.catalogue])],
)

control_line(id) := sprintf("  %s %s %s: %s on %d scanned, %d kept from %s", [upper(c.status), id, c.title, n_of(c.findings, "finding"), c.scanned, c.records, n_of(count(c.data_sources), "data source")]) if {
	c := compliance.controls[id]
} else := sprintf("  SKIP %s %s: %s", [id, compliance.catalogue[id].title, skip_reason(id)])

# skip_reason says why a control was not evaluated and which reads it alone
# rests on, which nothing judged.
skip_reason(id) := sprintf("disabled in the policy data (controls[\"%s\"].enabled is false); %s", [id, not_judged_text(id)]) if {
	id in compliance.disabled
} else := "not evaluated: the policy data is missing or invalid"

not_judged_text(id) := sprintf("its reads not judged: %s", [concat(", ", addrs)]) if {
	addrs := sort([r.address | some r in lib.reads_for(id, compliance.catalogue[id].types); count(compliance.judged_by(r)) == 0])
	count(addrs) > 0
} else := "no read of its own, not judged"

cannot_judge_lines := [] if {
	count(cannot_judge) == 0
} else := array.concat([sprintf("Cannot judge (%d):", [count(cannot_judge)])], [sprintf("  %s", [m]) | some m in sort(cannot_judge)])

violation_lines := [] if {
	count(violations) == 0
} else := array.concat([sprintf("Violations (%d):", [count(violations)])], [sprintf("  %s", [m]) | some m in sort(violations)])

ds_status(r) := "?" if {
	count(cannot_judge) > 0
} else := "FAIL" if {
	some p in problems
	p.address == r.address
} else := "NOT JUDGED" if {
	not_judged(r)
} else := "PASS"

# A read that no enabled control rests on (its controls are disabled) is not
# judged: it neither passes nor fails.
not_judged(r) if {
	enabled_count > 0
	count(compliance.judged_by(r)) == 0
}

# provenance says what a data source's evidence rests on: records scanned
# and kept, window, account, region or project, the API server that
# answered, narrowing, completeness, a check block it is nested in.
provenance(r) := concat("; ", array.concat(
	[count_text(r)],
	[s | some s in [window_text(r), scope_text(r), endpoint_text(r), narrowing_text(r), complete_text(r), nested_text(r), member_text(r)]; s != ""],
))

count_text(r) := sprintf("%d scanned, %d kept", [lib.scanned_count(r), lib.record_count(r)]) if {
	lib.scanned_count(r) != lib.record_count(r)
} else := n_of(lib.record_count(r), "record")

endpoint_text(r) := sprintf("endpoint %s", [lib.ev_get(r, "endpoint")]) if {
	is_string(lib.ev_get(r, "endpoint"))
} else := "endpoint not known"

# member_text marks an analysis whose counts are per member account: the
# field that names it is not confirmed on a real topic.
member_text(r) := sprintf("accounts as the topic's events name them (field %s, unverified)", [fld]) if {
	r.type == "auditlog_cls_analysis"
	fld := lib.param("cls_member_account_field")
	is_string(fld)
} else := ""

nested_text(r) := "nested in a check block (read at plan time, and again at apply)" if {
	r.address in lib.check_nested_reads
} else := ""

window_text(r) := "window chosen by the API" if {
	lib.ev_get(r, "window_chosen_by_api") == true
} else := sprintf("window %s to %s", [lib.rfc3339(lib.ev_get(r, "window_start")), lib.rfc3339(lib.ev_get(r, "window_end"))]) if {
	lib.window_shown(r)
} else := "no window" if {
	lib.windowed_types[r.type]
} else := ""

scope_text(r) := concat(", ", [sprintf("%s %v", [k, lib.ev_get(r, k)]) | some k in ["account_id", "region", "project_id"]; lib.ev_get(r, k) != null])

narrowing_text(r) := sprintf("narrowed by %s", [concat(", ", sort(lib.narrowing(r)))]) if {
	count(lib.narrowing(r)) > 0
} else := ""

complete_text(r) := "no evidence" if {
	not lib.has_evidence(r)
} else := "complete" if {
	lib.ev_get(r, "complete") == true
} else := "INCOMPLETE"

# --- JUnit XML -----------------------------------------------------------------------------

junit := concat("\n", array.concat(
	[
		`<?xml version="1.0" encoding="UTF-8"?>`,
		sprintf(`<testsuites name="%s" tests="%d" failures="%d" errors="%d">`, [xml(suites_name), count(cases), count([c | some c in cases; c.kind == "failure"]), count([c | some c in cases; c.kind == "error"])]),
	],
	array.concat(
		array.concat(suite("controls", control_cases), suite("data sources", data_source_cases)),
		array.concat(suite("plan", [plan_case]), ["</testsuites>", ""]),
	),
))

suites_name := sprintf("auditlog gate%s", [trust_suffix])

cases := array.concat(array.concat(control_cases, data_source_cases), [plan_case])

suite(name, cs) := array.concat(
	array.concat(
		[sprintf(`  <testsuite name="%s" tests="%d" failures="%d" errors="%d" skipped="%d">`, [name, count(cs), count([c | some c in cs; c.kind == "failure"]), count([c | some c in cs; c.kind == "error"]), count([c | some c in cs; c.kind == "skipped"])])],
		trust_properties,
	),
	array.concat([case_xml(name, c) | some c in cs], ["  </testsuite>"]),
)

# Each suite carries what the run rests on, so that no reader of one suite
# takes a simulator's or an unverified provider's reads for evidence.
trust_properties := [] if {
	count(trust_notes) == 0
} else := array.concat(array.concat(["    <properties>"], [sprintf(`      <property name="trust" value="%s"/>`, [xml(n)]) | some n in trust_note_lines]), ["    </properties>"])

case_xml(suite_name, c) := sprintf(`    <testcase classname="%s" name="%s"/>`, [xml(suite_name), xml(c.name)]) if {
	c.kind == "pass"
} else := sprintf(`    <testcase classname="%s" name="%s"><skipped message="%s"/></testcase>`, [xml(suite_name), xml(c.name), xml(c.summary)]) if {
	c.kind == "skipped"
} else := sprintf(`    <testcase classname="%s" name="%s"><%s message="%s">%s</%s></testcase>`, [xml(suite_name), xml(c.name), c.kind, xml(c.summary), xml(concat("\n", c.messages)), c.kind])

xml(s) := strings.replace_n({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "\n": "&#10;"}, s)

cannot_judge_messages := sort(cannot_judge)

control_cases := [control_case(id) | some id in sort([id | some id, _ in compliance.catalogue])]

control_case(id) := {"name": sprintf("%s %s", [id, compliance.catalogue[id].title]), "kind": "skipped", "summary": skip_reason(id), "messages": []} if {
	not compliance.controls[id]
} else := {"name": sprintf("%s %s", [id, c.title]), "kind": "error", "summary": "cannot judge the plan", "messages": cannot_judge_messages} if {
	c := compliance.controls[id]
	count(cannot_judge) > 0
} else := {"name": sprintf("%s %s", [id, c.title]), "kind": "failure", "summary": n_of(count(c.problems), "problem"), "messages": c.problems} if {
	c := compliance.controls[id]
	count(c.problems) > 0
} else := {"name": sprintf("%s %s", [id, c.title]), "kind": "pass", "summary": "", "messages": []} if {
	c := compliance.controls[id]
}

data_source_cases := array.concat(
	[data_source_case(r) | some r in sorted_data_sources],
	array.concat(
		[{"name": a, "kind": "error", "summary": "deferred to apply: no values at plan time", "messages": cannot_judge_messages} | some a in sort(lib.deferred)],
		[{"name": a, "kind": "error", "summary": "nested in a check block: no values at plan time", "messages": cannot_judge_messages} | some a in sort(lib.check_nested_without_values)],
	),
)

sorted_data_sources := [r | some a in sort([r.address | some r in lib.data_sources]); some r in lib.data_sources; r.address == a]

data_source_case(r) := {"name": r.address, "kind": "error", "summary": "cannot judge the plan", "messages": cannot_judge_messages} if {
	count(cannot_judge) > 0
} else := {"name": r.address, "kind": "skipped", "summary": sprintf("not judged: no enabled control rests on it; %s", [provenance(r)]), "messages": []} if {
	not_judged(r)
} else := {"name": r.address, "kind": "failure", "summary": provenance(r), "messages": msgs} if {
	msgs := sort({p.message | some p in problems; p.address == r.address})
	count(msgs) > 0
} else := {"name": r.address, "kind": "pass", "summary": provenance(r), "messages": []}

plan_case := {"name": "plan", "kind": "error", "summary": "cannot judge the plan", "messages": cannot_judge_messages} if {
	count(cannot_judge) > 0
} else := {"name": "plan", "kind": "error", "summary": "no control was evaluated", "messages": ["no control is enabled: the policy data enables none, or the policy is not loaded"]} if {
	enabled_count == 0
} else := {"name": "plan", "kind": "failure", "summary": "plan violations", "messages": sort(lib.plan_violations)} if {
	count(lib.plan_violations) > 0
} else := {"name": "plan", "kind": "pass", "summary": "", "messages": []}
