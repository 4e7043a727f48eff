policy "admin_read" {
  path        = local.path
  description = "Read IAM"
  statement {
    actions   = ["iam:Get*", "iam:List*"]
    resources = ["*"]
  }
}
