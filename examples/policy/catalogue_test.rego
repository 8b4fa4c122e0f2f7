package compliance_catalogue_test

# The controls come from the catalogue of controls (catalogue.json, loaded
# as data.auditlog.catalogue), and nothing is judged without a catalogue
# that holds together.

import data.auditlog.fixtures as f
import data.compliance

deny_with_catalogue(cat) := msgs if {
	msgs := compliance.deny with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.catalogue as cat with time.now_ns as f.now_ns
}

controls_with_catalogue(cat) := c if {
	c := compliance.controls with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.catalogue as cat with time.now_ns as f.now_ns
}

shipped := data.auditlog.catalogue

test_the_shipped_catalogue_judges_the_good_plan if {
	count(deny_with_catalogue(shipped)) == 0
	count(controls_with_catalogue(shipped)) == 10
}

test_every_control_names_its_requirement_tags if {
	compliance.catalogue["TRK-03"].requirements == ["MLPS2-L3:8.1.4.3c", "MLPS2-L3:8.1.5.4d", "MLPS2-L3-TEST:L3-CES1-14", "ISO27001-2022:A.8.15", "CSL:network-logs-6-months"]
	every _, c in compliance.catalogue {
		count(c.requirements) > 0
	}
}

test_without_catalogue_nothing_is_judged if {
	msgs := compliance.deny with input as f.good_plan with data.auditlog.policy as f.policy with data.auditlog.catalogue as null with time.now_ns as f.now_ns
	f.has(msgs, "POLICY: no catalogue of controls")
	count(compliance.catalogue) == 0 with data.auditlog.catalogue as null
}

test_another_schema_version_is_refused if {
	f.has(deny_with_catalogue(object.union(shipped, {"schema_version": 2})), "POLICY: the catalogue of controls has schema_version 2; these rules read 1")
}

# A control listed twice (a second entry would change its title or the data
# sources it rests on) stops the judgement instead of picking one.
test_a_control_listed_twice_is_refused if {
	twice := object.union(shipped, {"controls": array.concat(shipped.controls, [object.union(shipped.controls[0], {"data_sources": ["auditlog_cloudaudit_events"]})])})
	msgs := deny_with_catalogue(twice)
	f.has(msgs, sprintf("POLICY: the catalogue of controls lists %s more than once", [shipped.controls[0].id]))
	count(controls_with_catalogue(twice)) == 0
}

test_a_control_without_requirement_is_refused if {
	none := object.union(shipped, {"requirements": [r | some r in shipped.requirements; not "UC-02" in r.controls]})
	f.has(deny_with_catalogue(none), "POLICY: control UC-02 of the catalogue serves no requirement")
}

test_no_list_of_controls_is_refused if {
	f.has(deny_with_catalogue(object.union(shipped, {"controls": {"TRK-01": {}}})), "POLICY: the catalogue of controls has no list of controls")
}
