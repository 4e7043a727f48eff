# expect: user name `john doe` contains ' '
# at: main.hcl:4:3
user "a" {
  name = "john doe"
}
