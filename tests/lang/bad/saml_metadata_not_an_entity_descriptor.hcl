# expect: its root element is `html`
# at: main.hcl:4:3
saml_provider "okta" {
  metadata = "<html><body>${join("", [for i in range(300) : "abcd"])}</body></html>"
}
