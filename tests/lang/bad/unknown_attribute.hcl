# expect: unknown attribute `pth` in user block
# at: main.hcl:5:3
# help: did you mean `path`?
user "a" {
  pth = "/x/"
}
