backend "mock" {
  path       = "account.json"
  account_id = "111111111111"
}

module "baseline" {
  source                      = "../../modules/baseline"
  environment                 = "dev"
  github_repositories         = ["acme/web", "acme/api"]
  break_glass_trusted_account = "999999999999"
  ci_policies                 = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  max_password_age_days       = 180
}

# Entities of this account only, beside the baseline.
user "ann" {
  groups = [module.baseline.auditors_group]
}
