# Sourced by the benchmark scripts. bench_measured_provider WORK builds the
# provider, the simulator and benchpaging into WORK/bin, and makes terraform
# start "the provider" through a wrapper that runs the real binary as its
# child (stdio and environment passed through, so go-plugin's handshake is
# untouched) and, when it exits, appends the provider process's own CPU time
# and peak RSS (wait4) to $BENCH_PROVIDER_FIGURES. It exports the CLI
# configuration that points terraform at the wrapper, and leaves in the
# environment no logging, CLI arguments or cloud credentials of the shell's:
# only the simulator's, which the scripts export when they start it.
bench_measured_provider() {
  local work=$1
  mkdir -p "$work/bin" "$work/override"
  go build -o "$work/bin/terraform-provider-auditlog" .
  go build -o "$work/bin/cloudsim" ./cmd/cloudsim
  go build -o "$work/bin/benchpaging" ./cmd/benchpaging
  cat >"$work/override/terraform-provider-auditlog" <<SH
#!/bin/sh
exec "$work/bin/benchpaging" measure -poll 0 -label provider -o "\${BENCH_PROVIDER_FIGURES:?}" -- "$work/bin/terraform-provider-auditlog" "\$@"
SH
  chmod +x "$work/override/terraform-provider-auditlog"
  cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "auditlog/auditlog" = "$work/override"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraformrc"
  export TF_IN_AUTOMATION=1
  export CHECKPOINT_DISABLE=1 # terraform's update check needs a network
  unset TF_LOG TF_LOG_PROVIDER TF_LOG_CORE TF_LOG_PATH TF_CLI_ARGS TF_CLI_ARGS_plan TF_REATTACH_PROVIDERS
  local name
  while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(\(TENCENTCLOUD\|UCLOUD\)_[A-Za-z0-9_]*\)=.*/\1/p')
}

# stop_sim stops the simulator whose pid is $sim_pid, if one runs.
stop_sim() {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sim_pid=""
  fi
}
