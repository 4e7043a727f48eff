# expect: reference to undeclared group `devop`
# at: main.hcl:5:13
group "devops" {}
user "a" {
  groups = [group.devop.name]
}
