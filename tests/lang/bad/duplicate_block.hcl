# expect: user `a` is declared twice
# at: main.hcl:5:1
user "a" {}

user "a" {
  path = "/x/"
}
