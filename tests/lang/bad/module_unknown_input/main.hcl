# expect: module `baseline` has no input `prefx`
# at: main.hcl:7:3
# help: did you mean `prefix`?
module "baseline" {
  source = "./modules/baseline"
  prefix = "prod"
  prefx  = "prod"
}
