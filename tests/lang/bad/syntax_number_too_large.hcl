# expect: the number `99999999999999999999999` is too large to be a number
# at: main.hcl:4:26
role "r" {
  max_session_duration = 99999999999999999999999
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
}
