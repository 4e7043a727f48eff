# expect: `count` is not supported
# at: main.hcl:4:3
user "a" {
  count = 3
}
