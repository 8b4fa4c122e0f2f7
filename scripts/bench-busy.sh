# Sourced by scripts/bench.sh (BENCH_SOURCES "busy"): the compliance module
# (examples/compliance/root) over a busy account, at the default pacing, and
# auditlog-gate on the plan's JSON. Uses bench.sh's $work, start_sim,
# stop_sim, $quick and $failures; sets busy_status (1 when a figure is over
# its target, unless quick) and writes $work/busy.md.
#
# The account: 100,000 CloudAudit events in the 28-day window (the
# simulator spreads its events over the 28 days before it starts) and
# 20,000 UCloud operations in it (the simulator spreads those over 300 days,
# so it serves 215,000). The allow-lists make about 1% of the events match
# EVT-01's and UC-01's selections: every user but one is allowed, and the
# watched names are one kind of event (EVT-01: ^DeleteUser, UC-01: ^DeleteU).
# UC-02 keeps the failed UCloud operations: the simulator fails one in 200
# here (-ucloud-failure-every), so that selection keeps about 0.5% too.
# The exact counts are those the plan's evidence reports.

busy_events=100000
busy_ucloud=215000
[ "$quick" = 0 ] || { busy_events=5000; busy_ucloud=10000; }
busy="$work/busy"
rm -rf "$busy"
mkdir -p "$busy"
echo "==> busy account: the compliance module over $busy_events CloudAudit events and $busy_ucloud UCloud operations (default pacing)"

