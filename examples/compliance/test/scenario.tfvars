# The inputs the simulator's shipped scenarios are written for
# (cloudsim -scenario compliant|noncompliant).
allowed_networks            = ["106.55.0.0/16", "119.29.0.0/16", "2402:4e00::/32"]
csip_sub_uins               = ["100021372635", "100021372636"]
ucloud_privileged_users     = ["admin", "terraform-ci"]
ucloud_max_failed           = 3
cloudaudit_privileged_users = ["admin", "ops-automation"]
# audit-all-org delivers to COS, whose retention RET-01 cannot read: the
# scenario's team verifies it elsewhere.
retention_out_of_scope = ["1001"]
