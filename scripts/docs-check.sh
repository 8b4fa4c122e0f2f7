#!/usr/bin/env bash
# Regenerates docs/ from the schema, templates/ and examples/, and fails when
# that changed anything, so committed docs always match the code.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/require-terraform.sh
before=$(mktemp -d)
trap 'rm -rf "$before"' EXIT
[ -d docs ] && cp -R docs "$before/docs"
go generate ./... >/dev/null
go tool tfplugindocs validate --provider-name auditlog >/dev/null
if ! diff -r "$before/docs" docs >/dev/null 2>&1; then
  echo "docs/ was stale and has been regenerated from the schema, templates/ and examples/:" >&2
  diff -r "$before/docs" docs >&2 || true
  echo "review and commit the regenerated docs/." >&2
  exit 1
fi
echo "docs/ is up to date"
