# expect: `../../shared` is outside the repository
# at: main.hcl:6:3
# help: keep modules in the repository
module "baseline" {
  prefix = "prod"
  source = "../../shared"
}
