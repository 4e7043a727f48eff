# expect: 11 managed policies: IAM's quota PoliciesPerRole allows 10, so apply would fail with LimitExceeded
# at: main.hcl:7:3
# help: settings { quotas { policies_per_role = N } } (at most 20)
role "app" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  # Eleven distinct managed policies (the twelfth entry repeats one).
  policies = concat([for i in range(11) : "arn:aws:iam::123456789012:policy/p${i}"], ["arn:aws:iam::123456789012:policy/p0"])
}
