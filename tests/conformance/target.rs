//! The backends the suite runs on, and the one list of what each is known not to enforce.
//!
//! - `mock`: always, on a fresh account file per case.
//! - `aws`: the aws backend against a moto server, when `IAMFORM_TEST_MOTO_ENDPOINT` names one
//!   (`.ci/moto.sh start` prints it). moto holds one account per server, so the aws cases take a
//!   lock (threads and processes) for their whole run and reset moto first: they run one at a
//!   time, each on an empty account. Without the variable the aws target is absent, except in CI
//!   (`CI=true`), where that is a failure: the aws backend must not silently go untested.

use iamform::backend::aws::AwsBackend;
use iamform::backend::mock::MockBackend;
use iamform::backend::Backend;
use iamform::model::{AccessKey, Credentials, LoginProfile};
use iamform::settings::AwsSettings;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

pub const ACCOUNT: &str = "123456789012";

/// Where the moto server is; see `.ci/moto.sh`.
pub const MOTO_ENDPOINT_VAR: &str = "IAMFORM_TEST_MOTO_ENDPOINT";

pub struct Target {
    pub name: &'static str,
    pub backend: Arc<dyn Backend>,
    /// The mock's account file, where tests seed what iamform never creates (credentials,
    /// service-linked roles).
    pub mock_file: Option<PathBuf>,
    _dir: Option<TempDir>,
    /// moto's endpoint, where the aws cases seed what iamform never creates.
    endpoint: Option<String>,
    /// Held while an aws case runs: moto is one account shared by every test.
    _moto: Option<MotoLock>,
}

/// Cases a backend is known not to enforce: (backend, case, why). Empty for the mock, which is
/// the strict reference. Each aws entry fails on moto for the reason given, and the test
/// `aws_skips_still_fail_on_moto` checks that it still does.
pub const SKIPS: &[(&str, &str, &str)] = &[
    (
        "aws",
        "user_names_are_unique_ignoring_case",
        "moto compares names case-sensitively: it creates user `mary` next to `Mary`",
    ),
    (
        "aws",
        "invalid_names_and_paths_are_refused",
        "moto does not validate names or paths: it creates user `john smith`",
    ),
    (
        "aws",
        "user_tags_follow_the_tag_rules",
        "moto accepts tag keys with the reserved `aws:` prefix",
    ),
    (
        "aws",
        "user_permissions_boundary_set_and_removed",
        "moto does not implement PutUserPermissionsBoundary (HTTP 500)",
    ),
    (
        "aws",
        "renaming_onto_an_existing_name_is_refused",
        "moto's UpdateUser NewUserName replaces an existing user of that name (no EntityAlreadyExists)",
    ),
    (
        "aws",
        "groups_with_members_or_policies_cannot_be_deleted",
        "moto deletes a group that still has a member (no DeleteConflict)",
    ),
    (
        "aws",
        "users_with_memberships_policies_or_credentials_cannot_be_deleted",
        "moto deletes a user that is still in a group (no DeleteConflict)",
    ),
    (
        "aws",
        "users_with_credentials_cannot_be_deleted",
        "moto deletes a user that still has access keys or a login profile (no DeleteConflict)",
    ),
    (
        "aws",
        "oidc_client_ids_added_and_removed",
        "moto does not implement AddClientIDToOpenIDConnectProvider (HTTP 500)",
    ),
    (
        "aws",
        "saml_providers_create_update_delete",
        "moto's CreateSAMLProvider replaces a provider of the same name (no EntityAlreadyExists)",
    ),
    (
        "aws",
        "trust_policy_naming_a_missing_provider_is_malformed",
        "moto accepts a trust policy naming an OIDC provider that does not exist",
    ),
    (
        "aws",
        "inline_policy_size_is_limited_per_entity",
        "moto does not limit the size of inline policies",
    ),
    (
        "aws",
        "managed_policies_per_entity_quota",
        "moto does not enforce the quota of 10 managed policies per entity",
    ),
    (
        "aws",
        "groups_per_user_quota",
        "moto does not enforce the quota of 10 groups per user",
    ),
    (
        "aws",
        "policy_attached_or_with_versions_cannot_be_deleted",
        "moto deletes a managed policy that is still attached (no DeleteConflict)",
    ),
    (
        "aws",
        "managed_policy_size_is_limited",
        "moto does not limit the size of managed policies",
    ),
    (
        "aws",
        "trust_policy_needs_a_principal_that_exists",
        "moto does not check that the principals of a trust policy exist",
    ),
    (
        "aws",
        "role_settings_ranges",
        "moto accepts a MaxSessionDuration outside 3600..=43200",
    ),
    (
        "aws",
        "instance_profile_holds_one_role",
        "moto fails with HTTP 500, not NoSuchEntity, when removing a role that is not in the \
         instance profile",
    ),
    (
        "aws",
        "service_linked_roles_are_unmodifiable",
        "seeds the role by editing the mock's file, and moto never answers UnmodifiableEntity: \
         it lets service-linked roles be changed like any other",
    ),
    (
        "aws",
        "password_policy_set_and_deleted",
        "moto accepts a minimum password length below 6 (tests/aws checks the round trip)",
    ),
];

