#!/usr/bin/env bash
# goreleaser's before hook: release-preflight.sh VERSION IS_SNAPSHOT [MODULE_DIR].
#
# It changes nothing in the tree: a release builds exactly what its tag
# holds. On a real release it fails unless the tag's version is the one in
# VERSION (which the binary, the mirror and the lock files use) and the
# go.mod and go.sum of MODULE_DIR (default: the provider's, at the top;
# examples/policy for auditlog-gate) are tidy. A snapshot checks neither,
# so that it runs offline (`go mod tidy` needs the modules of dependencies'
# tests, which a build never downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: release-preflight.sh VERSION IS_SNAPSHOT [MODULE_DIR]}
snapshot=${2:-false}
module_dir=${3:-.}
want=$(tr -d '[:space:]' <VERSION)
if [ "$snapshot" = "true" ]; then
  case "$version" in
  "$want"-SNAPSHOT-*) ;;
  *) echo "release-preflight: snapshot version $version does not start with VERSION ($want)" >&2; exit 1 ;;
  esac
  exit 0
fi
if [ "$version" != "$want" ]; then
  echo "release-preflight: the tag says $version but VERSION says $want; tag v$want, or change VERSION (and CHANGELOG.md) first" >&2
  exit 1
fi
if ! (cd "$module_dir" && go mod tidy -diff); then
  echo "release-preflight: $module_dir/go.mod or go.sum is not tidy (the diff above); run go mod tidy there and commit before tagging" >&2
  exit 1
fi
