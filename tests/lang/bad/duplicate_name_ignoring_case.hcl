# expect: user `mary` conflicts with user `Mary`: IAM names are unique ignoring case
# at: main.hcl:6:1
user "first" {
  name = "Mary"
}
user "second" {
  name = "mary"
}
