package auditlog.report_test

import data.auditlog.fixtures as f
import data.auditlog.gate

report(p) := r if {
	r := gate.report_data with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}

failing_plan := f.replacing(f.uc_ds([f.uc_ev("mallory", "DeleteUHostInstance", true, 2)]))

# Each problem names its control, data source and record: what a SARIF
# result is located and fingerprinted by.
test_report_names_the_record_of_each_finding if {
	r := report(failing_plan)
	r.exit_code == 1
	r.violations == [p.message | some p in r.problems]
	some p in r.problems
	p.control == "UC-01"
	p.address == f.uc_address
	p.record == "mallory/DeleteUHostInstance/uhost-1"
}

# Each control says what it rests on, failures as "fail", and each read
# its account or project and provenance.
test_report_says_what_each_verdict_rests_on if {
	r := report(failing_plan)
	some c in r.controls
	c.id == "UC-01"
	c.status == "fail"
	c.findings == 1
	c.scanned == 1
	c.kept == 1
	c.accounts == ["org-sim001"]
	some d in r.reads
	d.address == f.uc_address
	d.project == "org-sim001"
	d.status == "FAIL"
	d.complete == "complete"
	d.controls == ["UC-01", "UC-02"]
	startswith(d.provenance, "1 record; window ")
}

test_report_of_a_pass_has_no_problem if {
	r := report(f.good_plan)
	r.exit_code == 0
	r.problems == []
	r.window.start == "2026-05-04T00:00:00Z"
	every c in r.controls {
		c.status == "pass"
	}
}

test_report_of_a_plan_it_cannot_judge if {
	r := report(json.patch(f.good_plan, [{"op": "replace", "path": "/errored", "value": true}]))
	r.exit_code == 2
	count(r.cannot_judge) == 1
	every c in r.controls {
		c.status == "unknown"
	}
}
