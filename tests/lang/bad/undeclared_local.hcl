# expect: undeclared local value `local.teem`
# at: main.hcl:8:19
# help: did you mean `team`?
locals {
  team = "web"
}
user "a" {
  tags = { team = local.teem }
}
