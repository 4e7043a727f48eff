//! The aws backend against a real IAM API endpoint: a moto server (`.ci/moto.sh`), found through
//! `IAMFORM_TEST_MOTO_ENDPOINT`. What the conformance suite cannot show: the account guard, the
//! number of calls a big read takes, document decoding, the teardown of a user's credentials,
//! and the command line applying the quickstart through `--backend aws`.
//!
//! Without the variable these tests pass without doing anything, except in CI, where they fail.

use crate::conformance::target;

use iamform::backend::aws::AwsBackend;
use iamform::backend::retry::{self, RetryPolicy};
use iamform::backend::{Backend, ErrorCode};
use iamform::model::{Address, Kind, Name, PasswordPolicy, PolicyDocument, Tags};
use iamform::operation::CallCounts;
use iamform::operation::{
    AccountOp, GroupOp, Identity, InstanceProfileOp, Operation, PermissionOp, PolicyOp, RoleOp,
    UserOp,
};
use iamform::settings::AwsSettings;
use std::sync::Arc;
use target::ACCOUNT;

fn n(s: &str) -> Name {
    Name::from(s)
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(json).expect("a valid document")
}

fn allow(resource: &str) -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{resource}"}}]}}"#
    ))
}

fn ec2_trust() -> PolicyDocument {
    doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#,
    )
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

async fn ok(b: &AwsBackend, op: Operation) {
    if let Err(e) = b.execute(&op).await {
        panic!("{op} should succeed: {e}");
    }
}

/// A user at path `/`, through the backend.
async fn create_user(b: &AwsBackend, name: &str) {
    let op = UserOp::CreateUser {
        user: n(name),
        path: "/".into(),
        permissions_boundary: None,
        tags: Tags::new(),
    };
    ok(b, op.into()).await;
}

/// Calls made between two snapshots of the counter.
fn delta(before: &CallCounts, after: &CallCounts) -> CallCounts {
    after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0)))
        .filter(|(_, v)| *v > 0)
        .collect()
}

/// An SDK client on moto, for seeding what iamform never creates.
pub(crate) async fn sdk(endpoint: &str) -> aws_sdk_iam::Client {
    target::use_fake_credentials();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .load()
        .await;
    aws_sdk_iam::Client::new(&config)
}

#[tokio::test]
async fn a_wrong_account_id_is_refused_naming_both_accounts() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    target::use_fake_credentials();
    let settings = AwsSettings {
        endpoint_url: Some(endpoint.clone()),
        account_id: Some("111122223333".into()),
        ..AwsSettings::default()
    };
    let error = match AwsBackend::connect(&settings).await {
        Ok(_) => panic!("connecting to account {ACCOUNT} as 111122223333 must fail"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains(&format!("the credentials belong to account {ACCOUNT}"))
            && error.contains("the configuration expects account 111122223333"),
        "{error}"
    );
    let right = AwsBackend::connect(&AwsSettings {
        account_id: Some(ACCOUNT.into()),
        ..settings
    })
    .await
    .expect("the right account connects");
    assert_eq!(right.account_id(), ACCOUNT);
    assert!(
        right.caller_arn().starts_with("arn:aws:"),
        "{}",
        right.caller_arn()
    );
    assert_eq!(right.call_counts().get("GetCallerIdentity"), Some(&1));
}

#[tokio::test]
async fn an_assumed_role_is_used_and_guarded() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    target::use_fake_credentials();
    let settings = AwsSettings {
        endpoint_url: Some(endpoint.clone()),
        account_id: Some(ACCOUNT.into()),
        assume_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/deployer")),
        ..AwsSettings::default()
    };
    let b = AwsBackend::connect(&settings)
        .await
        .expect("assume the role");
    assert!(
        b.caller_arn().contains(":assumed-role/deployer/iamform"),
        "{}",
        b.caller_arn()
    );
    // moto hands out credentials of the role's account: another account is refused.
    let elsewhere = AwsSettings {
        assume_role_arn: Some("arn:aws:iam::111122223333:role/deployer".into()),
        ..settings
    };
    let error = match AwsBackend::connect(&elsewhere).await {
        Ok(_) => panic!("a role in account 111122223333 must be refused"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("belong to account 111122223333")
            && error.contains(&format!("expects account {ACCOUNT}")),
        "{error}"
    );
}

/// `iamform` with moto's fake credentials.
fn iamform(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_iamform"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .output()
        .expect("run iamform")
}

