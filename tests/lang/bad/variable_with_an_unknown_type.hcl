# expect: unknown type `strin`
# at: main.hcl:4:3
variable "users" {
  type    = list(strin)
  default = []
}
