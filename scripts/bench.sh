#!/usr/bin/env bash
# make bench: reads large audit histories through the real `terraform plan`
# and through the project's client package alone, and checks the targets of
# BENCHMARKS.md. Self-contained: it builds the provider, the simulator and the
# measuring helper (cmd/benchpaging) into .bench/, points terraform at the
# build with a dev_overrides CLI configuration, and runs one local simulator
# per case. Nothing is downloaded.
#
#   BENCH_SIZES="1000 10000"  record counts of the size sweep (default 1000 10000 100000)
#   BENCH_QUICK=1             a fast smoke run: small sizes, gates not enforced
#   BENCH_SOURCES="events"    only these cases (default: ucloud csip tracks events busy org; busy is
#                             the compliance module over a busy account, org the organization
#                             case, many accounts read with for_each; see BENCHMARKS.md)
#
# Figures are printed as Markdown and written to .bench/results.md; the raw
# figures of every run are in .bench/runs/. The script exits non-zero when a
# gate fails (after printing every figure), unless BENCH_QUICK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/require-terraform.sh

root=$(pwd)
work="$root/.bench"
quick=${BENCH_QUICK:-0}
[ "$quick" = 0 ] || [ "$quick" = 1 ] || { echo "BENCH_QUICK must be 0 or 1" >&2; exit 2; }
if [ "$quick" = 1 ]; then
  sizes=${BENCH_SIZES:-"200 1000"}
  net_csip=2000   # 20 pages of 100
  net_tracks=1000 # 10 pages of 100
  org_accounts=4  # 4 pages of 50 each
  org_events=200
else
  sizes=${BENCH_SIZES:-"1000 10000 100000"}
  net_csip=20000   # 200 pages of 100
  net_tracks=10000 # 100 pages of 100
  org_accounts=20  # 40 pages of 50 each
  org_events=2000
fi
sources=${BENCH_SOURCES:-"ucloud csip tracks events busy org"}
for s in $sources; do
  case $s in ucloud | csip | tracks | events | busy | org) ;; *) echo "BENCH_SOURCES: unknown data source '$s'" >&2; exit 2 ;; esac
done
selected() { [[ " $sources " == *" $1 "* ]]; }
for s in $sizes; do
  [[ "$s" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_SIZES: '$s' is not a positive record count" >&2; exit 2; }
done
sizes=$(tr ' ' '\n' <<<"$sizes" | sed '/^$/d' | sort -n | paste -sd' ')

# The CloudAudit read of the sweep asks for pages of 1000 tracking sets (the
# data source's page_size) so that it is not merely rate-bound: at the default
# page size of 20, 100,000 tracking sets are 5,000 calls, over four minutes at
# the API's 20 calls per second. CSIP pages are 100 records (the provider's
# fixed page size), UCloud and CloudAudit events pages 50 events (the APIs'
# maximum). CloudAudit events are paced at the API's 20 calls per second even
# against the zero-latency simulator: 10,000 events take 10 s, 100,000 take
# 100 s.
tracks_page=1000
csip_sub_uin=100021372635

rm -rf "$work"
mkdir -p "$work/bin" "$work/override" "$work/runs"

echo "==> building the provider, the simulator and the measuring helper"
. scripts/bench-provider.sh
bench_measured_provider "$work"

sim_pid=""
trap stop_sim EXIT

# start_sim DIR FLAGS...: a simulator on a free loopback port, its
# credentials and endpoints exported.
start_sim() {
  local dir=$1
  shift
  rm -f "$dir/url"
  "$work/bin/cloudsim" -addr 127.0.0.1:0 -url-file "$dir/url" -terraformrc "$TF_CLI_CONFIG_FILE" "$@" >"$dir/cloudsim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$dir/url" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$dir/cloudsim.log" >&2; echo "the simulator exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$dir/url" ] || { echo "the simulator did not start" >&2; exit 1; }
  eval "$(grep '^export ' "$dir/cloudsim.log")"
  # The raw client reads CloudAudit in this region too.
  export TENCENTCLOUD_REGION=ap-guangzhou
}

# write_config DIR SOURCE [TRACKS_PAGE_SIZE]: an empty provider block (the
# credentials come from the environment), one data source reading every
# record, and an output of its length, so the plan must hold the whole list.
write_config() {
  local dir=$1 source=$2 page=${3:-$tracks_page} block attr
  case $source in
    ucloud) block='data "auditlog_ucloud_operation_events" "all" {}'
      attr='data.auditlog_ucloud_operation_events.all.events' ;;
    csip) block="data \"auditlog_csip_user_call_records\" \"all\" {
  sub_uin = \"$csip_sub_uin\"
}"
      attr='data.auditlog_csip_user_call_records.all.data' ;;
    tracks) block="data \"auditlog_cloudaudit_tracks\" \"all\" {
  page_size = $page
}"
      attr='data.auditlog_cloudaudit_tracks.all.tracks' ;;
    # A window over the simulator's events (the 28 days before it started),
    # inside the API's 30-day span.
    events) block="data \"auditlog_cloudaudit_events\" \"all\" {
  start_time = $(($(date +%s) - 29 * 86400))
  end_time   = $(($(date +%s) + 12 * 3600))
}"
      attr='data.auditlog_cloudaudit_events.all.events' ;;
  esac
  mkdir -p "$dir"
  cat >"$dir/main.tf" <<TF
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {}

