# expect: module cycle: module.a (
# at: modules/b/main.hcl:1:1
# help: a module cannot use itself
module "a" {
  source = "./modules/a"
}
