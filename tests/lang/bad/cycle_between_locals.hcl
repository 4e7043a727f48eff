# expect: reference cycle between `local.a`, `local.b` and `local.c`
# at: main.hcl:6:3
# help: `local.b` is declared at
# help: `local.c` is declared at
locals {
  a = local.b
  b = "${local.c}-x"
  c = local.a
}
