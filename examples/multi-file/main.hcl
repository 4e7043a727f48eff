# One configuration in several files: every *.hcl file of the directory is read (sorted by name),
# and blocks reference each other across files. Split by kind, by team, or however reviews go best.

backend "mock" {
  path = "account.json"
}

settings {
  scope {
    paths = ["/multi/"]
  }
}

locals {
  path = "/multi/"
}
