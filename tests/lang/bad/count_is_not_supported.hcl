# expect: `count` is not supported
# at: main.hcl:5:3
# help: use for_each
user "a" {
  count = 3
}
