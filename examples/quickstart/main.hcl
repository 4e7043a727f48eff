# The company of the quickstart: four developers, one accountant, one salesperson who needs no
# AWS access (so there is no user for Peter). Access is granted to groups, never to users directly.

settings {
  # This configuration owns every IAM path of the account: whatever is not declared here is deleted.
  scope {
    paths = ["/"]
  }
}

# A local file-backed account. `iamform plan --backend mock:PATH` points the same configuration
# at another file (or `--backend aws` at a real account).
backend "mock" {
  path = "account.json"
}

locals {
  company        = "acme"
  billing_bucket = "acme-billing"
}

group "devops" {
  path = "/developers/"
  policies = [
    "arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk",
    "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
  ]
}

group "web_developers" {
  path = "/developers/"
  policies = [
    "arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
  ]
}

group "mobile_developers" {
  path     = "/developers/"
  policies = [policy.mobile_backend.arn]
}

group "accountants" {
  policies = [policy.billing_read.arn]
}
