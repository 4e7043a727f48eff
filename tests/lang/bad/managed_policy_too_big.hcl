# expect: IAM allows 6144
# at: main.hcl:3:1
policy "huge" {
  statement {
    actions   = ["s3:GetObject"]
    resources = [for i in range(200) : "arn:aws:s3:::bucket-number-${i}/*"]
  }
}
