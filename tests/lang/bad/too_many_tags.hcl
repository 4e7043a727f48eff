# expect: 51 tags; IAM allows at most 50
# at: main.hcl:4:3
user "a" {
  tags = { for i in range(51) : "key${i}" => "value" }
}
