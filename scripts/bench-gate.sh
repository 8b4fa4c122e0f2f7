#!/usr/bin/env bash
# make bench-gate (also run by make bench): the cost of auditlog-gate itself.
#
# 1. The judging step alone (BenchmarkJudgeTenThousandFindingsOfHundredThousandEvents in
#    examples/policy/cmd/auditlog-gate): a plan whose CloudAudit events read holds 100,000
#    events, 10,000 of them EVT-01 findings, with complete evidence that matches the policy
#    data; the benchmark requires exit 1 and the 10,000 findings listed. Then the built command
#    once on the same plan JSON (PLAN.json mode, accept_unsealed_plans) under /usr/bin/time -v,
#    for its peak RSS. Target: judging ≤ 10 s.
# 2. The busy account of scripts/bench-busy.sh, sealed: the gate on the compliance module's
#    directory (init, plan and show in its own copy, the provider from a filesystem mirror
#    pinned in the policy data), against a plain init + plan + show -json of the same directory
#    with the same mirror and simulator. Target: the gate ≤ 10 s beyond the plain run.
#    BENCH_GATE_SEALED=0 leaves it out (it reads 100,000 events twice at 20 calls/s: ~4 min).
#
#   BENCH_QUICK=1   the sealed case over 5,000 events, the benchmark once; targets not enforced
#
# Figures are printed as Markdown and written to .bench/gate/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/require-terraform.sh

root=$(pwd)
work="$root/.bench/gate"
quick=${BENCH_QUICK:-0}
sealed=${BENCH_GATE_SEALED:-1}
rm -rf "$work"
mkdir -p "$work/bin"
status=0
# verdict VALUE BOUND: ok, or **over** (which fails the run unless quick).
verdict() {
  if awk -v v="$1" -v m="$2" 'BEGIN { exit !(v != "" && v <= m) }'; then
    echo ok
  else
    echo "**over**"
    [ "$quick" = 1 ] || status=1
  fi
}

echo "==> building auditlog-gate and the simulator"
(cd examples/policy && go build -trimpath -o "$work/bin/auditlog-gate" ./cmd/auditlog-gate)
go build -o "$work/bin/cloudsim" ./cmd/cloudsim

echo "==> the judging step: 10,000 EVT-01 findings among 100,000 events"
# The plan and policy data the benchmark judged, for the one-shot run:
# outside any repository, as the gate requires of policy data.
judge=$(mktemp -d "${TMPDIR:-/tmp}/auditlog-gate-bench-XXXXXX")
trap 'rm -rf "$judge"' EXIT
benchtime=3x
[ "$quick" = 0 ] || benchtime=1x
# The plan's timestamp is the benchmark's start: the one-shot run below
# follows within the policy's max_plan_age_seconds.
(cd examples/policy && AUDITLOG_GATE_BENCH_DIR="$judge" go test -count=1 -run '^$' \
  -bench '^BenchmarkJudgeTenThousandFindingsOfHundredThousandEvents$' -benchtime "$benchtime" -benchmem \
  ./cmd/auditlog-gate/) | tee "$work/judge-bench.txt"
line=$(grep '^BenchmarkJudge' "$work/judge-bench.txt")
ns_op=$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "ns/op") print $i }' <<<"$line")
b_op=$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "B/op") print $i }' <<<"$line")
allocs_op=$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "allocs/op") print $i }' <<<"$line")
judge_s=$(awk -v n="$ns_op" 'BEGIN { printf "%.2f", n / 1e9 }')
set +e
/usr/bin/time -v -o "$work/judge-time.txt" "$work/bin/auditlog-gate" --data "$judge/policy/policy.json" "$judge/plan/plan.json" \
  >"$work/judge-gate.out" 2>"$work/judge-gate.err"
