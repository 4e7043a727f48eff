# expect: undeclared local value `local.teem`
# at: main.hcl:7:19
locals {
  team = "web"
}
user "a" {
  tags = { team = local.teem }
}
