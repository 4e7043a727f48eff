# Values for production: iamform plan . --var-file vars/prod.hcl
environment = "prod"
developers  = ["john", "maria", "ana"]
