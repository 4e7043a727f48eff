# expect: undeclared variable `var.developrs`
# at: main.hcl:7:28
variable "developers" {
  default = ["john"]
}
user "a" {
  tags = { who = join(",", var.developrs) }
}
