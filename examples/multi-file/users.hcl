user "alice" {
  path   = local.path
  groups = [group.admins.name, group.readers.name]
}

user "bob" {
  path   = local.path
  groups = [group.readers.name]
}
