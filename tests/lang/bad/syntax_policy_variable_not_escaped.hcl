# expect: `${aws:username}` is read as an interpolation of `aws:username`
# at: main.hcl:8:37
# help: $${aws:username}
# help: &{aws:username}
policy "home" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::home/${aws:username}/*"]
  }
}
