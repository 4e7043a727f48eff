# expect: a validation condition can only reference variables
# at: main.hcl:9:30
locals {
  allowed = ["dev"]
}
variable "environment" {
  default = "dev"
  validation {
    condition     = contains(local.allowed, var.environment)
    error_message = "no"
  }
}
