# Customer managed policies, in two of the three forms iamform accepts: `statement` blocks and a
# JSON file. (`document = jsonencode({...})` is the third; see roles.hcl.) All three produce the same
# canonical document, so reformatting a policy never shows up as a change.

policy "billing_read" {
  description = "Read-only access to the billing bucket"
  statement {
    sid       = "ListBillingBucket"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::${local.billing_bucket}"]
  }
  statement {
    sid       = "ReadBillingObjects"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${local.billing_bucket}/*"]
  }
}

policy "mobile_backend" {
  description = "Programmatic access to S3 and Cognito for the mobile apps"
  document    = file("policies/mobile_backend.json")
}
