# expect: invalid value for variable `environment`: environment must be dev or prod
# at: main.hcl:6:5
variable "environment" {
  default = "qa"
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod"
  }
}