/// Every target this run can reach, minus the listed skips for `case`.
pub async fn targets(case: &str) -> Vec<Target> {
    let mut out = Vec::new();
    if !skipped("mock", case) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("account.json");
        let backend = MockBackend::open(&path, Some(ACCOUNT)).expect("open the mock account");
        out.push(Target {
            name: "mock",
            backend: Arc::new(backend),
            mock_file: Some(path),
            _dir: Some(dir),
            endpoint: None,
            _moto: None,
        });
    }
    if !skipped("aws", case) {
        out.extend(aws_only().await);
    }
    out
}

/// The aws target alone, skips ignored (also for checking that they are still needed).
pub async fn aws_only() -> Option<Target> {
    let (guard, endpoint) = fresh_moto().await?;
    let backend = connect_to_moto(&endpoint).await;
    Some(Target {
        name: "aws",
        backend: Arc::new(backend),
        mock_file: None,
        _dir: None,
        endpoint: Some(endpoint),
        _moto: Some(guard),
    })
}

fn skipped(target: &str, case: &str) -> bool {
    SKIPS.iter().any(|(t, c, _)| *t == target && *c == case)
}

/// The moto endpoint, or `None` when the aws target is not to run. In CI a missing endpoint is a
/// failure, so that the aws backend cannot silently go untested.
pub fn moto_endpoint() -> Option<String> {
    match std::env::var(MOTO_ENDPOINT_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().trim_end_matches('/').to_owned()),
        _ if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => panic!(
            "{MOTO_ENDPOINT_VAR} is not set: CI must test the aws backend against moto \
             (`.ci/moto.sh install && export {MOTO_ENDPOINT_VAR}=$(.ci/moto.sh start)`)"
        ),
        _ => None,
    }
}

static MOTO: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Exclusive use of the moto server: a lock for this process's threads, and a file lock for
/// other processes (test binaries, or `cargo nextest`, which runs each test in its own).
pub struct MotoLock {
    _threads: tokio::sync::MutexGuard<'static, ()>,
    _processes: std::fs::File,
}

/// Exclusive use of a freshly reset moto (until the lock is dropped), and its endpoint; `None`
/// when no moto is configured.
pub async fn fresh_moto() -> Option<(MotoLock, String)> {
    let endpoint = moto_endpoint()?;
    let threads = MOTO.lock().await;
    let name: String = endpoint
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = std::env::temp_dir().join(format!("iamform-moto-{name}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
    reset_moto(&endpoint);
    Some((
        MotoLock {
            _threads: threads,
            _processes: file,
        },
        endpoint,
    ))
}

/// moto's fake credentials; set once for the whole process (env credentials come first in
/// aws-config's chain, and the instance metadata lookup is turned off).
pub fn use_fake_credentials() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for (k, v) in [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_SESSION_TOKEN", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ] {
            std::env::set_var(k, v);
        }
    });
}

