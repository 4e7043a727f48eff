# expect: the key "Action" is written twice in one object, at line 1, column 52 and at line 2, column 2
# at: main.hcl:4:3
policy "p" {
  document = <<EOT
{"Statement": {"Effect": "Allow", "Resource": "*", "Action": "s3:GetObject",
 "Action": "s3:*"}}
EOT
}
