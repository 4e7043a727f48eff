# expect: reference to undeclared group `devop`
# at: main.hcl:6:13
# help: did you mean `devops`?
group "devops" {}
user "a" {
  groups = [group.devop.name]
}
