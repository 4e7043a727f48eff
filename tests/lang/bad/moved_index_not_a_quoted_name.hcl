# expect: the index in `from` must be a quoted name
# at: main.hcl:11:3
# help: a moved block is read before variables
variable "old" {
  default = "lou.finch"
}
user "lou" {
  name = "lou.finchley"
}
moved {
  from = user[var.old]
  to   = user.lou
}