oneshot_exit=$?
set -e
oneshot_s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/judge-time.txt" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
oneshot_rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/judge-time.txt")
oneshot_findings=$(grep -c '^  EVT-01: ' "$work/judge-gate.out" || true)
plan_kb=$(($(stat -c %s "$judge/plan/plan.json") / 1024))
# The same run with every report: the summary must stay under 1 MiB, the
# SARIF file at 5,000 results.
set +e
/usr/bin/time -v -o "$work/reports-time.txt" "$work/bin/auditlog-gate" --data "$judge/policy/policy.json" \
  --junit "$work/reports-junit.xml" --sarif "$work/reports.sarif" --summary "$work/reports-summary.md" \
  --source examples/compliance/root "$judge/plan/plan.json" >/dev/null 2>"$work/reports-gate.err"
reports_exit=$?
set -e
reports_s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/reports-time.txt" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
summary_bytes=$(stat -c %s "$work/reports-summary.md" 2>/dev/null || echo 0)
sarif_results=$(grep -c '"ruleId"' "$work/reports.sarif" 2>/dev/null || true)
if [ "$reports_exit" != 1 ] || [ "$summary_bytes" -ge 1048576 ] || [ "$summary_bytes" = 0 ] || [ "$sarif_results" != 5000 ]; then
  echo "    with every report: exit $reports_exit, a summary of $summary_bytes bytes, $sarif_results SARIF results (want 1, under 1048576, 5000); see $work/reports-gate.err" >&2
  status=1
fi
rm -rf "$judge"
trap - EXIT
if [ "$oneshot_exit" != 1 ] || [ "$oneshot_findings" != 10000 ]; then
  echo "    the one-shot run gave exit $oneshot_exit and $oneshot_findings EVT-01 findings (want 1 and 10000); see $work/judge-gate.err" >&2
  status=1
fi

verdict "$judge_s" 10 >"$work/judge-verdict.txt"
{
  echo
  echo "### auditlog-gate: judging 10,000 findings among 100,000 events"
  echo
  echo "| Figure | Measured | Target | |"
  echo "|---|---|---|---|"
  echo "| judging step (\`go test -bench BenchmarkJudge…\`, $benchtime) | ${judge_s} s/op, $((b_op / 1048576)) MiB and ${allocs_op} allocations/op | 10 s | $(cat "$work/judge-verdict.txt") |"
  echo "| the command once on the ${plan_kb} KB plan JSON (\`/usr/bin/time -v\`) | ${oneshot_s} s, max RSS $((oneshot_rss / 1024)) MiB, exit ${oneshot_exit}, ${oneshot_findings} EVT-01 findings listed | – | |"
  echo "| the same with \`--junit\`, \`--sarif\` and \`--summary\` | ${reports_s} s, exit ${reports_exit}, summary ${summary_bytes} bytes, ${sarif_results} SARIF results | summary under 1,048,576 bytes | |"
} >"$work/results.md"

