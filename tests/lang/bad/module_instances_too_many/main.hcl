# expect: this configuration makes more than 10000 module instances
# at: modules/fan/main.hcl:3:1
# help: each instance evaluates the whole module again
module "fan" {
  source   = "./modules/fan"
  for_each = toset([for i in range(200) : tostring(i)])
  k        = each.key
}
