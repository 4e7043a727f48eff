# expect: reference cycle between `local.a`, `local.b` and `local.c`
# at: main.hcl:4:3
locals {
  a = local.b
  b = "${local.c}-x"
  c = local.a
}
