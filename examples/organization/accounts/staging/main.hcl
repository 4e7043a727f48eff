backend "mock" {
  path       = "account.json"
  account_id = "222222222222"
}

module "baseline" {
  source                      = "../../modules/baseline"
  environment                 = "staging"
  github_repositories         = ["acme/web", "acme/api"]
  break_glass_trusted_account = "999999999999"
}