pub async fn connect_to_moto(endpoint: &str) -> AwsBackend {
    use_fake_credentials();
    let settings = AwsSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.to_owned()),
        account_id: Some(ACCOUNT.into()),
        ..AwsSettings::default()
    };
    AwsBackend::connect(&settings)
        .await
        .unwrap_or_else(|e| panic!("connect to moto at {endpoint}: {e}"))
}

/// `POST /moto-api/reset`: every moto account back to empty (AWS managed policies reloaded).
pub fn reset_moto(endpoint: &str) {
    let authority = endpoint
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("{MOTO_ENDPOINT_VAR} must be an http:// URL, not {endpoint}"));
    let authority = authority.split('/').next().unwrap_or(authority);
    let mut stream = std::net::TcpStream::connect(authority)
        .unwrap_or_else(|e| panic!("connect to moto at {endpoint}: {e}"));
    write!(
        stream,
        "POST /moto-api/reset HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send the reset request to moto");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read moto's answer to the reset");
    assert!(
        response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
        "moto refused the reset: {}",
        response.lines().next().unwrap_or("")
    );
}

impl Target {
    /// Edits the mock account file directly (for state iamform never creates).
    /// Gives `user` two access keys, a login profile, an SSH public key and a signing certificate
    /// (and, on the mock, an MFA device and a service-specific credential, which moto cannot
    /// list), the way each backend can: the mock's file, or IAM's own calls on moto. Returns
    /// the ids each has.
    pub async fn seed_credentials(&self, user: &str) -> Credentials {
        let Some(endpoint) = &self.endpoint else {
            let c: Credentials = serde_json::from_value(serde_json::json!({
                "login_profile": { "created": "2024-01-01T00:00:00Z" },
                "access_keys": [
                    { "id": "AKIAEXAMPLE1", "status": "Active", "created": "2024-01-01T00:00:00Z" },
                    { "id": "AKIAEXAMPLE2", "status": "Inactive", "created": "2024-01-01T00:00:00Z" }
                ],
                "mfa_devices": [format!("arn:aws:iam::{ACCOUNT}:mfa/{user}")],
                "ssh_public_keys": ["APKAEXAMPLE"],
                "signing_certificates": ["CERTEXAMPLE"],
                "service_specific_credentials": ["ACCAEXAMPLE"]
            }))
            .expect("credentials");
            let value = serde_json::to_value(&c).expect("JSON");
            self.edit_mock(|v| v["account"]["users"][user]["credentials"] = value);
            return c;
        };
        let iam = crate::aws::sdk(endpoint).await;
        let mut c = Credentials::default();
        for _ in 0..2 {
            let key = iam.create_access_key().user_name(user).send().await;
            let id = key
                .expect("an access key")
                .access_key()
                .map(|k| k.access_key_id().to_owned());
            c.access_keys
                .push(AccessKey::from(id.expect("its id").as_str()));
        }
        let profile = iam
            .create_login_profile()
            .user_name(user)
            .password("Correct-Horse-1");
        profile.send().await.expect("a login profile");
        c.login_profile = Some(LoginProfile::default());
        let ssh = iam.upload_ssh_public_key().user_name(user);
        let ssh = ssh
            .ssh_public_key_body(crate::aws::SSH_PUBLIC_KEY)
            .send()
            .await;
        let ssh = ssh
            .expect("an SSH key")
            .ssh_public_key()
            .map(|k| k.ssh_public_key_id().to_owned());
        c.ssh_public_keys.push(ssh.expect("its id"));
        let cert = iam.upload_signing_certificate().user_name(user);
        let cert = cert.certificate_body(crate::aws::CERTIFICATE).send().await;
        let cert = cert
            .expect("a certificate")
            .certificate()
            .map(|k| k.certificate_id().to_owned());
        c.signing_certificates.push(cert.expect("its id"));
        c
    }

    pub fn edit_mock(&self, f: impl FnOnce(&mut serde_json::Value)) {
        let path = self
            .mock_file
            .as_ref()
            .expect("only the mock can be edited directly");
        let mut value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        f(&mut value);
        std::fs::write(path, serde_json::to_vec_pretty(&value).expect("JSON")).expect("write");
    }
}
