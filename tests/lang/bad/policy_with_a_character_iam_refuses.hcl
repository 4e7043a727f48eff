# expect: contains '\u{202e}' (U+202E) at character 21; IAM accepts only
# at: main.hcl:6:5
policy "p" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::bucket/\u202etxt.exe"]
  }
}
