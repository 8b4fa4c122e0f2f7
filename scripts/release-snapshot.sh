#!/usr/bin/env bash
# make release-snapshot: the release build of every platform into dist/,
# unsigned and unpublished, then checks what the registries will check:
# one zip per platform holding terraform-provider-auditlog_v<version>[.exe],
# the manifest beside them, and a SHA256SUMS that lists every zip and the
# manifest with the right sums. Needs no tag and no network.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
$GO tool -modfile=tools/release/go.mod goreleaser release --snapshot --clean --skip=sign

project=terraform-provider-auditlog
version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)
[ -n "$version" ] || { echo "release-snapshot: no version in dist/metadata.json" >&2; exit 1; }
# The checksum file lists the manifest under its release name; goreleaser
# attaches it to the GitHub release only, so put it beside the zips here.
cp terraform-registry-manifest.json "dist/${project}_${version}_manifest.json"

cd dist
sums="${project}_${version}_SHA256SUMS"
fail=0
sha256sum --quiet --strict -c "$sums" || fail=1
listed=$(awk '{print $2}' "$sums" | sort)
present=$(ls "${project}_${version}"_*.zip "${project}_${version}_manifest.json" | sort)
if [ "$listed" != "$present" ]; then
  echo "release-snapshot: $sums does not list exactly the zips and the manifest:" >&2
  diff <(echo "$listed") <(echo "$present") >&2 || true
  fail=1
fi
zips=0
for z in "${project}_${version}"_*.zip; do
  zips=$((zips + 1))
  bin="${project}_v${version}"
  case "$z" in *_windows_*) bin="$bin.exe" ;; esac
  if ! unzip -Z1 "$z" | grep -qx "$bin"; then
    echo "release-snapshot: $z does not hold $bin" >&2
    fail=1
  fi
done
[ "$fail" = 0 ] || exit 1
echo "dist/: $zips zips, the manifest and $sums (all listed, sums verified), version $version, unsigned"
