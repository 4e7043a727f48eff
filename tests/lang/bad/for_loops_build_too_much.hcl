# expect: its `for` loops build more than 67,108,864 bytes
# at: main.hcl:7:3
locals {
  kib = join("", [for i in range(1024) : "x"])
  mib = join("", [for i in range(1024) : local.kib])
  # A thousand copies of a mebibyte: stopped at the loops' budget, not at the end.
  gib = [for i in range(1024) : local.mib]
}

user "u" {
  tags = { n = length(local.gib) }
}
