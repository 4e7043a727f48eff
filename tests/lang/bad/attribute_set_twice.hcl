# expect: redefined attribute
# at: main.hcl:5:3
user "a" {
  path = "/a/"
  path = "/b/"
}
