# expect: a group has no attribute `nme`
# at: main.hcl:6:13
# help: did you mean `name`?
group "devops" {}
user "a" {
  groups = [group.devops.nme]
}
