# The configuration before the renames: examples/moved/main.hcl is the same account after
# renaming the group `devs` to `developers` and the user `jdoe` to `john.doe`.

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

group "devs" {
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  inline_policy "logs" {
    statement {
      actions   = ["logs:GetLogEvents"]
      resources = ["*"]
    }
  }
}

group "oncall" {}

user "jdoe" {
  groups   = [group.devs.name, group.oncall.name]
  policies = [policy.deploy.arn]
  tags     = { team = "web" }
}
