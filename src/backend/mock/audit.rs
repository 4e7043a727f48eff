//! The mock's answer to [`Backend::read_audit`](crate::backend::Backend::read_audit): the credential
//! report, account summary and Access Advisor data IAM would give for the account in the file.
//!
//! One read of the file, counted as the calls the aws backend makes: GetAccountAuthorizationDetails,
//! GenerateCredentialReport, GetCredentialReport, GetAccountSummary, GetAccountPasswordPolicy, and
//! with `last_accessed` a GenerateServiceLastAccessedDetails and a GetServiceLastAccessedDetails
//! per user and role.

use super::store::MockFile;
use super::MockBackend;
use crate::backend::audit::{
    AccountSummary, AuditData, AuditReadOptions, CredentialReport, CredentialRow, KeyRow, ROOT_USER,
};
use crate::backend::BackendError;
use crate::model::{self, is_reserved_role_path, Address, Kind, User};
use std::collections::BTreeMap;

pub(super) fn read(b: &MockBackend, options: &AuditReadOptions) -> Result<AuditData, BackendError> {
    for api in [
        "GetAccountAuthorizationDetails",
        "GenerateCredentialReport",
        "GetCredentialReport",
        "GetAccountSummary",
        "GetAccountPasswordPolicy",
    ] {
        b.calls.count(api);
    }
    let file = b.store.read_file()?;
    let last_accessed = options.last_accessed.then(|| {
        let principals = principals(&file);
        let total = principals.len();
        let mut out = BTreeMap::new();
        for (done, address) in principals.into_iter().enumerate() {
            b.calls.count("GenerateServiceLastAccessedDetails");
            b.calls.count("GetServiceLastAccessedDetails");
            let services = file
                .last_accessed
                .get(&address)
                .cloned()
                .unwrap_or_default();
            out.insert(address, services);
            if let Some(progress) = &options.progress {
                progress(done + 1, total);
            }
        }
        out
    });
    Ok(AuditData {
        credential_report: credential_report(&file),
        summary: summary(&file),
        last_accessed,
        account: file.account,
    })
}

/// The users and roles Access Advisor is asked about: all but the roles AWS owns.
fn principals(file: &MockFile) -> Vec<Address> {
    let a = &file.account;
    let users = a.users.keys().map(|n| Address::new(Kind::User, n.clone()));
    let roles = a
        .roles
        .values()
        .filter(|r| !is_reserved_role_path(&r.path))
        .map(|r| Address::new(Kind::Role, r.name.clone()));
    users.chain(roles).collect()
}

fn credential_report(file: &MockFile) -> CredentialReport {
    let mut rows = vec![root_row(file)];
    rows.extend(
        file.account
            .users
            .values()
            .map(|u| user_row(&file.account_id, u)),
    );
    CredentialReport {
        generated: None,
        rows,
    }
}

fn root_row(file: &MockFile) -> CredentialRow {
    let root = &file.root;
    CredentialRow {
        user: ROOT_USER.to_owned(),
        arn: format!("arn:aws:iam::{}:root", file.account_id),
        created: None,
        password_enabled: None,
        password_last_used: root.password_last_used,
        password_last_changed: None,
        mfa_active: root.mfa_enabled,
        // The file says only whether the root user has keys, not their dates.
        access_keys: root
            .access_keys_present
            .then(|| KeyRow {
                number: 1,
                active: true,
                ..KeyRow::default()
            })
            .into_iter()
            .collect(),
    }
}

fn user_row(account_id: &str, u: &User) -> CredentialRow {
    let c = &u.credentials;
    let login = c.login_profile.as_ref();
    CredentialRow {
        user: u.name.as_str().to_owned(),
        arn: model::arn(account_id, Kind::User, &u.path, u.name.as_str()),
        created: None,
        password_enabled: Some(login.is_some()),
        password_last_used: login.and_then(|l| l.password_last_used),
        password_last_changed: login.map(|l| l.created),
        mfa_active: !c.mfa_devices.is_empty(),
        access_keys: c
            .access_keys
            .iter()
            .enumerate()
            .map(|(i, k)| KeyRow {
                number: i + 1,
                id: Some(k.id.clone()),
                active: k.is_active(),
                last_rotated: Some(k.created),
                last_used: k.last_used,
                last_used_service: k.last_used_service.clone(),
            })
            .collect(),
    }
}

