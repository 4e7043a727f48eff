# One user per person who needs AWS access; what they may do comes from their groups.

user "sally" {
  groups = [group.devops.name]
  tags   = { team = "devops" }
}

user "john" {
  groups = [group.web_developers.name]
  tags   = { team = "web" }
}

user "maria" {
  groups = [group.web_developers.name]
  tags   = { team = "web" }
}

user "jane" {
  groups = [group.mobile_developers.name]
  tags   = { team = "mobile" }
}

user "mary" {
  groups = [group.accountants.name]
  tags   = { department = "finance" }
}
