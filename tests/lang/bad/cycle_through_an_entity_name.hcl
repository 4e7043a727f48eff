# expect: reference cycle between `local.arn` and `user.u`
# at: main.hcl:4:3
locals {
  arn = user.u.arn
}
user "u" {
  name = "u-${length(local.arn)}"
}
