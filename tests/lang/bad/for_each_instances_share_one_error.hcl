# expect: tag `team` contains ','
# at: main.hcl:6:3
user "u" {
  for_each = toset(["ann", "bob"])
  name     = each.key
  tags = {
    team = "web,ops"
  }
}
