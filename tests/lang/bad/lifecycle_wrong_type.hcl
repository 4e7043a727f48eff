# expect: `prevent_destroy`: expected true or false, found the string "yes"
# at: main.hcl:5:5
user "a" {
  lifecycle {
    prevent_destroy = "yes"
  }
}
