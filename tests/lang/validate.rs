//! `iamform validate` is offline: a configuration whose backend is AWS validates with no
//! credentials and no reachable endpoint, language features and all.

use crate::harness::Test;

const AWS_CONFIG: &str = r#"
backend "aws" {
  region       = "us-east-1"
  endpoint_url = "http://127.0.0.1:9"
  account_id   = "210987654321"
}

variable "developers" {
  type    = set(string)
  default = ["john", "maria"]
}

locals {
  prefix = upper(substr_free)
}
"#;

/// The same, without the deliberate error above.
fn good_config() -> String {
    AWS_CONFIG.replace("upper(substr_free)", "\"web\"")
        + r#"
group "team" {
  name = "${local.prefix}-team"
}

user "dev" {
  for_each = var.developers
  groups   = [group.team.name]
  tags     = { admin = each.key == "john" ? "yes" : "no" }
}

policy "read_devs" {
  statement {
    actions   = ["iam:GetUser"]
    resources = [for u in values(user.dev) : u.arn]
  }
}
"#
}

#[test]
fn validate_needs_no_backend_and_reports_errors_offline() {
    let t = Test::new().file("main.hcl", &good_config());
    let dir = t.config().display().to_string();
    // run_plain passes no --backend: the configuration's aws backend is the only one named.
    let run = t.run_plain(&["validate", &dir]).expect(0);
    assert!(
        run.stdout.contains("The configuration is valid"),
        "{}",
        run.stdout
    );

    t.write("main.hcl", AWS_CONFIG);
    let run = t.run_plain(&["validate", &dir]).expect(1);
    assert!(
        run.stderr.contains("unknown variable `substr_free`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("main.hcl:14:18"), "{}", run.stderr);
}
