# Credentials can also come from the environment (TENCENTCLOUD_SECRET_ID,
# UCLOUD_PUBLIC_KEY, ...) or from the clouds' own profile files (~/.tccli,
# ~/.ucloud); an empty provider block is enough then.
provider "auditlog" {
  tencentcloud {
    secret_id  = var.tencentcloud_secret_id
    secret_key = var.tencentcloud_secret_key
    region     = "ap-guangzhou"

    # Read through a role with audit permissions instead of the key's own.
    assume_role {
      role_arn     = "qcs::cam::uin/100000000001:roleName/auditor"
      session_name = "compliance-check"
    }

    # Named accounts: data sources with account = "prod" read as this
    # account, through its role, assumed with the key pair above.
    account {
      name     = "prod"
      role_arn = "qcs::cam::uin/100000000002:roleName/auditor"
    }
    account {
      name        = "finance"
      role_arn    = "qcs::cam::uin/100000000003:roleName/auditor"
      external_id = "ext-7f3a"
      region      = "ap-shanghai"
    }
  }

  ucloud {
    public_key  = var.ucloud_public_key
    private_key = var.ucloud_private_key
    project_id  = "org-abc123"
  }

  max_retries     = 5
  request_timeout = "30s"
}

variable "tencentcloud_secret_id" {
  type = string
}

variable "tencentcloud_secret_key" {
  type      = string
  sensitive = true
}

variable "ucloud_public_key" {
  type = string
}

variable "ucloud_private_key" {
  type      = string
  sensitive = true
}
