//! `iamform lint` through the real binary: exit codes, text, and JSON checked against
//! schemas/lint-report.schema.json, one configuration per finding (positive and negative), the
//! file:line:col of the key each finding is about, and `--document FILE`.

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
    // The location is the `actions` attribute the finding is about (line 3 of policy()).
    assert!(
        report["findings"][0]["location"]
            .as_str()
            .unwrap()
            .ends_with("main.hcl:3:1"),
        "{}",
        report["findings"][0]
    );
    assert_eq!(report["findings"][0]["path"], "Statement[0].Action");

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
fn github_actions_trust_without_a_repository_is_an_error() {
    let provider = "openid_connect_provider \"github\" {\n  url            = \"https://token.actions.githubusercontent.com\"\n  client_id_list = [\"sts.amazonaws.com\"]\n}\n";
    let federated = "principals { federated = [openid_connect_provider.github.arn] }";
    let (run, report) = lint(&format!("{provider}{}", role(federated, "")));
    assert_eq!(run.code, 1);
    let at = "role.app assume_role_policy statement[0]";
    assert_eq!(
        findings(&report),
        [
            (
                "oidc-trust-without-sub".to_owned(),
                "error".to_owned(),
                at.to_owned()
            ),
            (
                "oidc-trust-without-aud".to_owned(),
                "warning".to_owned(),
                at.to_owned()
            ),
        ]
    );
    let sub = "condition {\n        test     = \"StringLike\"\n        variable = \"token.actions.githubusercontent.com:sub\"\n        values   = [\"repo:acme/infra:pull_request\"]\n      }";
    let (run, report) = lint(&format!("{provider}{}", role(federated, sub)));
    assert_eq!(
        (run.code, findings(&report)),
        (
            0,
            vec![(
                "oidc-trust-without-aud".to_owned(),
                "warning".to_owned(),
                at.to_owned()
            )]
        )
    );
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

/// The first finding of `rule`, with where it points (location suffix after the directory).
fn finding<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {report:#}"))
}

fn points_at(f: &serde_json::Value, suffix: &str) {
    let location = f["location"].as_str().unwrap();
    assert!(
        location.ends_with(suffix),
        "{location} does not end with {suffix}"
    );
}

#[test]
fn resources_the_actions_cannot_use_are_reported_at_the_resources_attribute() {
    // Nothing fits: an error, naming the action and its resource types.
    let (run, report) = lint(&policy(
        r#"    sid       = "List"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::b/*"]"#,
    ));
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        one("resource-mismatch", "error", "policy.p statement[0]")
    );
    let f = &report["findings"][0];
    points_at(f, "main.hcl:5:5");
    assert_eq!(f["path"], "Statement[0].Resource");
    assert_eq!(f["actions"], serde_json::json!(["s3:ListBucket"]));
    assert_eq!(f["resources"], serde_json::json!(["arn:aws:s3:::b/*"]));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("bucket (`arn:${Partition}:s3:::${BucketName}`)"),
        "{f}"
    );

    // One action takes only `*`: a warning, the statement still grants the others.
    let (run, report) = lint(&policy(
        r#"    actions   = ["logs:CreateLogStream", "logs:DescribeLogGroups"]
    resources = ["arn:aws:logs:us-east-1:111122223333:log-group:app:*"]"#,
    ));
    assert_eq!(run.code, 0);
    let f = finding(&report, "resource-mismatch");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["actions"], serde_json::json!(["logs:DescribeLogGroups"]));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("takes only Resource `*`"),
        "{f}"
    );

    // Negative: the usual bucket-and-objects statement, wildcards that can fit, and `*`.
    for statement in [
        r#"actions = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]"#,
        r#"actions = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::b*"]"#,
        r#"actions = ["s3:Get*"]
    resources = ["arn:aws:s3:::b/*"]"#,
        r#"actions = ["logs:DescribeLogGroups"]
    resources = ["*"]"#,
    ] {
        let (run, report) = lint(&policy(statement));
        assert_eq!((run.code, findings(&report)), (0, vec![]), "{statement}");
    }
}

#[test]
fn condition_keys_no_action_has_are_reported_at_their_condition_block() {
    let cond = |action: &str, resource: &str, test: &str| {
        policy(&format!(
            "actions = [\"{action}\"]\n    resources = [\"{resource}\"]\n    condition {{\n      test     = \"Bool\"\n      variable = \"aws:SecureTransport\"\n      values   = [\"true\"]\n    }}\n    condition {{\n      test     = \"{test}\"\n      variable = \"s3:prefix\"\n      values   = [\"home/*\"]\n    }}"
        ))
    };
    let object = "arn:aws:s3:::b/*";
    let (run, report) = lint(&cond("s3:GetObject", object, "StringLike"));
    assert_eq!(run.code, 0, "a warning");
    assert_eq!(
        findings(&report),
        one(
            "condition-key-not-applicable",
            "warning",
            "policy.p statement[0]"
        )
    );
    let f = &report["findings"][0];
    // The second condition block, where s3:prefix is.
    points_at(f, "main.hcl:10:5");
    assert_eq!(
        f["path"],
        r#"Statement[0].Condition.StringLike["s3:prefix"]"#
    );
    assert_eq!(f["actions"], serde_json::json!(["s3:GetObject"]));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("StringLike never matches: the statement grants nothing"),
        "{f}"
    );
    let (_, report) = lint(&cond("s3:GetObject", object, "StringNotLike"));
    assert!(
        finding(&report, "condition-key-not-applicable")["message"]
            .as_str()
            .unwrap()
            .contains("StringNotLike always matches: the condition restricts nothing"),
        "{report}"
    );
    // Negative: s3:ListBucket has s3:prefix.
    let (run, report) = lint(&cond("s3:ListBucket", "arn:aws:s3:::b", "StringLike"));
    assert_eq!((run.code, findings(&report)), (0, vec![]));
}

