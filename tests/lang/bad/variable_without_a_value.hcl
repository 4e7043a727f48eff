# expect: variable `environment` has no value
# at: main.hcl:3:1
variable "environment" {
  type = string
}
user "a" {
  tags = { environment = var.environment }
}
