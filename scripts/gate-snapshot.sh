#!/usr/bin/env bash
# gate-snapshot.sh OUTDIR: auditlog-gate's release build for one platform
# only (this machine's, or GOOS/GOARCH), through goreleaser's snapshot with
# .goreleaser-gate.yml, unsigned, so that tests install the command from the
# very archive and checksum file a release holds without building every
# platform. OUTDIR receives
#
#   auditlog-gate_<version>_<os>_<arch>.tar.gz (.zip on Windows)
#   auditlog-gate_<version>_SHA256SUMS   listing that archive alone
#
# named as on a release (<version> is VERSION-SNAPSHOT-<commit>), and
# goreleaser's own output under OUTDIR/dist. The only change to the release
# configuration is the target list and the dist directory; goreleaser's
# `build --single-target` makes no archives or checksums, and `release`
# has no single-target mode.
set -euo pipefail
out=${1:?usage: gate-snapshot.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.."
GO=${GO:-go}
target="$($GO env GOOS)_$($GO env GOARCH)"

# The release configuration with its one-line target list replaced by this
# target, which must be one of them (a platform we do not release would
# test nothing a user gets).
config="$out/goreleaser-gate-$target.yml"
awk -v target="$target" -v dist="$out/dist" '
  /^dist: / { print "dist: " dist; dists++; next }
  /^    targets: \[.*\]$/ {
    list = $0
    sub(/^ *targets: \[/, "", list); sub(/\]$/, "", list); gsub(/ /, "", list)
    n = split(list, released, ",")
    for (i = 1; i <= n; i++) if (released[i] == target) found = 1
    print "    targets: [" target "]"; targets++; next
  }
  { print }
  END {
    if (dists != 1 || targets != 1) { print "gate-snapshot: .goreleaser-gate.yml needs one dist: line and one one-line targets: list" > "/dev/stderr"; exit 1 }
    if (!found) { print "gate-snapshot: " target " is not a platform .goreleaser-gate.yml releases" > "/dev/stderr"; exit 1 }
  }' .goreleaser-gate.yml >"$config"

$GO tool -modfile=tools/release/go.mod goreleaser release --snapshot --clean --skip=sign --config "$config"

version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$out/dist/metadata.json")
[ -n "$version" ] || { echo "gate-snapshot: no version in $out/dist/metadata.json" >&2; exit 1; }
ext=tar.gz
case "$target" in windows_*) ext=zip ;; esac
archive="auditlog-gate_${version}_${target}.${ext}"
sums="auditlog-gate_${version}_SHA256SUMS"
cp "$out/dist/$archive" "$out/dist/$sums" "$out/"
if [ "$(awk '{print $2}' "$out/$sums")" != "$archive" ]; then
  echo "gate-snapshot: $sums does not list exactly $archive:" >&2
  cat "$out/$sums" >&2
  exit 1
fi
(cd "$out" && sha256sum --quiet --strict -c "$sums")
echo "$out: $archive and $sums, version $version, unsigned"
