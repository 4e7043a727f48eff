variable "k" {}

output "k" { value = var.k }
