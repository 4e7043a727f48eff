//! `iamform lint` through the real binary: exit codes, text, and JSON checked against
//! schemas/lint-report.schema.json, one configuration per finding (positive and negative).

use crate::harness::{assert_matches_schema, json, Run, Test};

const STRONG_PASSWORDS: &str = r#"
password_policy {
  minimum_length    = 14
  require_symbols   = true
  require_numbers   = true
  require_uppercase = true
  require_lowercase = true
  max_age_days      = 90
  reuse_prevention  = 24
}
"#;

/// Lints `hcl` (plus a strong password policy unless it declares one) as JSON; checks the schema,
/// the exit code against the summary, and returns the report.
fn lint(hcl: &str) -> (Run, serde_json::Value) {
    let text = if hcl.contains("password_policy") {
        hcl.to_owned()
    } else {
        format!("{hcl}\n{STRONG_PASSWORDS}")
    };
    let test = Test::new().file("main.hcl", &text);
    let run = test.run_plain(&["lint", "--format", "json", test.config().to_str().unwrap()]);
    let report = json(&run);
    assert_matches_schema("lint-report.schema.json", &report);
    let errors = report["summary"]["errors"].as_u64().unwrap();
    assert_eq!(
        run.code,
        i32::from(errors > 0),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    (run, report)
}

/// (rule, severity, address) of each finding.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                f["address"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn one(rule: &str, severity: &str, address: &str) -> Vec<(String, String, String)> {
    vec![(rule.to_owned(), severity.to_owned(), address.to_owned())]
}

fn policy(statement: &str) -> String {
    format!("policy \"p\" {{\n  statement {{\n{statement}\n  }}\n}}\n")
}

#[test]
fn a_clean_configuration_exits_0_with_no_findings() {
    let (run, report) = lint(&policy(
        r#"actions = ["s3:GetObject", "s3:List*"]
    resources = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]"#,
    ));
    assert_eq!(run.code, 0);
    assert_eq!(findings(&report), []);
}

#[test]
fn unknown_actions_are_errors_with_a_suggestion() {
    let (run, report) = lint(&policy(
        r#"actions = ["s3:GetObjekt"]
    resources = ["*"]"#,
    ));
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        one("unknown-action", "error", "policy.p statement[0]")
    );
    assert_eq!(
        report["findings"][0]["hint"],
        "did you mean `s3:GetObject`?"
    );
    assert!(report["findings"][0]["location"]
        .as_str()
        .unwrap()
        .ends_with("main.hcl:1:1"));

    let (_, report) = lint(&policy(
        r#"actions = ["s4:GetObject"]
    resources = ["*"]"#,
    ));
    assert_eq!(
        findings(&report),
        one("unknown-service", "error", "policy.p statement[0]")
    );
}

#[test]
fn patterns_that_match_nothing_are_errors() {
    let (run, report) = lint(&policy(
        r#"actions = ["ec2:Descirbe*"]
    resources = ["*"]"#,
    ));
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        one("pattern-matches-nothing", "error", "policy.p statement[0]")
    );
    let (run, _) = lint(&policy(
        r#"actions = ["ec2:Describe*"]
    resources = ["*"]"#,
    ));
    assert_eq!(run.code, 0);
}

#[test]
fn wildcard_grants_are_warnings() {
    let (run, report) = lint(&policy(
        r#"actions = ["*"]
    resources = ["*"]"#,
    ));
    assert_eq!(run.code, 0, "warnings alone exit 0");
    assert_eq!(
        findings(&report),
        one(
            "wildcard-action-on-all-resources",
            "warning",
            "policy.p statement[0]"
        )
    );
    let (_, report) = lint(&policy(
        r#"actions = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]"#,
    ));
    assert_eq!(
        findings(&report),
        one(
            "service-wildcard-action",
            "warning",
            "policy.p statement[0]"
        )
    );
    let (_, report) = lint(&policy(
        r#"effect = "Deny"
    actions = ["s3:*"]
    resources = ["*"]"#,
    ));
    assert_eq!(findings(&report), []);
}

#[test]
fn passrole_on_every_resource_is_a_warning() {
    let (_, report) = lint(&policy(
        r#"actions = ["iam:PassRole"]
    resources = ["*"]"#,
    ));
    assert_eq!(
        findings(&report),
        one(
            "passrole-on-all-resources",
            "warning",
            "policy.p statement[0]"
        )
    );
    let (_, report) = lint(&policy(
        r#"actions = ["iam:PassRole"]
    resources = ["arn:aws:iam::111122223333:role/app"]"#,
    ));
    assert_eq!(findings(&report), []);
}

#[test]
fn allow_with_not_action_or_not_resource_is_a_warning() {
    let (_, report) = lint(&policy(
        r#"not_actions = ["iam:*"]
    resources = ["*"]"#,
    ));
    assert_eq!(
        findings(&report),
        one("allow-not-action", "warning", "policy.p statement[0]")
    );
    let (_, report) = lint(&policy(
        r#"actions = ["s3:GetObject"]
    not_resources = ["arn:aws:s3:::secret/*"]"#,
    ));
    assert_eq!(
        findings(&report),
        one("allow-not-resource", "warning", "policy.p statement[0]")
    );
    let (_, report) = lint(&policy(
        r#"effect = "Deny"
    not_actions = ["iam:ChangePassword"]
    resources = ["*"]"#,
    ));
    assert_eq!(findings(&report), []);
}

