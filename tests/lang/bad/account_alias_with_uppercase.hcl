# expect: account alias `Acme_Prod` contains 'A'; an alias is 3 to 63 lowercase letters
# at: main.hcl:3:15
account_alias "Acme_Prod" {}