$block

output "n" {
  value = length($attr)
}
TF
}

sim_flag() {
  case $1 in
    ucloud) echo -events ;;
    csip) echo -call-records ;;
    tracks) echo -tracks ;;
    events) echo -cloudaudit-events ;;
  esac
}

raw_flags() {
  case $1 in
    tracks) echo "-page-size ${2:-$tracks_page}" ;;
    csip) echo "-sub-uin $csip_sub_uin" ;;
    *) echo "" ;;
  esac
}

failures=0

# sim_cpu: the simulator's CPU time so far, in seconds.
sim_cpu() {
  awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); printf "%.2f", (f[12] + f[13]) / 100 }' "/proc/$sim_pid/stat"
}

# plan DIR N: terraform plan under the measuring helper, checked for N.
plan() {
  local dir=$1 n=$2 sim0
  "$work/bin/benchpaging" quiet -max-wait 30s
  sim0=$(sim_cpu)
  if ! BENCH_PROVIDER_FIGURES="$dir/provider.txt" "$work/bin/benchpaging" measure -label terraform -timeout 10m -o "$dir/terraform.txt" -- \
    terraform -chdir="$dir/tf" plan -input=false -no-color -lock=false >"$dir/plan.log" 2>&1; then
    echo "    terraform plan FAILED; the end of $dir/plan.log:" >&2
    tail -n 20 "$dir/plan.log" >&2
    failures=$((failures + 1))
    return 0
  fi
  echo "plan_sim_cpu_s=$(awk -v a="$(sim_cpu)" -v b="$sim0" 'BEGIN { printf "%.2f", a - b }')" >>"$dir/sim.txt"
  if ! grep -Eq "^ *\+ n += $n\$" "$dir/plan.log"; then
    echo "    the plan does not show n = $n; see $dir/plan.log" >&2
    echo "exit=99" >>"$dir/terraform.txt"
    failures=$((failures + 1))
  fi
}

# raw DIR SOURCE N WARM [PAGE]: the client package alone, against the same
# simulator, after one untimed call and a pause of WARM.
raw() {
  local dir=$1 source=$2 n=$3 warm=$4 page=${5:-} sim0
  "$work/bin/benchpaging" quiet -max-wait 30s
  sim0=$(sim_cpu)
  # shellcheck disable=SC2046
  if ! "$work/bin/benchpaging" measure -poll 0 -label raw -timeout 5m -o "$dir/raw-measure.txt" -- \
    "$work/bin/benchpaging" read -source "$source" -expect "$n" -warm "$warm" $(raw_flags "$source" "$page") >"$dir/raw.txt" 2>"$dir/raw.err"; then
    echo "    raw paging FAILED: $(cat "$dir/raw.err")" >&2
    rm -f "$dir/raw.txt"
    failures=$((failures + 1))
    return 0
  fi
  echo "raw_sim_cpu_s=$(awk -v a="$(sim_cpu)" -v b="$sim0" 'BEGIN { printf "%.2f", a - b }')" >>"$dir/sim.txt"
}

echo "==> size sweep: $sizes records (zero-latency simulator)"
for source in $sources; do
  [ "$source" != busy ] && [ "$source" != org ] || continue
  for n in $sizes; do
    dir="$work/runs/plan/$source/$n"
    mkdir -p "$dir"
    write_config "$dir/tf" "$source"
    start_sim "$dir" "$(sim_flag "$source")" "$n"
    # The raw read goes first; its untimed first call makes the simulator
    # build its data set, which it does on the first call.
    raw "$dir" "$source" "$n" 0s
    plan "$dir" "$n"
    stop_sim
    printf '    %-7s %7d records: plan %ss, raw paging %ss\n' "$source" "$n" \
      "$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$dir/terraform.txt" | head -n 1)" \
      "$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$dir/raw.txt" 2>/dev/null | head -n 1)"
  done
