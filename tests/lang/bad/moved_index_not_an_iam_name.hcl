# expect: `from` names no possible user: user name `lou finch` contains ' '
# at: main.hcl:8:3
# help: write the user's IAM name exactly as the account has it
user "lou" {
  name = "lou.finchley"
}
moved {
  from = user["lou finch"]
  to   = user.lou
}
