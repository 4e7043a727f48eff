# expect: unknown block type `usr`
# at: main.hcl:3:1
usr "a" {}