done

echo "==> network-bound: 100 ms per call, the simulator enforcing 20 calls/s per action"
# CloudAudit events are paged by token, one call after the other: at 100 ms
# per call they cannot reach 20 calls/s, so they have no network-bound row.
for source in csip tracks; do
  selected "$source" || continue
  dir="$work/runs/net/$source"
  mkdir -p "$dir"
  if [ "$source" = csip ]; then n=$net_csip; else n=$net_tracks; fi
  write_config "$dir/tf" "$source" 100
  start_sim "$dir" -latency 100ms -enforce-rate-limits "$(sim_flag "$source")" "$n"
  # The pause after the warm-up call leaves the simulator's one-second rate
  # window before the timed read starts.
  raw "$dir" "$source" "$n" 1100ms 100
  plan "$dir" "$n"
  stop_sim
  printf '    %-7s %7d records: %s\n' "$source" "$n" "$(cat "$dir/raw.txt" 2>/dev/null || echo failed)"
done

# write_org_config DIR ACCOUNTS: one account block per member account of
# `cloudsim -accounts`, and one CloudAudit events read per account with
# for_each over them; the output is the number of events of all.
write_org_config() {
  local dir=$1 accounts=$2 i names="" blocks=""
  for i in $(seq 1 "$accounts"); do
    names+="\"a$i\", "
    blocks+="    account {
      name     = \"a$i\"
      role_arn = \"qcs::cam::uin/$((100000000001 + i)):roleName/auditor\"
    }
"
  done
  mkdir -p "$dir"
  cat >"$dir/main.tf" <<TF
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}

provider "auditlog" {
  tencentcloud {
$blocks  }
}

data "auditlog_cloudaudit_events" "org" {
  for_each   = toset([${names%, }])
  account    = each.key
  start_time = $(($(date +%s) - 29 * 86400))
  end_time   = $(($(date +%s) + 12 * 3600))
}

output "n" {
  value = sum([for d in data.auditlog_cloudaudit_events.org : length(d.events)])
}
TF
}

if selected org; then
  echo "==> organization: $org_accounts accounts x $org_events CloudAudit events, for_each, 20 calls/s per action and account"
  dir="$work/runs/org/single"
  mkdir -p "$dir"
  write_config "$dir/tf" events
  start_sim "$dir" -enforce-rate-limits -cloudaudit-events "$org_events"
  plan "$dir" "$org_events"
  stop_sim
  dir="$work/runs/org/many"
  mkdir -p "$dir"
  write_org_config "$dir/tf" "$org_accounts"
  start_sim "$dir" -enforce-rate-limits -cloudaudit-events -1 -accounts "$org_accounts" -account-events "$org_events" -stats-file "$dir/stats.txt"
  export TF_LOG_PROVIDER=INFO TF_LOG_PATH="$dir/provider.log"
  plan "$dir" $((org_accounts * org_events))
  unset TF_LOG_PROVIDER TF_LOG_PATH
  stop_sim
  printf '    one account: plan %ss; %d accounts: plan %ss; %s\n' \
    "$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$work/runs/org/single/terraform.txt" | head -n 1)" "$org_accounts" \
    "$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$dir/terraform.txt" | head -n 1)" "$(cat "$dir/stats.txt" 2>/dev/null)"
fi

busy_status=0
if selected busy; then
  . scripts/bench-busy.sh
fi

header="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; $(terraform version | head -n 1), $(go version | cut -d' ' -f3)."
echo
gates=-gates
[ "$quick" = 0 ] || gates=-gates=false
set +e
"$work/bin/benchpaging" report -dir "$work/runs" -sizes "$sizes" -org-accounts "$org_accounts" $gates -o "$work/results.md" -header "$header"
status=$?
set -e
[ ! -s "$work/busy.md" ] || cat "$work/busy.md" >>"$work/results.md"
[ "$busy_status" = 0 ] || status=1
echo
echo "(written to .bench/results.md)"
if [ "$failures" -gt 0 ]; then
  echo "$failures run(s) failed" >&2 # even in a quick run: the harness itself is broken
  exit 1
fi
exit $status
