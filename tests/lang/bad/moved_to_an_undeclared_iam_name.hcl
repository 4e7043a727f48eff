# expect: no user named `lou.finchly` is declared
# at: main.hcl:9:3
# help: did you mean `lou.finchley`?
user "lou" {
  name = "lou.finchley"
}
moved {
  from = user["lou.finch"]
  to   = user["lou.finchly"]
}
