# expect: unknown function `lowr`
# at: main.hcl:4:10
user "a" {
  path = lowr("/X/")
}
