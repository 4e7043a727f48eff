# `account_id` and `aws_managed_policy()`: what Terraform users get from data sources.
#
# `account_id` is the id of the account the backend reads (here the mock's `account_id`; on AWS the
# caller's account from STS). `iamform validate`, which reads no account, uses 123456789012.
# `aws_managed_policy("NAME")` is the ARN of an AWS managed policy, with its path, checked against
# the embedded list of AWS managed policies: a misspelt name is an error with a suggestion.

backend "mock" {
  path       = "account.json"
  account_id = "210987654321"
}

role "deploy" {
  description = "Assumed by the CI account's runners"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        aws = ["arn:aws:iam::${account_id}:root"]
      }
    }
  }
  policies = [aws_managed_policy("ViewOnlyAccess"), aws_managed_policy("AWSLambda_FullAccess")]
  inline_policy "logs" {
    statement {
      actions   = ["s3:PutObject"]
      resources = ["arn:aws:s3:::logs-${account_id}/deploy/*"]
    }
  }
}
