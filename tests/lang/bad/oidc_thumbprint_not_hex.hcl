# expect: thumbprint `not-a-thumbprint` is not 40 hexadecimal characters
# at: main.hcl:6:3
openid_connect_provider "eks" {
  url             = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["not-a-thumbprint"]
}
