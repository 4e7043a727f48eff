# expect: `user.web` has no instance "jon"
# at: main.hcl:10:18
# help: did you mean `john`?
user "web" {
  for_each = toset(["john", "maria"])
}
policy "p" {
  statement {
    actions   = ["iam:GetUser"]
    resources = [user.web["jon"].arn]
  }
}
