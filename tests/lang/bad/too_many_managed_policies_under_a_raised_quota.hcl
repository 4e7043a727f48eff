# expect: 16 managed policies: IAM's quota PoliciesPerUser allows 15, so apply would fail with LimitExceeded
# at: main.hcl:14:3
# help: policies_per_user = N
# expect: policies_per_group is 21; IAM's default is 10 and an account can have it raised to at most 20
# at: main.hcl:10:5
# help: AWS Service Quotas
settings {
  quotas {
    policies_per_user  = 15
    policies_per_group = 21
  }
}
user "ann" {
  policies = [for i in range(16) : "arn:aws:iam::123456789012:policy/p${i}"]
}
