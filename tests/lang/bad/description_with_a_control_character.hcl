# expect: the description contains '\u{1b}' (U+001B) at character 9
# at: main.hcl:4:3
role "r" {
  description = "reads s3\u001b[8m and deletes everything"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
}
