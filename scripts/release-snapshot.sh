#!/usr/bin/env bash
# make release-snapshot: the release build of every platform, unsigned and
# unpublished, of the provider (.goreleaser.yml, into dist/) and of
# auditlog-gate (.goreleaser-gate.yml, into dist-gate/), then checks what
# the registries and the gate's users will check. Needs no tag and no
# network.
#
# Provider: one zip per platform holding terraform-provider-auditlog_v<version>[.exe],
# the manifest beside them, and a SHA256SUMS that lists every zip and the
# manifest with the right sums, nothing else.
# Gate: one archive per released platform (linux, darwin, windows on amd64
# and arm64; tar.gz, zip on Windows) holding auditlog-gate[.exe], and
# auditlog-gate_<version>_SHA256SUMS listing exactly those archives with the
# right sums; this machine's binary reports the version.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
goreleaser() { $GO tool -modfile=tools/release/go.mod goreleaser "$@"; }
snapshot_version() {
  local v
  v=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' "$1/metadata.json")
  [ -n "$v" ] || { echo "release-snapshot: no version in $1/metadata.json" >&2; exit 1; }
  echo "$v"
}
# listed_is_present DIR SUMS FILE...: SUMS lists exactly FILE... (all in DIR).
listed_is_present() {
  local dir=$1 sums=$2 listed present
  shift 2
  listed=$(awk '{print $2}' "$dir/$sums" | sort)
  present=$(printf '%s\n' "$@" | sort)
  if [ "$listed" != "$present" ]; then
    echo "release-snapshot: $sums does not list exactly these:" >&2
    diff <(echo "$listed") <(echo "$present") >&2 || true
    return 1
  fi
}
fail=0
# RELEASE_ONLY=gate (or provider) builds and checks one of the two sets.
only=${RELEASE_ONLY:-}
case "$only" in "" | gate | provider) ;; *) echo "release-snapshot: RELEASE_ONLY is gate or provider, not $only" >&2; exit 2 ;; esac

zips=0 provider_seconds=0 version="" sums=""
if [ "$only" != gate ]; then
start=$SECONDS
goreleaser release --snapshot --clean --skip=sign
project=terraform-provider-auditlog
version=$(snapshot_version dist)
# The checksum file lists the manifest under its release name; goreleaser
# attaches it to the GitHub release only, so put it beside the zips here.
cp terraform-registry-manifest.json "dist/${project}_${version}_manifest.json"
sums="${project}_${version}_SHA256SUMS"
(cd dist && sha256sum --quiet --strict -c "$sums") || fail=1
(cd dist && listed_is_present . "$sums" "${project}_${version}"_*.zip "${project}_${version}_manifest.json") || fail=1
zips=0
for z in dist/"${project}_${version}"_*.zip; do
  zips=$((zips + 1))
  bin="${project}_v${version}"
  case "$z" in *_windows_*) bin="$bin.exe" ;; esac
  if ! unzip -Z1 "$z" | grep -qx "$bin"; then
    echo "release-snapshot: $z does not hold $bin" >&2
    fail=1
  fi
done
provider_seconds=$((SECONDS - start))
fi

archives=() gate_seconds=0 gate_version="" gate_sums=""
if [ "$only" != provider ]; then

start=$SECONDS
goreleaser release --snapshot --clean --skip=sign --config .goreleaser-gate.yml
gate=auditlog-gate
gate_version=$(snapshot_version dist-gate)
gate_sums="${gate}_${gate_version}_SHA256SUMS"
archives=()
for platform in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64; do
  archive="${gate}_${gate_version}_${platform}" bin=$gate
  case "$platform" in
  windows_*) archive="$archive.zip" bin="$gate.exe" ;;
  *) archive="$archive.tar.gz" ;;
  esac
  archives+=("$archive")
  members=
  if [ -f "dist-gate/$archive" ]; then
    case "$archive" in
    *.zip) members=$(unzip -Z1 "dist-gate/$archive") ;;
    *) members=$(tar -tzf "dist-gate/$archive") ;;
    esac
  fi
  if ! grep -qx "$bin" <<<"$members"; then
    echo "release-snapshot: dist-gate/$archive is missing or does not hold $bin" >&2
    fail=1
  fi
done
(cd dist-gate && sha256sum --quiet --strict -c "$gate_sums") || fail=1
(cd dist-gate && listed_is_present . "$gate_sums" "${archives[@]}") || fail=1
# This machine's build, as a user runs it, must say which release it is.
here="$($GO env GOOS)_$($GO env GOARCH)"
bin=$(ls -d dist-gate/"${gate}_${here}"*/"$gate" 2>/dev/null | head -n1)
if [ -z "$bin" ]; then
  echo "release-snapshot: no $here build of $gate in dist-gate/" >&2
  fail=1
elif ! "$bin" --version | tr -s ' \t' '\n' | grep -qxF -- "$gate_version"; then
  echo "release-snapshot: $bin --version does not report $gate_version" >&2
  fail=1
fi
gate_seconds=$((SECONDS - start))
fi

[ "$fail" = 0 ] || exit 1
[ "$only" = gate ] || echo "dist/: $zips zips, the manifest and $sums (all listed, sums verified), version $version, unsigned (${provider_seconds}s)"
[ "$only" = provider ] || echo "dist-gate/: ${#archives[@]} archives and $gate_sums (all listed, sums verified), version $gate_version, unsigned (${gate_seconds}s)"
