# expect: a `account_alias` block is declared twice
# at: main.hcl:5:1
account_alias "acme-prod" {}

account_alias "acme-staging" {}