/// `iamform apply ...`, which must succeed with no failed operation.
fn apply_cleanly(args: &[&str]) {
    let apply = iamform(args);
    let out = String::from_utf8_lossy(&apply.stdout);
    assert!(
        apply.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    assert!(out.contains("0 failed"), "{out}");
}

#[tokio::test]
async fn quickstart_applies_on_moto_and_the_next_plan_is_empty() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let aws = ["--backend", "aws", "--endpoint-url", endpoint.as_str()];
    apply_cleanly(
        &[
            &["apply", "examples/quickstart", "--auto-approve"][..],
            &aws,
        ]
        .concat(),
    );
    let plan = iamform(
        &[
            &["plan", "examples/quickstart", "--detailed-exitcode"][..],
            &aws,
        ]
        .concat(),
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&plan.stdout),
        String::from_utf8_lossy(&plan.stderr)
    );
    let b = target::connect_to_moto(&endpoint).await;
    let live = b.read().await.expect("read");
    assert!(live.users.len() >= 5 && !live.groups.is_empty(), "{live:?}");
}

#[tokio::test]
async fn plan_refuses_another_account() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("main.hcl"),
        format!(
            "backend \"aws\" {{\n  account_id   = \"111122223333\"\n  endpoint_url = \"{endpoint}\"\n}}\n\nuser \"x\" {{}}\n"
        ),
    )
    .expect("write the configuration");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let plan = iamform(&["plan", dir_arg.as_str()]);
    let stderr = String::from_utf8_lossy(&plan.stderr);
    assert_eq!(plan.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("the credentials belong to account {ACCOUNT}"))
            && stderr.contains("the configuration expects account 111122223333"),
        "{stderr}"
    );
    let b = target::connect_to_moto(&endpoint).await;
    assert!(
        b.read().await.expect("read").users.is_empty(),
        "nothing was changed"
    );
}

#[tokio::test]
async fn documents_keep_plus_signs_spaces_and_percent_signs() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    let tricky = allow("arn:aws:s3:::a+b c/100%25 done+/*");
    let trust = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"},"Condition":{"StringEquals":{"aws:PrincipalTag/team":"a+b c"}}}]}"#,
    );
    create_user(&b, "u").await;
    ok(
        &b,
        PermissionOp::put(Identity::User(n("u")), n("inline"), tricky.clone()).into(),
    )
    .await;
    ok(
        &b,
        PolicyOp::CreatePolicy {
            policy: n("managed"),
            path: "/".into(),
            description: Some("with + and spaces".into()),
            document: tricky.clone(),
            tags: Tags::new(),
        }
        .into(),
    )
    .await;
    ok(
        &b,
        RoleOp::CreateRole {
            role: n("r"),
            path: "/".into(),
            assume_role_policy: trust.clone(),
            description: None,
            max_session_duration: 3600,
            permissions_boundary: None,
            tags: Tags::new(),
        }
        .into(),
    )
    .await;
    let live = b.read().await.expect("read");
    assert_eq!(live.users[&n("u")].inline_policies[&n("inline")], tricky);
    assert_eq!(live.policies[&n("managed")].document, tricky);
    assert_eq!(
        live.policies[&n("managed")].description.as_deref(),
        Some("with + and spaces")
    );
    assert_eq!(live.roles[&n("r")].assume_role_policy, trust);
}

