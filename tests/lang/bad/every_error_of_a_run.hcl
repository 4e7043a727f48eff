# expect: unknown attribute `pth` in user block
# at: main.hcl:8:3
# help: did you mean `path`?
# expect: unknown attribute `polices` in group block
# at: main.hcl:11:3
# help: did you mean `policies`?
user "a" {
  pth = "/"
}
group "g" {
  polices = []
}
