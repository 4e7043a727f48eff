# expect: unknown block type `usr`
# at: main.hcl:4:1
# help: did you mean `user`?
usr "a" {}
