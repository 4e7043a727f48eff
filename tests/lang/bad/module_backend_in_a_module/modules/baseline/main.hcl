backend "mock" { path = "other.json" }
group "auditors" {}
