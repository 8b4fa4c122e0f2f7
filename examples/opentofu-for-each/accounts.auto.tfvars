accounts = {
  production = {
    tccli_profile  = "prod-audit"
    ucloud_profile = "prod-audit"
  }
  staging = {
    tccli_profile  = "staging-audit"
    ucloud_profile = "staging-audit"
  }
}
