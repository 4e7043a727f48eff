# Who can do what: `iamform can` and `iamform who-can` answer from this configuration alone, offline,
# before anything is applied (examples/access/README.md shows the questions and the answers).

backend "mock" {
  path       = "account.json"
  account_id = "111122223333"
}

# Developers read and write their own home prefix of the team bucket: ${aws:username} is an IAM
# policy variable ($${…} keeps HCL from reading it as its own template).
group "developers" {
  inline_policy "home" {
    statement {
      sid       = "OwnHome"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:aws:s3:::acme-team/home/$${aws:username}/*"]
    }
    statement {
      sid       = "ListOwnHome"
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::acme-team"]
      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = ["home/$${aws:username}/*"]
      }
    }
  }
}

# Administrators have AWS's AdministratorAccess, but nothing without MFA.
group "admins" {
  policies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  inline_policy "require_mfa" {
    statement {
      sid       = "DenyWithoutMFA"
      effect    = "Deny"
      actions   = ["*"]
      resources = ["*"]
      condition {
        test     = "BoolIfExists"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["false"]
      }
    }
  }
}

# Developers may never grant themselves more than S3 and the deploy role: their boundary.
policy "developer_boundary" {
  statement {
    actions   = ["s3:*", "sts:AssumeRole"]
    resources = ["*"]
  }
}

user "alice" {
  groups               = [group.developers.name]
  permissions_boundary = policy.developer_boundary.arn
  tags                 = { team = "web" }
}

user "bob" {
  groups = [group.developers.name, group.admins.name]
}

user "ci" {
  tags = { team = "platform" }
}

# The deploy role trusts the ci user itself: no identity policy is needed for ci to assume it.
role "deploy" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        aws = [user.ci.arn]
      }
    }
  }
  inline_policy "deploy" {
    statement {
      actions   = ["s3:PutObject"]
      resources = ["arn:aws:s3:::acme-releases/*"]
    }
  }
}

# The auditor role trusts the whole account: only users whose own policies allow sts:AssumeRole on
# it may assume it (bob, through AdministratorAccess, and only with MFA).
role "auditor" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        aws = ["arn:aws:iam::111122223333:root"]
      }
    }
  }
  policies = ["arn:aws:iam::aws:policy/SecurityAudit"]
}
