# expect: unknown block `assume_role_polcy` in role block
# at: main.hcl:5:3
# help: did you mean `assume_role_policy`?
role "r" {
  assume_role_polcy {
  }
}
