# expect: the policy name `IAMform-Apply-Lock` is reserved for iamform's apply lock
# at: main.hcl:4:3
policy "lock" {
  name = "IAMform-Apply-Lock"
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::bucket/*"]
  }
}