#[tokio::test]
async fn the_plan_shows_and_removes_the_credentials_of_a_deleted_user() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    let iam = sdk(&endpoint).await;
    create_user(&b, "leaver").await;
    for _ in 0..2 {
        iam.create_access_key()
            .user_name("leaver")
            .send()
            .await
            .expect("access key");
    }
    iam.create_login_profile()
        .user_name("leaver")
        .password("Correct-Horse-1")
        .send()
        .await
        .expect("login profile");
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("leaver")
        .send()
        .await
        .expect("virtual MFA device");
    let serial = device
        .virtual_mfa_device()
        .map(|d| d.serial_number().to_owned())
        .expect("a serial number");
    iam.enable_mfa_device()
        .user_name("leaver")
        .serial_number(&serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .expect("enable MFA");
    iam.upload_ssh_public_key()
        .user_name("leaver")
        .ssh_public_key_body(SSH_PUBLIC_KEY)
        .send()
        .await
        .expect("SSH key");
    iam.upload_signing_certificate()
        .user_name("leaver")
        .certificate_body(CERTIFICATE)
        .send()
        .await
        .expect("signing certificate");

    // The configuration owns every path and declares another user: `leaver` is to be deleted.
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("main.hcl"),
        format!(
            "backend \"aws\" {{\n  endpoint_url = \"{endpoint}\"\n  region = \"us-east-1\"\n}}\n\n\
             settings {{\n  scope {{\n    paths = [\"/\"]\n  }}\n}}\n\nuser \"stays\" {{}}\n"
        ),
    )
    .expect("write the configuration");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let plan = iamform(&["plan", dir_arg.as_str()]);
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(
        plan.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    for line in [
        "- 1 login profile (deleted first)",
        "- 2 access keys (deleted first)",
        "- 1 MFA device (deleted first)",
        "- 1 SSH public key (deleted first)",
        "- 1 signing certificate (deleted first)",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    apply_cleanly(&["apply", dir_arg.as_str(), "--auto-approve"]);
    let live = b.read().await.expect("read");
    assert!(!live.users.contains_key(&n("leaver")) && live.users.contains_key(&n("stays")));
    let devices = iam
        .list_virtual_mfa_devices()
        .send()
        .await
        .expect("list virtual MFA devices");
    assert!(
        devices
            .virtual_mfa_devices()
            .iter()
            .all(|d| d.serial_number() != serial),
        "the virtual MFA device is deleted with its user"
    );
    let again = iamform(&["plan", dir_arg.as_str(), "--detailed-exitcode"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

/// DeleteUser is one call: the credentials are the plan's to remove, so a user that has one is
/// refused, not stripped of credentials the reviewed plan did not show.
#[tokio::test]
async fn delete_user_is_one_call_and_removes_no_credential() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    create_user(&b, "leaver").await;
    let before = b.call_counts();
    ok(&b, UserOp::DeleteUser { user: n("leaver") }.into()).await;
    let calls = delta(&before, &b.call_counts());
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls.get("DeleteUser"), Some(&1), "{calls:?}");
    let gone = b
        .execute(&UserOp::DeleteUser { user: n("leaver") }.into())
        .await;
    assert_eq!(
        gone.err().and_then(|e| e.code()),
        Some(ErrorCode::NoSuchEntity)
    );
}

#[tokio::test]
async fn single_credentials_are_deleted_by_id() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    let iam = sdk(&endpoint).await;
    create_user(&b, "u").await;
    let key = iam
        .create_access_key()
        .user_name("u")
        .send()
        .await
        .expect("access key")
        .access_key()
        .map(|k| k.access_key_id().to_owned())
        .expect("an access key id");
    iam.create_login_profile()
        .user_name("u")
        .password("Correct-Horse-1")
        .send()
        .await
        .expect("login profile");
    let ssh = iam
        .upload_ssh_public_key()
        .user_name("u")
        .ssh_public_key_body(SSH_PUBLIC_KEY)
        .send()
        .await
        .expect("SSH key")
        .ssh_public_key()
        .map(|k| k.ssh_public_key_id().to_owned())
        .expect("an SSH key id");
    let cert = iam
        .upload_signing_certificate()
        .user_name("u")
        .certificate_body(CERTIFICATE)
        .send()
        .await
        .expect("certificate")
        .certificate()
        .map(|c| c.certificate_id().to_owned())
        .expect("a certificate id");
    let teardown: [Operation; 4] = [
        UserOp::DeleteAccessKey {
            user: n("u"),
            access_key_id: key,
        }
        .into(),
        UserOp::DeleteLoginProfile { user: n("u") }.into(),
        UserOp::DeleteSshPublicKey {
            user: n("u"),
            ssh_public_key_id: ssh,
        }
        .into(),
        UserOp::DeleteSigningCertificate {
            user: n("u"),
            certificate_id: cert,
        }
        .into(),
    ];
    for op in teardown {
        ok(&b, op.clone()).await;
        let again = b.execute(&op).await;
        assert_eq!(
            again.err().and_then(|e| e.code()),
            Some(ErrorCode::NoSuchEntity),
            "{op} a second time"
        );
    }
}

#[tokio::test]
async fn password_policy_round_trips() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    assert_eq!(b.read().await.expect("read").password_policy, None);
    for policy in [
        PasswordPolicy {
            minimum_length: Some(14),
            require_symbols: Some(true),
            ..PasswordPolicy::default()
        },
        PasswordPolicy {
            minimum_length: Some(20),
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase: Some(true),
            require_lowercase: Some(true),
            allow_users_to_change_password: Some(true),
            max_age_days: Some(90),
            reuse_prevention: Some(24),
            hard_expiry: Some(true),
        },
    ] {
        ok(
            &b,
            AccountOp::UpdateAccountPasswordPolicy {
                policy: policy.clone(),
            }
            .into(),
        )
        .await;
        assert_eq!(b.read().await.expect("read").password_policy, Some(policy));
    }
    ok(&b, Operation::from(AccountOp::DeleteAccountPasswordPolicy)).await;
    assert_eq!(b.read().await.expect("read").password_policy, None);
}

