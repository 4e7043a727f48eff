# lifecycle { prevent_destroy = true }: a plan that would delete or replace this entity fails,
# naming it. Here the break-glass role must survive any change: changing its `path` (which IAM can
# only do by deleting and re-creating the role) is refused until the flag is removed.
#
# The flag protects entities that are still declared with it. Deleting the whole block removes the
# flag too, and the entity is then deleted like any other: remove the flag in one change, review,
# then remove the block.

backend "mock" {
  path = "account.json"
}

role "break_glass" {
  path        = "/emergency/"
  description = "Administrator access for emergencies only"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        aws = ["arn:aws:iam::123456789012:root"]
      }
    }
  }
  policies = ["arn:aws:iam::aws:policy/AdministratorAccess"]

  lifecycle {
    prevent_destroy = true
  }
}

policy "audit" {
  description = "Read-only access for the auditors"
  statement {
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }
  lifecycle {
    prevent_destroy = true
  }
}

group "auditors" {
  policies = [policy.audit.arn]
}

# The blast-radius limit: an apply that would destroy more than three entities at once is refused
# (`apply --max-destroy N` overrides it for one run). Without it, iamform refuses plans destroying at
# least five entities and more than half of those the configuration owns.
settings {
  max_destroy = 3
}
