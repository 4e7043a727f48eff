# Groups grant access; users.hcl puts people in them.

group "admins" {
  path     = local.path
  policies = [policy.admin_read.arn]
}

group "readers" {
  path     = local.path
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
