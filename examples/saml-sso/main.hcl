# Single sign-on: the SAML provider of the company's identity provider, and the role its users
# assume from the AWS console. `metadata` is compared by content: re-downloading the same
# metadata with other whitespace or comments is no change.

saml_provider "corporate-idp" {
  metadata = file("idp-metadata.xml")
  tags     = { owner = "it" }
}

role "sso-readonly" {
  description = "Read-only console access for single sign-on users"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRoleWithSAML"]
      principals {
        federated = [saml_provider.corporate-idp.arn]
      }
      condition {
        test     = "StringEquals"
        variable = "SAML:aud"
        values   = ["https://signin.aws.amazon.com/saml"]
      }
    }
  }
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
