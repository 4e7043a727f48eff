# expect: SAML metadata is not well-formed XML
# at: main.hcl:5:3
# help: download the SAML 2.0 metadata XML
saml_provider "okta" {
  metadata = "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">${join("", [for i in range(300) : "abcd"])}"
}
