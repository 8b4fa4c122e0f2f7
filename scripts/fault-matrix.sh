#!/usr/bin/env bash
# Runs the fault matrix (TestAccFaultMatrix: every injected fault against
# every paged data source, through the real terraform binary and the
# simulator) and prints it as a Markdown table: one row per fault, one column
# per data source, each cell the outcome and the wall time of the case.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
TF_ACC=1 go test -count=1 -v -timeout 30m -run '^TestAccFaultMatrix$' ./internal/provider/ >"$log" 2>&1 || status=$?
python3 - "$log" <<'PY'
import re, sys
rows, cols, cells = [], [], {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"MATRIX \| (.*)$", line)
    if not m:
        continue
    parts = [p.strip() for p in m.group(1).split(" | ")]
    fault, source = parts[0], parts[1]
    if len(parts) == 3:  # n/a: why
        cell = parts[2]
    else:
        outcome, _faulted, took = parts[2], parts[3], parts[4]
        # Errors are logged as the regular expression the case expects.
        outcome = outcome.replace(r"\s+", " ").replace(".*", " … ").replace(r"\.", ".").replace("[0-9a-f-]{36}", "<uuid>").replace(r"\d+", "N")
        cell = f"{outcome} ({took})"
    if fault not in rows:
        rows.append(fault)
    if source not in cols:
        cols.append(source)
    cells[(fault, source)] = cell.replace("|", "\\|")
print("| fault | " + " | ".join(f"`auditlog_{c}`" for c in cols) + " |")
print("|---|" + "---|" * len(cols))
for r in rows:
    print(f"| {r} | " + " | ".join(cells.get((r, c), "") for c in cols) + " |")
PY
if [ "$status" -ne 0 ]; then
  grep -E -- "--- FAIL|\.go:[0-9]+:" "$log" | head -40 >&2
  exit "$status"
fi
