//! What `iamform audit` reads from a backend ([`Backend::read_audit`](super::Backend::read_audit)):
//! the entities and password policy, IAM's credential report, the account summary and, when
//! asked, Access Advisor's service last accessed data.
//!
//! These are the facts the rules in `crate::audit` judge. They hold identifiers and dates only:
//! IAM's credential report has no secrets in it, and neither backend asks for one.

use crate::model::{Account, Address, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The `user` of the credential report's row for the account's root user.
pub const ROOT_USER: &str = "<root_account>";

/// Called with (principals done, principals in all) while Access Advisor jobs run.
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// What to read besides what every audit reads.
#[derive(Clone, Default)]
pub struct AuditReadOptions {
    /// Access Advisor's data for every user and role (`--last-accessed`): one job per principal.
    pub last_accessed: bool,
    pub progress: Option<Progress>,
}

/// Everything an audit judges, read at one time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditData {
    /// Users, groups, roles and customer managed policies with their documents, attachments and
    /// memberships, and the password policy. Not what no rule reads and other calls would fetch:
    /// role descriptions and session durations, instance profiles, tags of policies.
    pub account: Account,
    pub credential_report: CredentialReport,
    pub summary: AccountSummary,
    /// Per user and role, the services its policies allow and when it last used each
    /// (`--last-accessed` only).
    pub last_accessed: Option<BTreeMap<Address, Vec<ServiceAccess>>>,
}

/// IAM's credential report (GetCredentialReport), one row per user and one for the root user.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CredentialReport {
    /// When IAM generated it (a report may be up to four hours old).
    pub generated: Option<Timestamp>,
    pub rows: Vec<CredentialRow>,
}

impl CredentialReport {
    /// The root user's row; moto's report has none.
    pub fn root(&self) -> Option<&CredentialRow> {
        self.rows.iter().find(|r| r.is_root())
    }

    pub fn users(&self) -> impl Iterator<Item = &CredentialRow> {
        self.rows.iter().filter(|r| !r.is_root())
    }
}

/// One row: dates are `None` where IAM writes `N/A`, `no_information` or `not_supported`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredentialRow {
    /// The user name, or [`ROOT_USER`].
    pub user: String,
    pub arn: String,
    pub created: Option<Timestamp>,
    /// Whether the user has a console password; `None` for the root user (`not_supported`).
    pub password_enabled: Option<bool>,
    pub password_last_used: Option<Timestamp>,
    pub password_last_changed: Option<Timestamp>,
    pub mfa_active: bool,
    /// The keys the user has (IAM's report has two slots; a slot without a key is left out).
    pub access_keys: Vec<KeyRow>,
}

impl CredentialRow {
    pub fn is_root(&self) -> bool {
        self.user == ROOT_USER
    }

    pub fn has_password(&self) -> bool {
        self.password_enabled == Some(true)
    }

    pub fn active_keys(&self) -> impl Iterator<Item = &KeyRow> {
        self.access_keys.iter().filter(|k| k.active)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyRow {
    /// 1 or 2 in IAM's report; the mock numbers every key of a user in order.
    pub number: usize,
    /// The key id when the backend knows it (the mock); IAM's report does not say.
    pub id: Option<String>,
    pub active: bool,
    /// When the key was created or last rotated.
    pub last_rotated: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
    pub last_used_service: Option<String>,
}

impl KeyRow {
    /// `access key 1 (AKIA…)`, or `access key 2` when the id is unknown.
    pub fn describe(&self) -> String {
        match &self.id {
            Some(id) => format!("access key {} ({id})", self.number),
            None => format!("access key {}", self.number),
        }
    }
}

/// GetAccountSummary: IAM's counters, by IAM's names (`AccountMFAEnabled`, `Users`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountSummary(pub BTreeMap<String, i64>);

impl AccountSummary {
    /// `AccountMFAEnabled`: the root user has an MFA device.
    pub fn root_mfa_enabled(&self) -> bool {
        self.0.get("AccountMFAEnabled").is_some_and(|n| *n > 0)
    }

    /// `AccountAccessKeysPresent`: the root user has access keys.
    pub fn root_access_keys_present(&self) -> bool {
        self.0
            .get("AccountAccessKeysPresent")
            .is_some_and(|n| *n > 0)
    }
}

/// One service in a principal's Access Advisor report.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccess {
    /// `s3`, `ec2`, …
    pub namespace: String,
    /// `Amazon S3`, … (the namespace when unknown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `None`: not used in Access Advisor's tracking period (400 days).
    pub last_authenticated: Option<Timestamp>,
}
