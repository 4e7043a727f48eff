# expect: for_each needs a set of strings or a map, found the string "john"
# at: main.hcl:4:3
user "web" {
  for_each = "john"
}
