# expect: module `baseline` has no output `role_arm`
# at: main.hcl:9:22
# help: did you mean `role_arn`?
module "baseline" {
  source = "./modules/baseline"
  prefix = "prod"
}
user "ann" {
  tags = { ci_role = module.baseline.role_arm }
}
