# Finds the auditlog provider's data sources in a plan (terraform show -json)
# and decides whether the plan can be judged at all. Every rule here fails
# closed: evidence that is missing, deferred or from an errored plan is a
# denial, never a pass.
#
# The plan is the evidence under review, never a source of rules: every
# parameter comes from the policy data document (policy.rego), which the
# configuration's author cannot change.
package auditlog.lib

# Data source types the library knows.
known_types := {
	"auditlog_cloudaudit_tracks",
	"auditlog_cloudaudit_track",
	"auditlog_cloudaudit_events",
	"auditlog_csip_user_call_records",
	"auditlog_ucloud_operation_events",
	"auditlog_cls_topics",
	"auditlog_cls_analysis",
}

# Types read with Tencent Cloud credentials: evidence.account_id applies.
tencent_types := {
	"auditlog_cloudaudit_tracks",
	"auditlog_cloudaudit_track",
	"auditlog_cloudaudit_events",
	"auditlog_csip_user_call_records",
	"auditlog_cls_topics",
	"auditlog_cls_analysis",
}

# Types whose request carries a region (X-TC-Region): evidence.region applies.
# CSIP sends none; UCloud's GetUserOperationEvents has no region parameter.
# The CLS reads carry one too, but theirs is the region a tracking set
# delivers to (storage_region), not one of the account's regions: cls.rego
# pairs each with its tracking set.
regional_types := {
	"auditlog_cloudaudit_tracks",
	"auditlog_cloudaudit_track",
	"auditlog_cloudaudit_events",
}

# Types that read a time window: evidence.window_* applies.
windowed_types := {
	"auditlog_cloudaudit_events",
	"auditlog_csip_user_call_records",
	"auditlog_ucloud_operation_events",
}

# The attribute that holds each type's records.
record_list := {
	"auditlog_cloudaudit_tracks": "tracks",
	"auditlog_cloudaudit_events": "events",
	"auditlog_csip_user_call_records": "data",
	"auditlog_ucloud_operation_events": "events",
	"auditlog_cls_topics": "topics",
	"auditlog_cls_analysis": "rows",
}

# The auditlog provider, as Terraform and OpenTofu name it in a plan. A data
# source of a known type from any other provider (one vendored under another
# source, or a local copy) is not evidence.
provider_names := {
	"registry.terraform.io/auditlog/auditlog",
	"registry.opentofu.org/auditlog/auditlog",
}

# Data source values live in prior_state (read during plan), not in
# planned_values. Only the resource lists of the modules are read:
# root_module.resources[] and child_modules[]...resources[], at any depth, so
# root and child modules, count and for_each instances are all found, and an
# object nested inside some value (a terraform_remote_state's defaults, an
# output, a local copied into an attribute) never counts as a read. Each
# instance's address is its full address, module instance keys included:
#   module.compliance["prod"].data.auditlog_csip_user_call_records.sub["100021372635"]
data_sources contains r if {
	some r in module_resources
	r.mode == "data"
	known_types[r.type]
	from_auditlog(r)
}

# module_resources are the objects of the resource lists of every module,
# found by following child_modules level by level: walk() over the whole
# prior_state visited every value of every read (100,000 events are millions
# of nodes) to find a few lists. Modules nested deeper than
# max_module_depth levels are not followed, and the plan cannot be judged
# (cannot_judge below): a read there is never silently left out.
max_module_depth := 12

module_resources contains r if {
	some level in module_levels
	some m in level
	some r in object.get(m, "resources", [])
	is_object(r)
}

# module_levels lists the modules level by level: the root module, its
# child modules, theirs, and so on (Rego has no recursion, so each level is
# a rule of its own).
module_levels := [modules_0, modules_1, modules_2, modules_3, modules_4, modules_5, modules_6, modules_7, modules_8, modules_9, modules_10, modules_11, modules_12]

modules_0 := [m | m := input.prior_state.values.root_module; is_object(m)]

