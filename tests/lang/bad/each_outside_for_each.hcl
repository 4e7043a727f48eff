# expect: `each` is only available in a block with for_each
# at: main.hcl:5:10
# help: add for_each
user "a" {
  name = each.key
}