#[tokio::test]
async fn policy_and_profile_tags_are_read_where_asked() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let b = target::connect_to_moto(&endpoint).await;
    for name in ["tagged", "other"] {
        ok(
            &b,
            PolicyOp::CreatePolicy {
                policy: n(name),
                path: "/".into(),
                description: None,
                document: allow("*"),
                tags: tags(&[("owner", name)]),
            }
            .into(),
        )
        .await;
    }
    ok(
        &b,
        InstanceProfileOp::CreateInstanceProfile {
            instance_profile: n("lonely"),
            path: "/apps/".into(),
            tags: tags(&[("k", "v")]),
        }
        .into(),
    )
    .await;

    // Never told: every tag is read, one call per policy and instance profile.
    let before = b.call_counts();
    let live = b.read().await.expect("read");
    let calls = delta(&before, &b.call_counts());
    assert_eq!(
        live.policies[&n("tagged")].tags,
        tags(&[("owner", "tagged")])
    );
    assert_eq!(live.policies[&n("other")].tags, tags(&[("owner", "other")]));
    assert_eq!(
        live.instance_profiles[&n("lonely")].tags,
        tags(&[("k", "v")])
    );
    assert_eq!(live.instance_profiles[&n("lonely")].path, "/apps/");
    assert!(live.instance_profiles[&n("lonely")].roles.is_empty());
    assert_eq!(calls.get("ListPolicyTags"), Some(&2), "{calls:?}");
    assert_eq!(calls.get("GetInstanceProfile"), Some(&1), "{calls:?}");

    // Told: only those.
    b.read_tags_only_for(&[Address::new(Kind::Policy, "TAGGED")]);
    let before = b.call_counts();
    let live = b.read().await.expect("read");
    let calls = delta(&before, &b.call_counts());
    assert_eq!(
        live.policies[&n("tagged")].tags,
        tags(&[("owner", "tagged")])
    );
    assert!(live.policies[&n("other")].tags.is_empty());
    assert_eq!(calls.get("ListPolicyTags"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("GetInstanceProfile"), None, "{calls:?}");
}

