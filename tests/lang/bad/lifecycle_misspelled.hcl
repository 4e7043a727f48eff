# expect: unknown attribute `prevent_destory` in lifecycle block
# at: main.hcl:5:5
user "a" {
  lifecycle {
    prevent_destory = true
  }
}
