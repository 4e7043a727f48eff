# expect: unknown function `lowr`
# at: main.hcl:5:10
# help: did you mean `lower`?
user "a" {
  path = lowr("/X/")
}
