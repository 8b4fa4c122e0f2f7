# Each control is a check block: a failing control is a warning that names
# its findings, and `terraform plan` still exits 0. With enforce = true the
# same conditions are preconditions of terraform_data.enforce, and a failing
# control fails the plan (exit 1).
#
# A verdict that rests on evidence known only after apply (a read deferred
# because one of its arguments is unknown) is unknown at plan time; Terraform
# 1.11 then postpones the check and the precondition to apply, and the plan
# exits 0. The plan's exit code is therefore no gate: the gate command of
# examples/policy is.

check "trk_01" {
  assert {
    condition     = local.verdicts["TRK-01"].status == "pass"
    error_message = local.verdicts["TRK-01"].message
  }
}

check "trk_02" {
  assert {
    condition     = local.verdicts["TRK-02"].status == "pass"
    error_message = local.verdicts["TRK-02"].message
  }
}

check "trk_03" {
  assert {
    condition     = local.verdicts["TRK-03"].status == "pass"
    error_message = local.verdicts["TRK-03"].message
  }
}

check "net_01" {
  assert {
    condition     = local.verdicts["NET-01"].status == "pass"
    error_message = local.verdicts["NET-01"].message
  }
}

check "uc_01" {
  assert {
    condition     = local.verdicts["UC-01"].status == "pass"
    error_message = local.verdicts["UC-01"].message
  }
}

check "uc_02" {
  assert {
    condition     = local.verdicts["UC-02"].status == "pass"
    error_message = local.verdicts["UC-02"].message
  }
}

# A control that reviewed no record (an empty window) is not a check of its
# own: the compliance output and the report say so, and fail_on_no_records
# makes such controls fail.
locals {
  empty_controls = sort([for id, c in local.controls : id if c.records == 0])
}

resource "terraform_data" "enforce" {
  count = var.enforce ? 1 : 0

  input = { for id, c in local.verdicts : id => c.status }

  lifecycle {
    precondition {
      condition     = local.verdicts["TRK-01"].status == "pass"
      error_message = local.verdicts["TRK-01"].message
    }
    precondition {
      condition     = local.verdicts["TRK-02"].status == "pass"
      error_message = local.verdicts["TRK-02"].message
    }
    precondition {
      condition     = local.verdicts["TRK-03"].status == "pass"
      error_message = local.verdicts["TRK-03"].message
    }
    precondition {
      condition     = local.verdicts["NET-01"].status == "pass"
      error_message = local.verdicts["NET-01"].message
    }
    precondition {
      condition     = local.verdicts["UC-01"].status == "pass"
      error_message = local.verdicts["UC-01"].message
    }
    precondition {
      condition     = local.verdicts["UC-02"].status == "pass"
      error_message = local.verdicts["UC-02"].message
    }
    precondition {
      condition     = local.verdicts["TRK-04"].status == "pass"
      error_message = local.verdicts["TRK-04"].message
    }
    precondition {
      condition     = local.verdicts["EVT-01"].status == "pass"
      error_message = local.verdicts["EVT-01"].message
    }
    precondition {
      condition     = local.verdicts["RET-01"].status == "pass"
      error_message = local.verdicts["RET-01"].message
    }
    precondition {
      condition     = local.verdicts["EVT-02"].status == "pass"
      error_message = local.verdicts["EVT-02"].message
    }
  }
}
