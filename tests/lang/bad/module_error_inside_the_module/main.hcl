# expect: unknown attribute `polices` in group block
# at: modules/baseline/main.hcl:3:3
# help: did you mean `policies`?
# expect: undeclared variable `var.prefx`
# at: modules/baseline/main.hcl:2:16
# help: did you mean `prefix`?
module "baseline" {
  source = "./modules/baseline"
  prefix = "prod"
}
