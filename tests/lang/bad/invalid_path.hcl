# expect: path `teams` must begin and end with `/`
# at: main.hcl:4:3
group "g" {
  path = "teams"
}
