//! Rules on hand-built audit data; the CLI tests (tests/audit) run each rule on mock accounts.

use super::*;
use crate::backend::audit::{AccountSummary, CredentialReport, CredentialRow, KeyRow, ROOT_USER};
use crate::model::{PasswordPolicy, Timestamp};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const NOW: &str = "2024-06-01T00:00:00Z";

fn input(data: &AuditData) -> AuditInput<'_> {
    AuditInput {
        data,
        account_id: "123456789012",
        now: t(NOW),
        thresholds: Thresholds::default(),
    }
}

fn ids(data: &AuditData) -> Vec<(&'static str, String)> {
    run(&input(data))
        .0
        .into_iter()
        .map(|f| (f.rule, f.address.to_string()))
        .collect()
}

/// A compliant account: root with MFA and no keys, a strong password policy, a support role.
fn clean() -> AuditData {
    let mut data = AuditData {
        summary: AccountSummary(
            [("AccountMFAEnabled", 1), ("AccountAccessKeysPresent", 0)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ),
        credential_report: CredentialReport {
            generated: None,
            rows: vec![CredentialRow {
                user: ROOT_USER.into(),
                mfa_active: true,
                ..CredentialRow::default()
            }],
        },
        ..AuditData::default()
    };
    data.account.password_policy = Some(PasswordPolicy {
        minimum_length: Some(14),
        reuse_prevention: Some(24),
        ..PasswordPolicy::default()
    });
    let support: crate::model::Role = serde_json::from_value(serde_json::json!({
        "name": "support",
        "assume_role_policy": {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}},
        "policies": ["arn:aws:iam::aws:policy/AWSSupportAccess"]
    }))
    .unwrap();
    data.account.roles.insert(support.name.clone(), support);
    data
}

#[test]
fn a_compliant_account_has_no_findings_and_says_what_it_could_not_judge() {
    let data = clean();
    let (findings, skipped) = run(&input(&data));
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].rule, "unused-services");
}

#[test]
fn ages_are_whole_days_before_now() {
    let data = clean();
    let i = input(&data);
    assert_eq!(i.days_since(t("2024-05-31T00:00:01Z")), 0);
    assert_eq!(i.days_since(t("2024-05-31T00:00:00Z")), 1);
    assert!(
        !i.older_than(t("2024-03-03T00:00:00Z"), 90),
        "exactly 90 days"
    );
    assert!(i.older_than(t("2024-03-02T00:00:00Z"), 90), "91 days");
    assert_eq!(i.days_since(t("2024-06-02T00:00:00Z")), -1);
}

#[test]
fn a_key_past_the_age_limit_fires_once_a_rotated_one_does_not() {
    let mut data = clean();
    let key = |n: usize, rotated: &str, used: Option<&str>| KeyRow {
        number: n,
        id: Some(format!("AKIA{n}")),
        active: true,
        last_rotated: Some(t(rotated)),
        last_used: used.map(t),
        last_used_service: None,
    };
    data.credential_report.rows.push(CredentialRow {
        user: "ci".into(),
        password_enabled: Some(false),
        access_keys: vec![key(1, "2024-01-01T00:00:00Z", Some("2024-05-30T00:00:00Z"))],
        ..CredentialRow::default()
    });
    assert_eq!(ids(&data), [("access-key-too-old", "user.ci".to_owned())]);
    data.credential_report.rows[1].access_keys[0].last_rotated = Some(t("2024-05-01T00:00:00Z"));
    assert!(ids(&data).is_empty());
    // A threshold of 10 days makes the same 31-day-old key too old.
    let mut strict = input(&data);
    strict.thresholds.max_key_age_days = 10;
    let (found, _) = run(&strict);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("older than 10 days"),
        "{}",
        found[0].message
    );
}

#[test]
fn suppressions_match_rule_kind_and_name_globs_ignoring_case() {
    let rule = super::rule("access-key-too-old").unwrap();
    let f = |name: &str| {
        Finding::new(
            rule,
            Subject::Entity(crate::model::Address::new(crate::model::Kind::User, name)),
            "m",
            "f",
        )
    };
    let s = Suppressions::new(vec!["access-key-too-old:user/Legacy-*".into()]);
    let (kept, suppressed) = s.apply(vec![f("legacy-ci"), f("ci")]);
    assert_eq!(kept.len(), 1);
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0].pattern, "access-key-too-old:user/Legacy-*");
    let root = Finding::new(
        super::rule("root-mfa-disabled").unwrap(),
        Subject::Account,
        "m",
        "f",
    );
    assert_eq!(root.suppression_subject(), "root-mfa-disabled:account");
    assert!(Suppressions::new(vec!["root-*:account".into()])
        .matching(&root)
        .is_some());
}

#[test]
fn patterns_must_name_a_rule() {
    assert!(check_patterns(&["access-key-too-old:user/x".into(), "*:role/app".into()]).is_ok());
    let error = check_patterns(&["acess-key-too-old:user/x".into()]).unwrap_err();
    assert!(
        error.contains("`acess-key-too-old:user/x` names no audit rule"),
        "{error}"
    );
    assert!(error.contains("access-key-too-old"), "{error}");
}

#[test]
fn every_rule_is_in_the_table_once_with_a_cis_item_where_the_benchmark_has_one() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    for r in &RULES {
        assert_eq!(r.cis.is_none(), r.id == "unused-services", "{}", r.id);
        assert!(r.cis.is_none_or(|c| c.starts_with("1.")), "{}", r.id);
    }
}
