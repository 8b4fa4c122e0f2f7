package policy_data_test

import data.auditlog.fixtures as f
import data.auditlog.lib

# The shipped policy.json (loaded by opa test examples/policy) is valid and
# enables every control of the catalogue.
test_shipped_policy_data_is_valid if {
	count(lib.policy_errors) == 0
	lib.policy_valid
	{id | some id, _ in data.auditlog.policy.controls} == {id | some id, _ in data.compliance.catalogue}
}

# A bad pattern or CIDR is a POLICY: message, and the plan is not judged:
# no built-in error is raised (the gate evaluates with strict built-in errors).
test_bad_regex_and_cidr_are_policy_messages_not_errors if {
	pol := object.union(f.policy, {"allowed_networks": ["300.1.0.0/16"], "ucloud_risky_api_patterns": ["("], "origins": [{"host_pattern": "^(x$"}]})
	msgs := data.compliance.deny with input as f.good_plan with data.auditlog.policy as pol with time.now_ns as f.now_ns with data.auditlog.catalogue as f.catalogue
	f.has(msgs, "POLICY: data.auditlog.policy.allowed_networks: \"300.1.0.0/16\" is not a CIDR block")
	f.has(msgs, "POLICY: data.auditlog.policy.origins[0].host_pattern")
	f.has(msgs, "POLICY: data.auditlog.policy.ucloud_risky_api_patterns")
}
