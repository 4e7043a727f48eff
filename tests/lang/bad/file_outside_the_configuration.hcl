# expect: `/etc/passwd` is outside the configuration directory
# at: main.hcl:4:3
policy "p" {
  document = file("/etc/passwd")
}
