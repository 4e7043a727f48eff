//! The root user (CIS 1.4, 1.5, 1.7): no access keys, an MFA device, and little use.
//!
//! GetAccountSummary says whether the root user has MFA and access keys, and every backend
//! (moto too) answers it; the credential report's root row is the fallback, and the only source
//! for when the root user was last used.

use super::input::ago;
use super::{AuditInput, Finding, Rule};

pub(super) fn mfa_disabled(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let data = input.data;
    let enabled = match data.summary.0.get("AccountMFAEnabled") {
        Some(n) => *n > 0,
        None => match data.credential_report.root() {
            Some(row) => row.mfa_active,
            None => return Err("neither the account summary nor the credential report says whether the root user has MFA".into()),
        },
    };
    Ok(Finding::on_account(
        rule,
        !enabled,
        "the root user has no MFA device: its password alone opens the whole account",
    ))
}

pub(super) fn access_keys(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let data = input.data;
    let present = match data.summary.0.get("AccountAccessKeysPresent") {
        Some(n) => *n > 0,
        None => match data.credential_report.root() {
            Some(row) => row.active_keys().next().is_some(),
            None => return Err("neither the account summary nor the credential report says whether the root user has access keys".into()),
        },
    };
    Ok(Finding::on_account(
        rule,
        present,
        "the root user has access keys: whoever holds them can do anything in the account, and no policy can limit them",
    ))
}

pub(super) fn recently_used(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let Some(row) = input.data.credential_report.root() else {
        return Err("the credential report has no root row (`<root_account>`), which says when the root user was last used".into());
    };
    let window = input.thresholds.max_unused_days;
    let recent = |t: &Option<crate::model::Timestamp>| t.filter(|t| !input.older_than(*t, window));
    let mut uses = Vec::new();
    if let Some(t) = recent(&row.password_last_used) {
        uses.push(format!("signed in {}", ago(input, t)));
    }
    for key in &row.access_keys {
        if let Some(t) = recent(&key.last_used) {
            uses.push(format!("used {} {}", key.describe(), ago(input, t)));
        }
    }
    Ok(Finding::on_account(
        rule,
        !uses.is_empty(),
        format!(
            "the root user {}, within the last {}",
            uses.join(" and "),
            super::input::days(window)
        ),
    ))
}
