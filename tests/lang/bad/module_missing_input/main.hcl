# expect: module `baseline` needs the input `prefix`
# at: main.hcl:5:1
# help: add `prefix = …` to this module block
# help: variable `prefix` is declared at
module "baseline" {
  source   = "./modules/baseline"
  auditors = ["ann"]
}
