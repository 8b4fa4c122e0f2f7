# Sourced by scripts/bench.sh (BENCH_SOURCES "cls"): auditlog_cls_search
# reading every CloudAudit event of 180 days from the CLS topic a tracking
# set delivers to, past the 10,000 rows of a Context walk, through the real
# `terraform plan`. Uses bench.sh's $work, start_sim, stop_sim, $quick and
# $failures; sets cls_status and writes $work/cls.md.
#
# The topic: the 29th generated tracking set (every product, ActionType
# Write) delivers about 76% of the generated events to its topic in
# ap-hongkong, so 131,500 events put about 100,000 in it. The same question
# through auditlog_cloudaudit_events cannot be asked (90 days, 30 a query);
# its floor for 100,000 events is one DescribeEvents call per 50 at 20 calls
# a second: 100 s.

cls_events=131500
[ "$quick" = 0 ] || cls_events=13150
cls="$work/cls"
rm -rf "$cls"
mkdir -p "$cls/tf"
echo "==> cls: auditlog_cls_search over $cls_events generated CloudAudit events, 180 days"
cat >"$cls/tf/main.tf" <<'HCL'
terraform {
  required_providers {
    auditlog = { source = "auditlog/auditlog" }
  }
}
provider "auditlog" {
  tencentcloud {}
}
locals { now = plantimestamp() }
data "auditlog_cls_search" "all" {
  region   = "ap-hongkong"
  topic_id = "5a1c001c-4d2e-4c1a-9e7b-3f00aa00001c"
  query    = "*"
  from     = provider::auditlog::unix_time(timeadd(local.now, "-4344h"))
  to       = provider::auditlog::unix_time(timeadd(local.now, "-20m"))
}
output "records" { value = data.auditlog_cls_search.all.evidence.records }
output "complete" { value = data.auditlog_cls_search.all.evidence.complete }
output "histogram_total" { value = data.auditlog_cls_search.all.search_evidence.histogram_total }
HCL

start_sim "$cls" -tracks 29 -cls-events "$cls_events" -cls-days 180 -enforce-rate-limits
"$work/bin/benchpaging" quiet -max-wait 30s
cls_status=0
if TF_LOG_PROVIDER=INFO TF_LOG_PATH="$cls/provider.log" BENCH_PROVIDER_FIGURES="$cls/provider.txt" \
  "$work/bin/benchpaging" measure -label terraform -timeout 15m -o "$cls/terraform.txt" -- \
  terraform -chdir="$cls/tf" plan -input=false -no-color -lock=false -out=cls.tfplan >"$cls/plan.log" 2>&1; then
  BENCH_PROVIDER_FIGURES="$cls/provider-show.txt" "$work/bin/benchpaging" measure -label show -o "$cls/show.txt" -- sh -c "terraform -chdir='$cls/tf' show -json cls.tfplan >'$cls/plan.json'"
else
  echo "    terraform plan FAILED; the end of $cls/plan.log:" >&2
  tail -n 20 "$cls/plan.log" >&2
  failures=$((failures + 1))
fi
stop_sim

if [ -s "$cls/plan.json" ]; then
  cfig() { sed -n "s/.*\\b$2=\\([0-9.]*\\).*/\\1/p" "$1" 2>/dev/null | head -n 1; }
  out() { sed -n "s/^ *+ $1 *= *\\(.*\\)$/\\1/p" "$cls/plan.log" | head -n 1; }
  records=$(out records)
  complete=$(out complete)
  total=$(out histogram_total)
  wall=$(cfig "$cls/terraform.txt" wall_s)
  tf_rss=$(cfig "$cls/terraform.txt" hwm_kb)
  prov_rss=$(sed -n 's/.*\btree_maxrss_kb=\([0-9]*\).*/\1/p' "$cls/provider.txt" | sort -n | tail -n 1)
  # The provider's read, from its "read finished" line: every API call, the
  # simulator's answers included, and building the state value.
  prov_ms=$(sed -n 's/.*read finished.*\bduration_ms=\([0-9]*\).*/\1/p' "$cls/provider.log" | head -n 1)
  pages=$(sed -n 's/.*read finished.*\bpages=\([0-9]*\).*/\1/p' "$cls/provider.log" | head -n 1)
  json_bytes=$(stat -c %s "$cls/plan.json")
  show_s=$(cfig "$cls/show.txt" wall_s)
  terraform_s=$(awk -v w="$wall" -v p="$prov_ms" 'BEGIN { printf "%.1f", w - p / 1000 }')
  check() { awk -v v="$1" -v m="$2" 'BEGIN { exit !(v <= m) }' && echo ok || { echo "**over**"; [ "$quick" = 1 ] || cls_status=1; }; }
  [ "$complete" = true ] && [ "$records" = "$total" ] || { echo "    the read is not complete: $records of $total" >&2; failures=$((failures + 1)); }
  {
    echo
    echo "### CLS: auditlog_cls_search, every CloudAudit event of 180 days in one topic"
    echo
    echo "$records logs read in $pages calls (histogram: $total; complete: $complete). auditlog_cloudaudit_events cannot read past 90 days; its floor for as many events is $(awk -v n="$records" 'BEGIN { printf "%.0f", int((n + 49) / 50) / 20 }') s."
    echo
    echo "| Figure | Measured | Target | |"
    echo "|---|---|---|---|"
    echo "| terraform plan, wall | ${wall} s | 30 s | $(check "$wall" 30) |"
    echo "| provider read (API calls and simulator included) | $(awk -v p="$prov_ms" 'BEGIN { printf "%.1f", p / 1000 }') s | - | |"
    echo "| Terraform beyond the read | ${terraform_s} s | - | |"
    echo "| terraform peak RSS | $((tf_rss / 1024)) MB | - | |"
    echo "| provider peak RSS | $((prov_rss / 1024)) MB | - | |"
    echo "| plan JSON (terraform show -json) | $((json_bytes / 1024 / 1024)) MB, ${show_s} s | - | |"
  } >"$work/cls.md"
  cat "$work/cls.md"
fi
