# expect: `user.web.arn` needs an instance key
# at: main.hcl:9:18
user "web" {
  for_each = toset(["john", "maria"])
}
policy "p" {
  statement {
    actions   = ["iam:GetUser"]
    resources = [user.web.arn]
  }
}
