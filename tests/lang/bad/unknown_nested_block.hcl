# expect: unknown block `assume_role_polcy` in role block
# at: main.hcl:4:3
role "r" {
  assume_role_polcy {
  }
}
