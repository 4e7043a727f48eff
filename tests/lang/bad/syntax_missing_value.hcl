# expect: syntax error: invalid expression
# at: main.hcl:4:9
user "a" {
  path =
}
