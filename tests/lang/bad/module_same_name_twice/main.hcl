# expect: role `ci` (from module.b.role.ci) is declared twice: also role `ci` (from module.a.role.ci)
# at: modules/ci/main.hcl:1:1
# help: first declared at
module "a" {
  source = "./modules/ci"
}
module "b" {
  source = "./modules/ci"
}
