# expect: syntax error: invalid block body
# at: main.hcl:4:13
user "a" {
  path = "/"
