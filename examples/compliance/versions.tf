# The compliance controls, usable as a module or as a root configuration.
#
# This module configures no provider: the caller does (see root/main.tf), so
# that it can be called with count or for_each, once per account, and its
# credentials come from wherever the caller keeps them.

terraform {
  required_version = ">= 1.9"

  required_providers {
    auditlog = {
      source = "auditlog/auditlog"
    }
  }
}
