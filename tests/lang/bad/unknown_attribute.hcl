# expect: unknown attribute `pth` in user block
# at: main.hcl:4:3
user "a" {
  pth = "/x/"
}
