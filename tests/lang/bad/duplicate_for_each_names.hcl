# expect: user `john` (from user.web["john"]) conflicts with user `John` (from user.web["John"])
# at: main.hcl:3:1
user "web" {
  for_each = toset(["john", "John"])
}