#[test]
fn retired_services_are_warnings_and_unknown_ones_errors() {
    let (run, report) = lint(&policy(
        r#"actions   = ["deepracer:ListModels", "s3:GetObject"]
    resources = ["*"]"#,
    ));
    assert_eq!(run.code, 0);
    assert_eq!(
        findings(&report),
        one("retired-service", "warning", "policy.p statement[0]")
    );
    let f = &report["findings"][0];
    points_at(f, "main.hcl:3:1");
    assert!(
        f["message"].as_str().unwrap().contains("AWS DeepRacer"),
        "{f}"
    );
    let (run, report) = lint(&policy(
        r#"actions   = ["deepracers:ListModels"]
    resources = ["*"]"#,
    ));
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&report),
        one("unknown-service", "error", "policy.p statement[0]")
    );
}

#[test]
fn findings_in_a_json_file_point_into_the_file() {
    let json = r#"{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" },
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::b/*"
    }
  ]
}
"#;
    let test = Test::new()
        .file(
            "main.hcl",
            &format!(
                "policy \"p\" {{\n  document = file(\"policies/p.json\")\n}}\n{STRONG_PASSWORDS}"
            ),
        )
        .file("policies/p.json", json);
    let run = test.run_plain(&["lint", "--format", "json", test.config().to_str().unwrap()]);
    let report = json_of(&run);
    let f = finding(&report, "resource-mismatch");
    assert_eq!(f["address"], "policy.p statement[1]");
    points_at(f, "policies/p.json:8:7");
    assert_eq!(f["path"], "Statement[1].Resource");

    // jsonencode: the `document` attribute, and the path inside it.
    let (_, report) = lint(
        r#"policy "p" {
  document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::b/*" }]
  })
}"#,
    );
    let f = finding(&report, "resource-mismatch");
    points_at(f, "main.hcl:2:3");
    assert_eq!(f["path"], "Statement[0].Resource");
}

fn json_of(run: &Run) -> serde_json::Value {
    let report = json(run);
    assert_matches_schema("lint-report.schema.json", &report);
    report
}

#[test]
fn lint_document_lints_json_files_without_a_configuration() {
    let test = Test::new()
        .file(
            "bad.json",
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "arn:aws:logs:*:*:log-group:x"}}"#,
        )
        .file(
            "good.json",
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}}"#,
        );
    let bad = test.config().join("bad.json");
    let good = test.config().join("good.json");
    let run = test.run_plain(&[
        "lint",
        "--format",
        "json",
        "--document",
        good.to_str().unwrap(),
        "--document",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json_of(&run);
    assert_eq!(
        findings(&report),
        one(
            "resource-mismatch",
            "error",
            &format!("{} statement[0]", bad.display())
        )
    );
    points_at(&report["findings"][0], "bad.json:1:96");

    let run = test.run_plain(&["lint", "--document", good.to_str().unwrap()]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "Lint: No findings.\n"));

    // Not a policy document: an error on stderr, exit 1, nothing on stdout.
    test.write("not.json", r#"{"Statement": []}"#);
    let not = test.config().join("not.json");
    let run = test.run_plain(&["lint", "--document", not.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("not.json"), "{}", run.stderr);
    // A directory (or a pipe) is not read.
    let run = test.run_plain(&["lint", "--document", test.config().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not a file"), "{}", run.stderr);
}

#[test]
fn trust_and_inline_policies_of_each_instance_point_at_their_keys() {
    let (_, report) = lint(
        r#"role "app" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }
}
group "g" {
  for_each = toset(["a", "b"])
  name     = each.key
  inline_policy "read" {
    statement {
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::${each.key}/*"]
    }
  }
}"#,
    );
    let trust = finding(&report, "trust-anyone");
    points_at(trust, "main.hcl:5:7");
    assert_eq!(trust["path"], "Statement[0].Principal");
    let inline: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "resource-mismatch")
        .collect();
    assert_eq!(inline.len(), 2, "{report:#}");
    for (f, group) in inline.iter().zip(["a", "b"]) {
        assert_eq!(
            f["address"],
            format!("group.{group} inline_policy.read statement[0]")
        );
        points_at(f, "main.hcl:18:7");
    }
}
