# expect: undeclared variable `var.developrs`
# at: main.hcl:8:28
# help: did you mean `developers`?
variable "developers" {
  default = ["john"]
}
user "a" {
  tags = { who = join(",", var.developrs) }
}