modules_1 := [c |
	some parent in modules_0
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_2 := [c |
	some parent in modules_1
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_3 := [c |
	some parent in modules_2
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_4 := [c |
	some parent in modules_3
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_5 := [c |
	some parent in modules_4
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_6 := [c |
	some parent in modules_5
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_7 := [c |
	some parent in modules_6
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_8 := [c |
	some parent in modules_7
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_9 := [c |
	some parent in modules_8
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_10 := [c |
	some parent in modules_9
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_11 := [c |
	some parent in modules_10
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

modules_12 := [c |
	some parent in modules_11
	some c in object.get(parent, "child_modules", [])
	is_object(c)
]

cannot_judge contains sprintf("PLAN: modules are nested more than %d levels deep: their reads are not looked for, so the plan cannot be judged", [max_module_depth]) if {
	some m in modules_12
	count(object.get(m, "child_modules", [])) > 0
}

# foreign_data_sources are data sources of a known type that another
# provider produced: never evidence, and a violation of the plan.
foreign_data_sources contains r if {
	some r in module_resources
	r.mode == "data"
	known_types[r.type]
	not from_auditlog(r)
}

# from_auditlog is a function so that "not" sees an absent provider_name as
# another provider.
from_auditlog(r) if r.provider_name in provider_names

# data_sources_of returns the instances of one type.
data_sources_of(t) := {r | some r in data_sources; r.type == t}

# evidence returns a data source's evidence object, or {} when it has none
# (a provider older than the evidence contract, or a value Terraform lost).
# Every attribute read from {} is undefined, which the rules treat as "not
# shown", never as "fine".
evidence(r) := r.values.evidence if is_object(r.values.evidence)

else := {}

# records returns a data source's record list ([] when there is none).
records(r) := r.values[record_list[r.type]] if is_array(r.values[record_list[r.type]])

else := []

# record_count is evidence.records, else the length of the record list.
record_count(r) := evidence(r).records if is_number(evidence(r).records)

else := count(records(r))

# scanned_count is evidence.scanned (the records the API returned, kept or
# not by a select block), else record_count.
scanned_count(r) := evidence(r).scanned if is_number(evidence(r).scanned)

else := record_count(r)

# A read deferred to apply (its configuration depends on something unknown at
# plan time) has no values at all: it appears only in resource_changes, with
# the action "read". A data source nested in a check block is read at plan
# time and again at apply: resource_changes lists it with the action "read"
# and the reason "read_because_check_nested", and its plan-time values are in
# prior_state like any other read's. It is deferred only when it has none.
deferred contains rc.address if {
	some rc in data_reads
	not check_nested(rc)
}

# check_nested_without_values are the reads nested in a check block that
# have no values at plan time (their read failed, which a check block only
# warns of, or waits for a value known after apply).
check_nested_without_values contains rc.address if {
	some rc in data_reads
	check_nested(rc)
	not rc.address in {r.address | some r in data_sources}
}

# check_nested_reads are the addresses of reads nested in a check block.
check_nested_reads contains rc.address if {
	some rc in data_reads
	check_nested(rc)
}

data_reads contains rc if {
	some rc in input.resource_changes
	rc.mode == "data"
	known_types[rc.type]
	"read" in rc.change.actions
}

check_nested(rc) if rc.action_reason == "read_because_check_nested"

deferred_type(t) if {
	some rc in data_reads
	rc.type == t
	not check_nested(rc)
}

deferred_type(t) if {
	some rc in data_reads
	rc.type == t
	rc.address in check_nested_without_values
}

# check_instances are the check blocks' results, one per instance, each
# named by its full address with module instance keys
# (module.compliance["prod"].check.net_01); a check without instances (its
# module has none, or the plan errored) is named by its configuration address.
check_instances contains {"address": i.address.to_display, "status": i.status} if {
	some c in input.checks
	c.address.kind == "check"
	some i in c.instances
}

check_instances contains {"address": c.address.to_display, "status": c.status} if {
	some c in input.checks
	c.address.kind == "check"
	count(object.get(c, "instances", [])) == 0
}

# --- Plans that cannot be judged (the gate's exit 2) ---------------------------------

cannot_judge contains msg if {
	some msg in policy_errors
}

cannot_judge contains "PLAN: the input is not a plan (terraform show -json PLANFILE): no format_version" if {
	not input.format_version
}

cannot_judge contains "PLAN: the plan errored (\"errored\": true): its data sources were not all read and its checks are unknown" if {
	input.errored == true
}

# A plan JSON that does not say it did not error is not judged: the keys a
# verdict rests on must be there, never assumed.
cannot_judge contains "PLAN: the plan does not say whether it errored (no boolean \"errored\"): a plan JSON without it cannot be judged" if {
	input.format_version
	not is_boolean(object.get(input, "errored", null))
}

# Terraform (1.8 and later) always writes "complete". OpenTofu's plan JSON
# has no such key; a plan that names OpenTofu's registry for its providers
# is accepted without it (the gate refuses -target on a directory).
cannot_judge contains "PLAN: the plan does not say whether it is complete (no boolean \"complete\"): whether it was targeted (-target) cannot be known; give terraform show -json of an untargeted plan" if {
	input.format_version
	not is_boolean(object.get(input, "complete", null))
	not opentofu_plan
}

opentofu_plan if {
	some r in data_sources
	startswith(r.provider_name, "registry.opentofu.org/")
}

# A configuration with no read (or only deferred ones) names OpenTofu's
# registry in its provider configurations and changes.
opentofu_plan if {
	some _, pc in input.configuration.provider_config
	startswith(pc.full_name, "registry.opentofu.org/")
}

opentofu_plan if {
	some rc in input.resource_changes
	startswith(rc.provider_name, "registry.opentofu.org/")
}

# A targeted plan (-target, -exclude) reads only the data sources it
# targets: every other one keeps the values of the state file, which the
# configuration's author controls. Terraform marks it "complete": false.
# An errored plan is also "complete": false; it is reported as errored only.
cannot_judge contains "PLAN: the plan is not complete (\"complete\": false): a targeted plan (-target or -exclude) reads only the data sources it targets, the others keep their values from the state; plan without targeting" if {
	input.complete == false
	input.errored != true
}

cannot_judge contains sprintf("PLAN: %s is deferred to apply: it has no values at plan time, so no control can use it", [a]) if {
	some a in deferred
}

cannot_judge contains sprintf("PLAN: %s is nested in a check block and has no values at plan time (its read failed, which a check block only warns of, or waits for a value known after apply): no control can use it", [a]) if {
	some a in check_nested_without_values
}

# A check whose result is not known (unknown: values known only after apply,
# or an errored plan; error: the condition itself failed to evaluate).
cannot_judge contains sprintf("CHECK: %s is %s: its result is not known at plan time", [c.address, c.status]) if {
	some c in check_instances
	c.status in {"unknown", "error"}
}

cannot_judge contains "PLAN: the plan has no timestamp: its age and the review window cannot be known" if {
	input.format_version
	not has_timestamp
}

has_timestamp if is_string(input.timestamp)

# A plan made long ago judges evidence that may have changed since, and one
# kept from an earlier run may not be the plan of the code under review.
cannot_judge contains sprintf("PLAN: the plan was made at %s, %d s ago: older than the %d s the policy accepts (max_plan_age_seconds); plan again", [input.timestamp, age, max_age]) if {
	max_age := data.auditlog.policy.max_plan_age_seconds
	age := plan_age_s
	age > max_age
}

cannot_judge contains sprintf("PLAN: the plan's timestamp %s is %d s in the future: the clocks disagree, its window cannot be trusted", [input.timestamp, 0 - plan_age_s]) if {
	plan_age_s < -300
}

plan_age_s := floor((time.now_ns() - time.parse_rfc3339_ns(input.timestamp)) / 1000000000)

# --- Violations of the plan as a whole (the gate's exit 1) -----------------------------

plan_violations contains sprintf("CHECK: %s is %s", [c.address, c.status]) if {
	some c in check_instances
	c.status == "fail"
}

plan_violations contains sprintf("PLAN: %s: read by the provider %s, not the auditlog provider (%s): not evidence", [r.address, json.marshal(object.get(r, "provider_name", null)), concat(" or ", sort(provider_names))]) if {
	some r in foreign_data_sources
}

plan_violations contains sprintf("PLAN: no %s data source was read: the policy requires one (required_data_sources)", [t]) if {
	some t in data.auditlog.policy.required_data_sources
	count(data_sources_of(t)) == 0
	not deferred_type(t)
}

# --- Time ------------------------------------------------------------------------------
#
# Times are UNIX seconds. A record time that is null or malformed is not a
# time: rules that need one must treat the record as possibly inside the
# window (a finding), never skip it.

# The plan's time: what plantimestamp() returns in the configuration.
plan_time_s := floor(time.parse_rfc3339_ns(input.timestamp) / 1000000000)

cst_layout := `^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`

# cst_s converts a Beijing-time "YYYY-MM-DD hh:mm:ss" (CloudAudit, CSIP);
# undefined for anything else.
cst_s(s) := floor(time.parse_ns("2006-01-02 15:04:05 -0700", sprintf("%s +0800", [s])) / 1000000000) if {
	is_string(s)
	regex.match(cst_layout, s)
}

# event_s converts a CloudAudit EventTime: a UNIX time in a string, or a
# Beijing date-time; undefined for anything else.
event_s(s) := to_number(s) if {
	is_string(s)
	regex.match(`^[0-9]{1,12}$`, s)
}

event_s(s) := cst_s(s) if {
	is_string(s)
	not regex.match(`^[0-9]{1,12}$`, s)
}

in_window(s) if {
	s >= window_start_s
	s <= window_end_s
}

rfc3339(s) := time.format([s * 1000000000, "UTC", "2006-01-02T15:04:05Z07:00"])
