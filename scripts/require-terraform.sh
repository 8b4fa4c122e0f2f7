# Sourced by the scripts that drive terraform: fail early and clearly when it
# is missing. Nothing here downloads Terraform.
if ! command -v terraform >/dev/null 2>&1; then
  echo "error: the terraform binary (1.11 or newer) is not on PATH; install it and run again. Nothing is downloaded automatically." >&2
  exit 1
fi
# The guides' commands, which make test runs as written, use jq and git.
for tool in jq git; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is not on PATH: the guides' commands (run by TestAccGuides in make test) use it; install it and run again." >&2
    exit 1
  fi
done
