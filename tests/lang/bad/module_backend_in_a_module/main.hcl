# expect: a module cannot have a backend
# at: modules/baseline/main.hcl:1:1
# help: move this block to the configuration that calls the module
module "baseline" {
  source = "./modules/baseline"
}
