# expect: reference cycle between `module.a` and `module.b`
# at: main.hcl:4:1
# help: break the cycle
module "a" {
  source = "./modules/echo"
  value  = module.b.value
}
module "b" {
  source = "./modules/echo"
  value  = module.a.value
}
