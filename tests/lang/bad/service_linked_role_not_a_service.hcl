# expect: `ecs` is not an AWS service principal
# at: main.hcl:5:1
# expect: custom suffix `has space` must be 1 to 64
# at: main.hcl:6:3
service_linked_role "ecs" {
  custom_suffix = "has space"
}
