//! `iamform audit`: every rule fires on a mock account written with dated credentials and stays
//! quiet on its compliant twin; exit codes; the configuration (locations, suppressions); the
//! report formats against their schemas (SARIF against the OASIS SARIF 2.1.0 schema). `moto`
//! runs the audit through the aws backend.

mod moto;

use crate::harness::{assert_matches_schema, json, repo, Run, Test};
use iamform::model::Timestamp;
use serde_json::{json, Value};

/// Every audit here runs as of this instant (IAMFORM_NOW).
pub const NOW: &str = "2024-06-01T00:00:00Z";

/// An RFC 3339 instant `days` before [`NOW`].
pub fn days_ago(days: i64) -> String {
    let now: Timestamp = NOW.parse().unwrap();
    Timestamp::from_second(now.as_second() - days * 24 * 60 * 60)
        .unwrap()
        .to_string()
}

/// A mock account no rule finds anything in: root with MFA and no keys, a CIS password policy, a
/// support role, and `ann`, a console user with MFA who signed in yesterday.
fn clean() -> Value {
    json!({
        "format_version": 2,
        "account_id": "123456789012",
        "root": { "mfa_enabled": true, "access_keys_present": false, "password_last_used": days_ago(200) },
        "account": {
            "users": { "ann": { "name": "ann", "groups": ["dev"], "credentials": {
                "login_profile": { "created": days_ago(300), "password_last_used": days_ago(1) },
                "mfa_devices": ["arn:aws:iam::123456789012:mfa/ann"]
            } } },
            "groups": { "dev": { "name": "dev", "policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"] } },
            "roles": { "support": {
                "name": "support",
                "assume_role_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
                    "Action": "sts:AssumeRole", "Principal": { "AWS": "arn:aws:iam::123456789012:root" } }] },
                "policies": ["arn:aws:iam::aws:policy/AWSSupportAccess"]
            } },
            "password_policy": { "minimum_length": 14, "reuse_prevention": 24 }
        }
    })
}

fn with(mut account: Value, edit: impl FnOnce(&mut Value)) -> Value {
    edit(&mut account);
    account
}

/// A test whose mock account is `account`.
fn test_with(account: &Value) -> Test {
    let t = Test::new();
    std::fs::write(t.account(), serde_json::to_string_pretty(account).unwrap()).unwrap();
    t
}

/// `iamform audit --backend mock:… ARGS` without a configuration, as of [`NOW`].
fn audit_plain(t: &Test, args: &[&str]) -> Run {
    let backend = format!("mock:{}", t.account().display());
    let mut all = vec!["audit", "--backend", backend.as_str()];
    all.extend_from_slice(args);
    t.run_plain_env(&all, &[("IAMFORM_NOW", NOW)])
}