fn summary(file: &MockFile) -> AccountSummary {
    let a = &file.account;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let mfa_in_use = a
        .users
        .values()
        .map(|u| u.credentials.mfa_devices.len())
        .sum::<usize>();
    AccountSummary(BTreeMap::from([
        (
            "AccountMFAEnabled".to_owned(),
            i64::from(file.root.mfa_enabled),
        ),
        (
            "AccountAccessKeysPresent".to_owned(),
            i64::from(file.root.access_keys_present),
        ),
        ("Users".to_owned(), count(a.users.len())),
        ("Groups".to_owned(), count(a.groups.len())),
        ("Roles".to_owned(), count(a.roles.len())),
        ("Policies".to_owned(), count(a.policies.len())),
        (
            "InstanceProfiles".to_owned(),
            count(a.instance_profiles.len()),
        ),
        ("MFADevicesInUse".to_owned(), count(mfa_in_use)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::audit::ServiceAccess;
    use crate::backend::Backend;
    use crate::model::{AccessKey, KeyStatus, LoginProfile, Name};

    fn service(namespace: &str, last: Option<&str>) -> ServiceAccess {
        ServiceAccess {
            namespace: namespace.to_owned(),
            name: String::new(),
            last_authenticated: last.map(|t| t.parse().unwrap()),
        }
    }

    fn backend(file: &MockFile) -> (tempfile::TempDir, MockBackend) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        std::fs::write(&path, serde_json::to_vec(file).unwrap()).unwrap();
        let b = MockBackend::open(&path, None).unwrap();
        (dir, b)
    }

    #[tokio::test]
    async fn the_report_has_a_root_row_and_a_row_per_user_with_dates() {
        let mut file = MockFile::empty("123456789012");
        file.root.mfa_enabled = true;
        file.root.access_keys_present = true;
        let mut ann: User = serde_json::from_value(serde_json::json!({"name": "ann"})).unwrap();
        ann.credentials.login_profile = Some(LoginProfile {
            created: "2024-01-01T00:00:00Z".parse().unwrap(),
            password_last_used: Some("2024-02-01T00:00:00Z".parse().unwrap()),
        });
        ann.credentials.access_keys = vec![
            AccessKey {
                status: KeyStatus::Inactive,
                ..AccessKey::from("AKIAONE")
            },
            AccessKey::from("AKIATWO"),
        ];
        file.account.users.insert(Name::from("ann"), ann);
        file.last_accessed.insert(
            "user.ann".parse().unwrap(),
            vec![service("s3", Some("2024-03-01T00:00:00Z"))],
        );
        let (_dir, b) = backend(&file);

        let data = b.read_audit(&AuditReadOptions::default()).await.unwrap();
        let root = data.credential_report.root().unwrap();
        assert!(root.mfa_active && root.access_keys.len() == 1);
        let ann = data.credential_report.users().next().unwrap();
        assert_eq!(ann.arn, "arn:aws:iam::123456789012:user/ann");
        assert!(ann.has_password() && !ann.mfa_active);
        assert_eq!(ann.access_keys.len(), 2);
        assert_eq!(ann.active_keys().count(), 1);
        assert_eq!(ann.access_keys[1].describe(), "access key 2 (AKIATWO)");
        assert!(data.summary.root_mfa_enabled() && data.summary.root_access_keys_present());
        assert_eq!(data.last_accessed, None);
        let calls = b.call_counts();
        assert_eq!(calls.values().sum::<u64>(), 5, "{calls:?}");

        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let progress = {
            let seen = std::sync::Arc::clone(&seen);
            std::sync::Arc::new(move |done: usize, total: usize| {
                seen.lock().unwrap().push((done, total));
            })
        };
        let data = b
            .read_audit(&AuditReadOptions {
                last_accessed: true,
                progress: Some(progress),
            })
            .await
            .unwrap();
        let advisor = data.last_accessed.unwrap();
        assert_eq!(advisor[&"user.ann".parse().unwrap()][0].namespace, "s3");
        assert_eq!(*seen.lock().unwrap(), [(1, 1)]);
        assert_eq!(b.call_counts()["GetServiceLastAccessedDetails"], 1);
    }
}
