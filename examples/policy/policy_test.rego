package policy_data_test

import data.auditlog.lib

# The shipped policy.json (loaded by opa test examples/policy) is valid and
# enables every control of the catalogue.
test_shipped_policy_data_is_valid if {
	count(lib.policy_errors) == 0
	lib.policy_valid
	{id | some id, _ in data.auditlog.policy.controls} == {id | some id, _ in data.compliance.catalogue}
}