/// The JSON report of an audit of `account` (validated against its schema).
fn report(account: &Value, args: &[&str]) -> Value {
    let t = test_with(account);
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = audit_plain(&t, &all);
    assert!(matches!(run.code, 0 | 2), "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    assert_matches_schema("audit-report.schema.json", &report);
    assert_eq!(run.code == 2, report["summary"]["findings"] != 0);
    report
}

/// (rule, address) of every finding.
fn fired(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["address"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn ann(account: &mut Value) -> &mut Value {
    &mut account["account"]["users"]["ann"]
}

fn key(id: &str, status: &str, created: i64, last_used: Option<i64>) -> Value {
    let mut k = json!({ "id": id, "status": status, "created": days_ago(created) });
    if let Some(d) = last_used {
        k["last_used"] = json!(days_ago(d));
        k["last_used_service"] = json!("s3");
    }
    k
}

#[test]
fn a_compliant_account_has_no_findings_and_exits_0() {
    let r = report(&clean(), &[]);
    assert_eq!(fired(&r), Vec::<(String, String)>::new());
    assert_eq!(r["not_evaluated"][0]["rule"], "unused-services");
    let t = test_with(&clean());
    let text = audit_plain(&t, &[]).expect(0);
    assert!(
        text.stdout
            .contains("Audit of account 123456789012 as of 2024-06-01T00:00:00Z: no findings."),
        "{}",
        text.stdout
    );
}

/// One row per rule: an account where it fires (on the address given) and its compliant twin.
#[test]
fn every_rule_fires_on_its_case_and_not_on_the_compliant_twin() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, &str, Edit, Edit)> = vec![
        (
            "root-mfa-disabled",
            "account",
            |a| a["root"]["mfa_enabled"] = json!(false),
            |a| a["root"]["mfa_enabled"] = json!(true),
        ),
        (
            "root-access-keys",
            "account",
            |a| a["root"]["access_keys_present"] = json!(true),
            |a| a["root"]["access_keys_present"] = json!(false),
        ),
        (
            "root-recently-used",
            "account",
            |a| a["root"]["password_last_used"] = json!(days_ago(3)),
            |a| a["root"]["password_last_used"] = json!(days_ago(46)),
        ),
        (
            "console-user-without-mfa",
            "user.ann",
            |a| ann(a)["credentials"]["mfa_devices"] = json!([]),
            |a| {
                // No console password: no MFA needed.
                let c = &mut ann(a)["credentials"];
                c["mfa_devices"] = json!([]);
                c.as_object_mut().unwrap().remove("login_profile");
            },
        ),
        (
            "access-key-too-old",
            "user.ann",
            |a| {
                ann(a)["credentials"]["access_keys"] =
                    json!([key("AKIAOLD1", "Active", 91, Some(1))])
            },
            |a| {
                ann(a)["credentials"]["access_keys"] = json!([
                    key("AKIANEW1", "Active", 89, Some(1)),
                    key("AKIAOLD1", "Inactive", 400, Some(300))
                ])
            },
        ),
        (
            "access-key-unused",
            "user.ann",
            |a| ann(a)["credentials"]["access_keys"] = json!([key("AKIASETUP", "Active", 2, None)]),
            |a| {
                ann(a)["credentials"]["access_keys"] =
                    json!([key("AKIAUSED", "Active", 2, Some(1))])
            },
        ),
        (
            "credentials-unused",
            "user.ann",
            |a| ann(a)["credentials"]["login_profile"]["password_last_used"] = json!(days_ago(46)),
            |a| ann(a)["credentials"]["login_profile"]["password_last_used"] = json!(days_ago(44)),
        ),
        (
            "credentials-unused",
            "user.ann",
            |a| {
                ann(a)["credentials"]["access_keys"] =
                    json!([key("AKIAIDLE", "Active", 60, Some(50))])
            },
            |a| {
                ann(a)["credentials"]["access_keys"] =
                    json!([key("AKIAIDLE", "Inactive", 60, Some(50))])
            },
        ),
        (
            "multiple-active-access-keys",
            "user.ann",
            |a| {
                ann(a)["credentials"]["access_keys"] = json!([
                    key("AKIAONE", "Active", 10, Some(1)),
                    key("AKIATWO", "Active", 5, Some(1))
                ])
            },
            |a| {
                ann(a)["credentials"]["access_keys"] = json!([
                    key("AKIAONE", "Inactive", 10, Some(1)),
                    key("AKIATWO", "Active", 5, Some(1))
                ])
            },
        ),
        (
            "user-direct-policies",
            "user.ann",
            |a| ann(a)["policies"] = json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
            |a| ann(a)["groups"] = json!(["dev"]),
        ),
        (
            "user-direct-policies",
            "user.ann",
            |a| {
                ann(a)["inline_policies"] = json!({ "own": { "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }] } })
            },
            |_| {},
        ),
        (
            "password-policy-missing",
            "account",
            |a| {
                a["account"]
                    .as_object_mut()
                    .unwrap()
                    .remove("password_policy");
            },
            |_| {},
        ),
        (
            "password-policy-weak",
            "account",
            |a| {
                a["account"]["password_policy"] =
                    json!({ "minimum_length": 12, "reuse_prevention": 24 })
            },
            |a| {
                a["account"]["password_policy"] =
                    json!({ "minimum_length": 20, "reuse_prevention": 24, "require_symbols": true })
            },
        ),
        (
            "password-policy-weak",
            "account",
            |a| {
                a["account"]["password_policy"] =
                    json!({ "minimum_length": 14, "reuse_prevention": 5 })
            },
            |_| {},
        ),
        (
            "full-admin-policy",
            "policy.admin",
            |a| {
                a["account"]["policies"] = json!({ "admin": { "name": "admin", "document": { "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }] } } });
                a["account"]["groups"]["dev"]["policies"] =
                    json!(["arn:aws:iam::123456789012:policy/admin"]);
            },
            |a| {
                // The same policy, attached to nobody; and an attached one that is not `*` on `*`.
                a["account"]["policies"] = json!({
                    "admin": { "name": "admin", "document": { "Version": "2012-10-17",
                        "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }] } },
                    "s3": { "name": "s3", "document": { "Version": "2012-10-17",
                        "Statement": [{ "Effect": "Allow", "Action": "s3:*", "Resource": "*" }] } } });
                a["account"]["groups"]["dev"]["policies"] =
                    json!(["arn:aws:iam::123456789012:policy/s3"]);
            },
        ),
        (
            "no-support-role",
            "account",
            |a| a["account"]["roles"]["support"]["policies"] = json!([]),
            |_| {},
        ),
    ];
    for (rule, address, fires, quiet) in cases {
        let positive = report(&with(clean(), fires), &[]);
        let hits: Vec<(String, String)> = fired(&positive)
            .into_iter()
            .filter(|(r, _)| r == rule)
            .collect();
        assert_eq!(
            hits,
            [(rule.to_owned(), address.to_owned())],
            "{rule} should fire once on {address}: {positive:#}"
        );
        let negative = report(&with(clean(), quiet), &[]);
        assert!(
            fired(&negative).is_empty(),
            "{rule}'s compliant twin has findings: {negative:#}"
        );
    }
}

#[test]
fn thresholds_come_from_the_command_line() {
    let account = with(clean(), |a| {
        ann(a)["credentials"]["access_keys"] = json!([key("AKIAMID", "Active", 30, Some(20))])
    });
    assert!(fired(&report(&account, &[])).is_empty());
    let strict = report(
        &account,
        &["--max-key-age-days", "29", "--max-unused-days", "19"],
    );
    let rules: Vec<String> = fired(&strict).into_iter().map(|(r, _)| r).collect();
    assert_eq!(rules, ["access-key-too-old", "credentials-unused"]);
    assert_eq!(strict["thresholds"]["max_key_age_days"], 29);
    let message = strict["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("access key 1 (AKIAMID) of ann was created 30 days ago (2024-05-02)"),
        "{message}"
    );
}

#[test]
fn unused_services_needs_last_accessed_and_reads_access_advisor_data() {
    let account = with(clean(), |a| {
        a["last_accessed"] = json!({
            "user.ann": [
                { "namespace": "s3", "name": "Amazon S3", "last_authenticated": days_ago(2) },
                { "namespace": "ec2", "name": "Amazon EC2" },
                { "namespace": "iam", "last_authenticated": days_ago(100) }
            ],
            "role.support": [{ "namespace": "support", "last_authenticated": days_ago(10) }]
        });
    });
    let without = report(&account, &[]);
    assert!(fired(&without).is_empty());
    assert_eq!(without["not_evaluated"][0]["rule"], "unused-services");

    let t = test_with(&account);
    let run = audit_plain(&t, &["--format", "json", "--last-accessed", "-v"]).expect(2);
    let with_advisor = json(&run);
    assert_eq!(
        fired(&with_advisor),
        [("unused-services".to_owned(), "user.ann".to_owned())]
    );
    let message = with_advisor["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "2 of 3 services it has not used in 45 days: ec2 (never), iam (last 2024-02-22)"
        ),
        "{message}"
    );
    assert_eq!(with_advisor["not_evaluated"], json!([]));
    // One job per user and role, and progress on stderr.
    assert_eq!(
        with_advisor["api_calls"]["GenerateServiceLastAccessedDetails"],
        2
    );
    assert!(
        run.stderr.contains("Access Advisor: 2/2 principals"),
        "{}",
        run.stderr
    );
    let compliant =
        with(
            account,
            |a| {
                a["last_accessed"]["user.ann"] =
                    json!([{ "namespace": "s3", "last_authenticated": days_ago(2) }])
            },
        );
    assert!(fired(&report(&compliant, &["--last-accessed"])).is_empty());
}

#[test]
fn exit_codes_follow_drift_0_clean_2_findings_1_error() {
    let t = test_with(&clean());
    audit_plain(&t, &[]).expect(0);
    let findings = test_with(&with(clean(), |a| a["root"]["mfa_enabled"] = json!(false)));
    let run = audit_plain(&findings, &[]).expect(2);
    assert!(
        run.stdout
            .contains("critical[root-mfa-disabled]: account (CIS 1.5)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 finding (1 critical)"),
        "{}",
        run.stdout
    );

    // Errors: a corrupt account file, a bad IAMFORM_NOW, no backend at all.
    std::fs::write(t.account(), "{ not json").unwrap();
    let run = audit_plain(&t, &[]).expect(1);
    assert!(run.stderr.contains("not valid JSON"), "{}", run.stderr);
    let good = test_with(&clean());
    let backend = format!("mock:{}", good.account().display());
    let run = good
        .run_plain_env(
            &["audit", "--backend", &backend],
            &[("IAMFORM_NOW", "yesterday")],
        )
        .expect(1);
    assert!(
        run.stderr.contains("not an RFC 3339 instant"),
        "{}",
        run.stderr
    );
    let run = good.run_plain(&["audit"]).expect(1);
    assert!(run.stderr.contains("pass --backend"), "{}", run.stderr);
}

#[test]
fn the_api_calls_are_counted_in_verbose_mode() {
    let t = test_with(&clean());
    let run = audit_plain(&t, &["-v"]).expect(0);
    assert!(run.stderr.contains("IAM API calls: 5"), "{}", run.stderr);
    for call in [
        "GetAccountAuthorizationDetails",
        "GetAccountPasswordPolicy",
        "GenerateCredentialReport",
        "GetCredentialReport",
        "GetAccountSummary",
    ] {
        assert!(run.stderr.contains(call), "{call}: {}", run.stderr);
    }
}

/// A configuration declaring `ann` and a password policy, suppressing one rule for `legacy-*`.
const CONFIG: &str = r#"backend "mock" { path = "../account.json" }

settings {
  audit {
    ignore = ["access-key-too-old:user/legacy-*", "no-support-role:account"]
  }
}

group "dev" { policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }

user "ann" {
  groups = [group.dev.name]
}

password_policy {
  minimum_length   = 8
  reuse_prevention = 24
}
"#;

fn configured_account() -> Value {
    with(clean(), |a| {
        ann(a)["credentials"]["mfa_devices"] = json!([]);
        a["account"]["users"]["legacy-ci"] = json!({ "name": "legacy-ci",
            "policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "credentials": { "access_keys": [key("AKIALEGACY", "Active", 400, Some(1))] } });
        a["account"]["password_policy"] = json!({ "minimum_length": 8, "reuse_prevention": 24 });
        a["account"]["roles"]["support"]["policies"] = json!([]);
    })
}

#[test]
fn with_a_configuration_findings_point_at_declarations_and_suppressions_are_counted() {
    let t = test_with(&configured_account()).file("main.hcl", CONFIG);
    let run = t
        .run_env(&["audit", "--format", "json"], &[("IAMFORM_NOW", NOW)])
        .expect(2);
    let r = json(&run);
    assert_matches_schema("audit-report.schema.json", &r);
    let ann = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "console-user-without-mfa")
        .unwrap();
    assert_eq!(ann["declared"], true);
    let location = ann["location"].as_str().unwrap();
    assert!(location.ends_with("main.hcl:11:1"), "{location}");
    let weak = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "password-policy-weak")
        .unwrap();
    assert!(
        weak["location"]
            .as_str()
            .unwrap()
            .ends_with("main.hcl:15:1"),
        "{weak}"
    );
    // The suppressed findings are counted and listed, each with its pattern.
    assert_eq!(r["summary"]["suppressed"], 2);
    assert_eq!(
        r["summary"]["suppressed_by_rule"],
        json!({ "access-key-too-old": 1, "no-support-role": 1 })
    );
    let suppressed = &r["suppressed"][0];
    assert_eq!(suppressed["rule"], "access-key-too-old");
    assert_eq!(suppressed["address"], "user.legacy-ci");
    assert_eq!(suppressed["declared"], false);
    assert_eq!(suppressed["pattern"], "access-key-too-old:user/legacy-*");
    assert!(fired(&r).iter().all(|(rule, _)| rule != "no-support-role"));

    let text = t.run_env(&["audit"], &[("IAMFORM_NOW", NOW)]).expect(2);
    assert!(
        text.stdout.contains(
            "2 findings suppressed by settings.audit.ignore (access-key-too-old: 1, no-support-role: 1)."
        ),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("  --> "), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("  --> not declared in the configuration"),
        "{}",
        text.stdout
    );
}

#[test]
fn an_ignore_pattern_naming_no_rule_is_an_error() {
    let t = test_with(&clean()).file(
        "main.hcl",
        "settings {\n  audit {\n    ignore = [\"acces-key-too-old:user/x\"]\n  }\n}\n",
    );
    let run = t.run_env(&["audit"], &[("IAMFORM_NOW", NOW)]).expect(1);
    assert!(
        run.stderr
            .contains("`acces-key-too-old:user/x` names no audit rule"),
        "{}",
        run.stderr
    );
    let t = test_with(&clean()).file(
        "main.hcl",
        "settings {\n  audit {\n    ignore = [\"access-key-too-old\"]\n  }\n}\n",
    );
    let run = t.run(&["validate"]).expect(1);
    assert!(run.stderr.contains("has no `:`"), "{}", run.stderr);
    assert!(run.stderr.contains("main.hcl:3:"), "{}", run.stderr);
}

#[test]
fn markdown_has_a_summary_table_and_a_section_per_rule() {
    let t = test_with(&configured_account()).file("main.hcl", CONFIG);
    let run = t
        .run_env(&["audit", "--format", "markdown"], &[("IAMFORM_NOW", NOW)])
        .expect(2);
    let md = run.stdout;
    assert!(
        md.starts_with("### IAM audit of account `123456789012`"),
        "{md}"
    );
    assert!(md.contains("| rule | severity | CIS | findings |"), "{md}");
    assert!(
        md.contains("| `console-user-without-mfa` | high | 1.10 | 1 |"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary><code>password-policy-weak</code>: 1 finding"),
        "{md}"
    );
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    assert!(md.contains("2 findings suppressed"), "{md}");
}

/// The OASIS SARIF 2.1.0 schema (tests/schemas/README.md says where it comes from).
#[track_caller]
pub fn assert_valid_sarif(sarif: &Value) {
    let text = std::fs::read_to_string(repo().join("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF 2.1.0: {errors:#?}");
    // What GitHub code scanning needs beyond the schema: a file and a line for every result.
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let place = &result["locations"][0]["physicalLocation"];
        assert!(place["artifactLocation"]["uri"].is_string(), "{result}");
        assert!(
            place["region"]["startLine"].as_u64().unwrap() >= 1,
            "{result}"
        );
        let rule = result["ruleId"].as_str().unwrap();
        assert!(
            sarif["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == rule),
            "{rule} has no rule metadata"
        );
    }
}

#[test]
fn sarif_validates_and_points_at_the_declaring_lines() {
    let t = test_with(&configured_account()).file("main.hcl", CONFIG);
    let run = t
        .run_env(&["audit", "--format", "sarif"], &[("IAMFORM_NOW", NOW)])
        .expect(2);
    let sarif = json(&run);
    assert_valid_sarif(&sarif);
    let run0 = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        run0["tool"]["driver"]["rules"].as_array().unwrap().len(),
        14
    );
    let rule = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "root-access-keys")
        .unwrap();
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let results = run0["results"].as_array().unwrap();
    let ann = results
        .iter()
        .find(|r| r["ruleId"] == "console-user-without-mfa")
        .unwrap();
    let place = &ann["locations"][0]["physicalLocation"];
    assert!(
        place["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/config/main.hcl"),
        "{place}"
    );
    assert_eq!(place["region"]["startLine"], 11);
    assert_eq!(
        ann["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "user.ann"
    );
    // Suppressed findings are not results.
    assert!(results.iter().all(|r| r["ruleId"] != "no-support-role"));

    // Without a configuration every result still has a file: a path naming the account.
    let plain = test_with(&with(clean(), |a| a["root"]["mfa_enabled"] = json!(false)));
    let sarif = json(&audit_plain(&plain, &["--format", "sarif"]).expect(2));
    assert_valid_sarif(&sarif);
    let place = &sarif["runs"][0]["results"][0]["locations"][0];
    assert_eq!(
        place["physicalLocation"]["artifactLocation"]["uri"],
        "aws-account-123456789012"
    );
    assert_eq!(
        place["logicalLocations"][0]["fullyQualifiedName"],
        "account"
    );
}

#[test]
fn lint_sarif_validates_too() {
    let t = Test::new().file(
        "main.hcl",
        "user \"ann\" {\n  inline_policy \"own\" {\n    statement {\n      actions   = [\"s3:*\"]\n      resources = [\"*\"]\n    }\n  }\n}\n",
    );
    let run = t.run_plain(&[
        "lint",
        &t.config().display().to_string(),
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let sarif = json(&run);
    assert_valid_sarif(&sarif);
    let rules: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"user-inline-policy"), "{rules:?}");
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "iamform/lint/");
}

#[test]
fn mock_files_old_and_new_match_the_account_schema() {
    // A version 1 file is read, and written back as version 2 with dated credentials.
    let v1 = json!({
        "format_version": 1, "account_id": "123456789012",
        "account": { "users": { "old": { "name": "old",
            "credentials": { "login_profile": true, "access_keys": ["AKIAOLD"] } } } }
    });
    assert_matches_schema("mock-account.schema.json", &v1);
    assert_matches_schema("mock-account.schema.json", &clean());
    assert_matches_schema("mock-account.schema.json", &configured_account());
    let t = test_with(&v1).file("main.hcl", "user \"new\" {}\n");
    let report = json(
        &t.run_env(&["audit", "--format", "json"], &[("IAMFORM_NOW", NOW)])
            .expect(2),
    );
    // Credentials of unknown age are as old as can be.
    assert!(fired(&report).contains(&("access-key-too-old".to_owned(), "user.old".to_owned())));
    t.apply();
    let written = t.live();
    assert_eq!(written["format_version"], 2);
    assert_eq!(
        written["account"]["users"]["old"]["credentials"]["login_profile"]["created"],
        "1970-01-01T00:00:00Z"
    );
    assert_matches_schema("mock-account.schema.json", &written);
    // The version 2 shape is refused in a version 1 file, and the reverse.
    let mixed = with(clean(), |a| a["format_version"] = json!(1));
    assert!(
        jsonschema::validator_for(&schema("mock-account.schema.json"))
            .unwrap()
            .validate(&mixed)
            .is_err()
    );
}

fn schema(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join("schemas").join(name)).unwrap())
        .unwrap()
}

#[test]
fn the_audit_example_applies_and_audits_with_its_suppressions() {
    let t = Test::new().example("audit");
    t.run(&["validate"]).expect(0);
    t.apply();
    t.assert_converged();
    // What no configuration can declare, as the console would leave it: a CI user's old key.
    t.edit_live(|live| {
        live["account"]["users"]["legacy-ci"]["credentials"] =
            json!({ "access_keys": [key("AKIALEGACYCI", "Active", 400, Some(1))] });
        live["root"] = json!({ "mfa_enabled": true });
    });
    let r = json(
        &t.run_env(&["audit", "--format", "json"], &[("IAMFORM_NOW", NOW)])
            .expect(0),
    );
    assert_matches_schema("audit-report.schema.json", &r);
    assert_eq!(r["summary"]["suppressed"], 1, "{r:#}");
    assert_eq!(r["suppressed"][0]["rule"], "access-key-too-old");
}

#[test]
fn the_readme_rule_table_is_the_rule_table() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for r in &iamform::audit::RULES {
        let row = format!(
            "| `{}` | {} | {} | {} | {} |",
            r.id,
            r.severity.as_str(),
            r.cis.unwrap_or("—"),
            r.checks,
            r.fix
        );
        assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
    }
}
