group "auditors" {
  name    = "${var.prefx}-auditors"
  polices = ["arn:aws:iam::aws:policy/SecurityAudit"]
}
variable "prefix" { type = string }
