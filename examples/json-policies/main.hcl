# Policy documents written as JSON: a file, a template file, and jsonencode. All forms produce the
# same canonical document as `statement` blocks, so switching between them is never a change.

backend "mock" {
  path = "account.json"
}

locals {
  buckets = ["acme-logs", "acme-reports"]
}

# A JSON file, as exported from the console.
policy "ec2_read" {
  description = "Read-only EC2"
  document    = file("policies/ec2_read.json")
}

# A template: ${...} in the file are filled from the map.
policy "bucket_read" {
  description = "Read the reporting buckets"
  document = templatefile("policies/bucket_read.json.tpl", {
    resources = jsonencode(flatten([for b in local.buckets : ["arn:aws:s3:::${b}", "arn:aws:s3:::${b}/*"]]))
  })
}

# jsonencode of an HCL object: comments, references and expressions inside the document.
role "reporting" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  policies = [policy.bucket_read.arn]
  inline_policy "logs" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "*"
      }]
    })
  }
}

group "operators" {
  policies = [policy.ec2_read.arn, policy.bucket_read.arn]
}
