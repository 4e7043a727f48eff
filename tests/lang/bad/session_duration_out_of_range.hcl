# expect: `max_session_duration` is 60; IAM allows 3600 to 43200
# at: main.hcl:4:3
role "r" {
  max_session_duration = 60
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
}
