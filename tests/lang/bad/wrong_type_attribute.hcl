# expect: `groups`: expected a list of strings
# at: main.hcl:5:3
group "devops" {}
user "a" {
  groups = group.devops.name
}
