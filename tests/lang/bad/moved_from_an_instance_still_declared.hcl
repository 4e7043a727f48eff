# expect: user.person["ann"] is still declared (as user.ann)
# at: main.hcl:8:3
# help: the configuration no longer declares
user "person" {
  for_each = toset(["ann", "lou.finchley"])
}
moved {
  from = user.person["ann"]
  to   = user.person["lou.finchley"]
}
