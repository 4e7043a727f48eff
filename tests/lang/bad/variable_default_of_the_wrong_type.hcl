# expect: variable `max_session` must be of type number
# at: main.hcl:5:3
variable "max_session" {
  type    = number
  default = "an hour"
}
