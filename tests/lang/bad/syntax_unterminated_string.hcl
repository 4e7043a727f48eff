# expect: this string has no closing `"` on its line
# at: main.hcl:5:10
# help: heredoc
user "a" {
  path = "/abc }
}

user "b" {}
