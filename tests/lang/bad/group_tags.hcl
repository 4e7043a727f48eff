# expect: unknown attribute `tags` in group block
# at: main.hcl:5:3
# help: IAM groups cannot be tagged
group "g" {
  tags = { team = "web" }
}
