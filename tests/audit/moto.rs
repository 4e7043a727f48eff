//! `iamform audit --backend aws` against moto (`IAMFORM_TEST_MOTO_ENDPOINT`; skipped without it
//! outside CI, a failure in CI, as `tests/aws`).
//!
//! moto implements the credential report and the account summary, but its report has no root row
//! and dates every credential at its creation (now), and it has no Access Advisor; what that
//! leaves out is listed in the README. What it can show is shown here: the five reads, the CSV
//! parsed, and the rules its data triggers — with IAMFORM_NOW moved ahead, the age rules too.

use super::assert_valid_sarif;
use crate::conformance::target;
use iamform::backend::Backend;
use iamform::model::{Name, PolicyDocument, Tags, Timestamp};
use iamform::operation::{Identity, Operation, PermissionOp, PolicyOp, UserOp};
use serde_json::Value;
use std::collections::BTreeSet;

async fn ok(b: &impl Backend, op: impl Into<Operation>) {
    let op = op.into();
    if let Err(e) = b.execute(&op).await {
        panic!("{op} should succeed: {e}");
    }
}

fn n(s: &str) -> Name {
    Name::from(s)
}

/// `iamform audit --backend aws --endpoint-url ENDPOINT ARGS` with moto's fake credentials.
fn audit(endpoint: &str, args: &[&str], now: Option<&str>) -> (i32, Value, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iamform"));
    cmd.args(["audit", "--backend", "aws", "--endpoint-url", endpoint])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .env_remove("IAMFORM_BACKEND")
        .env_remove("IAMFORM_NOW");
    if let Some(now) = now {
        cmd.env("IAMFORM_NOW", now);
    }
    let out = cmd.output().expect("run iamform");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), report, stderr)
}

fn fired(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings in {report}"))
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["address"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn set(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(r, a)| ((*r).to_owned(), (*a).to_owned()))
        .collect()
}

#[tokio::test]
async fn the_audit_reads_moto_in_five_calls_plus_polling_and_fires_what_its_data_shows() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    let iam = {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&endpoint)
            .load()
            .await;
        aws_sdk_iam::Client::new(&config)
    };
    for user in ["console", "keys"] {
        ok(
            &b,
            UserOp::CreateUser {
                user: n(user),
                path: "/".into(),
                permissions_boundary: None,
                tags: Tags::new(),
            },
        )
        .await;
    }
    iam.create_login_profile()
        .user_name("console")
        .password("Correct-Horse-Battery-1")
        .send()
        .await
        .expect("login profile");
    for _ in 0..2 {
        iam.create_access_key()
            .user_name("keys")
            .send()
            .await
            .expect("access key");
    }
    let admin = PolicyDocument::from_json_str(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    ok(
        &b,
        PolicyOp::CreatePolicy {
            policy: n("admin"),
            path: "/".into(),
            description: None,
            document: admin,
            tags: Tags::new(),
        },
    )
    .await;
    ok(
        &b,
        PermissionOp::attach(
            Identity::User(n("keys")),
            format!("arn:aws:iam::{}:policy/admin", target::ACCOUNT),
        ),
    )
    .await;

    let (code, report, stderr) = audit(&endpoint, &["--format", "json", "-v"], None);
    assert_eq!(code, 2, "{report:#}{stderr}");
    super::assert_matches_schema("audit-report.schema.json", &report);
    assert_eq!(
        fired(&report),
        set(&[
            // moto's account summary: AccountMFAEnabled 0.
            ("root-mfa-disabled", "account"),
            ("console-user-without-mfa", "user.console"),
            ("multiple-active-access-keys", "user.keys"),
            ("user-direct-policies", "user.keys"),
            ("password-policy-missing", "account"),
            ("full-admin-policy", "policy.admin"),
            ("no-support-role", "account"),
        ]),
        "{report:#}"
    );
    let skipped: Vec<&str> = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        ["root-recently-used", "unused-services"],
        "{report:#}"
    );

    // The reads: at most five calls besides the polling (GenerateCredentialReport again until
    // IAM says COMPLETE) and the identity check made when connecting.
    let calls = report["api_calls"].as_object().unwrap();
    let count = |action: &str| calls.get(action).and_then(Value::as_u64).unwrap_or(0);
    let polls = count("GenerateCredentialReport").saturating_sub(1);
    let total: u64 = calls.values().filter_map(Value::as_u64).sum();
    let reads = total - polls - count("GetCallerIdentity");
    assert!(reads <= 5, "{reads} reads: {calls:?}");
    for action in [
        "GetAccountAuthorizationDetails",
        "GetAccountPasswordPolicy",
        "GenerateCredentialReport",
        "GetCredentialReport",
        "GetAccountSummary",
    ] {
        assert!(count(action) >= 1, "{action}: {calls:?}");
    }
    assert!(
        polls <= 2,
        "moto answers COMPLETE on the second call: {calls:?}"
    );
    assert!(stderr.contains("IAM API calls:"), "{stderr}");
    assert!(stderr.contains("GetCredentialReport"), "{stderr}");

    // moto dates credentials now; measured 200 days later, its dates make keys old and unused.
    let later = Timestamp::from_second(Timestamp::now().as_second() + 200 * 24 * 60 * 60)
        .unwrap()
        .to_string();
    let (code, later_report, stderr) = audit(&endpoint, &["--format", "json"], Some(&later));
    assert_eq!(code, 2, "{stderr}");
    let found = fired(&later_report);
    for expected in [
        ("access-key-too-old", "user.keys"),
        ("credentials-unused", "user.keys"),
        ("credentials-unused", "user.console"),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?}: {later_report:#}"
        );
    }
    let too_old = later_report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "access-key-too-old")
        .count();
    assert_eq!(too_old, 2, "both of moto's keys, by slot: {later_report:#}");

    // SARIF of the same audit validates.
    let (code, sarif, stderr) = audit(&endpoint, &["--format", "sarif"], None);
    assert_eq!(code, 2, "{stderr}");
    assert_valid_sarif(&sarif);
}

#[tokio::test]
async fn last_accessed_on_moto_is_an_error_naming_the_call() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    ok(
        &b,
        UserOp::CreateUser {
            user: n("u"),
            path: "/".into(),
            permissions_boundary: None,
            tags: Tags::new(),
        },
    )
    .await;
    // moto 5.2.5 has no Access Advisor: the audit fails (exit 1) and says which call, rather
    // than reporting no unused services.
    let (code, _, stderr) = audit(&endpoint, &["--last-accessed"], None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("GenerateServiceLastAccessedDetails"),
        "{stderr}"
    );
}