tar -C "$root/examples" --exclude=.terraform --exclude='*.tfstate' --exclude='.terraform.lock.hcl' -cf - compliance | tar -C "$busy" -xf -
# The gate, built from the repository's examples/policy module.
(cd "$root/examples/policy" && go build -trimpath -o "$work/bin/auditlog-gate" ./cmd/auditlog-gate)
# One copy of the settings, for the module (policy_data_file) and the gate:
# the shipped policy data with busy-account allow-lists, and the selections
# the module reads with for them.
cat >"$busy/policy-data.json" <<'JSON'
{
  "auditlog": {
    "policy": {
      "schema_version": 2,
      "required_data_sources": ["auditlog_cloudaudit_tracks", "auditlog_cloudaudit_track", "auditlog_cloudaudit_events", "auditlog_csip_user_call_records", "auditlog_ucloud_operation_events"],
      "controls": {
        "TRK-01": { "enabled": true, "allowed_narrowing": ["max_items"] },
        "TRK-02": { "enabled": true, "allowed_narrowing": ["max_items"] },
        "TRK-03": { "enabled": true, "allowed_narrowing": ["max_items"] },
        "TRK-04": { "enabled": true, "allowed_narrowing": ["max_items"] },
        "NET-01": { "enabled": true, "allowed_narrowing": ["max_items"] },
        "EVT-01": { "enabled": true, "allowed_narrowing": ["max_items"], "selection": { "api": [], "provider": ["event_names=[\"^DeleteUser\"]", "users_not_in=[\"alice\",\"ci-deployer\",\"ops-admin\",\"root\",\"zhang.wei\"]"] } },
        "UC-01": { "enabled": true, "allowed_narrowing": ["max_items"], "selection": { "api": [], "provider": ["apis=[\"^DeleteU\"]", "users_not_in=[\"admin\",\"alice\",\"chen.jie\",\"li.na\",\"liu.yang\",\"ops-bot\",\"terraform-ci\",\"wang.fang\",\"zhang.wei\"]"] } },
        "UC-02": { "enabled": true, "allowed_narrowing": ["max_items"], "selection": { "api": [], "provider": ["failed_only=true"] } }
      },
      "window_days": 28,
      "window_start": null,
      "window_end": null,
      "max_plan_age_seconds": 3600,
      "accept_unsealed_plans": true,
      "providers": [{ "address": "registry.terraform.io/auditlog/auditlog", "version": "0.1.0", "hashes": { "linux_amd64": ["h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] } }],
      "origins": [{ "scheme": "http", "host": "127.0.0.1", "port": SIM_PORT }],
      "tencentcloud": { "accounts": { "100000000001": { "regions": ["ap-guangzhou"], "csip_sub_uins": ["100021372635"] } } },
      "ucloud": { "projects": ["org-sim001"] },
      "allowed_networks": ["0.0.0.0/0", "::/0"],
      "cloudaudit_privileged_users": ["root", "alice", "zhang.wei", "ci-deployer", "ops-admin"],
      "cloudaudit_watched_event_patterns": ["^DeleteUser"],
      "ucloud_privileged_users": ["admin", "zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.jie", "alice", "terraform-ci", "ops-bot"],
      "ucloud_risky_api_patterns": ["^DeleteU"],
      "ucloud_max_failed": 1000000
    }
  }
}
JSON

start_sim "$busy" -cloudaudit-events "$busy_events" -events "$busy_ucloud" -ucloud-failure-every 200
# The policy trusts the simulator's origin: plain HTTP to its port.
sim_port=$(sed -E 's|^[a-z]+://[^:/]+:([0-9]+).*$|\1|' "$busy/url")
sed -i "s/SIM_PORT/$sim_port/" "$busy/policy-data.json"
tf="$busy/compliance/root"
terraform -chdir="$tf" get >"$busy/get.log" 2>&1 || { cat "$busy/get.log" >&2; failures=$((failures + 1)); }
# The simulator builds its data sets on their first call, inside the
# measured plan (about a second for these sizes).
"$work/bin/benchpaging" quiet -max-wait 30s
if BENCH_PROVIDER_FIGURES="$busy/provider.txt" "$work/bin/benchpaging" measure -label terraform -timeout 15m -o "$busy/terraform.txt" -- \
  terraform -chdir="$tf" plan -input=false -no-color -lock=false -out=busy.tfplan \
  -var auditlog_policy_data_file="$busy/policy-data.json" >"$busy/plan.log" 2>&1; then
  BENCH_PROVIDER_FIGURES="$busy/provider-show.txt" "$work/bin/benchpaging" measure -label show -o "$busy/show.txt" -- sh -c "terraform -chdir='$tf' show -json busy.tfplan >'$busy/plan.json'"
  # The plan was made outside the gate (accept_unsealed_plans), and the
  # bench's own policy data lies in the repository's .bench directory:
  # nothing here is under review (--allow-rules-in-tree). The gate refuses
  # the bench's CLI configuration, whose dev override made the plan.
  set +e
  "$work/bin/benchpaging" measure -label gate -o "$busy/gate.txt" -- env -u TF_CLI_CONFIG_FILE "$work/bin/auditlog-gate" --allow-rules-in-tree \
    --data "$busy/policy-data.json" "$busy/plan.json" >"$busy/gate.log" 2>&1
  set -e
else
  echo "    terraform plan FAILED; the end of $busy/plan.log:" >&2
  tail -n 20 "$busy/plan.log" >&2
  failures=$((failures + 1))
fi
stop_sim

# fig FILE KEY: the first KEY=value of a figures file.
fig() { sed -n "s/.*\\b$2=\\([0-9.]*\\).*/\\1/p" "$1" 2>/dev/null | head -n 1; }
# out EXPR: a value of the plan's compliance output, as JSON.
opa_eval() { go tool -modfile="$root/tools/policy/go.mod" opa eval -f raw -i "$busy/plan.json" "$1" 2>/dev/null; }
if [ -s "$busy/plan.json" ]; then
  ctl='input.planned_values.outputs.compliance.value.controls'
  ev='input.prior_state.values.root_module.child_modules[_].resources[r]'
  evt_scanned=$(opa_eval "$ctl[\"EVT-01\"].records")
  evt_kept=$(opa_eval "$ctl[\"EVT-01\"].kept")
  uc1_scanned=$(opa_eval "$ctl[\"UC-01\"].records")
  uc1_kept=$(opa_eval "$ctl[\"UC-01\"].kept")
  uc2_kept=$(opa_eval "$ctl[\"UC-02\"].kept")
  verdicts=$(opa_eval "concat(\", \", [sprintf(\"%s %s\", [id, c.status]) | some id, c in $ctl])")
  wall=$(fig "$busy/terraform.txt" wall_s)
  tf_rss=$(fig "$busy/terraform.txt" hwm_kb)
  # Terraform starts the provider more than once: the largest.
  prov_rss=$(sed -n 's/.*\btree_maxrss_kb=\([0-9]*\).*/\1/p' "$busy/provider.txt" | sort -n | tail -n 1)
  json_bytes=$(stat -c %s "$busy/plan.json")
  show_s=$(fig "$busy/show.txt" wall_s)
  gate_s=$(fig "$busy/gate.txt" wall_s)
  gate_exit=$(fig "$busy/gate.txt" exit)
  # The read's floor: one DescribeEvents call per page of 50, at 20 calls/s.
  floor=$(awk -v n="$evt_scanned" 'BEGIN { printf "%.1f", int((n + 49) / 50) / 20 }')
  ratio=$(awk -v w="$wall" -v f="$floor" 'BEGIN { printf "%.2f", w / f }')
  # check NAME VALUE BOUND sets verdict_NAME to ok or **over**, and an
  # over fails the run unless quick. It runs in this shell: a status set
  # inside $(...) would be lost with the subshell.
  check() {
    local v=ok
    if ! awk -v v="$2" -v m="$3" 'BEGIN { exit !(v != "" && v <= m) }'; then
      v="**over**"
      [ "$quick" = 1 ] || busy_status=1
    fi
    printf -v "verdict_$1" '%s' "$v"
  }
  check wall "$ratio" 1.15
  check tf_rss "$tf_rss" $((300 * 1024))
  check json "$json_bytes" $((5 * 1024 * 1024))
  check gate "$gate_s" 10
  {
    echo
    echo "### Busy account: the compliance module (examples/compliance/root), selecting at the provider"
    echo
    echo "$evt_scanned CloudAudit events in the window, $evt_kept kept by EVT-01's selection; $uc1_scanned UCloud operations, $uc1_kept kept by UC-01's and $uc2_kept by UC-02's. Verdicts: $verdicts."
    echo
    echo "| Figure | Measured | Target | |"
    echo "|---|---|---|---|"
    echo "| terraform plan, wall | ${wall} s (${ratio}x the floor of ${floor} s) | 1.15x | $verdict_wall |"
    echo "| terraform peak RSS | $((tf_rss / 1024)) MB | 300 MB | $verdict_tf_rss |"
    echo "| provider peak RSS | $((prov_rss / 1024)) MB | - | |"
    echo "| plan JSON (terraform show -json) | $((json_bytes / 1024)) KB, ${show_s} s | 5 MB | $verdict_json |"
    echo "| gate on the saved plan JSON | ${gate_s} s (exit ${gate_exit}) | 10 s | $verdict_gate |"
  } >"$work/busy.md"
  cat "$work/busy.md"
  case "$gate_exit" in 0 | 1) ;; *) echo "    the gate could not judge the plan (exit $gate_exit); see $busy/gate.log" >&2; failures=$((failures + 1)) ;; esac
fi
