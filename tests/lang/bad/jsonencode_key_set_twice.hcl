# expect: the key `Action` is set twice in this object
# at: main.hcl:10:7
# help: first set at
# help: keeps only the last value
policy "p" {
  document = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Action   = "s3:*"
      Resource = "*"
    }]
  })
}
