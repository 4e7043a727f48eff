# expect: `user.web` has no for_each: it cannot be indexed
# at: main.hcl:7:18
user "web" {}
policy "p" {
  statement {
    actions   = ["iam:GetUser"]
    resources = [user.web["john"].arn]
  }
}
