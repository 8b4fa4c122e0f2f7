#!/usr/bin/env bash
# Runs the hostile-gateway suite (TestAccHostileGateways: terraform plan with
# the real provider binary against both clouds' data sources through
# misbehaving gateways, proxies and TLS) and prints it as a Markdown table:
# one row per case, one column per data source, each cell the outcome, how
# many times the faulted page (or connection, or tunnel) was asked for, and
# the wall time of the plan; the last column is the provider's peak RSS.
# HOSTILE_PROVIDER_BIN=path runs another build of the provider (to measure
# an older one); its failures are then reported, not fatal.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
TF_ACC=1 go test -count=1 -v -timeout 10m -run '^TestAccHostileGateways$' ./internal/provider/ >"$log" 2>&1 || status=$?
python3 - "$log" <<'PY'
import re, sys
rows, cols, cells, rss, total = [], [], {}, {}, ""
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r"HOSTILE-TOTAL \| (.*)$", line)
    if m:
        total = m.group(1).strip()
        continue
    m = re.search(r"HOSTILE \| (.*)$", line)
    if not m:
        continue
    case, source, outcome, attempts, took, peak = [p.strip() for p in m.group(1).split(" | ")]
    if case not in rows:
        rows.append(case)
    if source not in cols:
        cols.append(source)
    if outcome.startswith("n/a"):
        cell = outcome
    else:
        n = int(attempts)
        cell = f"{outcome} ({n} {'attempt' if n == 1 else 'attempts'}, {took})"
    # Markdown: quoted HTML must show as text, pipes must not split cells.
    cells[(case, source)] = cell.replace("<", "&lt;").replace("|", "\\|")
    rss[(case, source)] = peak
names = {"tencent": "`auditlog_cloudaudit_tracks`", "ucloud": "`auditlog_ucloud_operation_events`"}
print("| case | " + " | ".join(names.get(c, c) for c in cols) + " | provider peak RSS MiB (" + " / ".join(cols) + ") |")
print("|---|" + "---|" * len(cols) + "---:|")
for r in rows:
    print(f"| {r.replace('<', '&lt;')} | " + " | ".join(cells.get((r, c), "") for c in cols) + " | " + " / ".join(rss.get((r, c), "") for c in cols) + " |")
if total:
    print(f"\n{total.split(' | ')[0]} in {total.split(' | ')[1]} of plans.")
PY
if [ "$status" -ne 0 ]; then
  grep -a -E -- "--- FAIL|\.go:[0-9]+:" "$log" | grep -v "HOSTILE" | head -40 >&2
  [ -n "${HOSTILE_PROVIDER_BIN:-}" ] || exit "$status"
fi
