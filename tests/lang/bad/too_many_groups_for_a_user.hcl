# expect: 11 groups: IAM's quota GroupsPerUser allows 10, so apply would fail with LimitExceeded
# at: main.hcl:9:3
# help: a hard limit no account can raise
group "g" {
  for_each = toset([for i in range(11) : "g${i}"])
}

user "ann" {
  groups = [for g in group.g : g.name]
}
