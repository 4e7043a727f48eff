# expect: cannot tell which IAM name user.person["louis"] had
# at: main.hcl:12:3
# help: `from = user["OLD-NAME"]`
user "person" {
  for_each = {
    ann = "ann.smith"
    lou = "lou.finchley"
  }
  name = each.value
}
moved {
  from = user.person["louis"]
  to   = user.person["lou"]
}
