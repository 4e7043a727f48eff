# expect: `user.person` has no instance "lou.finchly"
# at: main.hcl:9:3
# help: did you mean `lou.finchley`?
user "person" {
  for_each = toset(["ann", "lou.finchley"])
}
moved {
  from = user.person["lou.finch"]
  to   = user.person["lou.finchly"]
}
