# expect: for_each over a set needs strings
# at: main.hcl:4:3
user "web" {
  for_each = [1, 2]
}
