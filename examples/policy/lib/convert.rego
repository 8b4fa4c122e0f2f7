# convert_v1: a policy data document of schema_version 1 as schema_version 2.
#
#   opa eval --fail --format pretty -d examples/policy/lib -d OLD.json \
#     data.auditlog.lib.convert_v1 > NEW.json
#   auditlog-gate convert-v1 OLD.json > NEW.json
#
# It converts what version 1 says and nothing more:
#   - every control of "controls" is enabled ("enabled": true);
#   - tencentcloud_accounts, tencentcloud_regions and csip_sub_uins become
#     tencentcloud.accounts: each account with every region and every
#     sub-account (version 1 did not say which account reads which region or
#     owns which sub-account: remove what an account does not have);
#   - ucloud_projects becomes ucloud.projects;
#   - each allowed_endpoint_hosts pattern becomes an HTTPS origin on port
#     443, anchored as ^(?:PATTERN)$ when it was not (version 1 matched it
#     anywhere in the host): plain HTTP is trusted only where an origin
#     says "scheme": "http";
#   - accept_unsealed_plans is false, and providers is empty: the document
#     is refused until the providers are pinned (auditlog-gate pin), since
#     version 1 names no package hash to trust.
# Version 1 with an empty tencentcloud_accounts meant "any account"; version
# 2 names every account. A document that names regions or sub-accounts but
# no account cannot be converted (convert_v1_errors says so): nothing is
# dropped silently.
package auditlog.lib

v1 := data.auditlog.policy

convert_v1_errors contains "data.auditlog.policy is not a policy data document of schema_version 1" if {
	not v1_document
}

convert_v1_errors contains sprintf("tencentcloud_accounts is empty (version 1: any account) but %s names %s: version 2 keeps them under each account (tencentcloud.accounts); list the accounts first", [k, concat(", ", v1[k])]) if {
	v1_document
	count(v1.tencentcloud_accounts) == 0
	some k in ["tencentcloud_regions", "csip_sub_uins"]
	count(v1[k]) > 0
}

convert_v1_errors contains sprintf("tencentcloud_accounts names %s but tencentcloud_regions is empty (version 1: any region): version 2 names each account's regions; list them first", [concat(", ", v1.tencentcloud_accounts)]) if {
	v1_document
	count(v1.tencentcloud_accounts) > 0
	count(v1.tencentcloud_regions) == 0
}

convert_v1_errors contains sprintf("%s is missing or not a list", [k]) if {
	v1_document
	some k in ["tencentcloud_accounts", "tencentcloud_regions", "csip_sub_uins", "ucloud_projects", "allowed_endpoint_hosts"]
	not is_array(object.get(v1, k, null))
}

# The keys version 2 keeps as they are.
v1_kept_keys := [
	"required_data_sources", "window_days", "window_start", "window_end", "max_plan_age_seconds",
	"allowed_networks", "cloudaudit_privileged_users", "cloudaudit_watched_event_patterns",
	"ucloud_privileged_users", "ucloud_risky_api_patterns", "ucloud_max_failed",
]

convert_v1 := {"auditlog": {"policy": object.union({k: v1[k] | some k in v1_kept_keys; k in object.keys(v1)}, {
	"schema_version": 2,
	"controls": {id: object.union(c, {"enabled": true}) | some id, c in v1.controls},
	"accept_unsealed_plans": false,
	"providers": [],
	"origins": [converted_origin(p) | some p in v1.allowed_endpoint_hosts],
	"tencentcloud": {"accounts": {a: {"regions": v1.tencentcloud_regions, "csip_sub_uins": v1.csip_sub_uins} | some a in v1.tencentcloud_accounts}},
	"ucloud": {"projects": v1.ucloud_projects},
})}} if {
	count(convert_v1_errors) == 0
}

converted_origin(p) := {"scheme": "https", "host_pattern": p, "port": 443} if {
	anchored(p)
} else := {"scheme": "https", "host_pattern": sprintf("^(?:%s)$", [p]), "port": 443}

# convert_v2: a policy data document of schema_version 2 as schema_version 3.
#
#   opa eval --fail --format pretty -d examples/policy/lib -d OLD.json \
#     data.auditlog.lib.convert_v2 > NEW.json
#   auditlog-gate convert OLD.json > NEW.json
#
# It keeps every key of version 2 and adds the defaults of version 3, each
# written out for the owner to review: min_retention_days 184 (any six
# calendar months), cls_window_days 180, cls_member_account_field null,
# cloudaudit_instance_event_patterns TerminateInstances and
# RebootInstances, and the controls RET-01 and EVT-02, enabled, no
# narrowing allowed. A window_days over 29 (DescribeEvents' reads) cannot
# be converted (convert_v2_errors says so): shortening the window is the
# owner's decision, never a silent one. No tracking set is put out of
# RET-01's scope (retention_out_of_scope): that too is the owner's word.
v2 := data.auditlog.policy

convert_v2_defaults := {
	"min_retention_days": 184,
	"cls_window_days": 180,
	"cls_member_account_field": null,
	"cloudaudit_instance_event_patterns": ["^TerminateInstances$", "^RebootInstances$"],
}

convert_v2_errors contains "data.auditlog.policy is not a policy data document of schema_version 2" if {
	not v2_document
}

convert_v2_errors contains sprintf("window_days is %v: version 3 reads at most 29 days of DescribeEvents (the CLS analyses cover the longer window, cls_window_days); set window_days to 29 or less first", [v2.window_days]) if {
	v2_document
	v2.window_days > 29
}

convert_v2_errors contains "controls is missing or not an object" if {
	v2_document
	not is_object(object.get(v2, "controls", null))
}

convert_v2 := {"auditlog": {"policy": object.union(object.union(v2, convert_v2_defaults), {
	"schema_version": 3,
	"controls": object.union({"RET-01": {"enabled": true, "allowed_narrowing": []}, "EVT-02": {"enabled": true, "allowed_narrowing": []}}, v2.controls),
})}} if {
	count(convert_v2_errors) == 0
}
