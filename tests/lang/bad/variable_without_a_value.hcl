# expect: variable `environment` has no value
# at: main.hcl:4:1
# help: pass --var environment=…, --var-file FILE, set IAMFORM_VAR_environment
variable "environment" {
  type = string
}
user "a" {
  tags = { environment = var.environment }
}
