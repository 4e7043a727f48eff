variable "prefix" { type = string }
variable "auditors" {
  type    = list(string)
  default = []
}

role "ci" {
  name = "${var.prefix}-ci"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
}

output "role_arn" { value = role.ci.arn }
