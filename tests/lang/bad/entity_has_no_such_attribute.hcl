# expect: a group has no attribute `nme`
# at: main.hcl:5:13
group "devops" {}
user "a" {
  groups = [group.devops.nme]
}
