#!/usr/bin/env bash
# Builds the provider into a local filesystem mirror and writes a CLI
# configuration that installs it from there, so that `terraform init` (and
# `tofu init`) work offline, install modules and write a real lock file:
#
#   scripts/mirror.sh [DIR]      (make mirror: DIR defaults to .mirror)
#
# DIR/registry.terraform.io/auditlog/auditlog/VERSION/OS_ARCH/terraform-provider-auditlog_vVERSION
# DIR/registry.opentofu.org/...  the same binary, for OpenTofu's default registry host
# DIR/terraformrc                the CLI configuration: export TF_CLI_CONFIG_FILE=DIR/terraformrc
#
# VERSION is the repository's VERSION file, stamped into the binary. Every
# other provider a configuration needs is still installed from its registry.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$repo/.mirror"}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
version=$(tr -d ' \n' <"$repo/VERSION")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "VERSION holds '$version', not a semantic version" >&2; exit 1; }
platform="$(go env GOOS)_$(go env GOARCH)"
binary="terraform-provider-auditlog_v$version"

hosts=(registry.terraform.io registry.opentofu.org)
first="$dir/${hosts[0]}/auditlog/auditlog/$version/$platform"
# A mirror directory holds one version: an older build left beside it would
# also be offered to init.
for host in "${hosts[@]}"; do
  rm -rf "$dir/$host/auditlog/auditlog"
done
mkdir -p "$first"
(cd "$repo" && go build -trimpath -ldflags "-X main.version=$version" -o "$first/$binary" .)
for host in "${hosts[@]:1}"; do
  mkdir -p "$dir/$host/auditlog/auditlog/$version/$platform"
  cp "$first/$binary" "$dir/$host/auditlog/auditlog/$version/$platform/$binary"
done

cat >"$dir/terraformrc" <<RC
# Installs auditlog/auditlog $version from the local mirror $dir;
# every other provider from its registry.
provider_installation {
  filesystem_mirror {
    path    = "$dir"
    include = ["registry.terraform.io/auditlog/auditlog", "registry.opentofu.org/auditlog/auditlog"]
  }
  direct {
    exclude = ["registry.terraform.io/auditlog/auditlog", "registry.opentofu.org/auditlog/auditlog"]
  }
}
RC
echo "$dir/terraformrc"
