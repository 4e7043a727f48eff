# Renaming with `moved` blocks: the group `devs` becomes `developers` and the user `jdoe`
# becomes `john.doe`. The plan renames both in place (UpdateGroup NewGroupName, UpdateUser
# NewUserName): the user keeps its access keys, its group memberships and its policies, and the
# group keeps its members, instead of being deleted and created again.
#
# Once applied everywhere, the moved blocks may stay (they then do nothing) or be removed.
# Roles, policies and instance profiles cannot be renamed by AWS: a moved block for them is an
# error, and changing their name replaces them.

settings {
  scope {
    paths = ["/"]
  }
}

backend "mock" {
  path = "account.json"
}

policy "deploy" {
  description = "Deploy the web application"
  statement {
    actions   = ["elasticbeanstalk:CreateApplicationVersion", "elasticbeanstalk:UpdateEnvironment"]
    resources = ["*"]
  }
}

group "developers" {
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  inline_policy "logs" {
    statement {
      actions   = ["logs:GetLogEvents"]
      resources = ["*"]
    }
  }
}

group "oncall" {}

user "john_doe" {
  name     = "john.doe"
  groups   = [group.developers.name, group.oncall.name]
  policies = [policy.deploy.arn]
  tags     = { team = "web" }
}

moved {
  from = group.devs
  to   = group.developers
}

moved {
  from = user.jdoe
  to   = user.john_doe
}
