# expect: `each` is only available in a block with for_each
# at: main.hcl:4:10
user "a" {
  name = each.key
}
