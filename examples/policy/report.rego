# The structured report of a run, data.auditlog.gate.report_data: what
# auditlog-gate writes its SARIF file, its step summary and the details of
# its JUnit cases from. It holds the same verdict as data.auditlog.gate.output
# (one evaluation decides both), each control with what it rests on, each
# read with its provenance, and every problem with the control, the data
# source and the record it concerns.
package auditlog.gate

import data.auditlog.lib
import data.compliance

report_data := {
	"exit_code": exit_code,
	"verdict": verdict,
	"trust_notes": sort(trust_notes),
	"summary_line": report[count(report) - 1],
	"window": report_window,
	"controls": [control_report(id) | some id in sort([id | some id, _ in compliance.catalogue])],
	"reads": [read_report(r) | some r in sorted_data_sources],
	"unread": array.concat(
		[{"address": a, "reason": "deferred to apply: no values at plan time"} | some a in sort(lib.deferred)],
		[{"address": a, "reason": "nested in a check block: no values at plan time"} | some a in sort(lib.check_nested_without_values)],
	),
	"problems": report_problems,
	"violations": sort(violations),
	"cannot_judge": sort(cannot_judge),
}

report_window := {"start": lib.rfc3339(lib.window_start_s), "end": lib.rfc3339(lib.window_end_s)} if {
	lib.policy_valid
	lib.has_timestamp
} else := null

# report_problems name the record of each finding (its key in the record
# list, what a fingerprint rests on), and the data source of each evidence
# problem; a failed check's problem names no data source.
report_problems := array.concat(
	[{"control": f.control, "address": f.address, "record": f.record, "message": sprintf("%s: %s: %s: %s%s", [f.control, f.address, f.record, f.detail, f.scope])} |
		count(compliance.enabled) > 0
		some f in compliance.findings
		f.control in compliance.enabled
	],
	[{"control": p.control, "address": p.address, "record": null, "message": p.message} |
		some p in problems
		not p.message in finding_messages
	],
)

finding_messages := {m |
	some f in compliance.findings
	m := sprintf("%s: %s: %s: %s%s", [f.control, f.address, f.record, f.detail, f.scope])
}

control_status(id) := "skip" if {
	not compliance.controls[id]
} else := compliance.controls[id].status

control_report(id) := {
	"id": id,
	"title": compliance.catalogue[id].title,
	"status": control_status(id),
	"reason": control_reason(id),
	"findings": object.get(object.get(compliance.controls, id, {}), "findings", 0),
	"scanned": sum([lib.scanned_count(r) | some r in reads]),
	"kept": sum([lib.record_count(r) | some r in reads]),
	"data_sources": sort([r.address | some r in reads]),
	"accounts": sort({a | some r in reads; a := read_scope(r, ["account_id", "project_id"])}),
	"regions": sort({g | some r in reads; g := read_scope(r, ["region"])}),
} if {
	reads := lib.reads_for(id, compliance.catalogue[id].types)
}

control_reason(id) := skip_reason(id) if {
	not compliance.controls[id]
} else := ""

# read_scope is the first of keys the read's evidence names.
read_scope(r, keys) := [v | some k in keys; v := lib.ev_get(r, k); v != null][0]

read_report(r) := {
	"address": r.address,
	"type": r.type,
	"status": ds_status(r),
	"account": lib.ev_get(r, "account_id"),
	"region": lib.ev_get(r, "region"),
	"project": lib.ev_get(r, "project_id"),
	"sub_account": lib.csip_sub_uin(r),
	"window": window_text(r),
	"complete": complete_text(r),
	"endpoint": lib.ev_get(r, "endpoint"),
	"scanned": lib.scanned_count(r),
	"kept": lib.record_count(r),
	"provenance": provenance(r),
	"controls": sort(compliance.judged_by(r)),
}