/// 2,500 entities: 1,100 roles (so that ListRoles takes two pages of 1,000), 700 users, 300
/// groups, 250 managed policies, 150 instance profiles, with memberships, attachments and inline
/// policies. Reading them back takes at most 10 calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_2500_entities_takes_at_most_10_calls() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    // moto is not thread-safe: concurrent creates sometimes fail with HTTP 500 ("dictionary
    // changed size during iteration", before anything is changed): `run_all` retries those.
    target::use_fake_credentials();
    let seeder = Arc::new(
        AwsBackend::connect(&AwsSettings {
            endpoint_url: Some(endpoint.clone()),
            account_id: Some(ACCOUNT.into()),
            ..AwsSettings::default()
        })
        .await
        .expect("connect to moto"),
    );
    let started = std::time::Instant::now();

    let mut creates = Vec::new();
    for i in 0..250 {
        creates.push(
            PolicyOp::CreatePolicy {
                policy: n(&format!("policy{i}")),
                path: "/bulk/".into(),
                description: None,
                document: allow(&format!("arn:aws:s3:::bucket{i}/*")),
                tags: Tags::new(),
            }
            .into(),
        );
    }
    for i in 0..300 {
        creates.push(
            GroupOp::CreateGroup {
                group: n(&format!("group{i}")),
                path: "/".into(),
            }
            .into(),
        );
    }
    for i in 0..1_100 {
        creates.push(
            RoleOp::CreateRole {
                role: n(&format!("role{i}")),
                path: "/bulk/".into(),
                assume_role_policy: ec2_trust(),
                description: Some(format!("role number {i}")),
                max_session_duration: 3600 + i,
                permissions_boundary: None,
                tags: tags(&[("n", &i.to_string())]),
            }
            .into(),
        );
    }
    for i in 0..700 {
        creates.push(
            UserOp::CreateUser {
                user: n(&format!("user{i}")),
                path: "/".into(),
                permissions_boundary: None,
                tags: Tags::new(),
            }
            .into(),
        );
    }
    for i in 0..150 {
        creates.push(
            InstanceProfileOp::CreateInstanceProfile {
                instance_profile: n(&format!("profile{i}")),
                path: "/".into(),
                tags: Tags::new(),
            }
            .into(),
        );
    }
    let mut links = Vec::new();
    for i in 0..700 {
        links.push(
            UserOp::AddUserToGroup {
                user: n(&format!("user{i}")),
                group: n(&format!("group{}", i % 300)),
            }
            .into(),
        );
    }
    for i in 0..300 {
        links.push(
            PermissionOp::attach(
                Identity::Group(n(&format!("group{i}"))),
                format!("arn:aws:iam::{ACCOUNT}:policy/bulk/policy{}", i % 250),
            )
            .into(),
        );
    }
    for i in 0..100 {
        links.push(
            PermissionOp::put(
                Identity::Role(n(&format!("role{i}"))),
                n("inline"),
                allow("*"),
            )
            .into(),
        );
        links.push(
            InstanceProfileOp::AddRoleToInstanceProfile {
                instance_profile: n(&format!("profile{i}")),
                role: n(&format!("role{i}")),
            }
            .into(),
        );
    }
    run_all(&seeder, creates).await;
    run_all(&seeder, links).await;
    let seeded = started.elapsed();

    let b = target::connect_to_moto(&endpoint).await;
    b.read_tags_only_for(&[]);
    let before = b.call_counts();
    let read_started = std::time::Instant::now();
    let live = b.read().await.expect("read");
    let read_took = read_started.elapsed();
    let calls = delta(&before, &b.call_counts());
    let total: u64 = calls.values().sum();
    eprintln!(
        "seeded 2,500 entities in {seeded:?}; read them in {read_took:?} with {total} calls: {calls:?}"
    );

    assert_eq!(live.len(), 2_500);
    assert_eq!(
        (
            live.users.len(),
            live.groups.len(),
            live.roles.len(),
            live.policies.len(),
            live.instance_profiles.len()
        ),
        (700, 300, 1_100, 250, 150)
    );
    assert!(
        total <= 10,
        "reading 2,500 entities took {total} calls: {calls:?}"
    );
    assert_eq!(
        calls.get("ListRoles"),
        Some(&2),
        "1,100 roles are two pages"
    );
    let role = &live.roles[&n("role1099")];
    assert_eq!(role.description.as_deref(), Some("role number 1099"));
    assert_eq!(role.max_session_duration, 3600 + 1099);
    assert_eq!(role.tags, tags(&[("n", "1099")]));
    assert_eq!(role.path, "/bulk/");
    assert!(live.roles[&n("role7")]
        .inline_policies
        .contains_key(&n("inline")));
    assert!(live.users[&n("user301")].groups.contains(&n("group1")));
    assert!(live.groups[&n("group299")]
        .policies
        .contains(&format!("arn:aws:iam::{ACCOUNT}:policy/bulk/policy49")));
    assert_eq!(
        live.instance_profiles[&n("profile5")]
            .roles
            .iter()
            .map(Name::as_str)
            .collect::<Vec<_>>(),
        ["role5"]
    );
    assert!(live.instance_profiles[&n("profile149")].roles.is_empty());
    assert_eq!(live.policies[&n("policy3")].path, "/bulk/");
    assert_eq!(
        live.policies[&n("policy3")].document,
        allow("arn:aws:s3:::bucket3/*")
    );
}

/// Runs `ops` 4 at a time.
async fn run_all(b: &Arc<AwsBackend>, ops: Vec<Operation>) {
    let mut jobs = tokio::task::JoinSet::new();
    let mut ops = ops.into_iter();
    loop {
        while jobs.len() < 4 {
            let Some(op) = ops.next() else { break };
            let b = Arc::clone(b);
            jobs.spawn(async move {
                // moto is not thread-safe: concurrent creates sometimes fail with HTTP 500
                // (before anything is changed), so seeding retries as apply does.
                let policy = RetryPolicy::default();
                let attempt = || b.execute(&op);
                if let (Err(e), _) = retry::run(&policy, &op, attempt, retry::busy).await {
                    panic!("{op} should succeed: {e}");
                }
            });
        }
        match jobs.join_next().await {
            None => break,
            Some(result) => result.expect("a seeding call"),
        }
    }
}

pub(crate) const SSH_PUBLIC_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDPjNij7wMO81XsTaNlHZS7+K3gmSznoBfb8Kq2C25N7NfAE2tNI19FBE34tAX5W1qRgcD7m8tM1TXsDDPu5XozV3ZRN0NFi1lbrZps7D4U2Uki1p0c9z4brGPufXUONxOmYHs6EHb+xdYwZDET2Oja56WuP8vxpZKOmbfAaVHg/ePPUNDAJ7x84nT2W3FdM8nb3ruDqMhi2WHhWkVVYdR8C+QEqgJU/Nqt0AE/y1R1rUosYj5wIoq90d+h1TjV+TJ+QVLPqWF09xGOwtWfrt3PWbeOHxucO+SxjsmZemXlfmzMNHedITcBS3fPFHIG7ES+pk05Vk0tdHSD94Hp0+P3 iamform-test";

