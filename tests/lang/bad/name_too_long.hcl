# expect: role name
# at: main.hcl:4:3
role "r" {
  name = "a-role-name-that-is-far-too-long-for-iam-which-allows-sixty-four-characters"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
}
