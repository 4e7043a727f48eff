# The baseline every account of the organisation gets: CI roles for GitHub Actions, the
# auditors' group, the password policy and a break-glass role that cannot be destroyed.

variable "environment" {
  type        = string
  description = "dev, staging or prod: names the roles and groups"
}

variable "github_repositories" {
  type        = list(string)
  description = "owner/name of the repositories whose workflows may deploy to this account"
}

variable "ci_policies" {
  type    = list(string)
  default = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

variable "break_glass_trusted_account" {
  type        = string
  description = "the account id whose administrators may assume the break-glass role"
}

variable "max_password_age_days" {
  type    = number
  default = 90
}

# GitHub Actions' OIDC provider, which the CI roles trust.
openid_connect_provider "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

# One CI role per repository, trusting GitHub's OIDC provider for that repository's workflows.
role "ci" {
  for_each = toset(var.github_repositories)
  name     = "${var.environment}-ci-${replace(each.key, "/", "-")}"
  path     = "/ci/"
  policies = var.ci_policies
  tags     = { environment = var.environment, repository = each.key }

  assume_role_policy {
    statement {
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        federated = [openid_connect_provider.github.arn]
      }
      condition {
        test     = "StringLike"
        variable = "token.actions.githubusercontent.com:sub"
        values   = ["repo:${each.key}:*"]
      }
    }
  }
}

group "auditors" {
  name     = "${var.environment}-auditors"
  policies = ["arn:aws:iam::aws:policy/SecurityAudit"]
}

role "break_glass" {
  name                 = "${var.environment}-break-glass"
  policies             = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  max_session_duration = 3600

  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { aws = ["arn:aws:iam::${var.break_glass_trusted_account}:root"] }
      condition {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }
  }

  lifecycle { prevent_destroy = true }
}

password_policy {
  minimum_length                 = 14
  require_symbols                = true
  require_numbers                = true
  require_uppercase              = true
  require_lowercase              = true
  allow_users_to_change_password = true
  max_age_days                   = var.max_password_age_days
  reuse_prevention               = 24
}

output "auditors_group" { value = group.auditors.name }
output "ci_role_arns" { value = [for r in values(role.ci) : r.arn] }