/// A self-signed test certificate (moto checks that a signing certificate parses).
pub(crate) const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----
MIIBHDCBw6ADAgECAgEBMAoGCCqGSM49BAMCMBcxFTATBgNVBAMMDGlhbWZvcm0g
dGVzdDAgFw0yNDAxMDEwMDAwMDBaGA8yMTI0MDEwMTAwMDAwMFowFzEVMBMGA1UE
AwwMaWFtZm9ybSB0ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+P/VaNTp
nuh3JnQeb2Qe1PnPVTvm5litH5rUpVQJw0V5kNK0d64IZxQMuVzaHlLw2/Z9e94W
AIodwIDzh8YfnTAKBggqhkjOPQQDAgNIADBFAiEAjUFd+W4V37Yz+ZfT9kDGU41D
xUneSC1EeH5Enq1KpU8CIBgi/S7ok93EcGPAMvOF9P9NXlaeJTkrsBTD9DodzhLR
-----END CERTIFICATE-----
";

/// `iamform ARGS --backend aws --endpoint-url ENDPOINT`: its exit code and its stdout and
/// stderr together.
fn on_moto(endpoint: &str, args: &[&str]) -> (Option<i32>, String) {
    let aws = ["--backend", "aws", "--endpoint-url", endpoint];
    let out = iamform(&[args, &aws].concat());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// examples/moved through the aws backend: UpdateUser NewUserName and UpdateGroup NewGroupName
/// on the wire, memberships and attachments kept, and the next plan empty.
#[tokio::test]
async fn moved_blocks_rename_in_place_on_moto() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let run = |args: &[&str]| on_moto(&endpoint, args);
    let (code, text) = run(&["apply", "examples/moved/before", "--auto-approve"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run(&["apply", "examples/moved", "--auto-approve"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("UpdateUser user.jdoe new name john.doe: done")
            && text.contains("UpdateGroup group.devs new name developers: done")
            && text.contains("2 applied, 0 failed"),
        "{text}"
    );
    // moto keeps a user's tags under its ARN, which a rename changes, so they are lost there
    // (AWS keeps them with the user): on moto the next plan puts the tags back, and nothing else.
    let (code, text) = run(&["plan", "examples/moved", "--detailed-exitcode"]);
    if code == Some(2) {
        assert!(
            text.contains("~ tags = {\n          + team = \"web\"\n        }")
                && text.contains("Plan: 0 to add, 1 to change, 0 to destroy. (1 IAM operation)"),
            "{text}"
        );
        let (code, text) = run(&["apply", "examples/moved", "--auto-approve"]);
        assert_eq!(code, Some(0), "{text}");
    }
    let (code, text) = run(&["plan", "examples/moved", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "{text}");

    let b = target::connect_to_moto(&endpoint).await;
    let live = b.read().await.expect("read");
    let user = live.users.get(&n("john.doe")).expect("the renamed user");
    assert!(!live.users.contains_key(&n("jdoe")));
    assert_eq!(
        user.groups,
        [n("developers"), n("oncall")].into_iter().collect()
    );
    assert_eq!(
        user.policies,
        [format!("arn:aws:iam::{ACCOUNT}:policy/deploy")]
            .into_iter()
            .collect()
    );
    assert!(live.groups.contains_key(&n("developers")) && !live.groups.contains_key(&n("devs")));
}

/// Defect 19.2: `--backend aws` on the command line kept only `account_id` of the configuration's
/// `backend "aws"` block and dropped `endpoint_url` (and region, profile, assume_role_arn): the
/// plan went to another endpoint. The flags now override the block attribute by attribute.
#[tokio::test]
async fn backend_aws_on_the_command_line_keeps_the_blocks_settings() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    target::use_fake_credentials();
    let t = crate::harness::Test::new().file(
        "main.hcl",
        &format!(
            "backend \"aws\" {{\n  endpoint_url = \"{endpoint}\"\n  account_id = \"{ACCOUNT}\"\n}}\n\nuser \"from_the_block\" {{}}\n"
        ),
    );
    let config = t.config().display().to_string();
    let run = t.run_plain(&["plan", &config, "--backend", "aws", "--region", "eu-west-1"]);
    let run = run.expect(0);
    assert!(
        run.stdout.contains("user.from_the_block will be created"),
        "{}",
        run.stdout
    );
}

/// Defect 19.2, saved plans: `apply PLANFILE` rebuilt an aws backend with every setting empty, so
/// a plan made against an endpoint (or through an assumed role) was applied elsewhere. The plan
/// records the backend's settings and apply connects with them.
#[tokio::test]
async fn a_saved_plan_is_applied_with_the_backend_it_was_made_with() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    target::use_fake_credentials();
    let t = crate::harness::Test::new().file(
        "main.hcl",
        &format!(
            "backend \"aws\" {{\n  endpoint_url = \"{endpoint}\"\n  account_id = \"{ACCOUNT}\"\n}}\n\nuser \"saved_plan_user\" {{}}\n"
        ),
    );
    let plan = t.path("plan.json");
    let config = t.config().display().to_string();
    let plan_arg = plan.to_str().unwrap();
    t.run_plain(&["plan", &config, "--out", plan_arg]).expect(0);
    let apply = t
        .run_plain(&["apply", plan_arg, "--auto-approve"])
        .expect(0);
    assert!(
        apply.stdout.contains("Apply complete: 1 applied"),
        "{}",
        apply.stdout
    );
    let b = target::connect_to_moto(&endpoint).await;
    let live = b.read().await.expect("read");
    assert!(live.users.contains_key(&n("saved_plan_user")));
    b.execute(
        &UserOp::DeleteUser {
            user: n("saved_plan_user"),
        }
        .into(),
    )
    .await
    .expect("clean up");
}

/// Defect 19.10: without credentials, one error that says none were found, which sources were
/// tried and how to provide one, at once (no retries) and without the SDK's warnings or Debug
/// dumps; `-v` adds what each source answered. Runs without moto: no call gets that far.
#[test]
fn missing_credentials_are_one_clear_error() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let dir = home.path().join("config");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("main.hcl"), "user \"x\" {}\n").expect("write");
    let run = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_iamform"));
        cmd.args(["plan", &dir.to_string_lossy(), "--backend", "aws"])
            .args([
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--region",
                "us-east-1",
            ])
            .args(extra)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("NO_COLOR", "1")
            .env("AWS_CONFIG_FILE", home.path().join("no-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.path().join("no-credentials"),
            )
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
        let out = cmd.output().expect("run iamform");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: no AWS credentials were found."),
        "{stderr}"
    );
    for source in [
        "environment",
        "profile",
        "SSO",
        "web identity",
        "instance metadata",
        "help: set AWS_PROFILE",
    ] {
        assert!(stderr.contains(source), "{source}: {stderr}");
    }
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    for noise in [
        "WARN",
        "retrying",
        "DispatchFailure",
        "CredentialsNotLoaded",
    ] {
        assert!(!stderr.contains(noise), "{noise}: {stderr}");
    }
    let (code, verbose) = run(&["-v"]);
    assert_eq!(code, Some(1), "{verbose}");
    assert!(
        verbose.contains("Environment: the credential provider was not enabled"),
        "{verbose}"
    );
    let (_, profile) = run(&["--profile", "prod"]);
    assert!(
        profile.contains("no AWS credentials were found for profile `prod`"),
        "{profile}"
    );
}

