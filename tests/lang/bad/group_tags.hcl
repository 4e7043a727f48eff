# expect: unknown attribute `tags` in group block
# at: main.hcl:4:3
group "g" {
  tags = { team = "web" }
}
