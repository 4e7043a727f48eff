# An account that passes `iamform audit`: what a configuration can declare for the CIS AWS
# Foundations Benchmark's IAM items, and one accepted finding.
#
#   iamform apply examples/audit --auto-approve
#   iamform audit examples/audit                     # text; exit 2 when there are findings
#   iamform audit examples/audit --format sarif      # for GitHub code scanning
#
# What no configuration can declare (MFA devices, access keys and their age, root user use) is
# what the audit reads from the account.

backend "mock" {
  path = "account.json"
}

settings {
  audit {
    # rule:kind/name globs. Each suppressed finding is still counted and listed in the report.
    ignore = [
      "access-key-too-old:user/legacy-ci", # rotated by the vendor's schedule; tracked in OPS-142
    ]
  }
}

# CIS 1.8 and 1.9: at least 14 characters, the last 24 passwords not reused.
password_policy {
  minimum_length    = 14
  reuse_prevention  = 24
  require_symbols   = true
  require_numbers   = true
  require_uppercase = true
  require_lowercase = true
  max_age_days      = 90
}

# CIS 1.15: permissions through groups, never on users.
group "developers" {
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

group "ci" {
  policies = [policy.deploy.arn]
}

policy "deploy" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::acme-artifacts/*"]
  }
}

user "maria" {
  groups = [group.developers.name]
}

user "legacy-ci" {
  groups = [group.ci.name]
}

# CIS 1.17: someone can open a case with AWS Support during an incident.
role "support" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        aws = ["arn:aws:iam::123456789012:root"]
      }
      condition {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }
  }
  policies = ["arn:aws:iam::aws:policy/AWSSupportAccess"]
}
