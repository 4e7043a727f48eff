# expect: the trust policy of role `ci` is 8795 characters
# at: main.hcl:3:1
role "ci" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        aws = [for i in range(200) : "arn:aws:iam::123456789012:role/deploy-${i}"]
      }
    }
  }
}
