# expect: unknown attribute `pth` in user block
# at: main.hcl:6:3
# expect: unknown attribute `polices` in group block
# at: main.hcl:9:3
user "a" {
  pth = "/"
}
group "g" {
  polices = []
}
