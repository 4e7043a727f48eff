backend "mock" {
  path       = "account.json"
  account_id = "333333333333"
}

module "baseline" {
  source                      = "../../modules/baseline"
  environment                 = "prod"
  github_repositories         = ["acme/deploy"]
  break_glass_trusted_account = "999999999999"
}

# Production's on-call engineers read everything through the auditors' group.
group "oncall" {
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