fn role(principals: &str, condition: &str) -> String {
    format!(
        "role \"app\" {{\n  assume_role_policy {{\n    statement {{\n      actions = [\"sts:AssumeRole\"]\n      {principals}\n      {condition}\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn trust_policies_open_to_anyone_or_a_whole_account() {
    let (run, report) = lint(&role(
        "principals {\n        type        = \"*\"\n        identifiers = [\"*\"]\n      }",
        "",
    ));
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        one(
            "trust-anyone",
            "error",
            "role.app assume_role_policy statement[0]"
        )
    );

    let (_, report) = lint(&role(r#"principals { aws = ["111122223333"] }"#, ""));
    assert_eq!(
        findings(&report),
        one(
            "trust-whole-account",
            "warning",
            "role.app assume_role_policy statement[0]"
        )
    );

    let mfa = "condition {\n        test     = \"Bool\"\n        variable = \"aws:MultiFactorAuthPresent\"\n        values   = [\"true\"]\n      }";
    let (run, report) = lint(&role(r#"principals { aws = ["111122223333"] }"#, mfa));
    assert_eq!((run.code, findings(&report)), (0, vec![]));
    let (run, report) = lint(&role(
        r#"principals { service = ["ec2.amazonaws.com"] }"#,
        "",
    ));
    assert_eq!((run.code, findings(&report)), (0, vec![]));
}

#[test]
fn permissions_on_users_instead_of_groups() {
    let (_, report) = lint(
        r#"user "bob" {
  policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  inline_policy "own" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::b/*"]
    }
  }
}"#,
    );
    assert_eq!(
        findings(&report),
        [
            (
                "user-attached-policy".to_owned(),
                "warning".to_owned(),
                "user.bob".to_owned()
            ),
            (
                "user-inline-policy".to_owned(),
                "warning".to_owned(),
                "user.bob inline_policy.own".to_owned()
            ),
        ]
    );
    let (_, report) = lint(
        r#"group "readers" { policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }
user "bob" { groups = [group.readers.name] }"#,
    );
    assert_eq!(findings(&report), []);
}

#[test]
fn password_policy_missing_or_weak() {
    // Not through lint(), which adds a strong password policy to configurations without one.
    let test = Test::new().file("main.hcl", "user \"bob\" {}\n");
    let run = test.run_plain(&["lint", "--format", "json", test.config().to_str().unwrap()]);
    let report = json(&run);
    assert_matches_schema("lint-report.schema.json", &report);
    assert_eq!(
        (run.code, findings(&report)),
        (0, one("no-password-policy", "warning", "password_policy"))
    );

    let (_, report) = lint("user \"bob\" {}\npassword_policy {\n  minimum_length = 8\n  require_symbols = true\n  require_numbers = true\n  require_uppercase = true\n  require_lowercase = true\n  max_age_days = 90\n  reuse_prevention = 24\n}\n");
    assert_eq!(
        findings(&report),
        one("weak-password-policy", "warning", "password_policy")
    );
    assert_eq!(report["findings"][0]["hint"], "minimum_length = 14");
}

#[test]
fn text_output_and_exit_codes() {
    let test = Test::new().file(
        "main.hcl",
        &format!(
            "{}\n{STRONG_PASSWORDS}",
            policy("actions = [\"s3:GetObjekt\"]\n    resources = [\"*\"]")
        ),
    );
    let run = test
        .run_plain(&["lint", test.config().to_str().unwrap()])
        .expect(1);
    assert!(
        run.stdout
            .starts_with("error[unknown-action]: policy.p statement[0]\n  --> "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  fix: did you mean `s3:GetObject`?\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("Lint: 1 error, 0 warnings.\n"),
        "{}",
        run.stdout
    );

    let clean = Test::new().file(
        "main.hcl",
        &policy("actions = [\"s3:GetObject\"]\n    resources = [\"*\"]"),
    );
    let run = clean
        .run_plain(&["lint", clean.config().to_str().unwrap()])
        .expect(0);
    assert_eq!(run.stdout, "Lint: No findings.\n");
}

#[test]
fn an_invalid_configuration_is_an_error_before_linting() {
    let test = Test::new().file("main.hcl", "policy \"p\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n    resources = [\"my-bucket\"]\n  }\n}\n");
    let run = test
        .run_plain(&["lint", test.config().to_str().unwrap()])
        .expect(1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("is not an ARN"), "{}", run.stderr);
}

#[test]
fn unknown_condition_keys_are_warnings() {
    let cond = |key: &str| {
        policy(&format!(
            "actions = [\"s3:ListBucket\"]\n    resources = [\"arn:aws:s3:::b\"]\n    condition {{\n      test     = \"StringLike\"\n      variable = \"{key}\"\n      values   = [\"home/*\"]\n    }}"
        ))
    };
    let (run, report) = lint(&cond("s3:prefx"));
    assert_eq!(run.code, 0);
    assert_eq!(
        findings(&report),
        one("unknown-condition-key", "warning", "policy.p statement[0]")
    );
    assert_eq!(report["findings"][0]["hint"], "did you mean `s3:prefix`?");
    let (_, report) = lint(&cond("s3:prefix"));
    assert_eq!(findings(&report), []);
}
