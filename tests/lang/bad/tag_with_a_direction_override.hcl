# expect: the value of tag `team` contains '\u{202e}' (U+202E) at character 4
# at: main.hcl:4:3
user "u" {
  tags = { team = "web\u202eved" }
}
