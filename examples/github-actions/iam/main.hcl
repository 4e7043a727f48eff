# The IAM that the workflows of this directory use: GitHub's OpenID Connect provider and the two
# roles it lets this repository's workflows assume. Pull requests and the main branch get the
# read-only plan role; only jobs of the `production` environment get the apply role (GitHub puts
# `environment:NAME` in the token's subject of a job that has an environment): restrict that
# environment to the main branch and give it required reviewers. The workflows plan it with
# `--backend aws`.

locals {
  repository = "acme/infrastructure"
  github     = "token.actions.githubusercontent.com"
}

openid_connect_provider "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  tags           = { purpose = "ci" }
}

role "iamform-plan" {
  description = "iamform plan and drift, from pull requests of ${local.repository}"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        federated = [openid_connect_provider.github.arn]
      }
      condition {
        test     = "StringEquals"
        variable = "${local.github}:aud"
        values   = ["sts.amazonaws.com"]
      }
      condition {
        test     = "StringLike"
        variable = "${local.github}:sub"
        values   = ["repo:${local.repository}:pull_request", "repo:${local.repository}:ref:refs/heads/main"]
      }
    }
  }
  policies = ["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]
}

role "iamform-apply" {
  description = "iamform apply, from the production environment of ${local.repository} only"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        federated = [openid_connect_provider.github.arn]
      }
      condition {
        test     = "StringEquals"
        variable = "${local.github}:aud"
        values   = ["sts.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "${local.github}:sub"
        values   = ["repo:${local.repository}:environment:production"]
      }
    }
  }
  inline_policy "iam-write" {
    statement {
      actions   = ["iam:*"]
      resources = ["*"]
    }
  }
}
