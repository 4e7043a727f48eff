variable "k" {}

module "leaf" {
  source   = "../leaf"
  for_each = toset([for i in range(100) : "${var.k}-${i}"])
  k        = each.key
}
