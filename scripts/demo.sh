#!/usr/bin/env bash
# Runs the compliance report in examples/demo against the local cloud
# simulator: builds the provider into a local filesystem mirror
# (scripts/mirror.sh) and the simulator, starts the simulator on a free
# loopback port, installs the provider with `terraform init` as a user does,
# prints the report, and stops the simulator. It also writes
# .demo/terraformrc, a dev override for trying changes by hand (README).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/require-terraform.sh

root=$(pwd)
work="$root/.demo"
rm -rf "$work"
mkdir -p "$work/bin" "$work/run"

echo "==> building the provider into the mirror $work/mirror, and the simulator"
rc=$(bash scripts/mirror.sh "$work/mirror")
go build -o "$work/bin/terraform-provider-auditlog" .
go build -o "$work/bin/cloudsim" ./cmd/cloudsim

# For development only (make simulator, README): the freshly built binary,
# used without init. The demo itself installs from the mirror.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "auditlog/auditlog" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$rc"
version=$(tr -d ' \n' <VERSION)
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1 # terraform's update check needs a network

echo "==> starting the simulator"
"$work/bin/cloudsim" -addr 127.0.0.1:0 -url-file "$work/url" -terraformrc "$rc" -tracks "${DEMO_TRACKS:-9}" -cloudaudit-events "${DEMO_CLOUDAUDIT_EVENTS:-600}" >"$work/cloudsim.log" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/cloudsim.log"; echo "the simulator exited" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/url" ] || { echo "the simulator did not start" >&2; exit 1; }
url=$(cat "$work/url")
echo "    serving on $url"

# The simulator's fixture credentials, passed the way a user passes real ones.
eval "$(grep '^export ' "$work/cloudsim.log")"

cp examples/demo/*.tf "$work/run/"
# Installed as a user installs it: init, from the mirror, with a lock file.
init() {
  if ! terraform -chdir="$1" init -input=false -no-color >"$1/init.log" 2>&1; then
    cat "$1/init.log"
    exit 1
  fi
  grep -q "version *= \"$version\"" "$1/.terraform.lock.hcl" ||
    { echo "the lock file in $1 does not name version $version" >&2; exit 1; }
}
echo "==> terraform init (auditlog/auditlog $version from the mirror)"
init "$work/run"
# The report's "now", for the CloudAudit events window.
export TF_VAR_audit_now=$(date +%s)
echo "    audit_now = $TF_VAR_audit_now (TF_VAR_audit_now: the report's \"now\"; the events section looks audit_days = 7 days back)"
echo "==> terraform apply (data sources only: nothing is created)"
if ! terraform -chdir="$work/run" apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1; then
  cat "$work/apply.log"
  exit 1
fi
echo
for report in cloudaudit_report cloudaudit_events_report csip_report ucloud_report; do
  if terraform -chdir="$work/run" output -raw "$report" >"$work/$report.txt" 2>/dev/null; then
    cat "$work/$report.txt"
    echo
  fi
done

# The compliance controls of examples/compliance, against the simulator's
# noncompliant scenario: every control's verdict, and the findings.
echo "==> compliance controls (examples/compliance) against the noncompliant scenario"
kill "$sim_pid" 2>/dev/null || true
wait "$sim_pid" 2>/dev/null || true
rm -f "$work/url"
"$work/bin/cloudsim" -addr 127.0.0.1:0 -url-file "$work/url" -terraformrc "$rc" -scenario noncompliant >"$work/cloudsim-scenario.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/cloudsim-scenario.log"; echo "the simulator exited" >&2; exit 1; }
  sleep 0.1
done
eval "$(grep '^export ' "$work/cloudsim-scenario.log")"
mkdir -p "$work/compliance"
cp -R examples/compliance/. "$work/compliance/"
rm -rf "$work/compliance/root/.terraform"
init "$work/compliance/root"
if ! terraform -chdir="$work/compliance/root" apply -auto-approve -input=false -no-color \
  -var-file=../test/scenario.tfvars >"$work/compliance-apply.log" 2>&1; then
  cat "$work/compliance-apply.log"
  exit 1
fi
echo
terraform -chdir="$work/compliance/root" output -raw compliance_report
