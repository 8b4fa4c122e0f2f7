# Sourced by the scripts that drive terraform: fail early and clearly when it
# is missing. Nothing here downloads Terraform.
if ! command -v terraform >/dev/null 2>&1; then
  echo "error: the terraform binary (1.11 or newer) is not on PATH; install it and run again. Nothing is downloaded automatically." >&2
  exit 1
fi
