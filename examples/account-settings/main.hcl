# Account-wide settings: the alias in the console sign-in URL
# (https://acme-prod.signin.aws.amazon.com/console), the service-linked roles the account's
# services need, the password policy, and a user who signs in to the console.
#
# `iamform apply --credentials-out FILE` writes the new user's generated password to FILE (mode
# 0600); it is never printed. Undeclared aliases, providers and service-linked roles are left
# alone unless a scope lists their kinds:
#
#   settings { scope { paths = ["/"] kinds = ["user", "account_alias", "service_linked_role"] } }

account_alias "acme-prod" {}

service_linked_role "autoscaling.amazonaws.com" {}

service_linked_role "elasticbeanstalk.amazonaws.com" {
  description = "Elastic Beanstalk's role for the web tier"
}

password_policy {
  minimum_length    = 16
  require_symbols   = true
  require_numbers   = true
  require_uppercase = true
  require_lowercase = true
}

user "maria" {
  console_access {
    password_reset_required = true
  }
}
