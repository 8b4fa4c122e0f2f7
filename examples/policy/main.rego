# conftest's default namespace. `conftest test --policy examples/policy
# --data examples/policy/policy.json --data examples/policy/catalogue.json
# plan.json` evaluates the controls
# without --namespace; without the data file every plan is denied (POLICY:
# no policy data document), never passed.
package main

import data.compliance

deny contains msg if {
	some msg in compliance.deny
}
