package main_test

import data.auditlog.fixtures as f
import data.compliance
import data.main

# Probe 4: conftest's default namespace (main) denies what compliance
# denies, so plain `conftest test` neither runs zero rules nor passes.
test_main_denies_what_compliance_denies if {
	p := f.replacing(f.uc_ds([f.uc_ev("mallory", "DeleteUHostInstance", true, 2)]))
	m := main.deny with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	c := compliance.deny with input as p with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	count(m) > 0
	m == c
}

test_main_denies_without_policy_data if {
	m := main.deny with input as f.good_plan with data.auditlog.policy as null with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	f.has(m, "POLICY: no policy data document")
}

test_main_passes_a_good_plan if {
	count(main.deny) == 0 with input as f.good_plan with data.auditlog.policy as f.policy with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
}
