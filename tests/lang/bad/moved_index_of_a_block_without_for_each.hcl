# expect: user.lou is not a for_each block of this configuration
# at: main.hcl:9:3
# help: `user["IAM-NAME"]`
user "lou" {
  name = "lou.finchley"
}
moved {
  from = user["lou.finch"]
  to   = user.lou["lou.finchley"]
}