if [ "$sealed" = 1 ]; then
  busy_events=100000
  busy_ucloud=215000
  [ "$quick" = 0 ] || { busy_events=5000; busy_ucloud=10000; }
  s="$work/sealed"
  mkdir -p "$s/repo/.git" "$s/plain"
  echo "==> the busy account, sealed: $busy_events CloudAudit events, $busy_ucloud UCloud operations"
  bash scripts/mirror.sh "$s/mirror" >/dev/null
  "$work/bin/auditlog-gate" pin --mirror "$s/mirror" >"$s/pins.json"
  # The reviewed repository: the compliance module and its root
  # configuration, as a user's repository holds them.
  tar -C "$root/examples" --exclude=.terraform --exclude='*.tfstate' --exclude='.terraform.lock.hcl' -cf - compliance | tar -C "$s/repo" -xf -
  tar -C "$root/examples" --exclude=.terraform --exclude='*.tfstate' --exclude='.terraform.lock.hcl' -cf - compliance | tar -C "$s/plain" -xf -

  # The simulator on a free loopback port, its credentials exported.
  "$work/bin/cloudsim" -addr 127.0.0.1:0 -url-file "$s/url" -cloudaudit-events "$busy_events" -events "$busy_ucloud" -ucloud-failure-every 200 >"$s/cloudsim.log" 2>&1 &
  sim_pid=$!
  trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do [ -s "$s/url" ] && break; sleep 0.1; done
  [ -s "$s/url" ] || { cat "$s/cloudsim.log" >&2; echo "the simulator did not start" >&2; exit 1; }
  while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(\(TENCENTCLOUD\|UCLOUD\)_[A-Za-z0-9_]*\)=.*/\1/p')
  eval "$(grep '^export ' "$s/cloudsim.log")"
  export TENCENTCLOUD_REGION=ap-guangzhou CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  unset TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_init TF_DATA_DIR TF_REATTACH_PROVIDERS TF_LOG TF_LOG_PATH

  # The busy account's policy data (scripts/bench-busy.sh), trusting this
  # simulator and pinning the mirror's provider; outside the reviewed
  # repository.
  sim_port=$(sed -E 's|^[a-z]+://[^:/]+:([0-9]+).*$|\1|' "$s/url")
  sed -n "/<<'JSON'\$/,/^JSON\$/p" scripts/bench-busy.sh | sed '1d;$d' | sed "s/SIM_PORT/$sim_port/" |
    jq --slurpfile pins "$s/pins.json" '.auditlog.policy.providers = $pins[0]' >"$s/policy-data.json"

  # The gate first: the simulator builds its data sets on their first call
  # (about a second at these sizes), which then counts against the gate.
  set +e
  /usr/bin/time -f 'wall_s=%e max_rss_kb=%M' -o "$s/gate-time.txt" env -u TF_CLI_CONFIG_FILE \
    "$work/bin/auditlog-gate" --data "$s/policy-data.json" --provider-mirror "$s/mirror" "$s/repo/compliance/root" >"$s/gate.out" 2>"$s/gate.err"
  gate_exit=$?
  set -e
  plain_ok=1
  plain_start=$(date +%s.%N)
  {
    TF_CLI_CONFIG_FILE="$s/mirror/terraformrc" terraform -chdir="$s/plain/compliance/root" init -input=false -no-color &&
      TF_CLI_CONFIG_FILE="$s/mirror/terraformrc" terraform -chdir="$s/plain/compliance/root" plan -input=false -no-color -lock=false -out=busy.tfplan \
        -var auditlog_policy_data_file="$s/policy-data.json" &&
      TF_CLI_CONFIG_FILE="$s/mirror/terraformrc" terraform -chdir="$s/plain/compliance/root" show -json busy.tfplan >"$s/plain.json"
  } >"$s/plain.log" 2>&1 || plain_ok=0
  plain_s=$(awk -v a="$(date +%s.%N)" -v b="$plain_start" 'BEGIN { printf "%.2f", a - b }')
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  trap - EXIT
  gate_s=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$s/gate-time.txt")
  gate_rss=$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' "$s/gate-time.txt")
  beyond=$(awk -v g="$gate_s" -v p="$plain_s" 'BEGIN { printf "%.2f", g - p }')
  if [ "$plain_ok" = 0 ]; then
    echo "    the plain init + plan + show FAILED; the end of $s/plain.log:" >&2
    tail -n 20 "$s/plain.log" >&2
    status=1
  fi
  case "$gate_exit" in 0 | 1) ;; *)
    echo "    the gate could not judge the sealed directory (exit $gate_exit); the end of $s/gate.err:" >&2
    tail -n 20 "$s/gate.err" >&2
    status=1
    ;;
  esac
  verdict "$beyond" 10 >"$s/verdict.txt"
  {
    echo
    echo "### auditlog-gate on the busy account's directory, sealed ($busy_events CloudAudit events, $busy_ucloud UCloud operations)"
    echo
    echo "| Figure | Measured | Target | |"
    echo "|---|---|---|---|"
    echo "| plain \`init\` + \`plan\` + \`show -json\`, same mirror and simulator | ${plain_s} s | – | |"
    echo "| the gate on the directory (exit ${gate_exit}), max RSS of the gate process $((gate_rss / 1024)) MiB | ${gate_s} s | – | |"
    echo "| the gate beyond the plain run | ${beyond} s | 10 s | $(cat "$s/verdict.txt") |"
  } >>"$work/results.md"
fi

cat "$work/results.md"
echo
echo "(written to .bench/gate/results.md)"
exit $status
