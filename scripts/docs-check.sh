#!/usr/bin/env bash
# Regenerates docs/ from the schema, templates/ and examples/, and fails when
# that changed anything, so committed docs always match the code.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/require-terraform.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -d docs ] && cp -R docs "$work/docs"
# tfplugindocs is chatty; its output is shown only when it fails.
if ! go generate ./... >"$work/generate.log" 2>&1; then
  cat "$work/generate.log" >&2
  exit 1
fi
if ! go tool tfplugindocs validate --provider-name auditlog >"$work/validate.log" 2>&1; then
  cat "$work/validate.log" >&2
  exit 1
fi
if ! diff -r "$work/docs" docs >/dev/null 2>&1; then
  echo "docs/ was stale and has been regenerated from the schema, templates/ and examples/:" >&2
  diff -r "$work/docs" docs >&2 || true
  echo "review and commit the regenerated docs/." >&2
  exit 1
fi
echo "docs/ is up to date"
