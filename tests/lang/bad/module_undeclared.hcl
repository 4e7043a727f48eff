# expect: reference to undeclared module `baseline` in `module.baseline.role_arn`
# at: main.hcl:5:22
# help: declare it with `module "baseline" { source = "./modules/…" }`
user "ann" {
  tags = { ci_role = module.baseline.role_arn }
}
