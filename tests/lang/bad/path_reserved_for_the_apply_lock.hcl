# expect: path `/iamform/lock/` is reserved for iamform's apply lock
# at: main.hcl:4:3
user "u" {
  path = "/iamform/lock/"
}