/// The identity-provider, alias and service-linked-role examples through the aws backend: the
/// provider before the role that trusts it, the next plan empty, and an import of the account
/// that plans no changes (providers referenced from the trust policies).
#[tokio::test]
async fn providers_alias_and_service_linked_roles_apply_and_import_on_moto() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let run = |args: &[&str]| on_moto(&endpoint, args);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let creds = dir.path().join("creds.json");
    let creds = creds.to_str().expect("a UTF-8 path");
    // moto keeps no tags on SAML providers (its CreateSAMLProvider drops them): the example
    // without its tags.
    let saml = dir.path().join("saml-sso");
    std::fs::create_dir(&saml).unwrap();
    for file in ["main.hcl", "idp-metadata.xml"] {
        let text = std::fs::read_to_string(format!("examples/saml-sso/{file}")).unwrap();
        let text = text.replace("  tags     = { owner = \"it\" }\n", "");
        std::fs::write(saml.join(file), text).unwrap();
    }
    let saml = saml.to_str().expect("a UTF-8 path");
    for example in [
        "examples/github-actions/iam",
        saml,
        "examples/account-settings",
    ] {
        let (code, text) = run(&[
            "apply",
            example,
            "--auto-approve",
            "--credentials-out",
            creds,
        ]);
        assert_eq!(code, Some(0), "{example}: {text}");
        let (code, text) = run(&["plan", example, "--detailed-exitcode"]);
        assert_eq!(code, Some(0), "{example}: {text}");
    }
    let b = target::connect_to_moto(&endpoint).await;
    let live = b.read().await.expect("read");
    assert!(live
        .openid_connect_providers
        .contains_key(&n("token.actions.githubusercontent.com")));
    assert!(live.saml_providers.contains_key(&n("corporate-idp")));
    assert_eq!(
        live.account_alias.as_ref().map(|a| a.alias.as_str()),
        Some("acme-prod")
    );
    assert!(live
        .service_linked_roles
        .contains_key(&n("autoscaling.amazonaws.com")));

    let out = dir.path().join("imported");
    let out = out.to_str().expect("a UTF-8 path");
    let (code, text) = run(&["import", "--out", out]);
    assert_eq!(code, Some(0), "{text}");
    let roles = std::fs::read_to_string(dir.path().join("imported/roles.hcl")).unwrap();
    assert!(roles.contains("openid_connect_provider."), "{roles}");
    let (code, text) = run(&["plan", out, "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "{text}");
}

/// The account's apply lock (src/backend/lease.rs) through the aws backend on moto: CreatePolicy
/// is the atomic take, its tags name the holder, DeletePolicy releases it, and no read shows it.
#[tokio::test]
async fn the_apply_lock_holds_expires_is_forced_and_stays_out_of_plans_on_moto() {
    let Some((_moto, endpoint)) = target::fresh_moto().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = dir.path().to_str().expect("utf-8").to_owned();
    let write = |text: &str| std::fs::write(dir.path().join("main.hcl"), text).expect("write");
    let run = |args: &[&str]| on_moto(&endpoint, &[args, &[config.as_str()]].concat());
    // Another run's lock, created as that run did (a configuration cannot declare it).
    let client = sdk(&endpoint).await;
    let seed = |who: &str, expires: &str| {
        let policy = crate::cli::lease::lease_policy(who, expires);
        let client = client.clone();
        async move {
            let tag = |k: &str| {
                aws_sdk_iam::types::Tag::builder()
                    .key(k)
                    .value(policy["tags"][k].as_str().expect("a tag"))
                    .build()
                    .expect("a tag")
            };
            let tags =
                ["holder", "acquired", "expires", "id"].map(|k| tag(&format!("iamform:lease-{k}")));
            client
                .create_policy()
                .policy_name("iamform-apply-lock")
                .path("/iamform/lock/")
                .policy_document(policy["document"].to_string())
                .set_tags(Some(tags.to_vec()))
                .send()
                .await
                .expect("seed the lock");
        }
    };
    let b = target::connect_to_moto(&endpoint).await;
    let held = || async {
        let live = b.read().await.expect("read");
        live.policies.contains_key(&n("iamform-apply-lock"))
    };
    const CONFIG: &str = "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\nuser \"ann\" {}\n";

    seed("alice@ci-runner-1 pid 4242", "2099-01-01T00:00:00Z").await;
    // Who holds it is read in two calls, not by reading the whole account.
    let before = b.call_counts();
    let lease = b.read_lease().await.expect("read the lease").expect("held");
    let calls = delta(&before, &b.call_counts());
    assert_eq!(
        calls,
        CallCounts::from([
            ("GetPolicy".to_owned(), 1),
            ("ListPolicyTags".to_owned(), 1)
        ])
    );
    assert_eq!(
        lease.tags.get("iamform:lease-holder").map(String::as_str),
        Some("alice@ci-runner-1 pid 4242")
    );
    write(CONFIG);
    let (code, text) = run(&["apply", "--auto-approve", "--lock-timeout", "0"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("another apply holds the apply lock")
            && text.contains("alice@ci-runner-1 pid 4242 since 2026-01-01T00:00:00Z")
            && text.contains("iamform force-unlock"),
        "{text}"
    );
    // Not in the plan, though scope "/" owns its path.
    let (code, text) = run(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(!text.contains("iamform-apply-lock"), "{text}");
    assert!(
        text.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{text}"
    );

    let (code, text) = run(&["force-unlock", "--auto-approve"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("held by alice@ci-runner-1 pid 4242"),
        "{text}"
    );
    assert!(!held().await);
    let (code, text) = run(&["apply", "--auto-approve"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!held().await, "released after the apply");

    seed("bob@ci-runner-2 pid 7", "2020-01-01T00:00:00Z").await;
    write(&CONFIG.replace("ann", "bea"));
    let (code, text) = run(&["apply", "--auto-approve", "--lock-timeout", "0"]);
    assert_eq!(code, Some(0), "the expired lock is taken over: {text}");
    assert!(text.contains("2 applied, 0 failed"), "{text}");
    assert!(!held().await);
}
