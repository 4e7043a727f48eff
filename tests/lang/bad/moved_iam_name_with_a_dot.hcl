# expect: `from` must be an entity address
# at: main.hcl:8:3
# help: `from = user["lou.finch"]`
user "lou" {
  name = "lou.finchley"
}
moved {
  from = user.lou.finch
  to   = user.lou
}
