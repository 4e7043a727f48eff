# expect: scope kinds: `oidc_provider` is not a kind a scope can own
# at: main.hcl:7:5
# help: openid_connect_provider
settings {
  scope {
    paths = ["/"]
    kinds = ["user", "oidc_provider"]
  }
}
