role "ci" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
}
