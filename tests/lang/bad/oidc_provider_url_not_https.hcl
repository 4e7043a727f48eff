# expect: OpenID Connect provider URL `http://token.actions.githubusercontent.com` must begin with https://
# at: main.hcl:4:3
openid_connect_provider "github" {
  url            = "http://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
