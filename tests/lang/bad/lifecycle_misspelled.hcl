# expect: unknown attribute `prevent_destory` in lifecycle block
# at: main.hcl:6:5
# help: did you mean `prevent_destroy`?
user "a" {
  lifecycle {
    prevent_destory = true
  }
}
