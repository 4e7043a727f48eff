# Variables, for_each and expressions: one block declares a user per developer, a group per team.
#
#   iamform plan .                                   # the defaults
#   iamform plan . --var-file vars/prod.hcl          # another environment's values
#   iamform plan . --var 'developers=["ana"]'        # one value from the command line
#   IAMFORM_VAR_environment=staging iamform plan .   # or from the environment
#
# Precedence, lowest first: default, IAMFORM_VAR_NAME, --var-file, --var.

backend "mock" {
  path = "account.json"
}

variable "environment" {
  type        = string
  description = "Deployment environment; production gets a stricter boundary"
  default     = "dev"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod"
  }
}

variable "developers" {
  type        = set(string)
  description = "One IAM user each, in group web"
  default     = ["john", "maria"]
}

variable "teams" {
  type = map(object({
    path     = string
    policies = list(string)
  }))
  default = {
    web = {
      path     = "/teams/"
      policies = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    }
    data = {
      path     = "/teams/"
      policies = ["arn:aws:iam::aws:policy/AmazonAthenaFullAccess"]
    }
  }
}

locals {
  prod = var.environment == "prod"
}

# One group per entry of the map: each.key is the IAM name, each.value the object.
group "team" {
  for_each = var.teams
  path     = each.value.path
  policies = each.value.policies
}

# One user per developer; the IAM name defaults to the key (`name` may override it).
user "developer" {
  for_each = var.developers
  groups   = [group.team["web"].name]
  tags = {
    environment = var.environment
    login       = "${each.value}@example.com"
    on_call     = local.prod ? "yes" : "no"
  }
}

# Every developer may read their own IAM user: a `for` expression over all the instances.
policy "read_own_user" {
  description = "Developers may read their IAM user"
  statement {
    actions   = ["iam:GetUser", "iam:ListAccessKeys"]
    resources = [for u in values(user.developer) : u.arn]
  }
}
