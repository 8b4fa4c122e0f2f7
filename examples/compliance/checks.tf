# Each control is a check block: a failing control is a warning that names
# its findings, and `terraform plan` still exits 0. With enforce = true the
# same conditions are preconditions of terraform_data.enforce, and a failing
# control fails the plan (exit 1) for CI gating.

check "trk_01" {
  assert {
    condition     = local.controls["TRK-01"].status == "pass"
    error_message = local.controls["TRK-01"].message
  }
}

check "trk_02" {
  assert {
    condition     = local.controls["TRK-02"].status == "pass"
    error_message = local.controls["TRK-02"].message
  }
}

check "trk_03" {
  assert {
    condition     = local.controls["TRK-03"].status == "pass"
    error_message = local.controls["TRK-03"].message
  }
}

check "net_01" {
  assert {
    condition     = local.controls["NET-01"].status == "pass"
    error_message = local.controls["NET-01"].message
  }
}

check "uc_01" {
  assert {
    condition     = local.controls["UC-01"].status == "pass"
    error_message = local.controls["UC-01"].message
  }
}

check "uc_02" {
  assert {
    condition     = local.controls["UC-02"].status == "pass"
    error_message = local.controls["UC-02"].message
  }
}

resource "terraform_data" "enforce" {
  count = var.enforce ? 1 : 0

  input = { for id, c in local.controls : id => c.status }

  lifecycle {
    precondition {
      condition     = local.controls["TRK-01"].status == "pass"
      error_message = local.controls["TRK-01"].message
    }
    precondition {
      condition     = local.controls["TRK-02"].status == "pass"
      error_message = local.controls["TRK-02"].message
    }
    precondition {
      condition     = local.controls["TRK-03"].status == "pass"
      error_message = local.controls["TRK-03"].message
    }
    precondition {
      condition     = local.controls["NET-01"].status == "pass"
      error_message = local.controls["NET-01"].message
    }
    precondition {
      condition     = local.controls["UC-01"].status == "pass"
      error_message = local.controls["UC-01"].message
    }
    precondition {
      condition     = local.controls["UC-02"].status == "pass"
      error_message = local.controls["UC-02"].message
    }
    precondition {
      condition     = local.controls["TRK-04"].status == "pass"
      error_message = local.controls["TRK-04"].message
    }
    precondition {
      condition     = local.controls["EVT-01"].status == "pass"
      error_message = local.controls["EVT-01"].message
    }
  }
}
