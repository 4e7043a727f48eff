# expect: user `a` is declared twice
# at: main.hcl:6:1
# help: first declared at
user "a" {}

user "a" {
  path = "/x/"
}
