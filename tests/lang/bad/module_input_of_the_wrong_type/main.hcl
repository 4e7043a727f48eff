# expect: variable `auditors` must be of type list(string)
# at: main.hcl:7:3
# help: the value comes from the input `auditors` of module.baseline
module "baseline" {
  source   = "./modules/baseline"
  prefix   = "prod"
  auditors = "ann"
}
