# The web application runs on EC2 and gets its access from a role, not from stored keys.

role "web_app" {
  description = "EC2 web application of ${local.company}"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
  inline_policy "read_assets" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "arn:aws:s3:::${local.company}-web-assets/*"
      }]
    })
  }
  # Creates the instance profile `web_app` holding this role, for EC2 instances to launch with.
  instance_profile = true
}
