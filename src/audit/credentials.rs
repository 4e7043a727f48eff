//! Access keys and passwords (CIS 1.11 to 1.14): rotated, used, one active key per user.
//!
//! Judged from the credential report, which both backends produce: a key is `access key N`,
//! with its id when the backend knows it (the mock; IAM's report numbers keys 1 and 2).

use super::input::{ago, date, days};
use super::{AuditInput, Finding, Rule, Subject};
use crate::backend::audit::CredentialRow;
use crate::model::{Address, Kind, Name, Timestamp};

fn user(row: &CredentialRow) -> Subject {
    Subject::Entity(Address::new(Kind::User, Name::from(row.user.as_str())))
}

pub(super) fn key_too_old(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let max = input.thresholds.max_key_age_days;
    let mut out = Vec::new();
    for row in input.data.credential_report.users() {
        for key in row.active_keys() {
            let Some(created) = key.last_rotated else {
                continue;
            };
            if input.older_than(created, max) {
                out.push(Finding::new(
                    rule,
                    user(row),
                    format!(
                        "{} of {} was created {}: older than {}",
                        key.describe(),
                        row.user,
                        ago(input, created),
                        days(max)
                    ),
                    format!(
                        "rotate {}: create a second key for {}, move every client to it, deactivate the old key, then delete it",
                        key.describe(),
                        row.user
                    ),
                ));
            }
        }
    }
    Ok(out)
}

pub(super) fn key_never_used(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    for row in input
        .data
        .credential_report
        .users()
        .filter(|r| r.has_password())
    {
        for key in row.active_keys().filter(|k| k.last_used.is_none()) {
            let created = key
                .last_rotated
                .map(|t| format!(", created {},", date(t)))
                .unwrap_or_default();
            out.push(Finding::new(
                rule,
                user(row),
                format!(
                    "{}{created} has never been used, and {} also signs in to the console",
                    key.describe(),
                    row.user
                ),
                format!(
                    "delete {} of {}; create a key only when the user needs programmatic access",
                    key.describe(),
                    row.user
                ),
            ));
        }
    }
    Ok(out)
}

pub(super) fn unused(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    for row in input.data.credential_report.users() {
        if row.has_password() {
            // Never used: counted from when the password was set, else from the user's creation.
            let since = row
                .password_last_used
                .map(|t| ("was last used", t))
                .or(row
                    .password_last_changed
                    .map(|t| ("has not been used since it was set", t)))
                .or(row
                    .created
                    .map(|t| ("has not been used since the user was created", t)));
            out.extend(stale(
                input,
                rule,
                row,
                format!("the console password of {}", row.user),
                since,
                format!(
                    "delete the console password of {} (aws iam delete-login-profile --user-name {}), or the user if nobody uses it",
                    row.user, row.user
                ),
            ));
        }
        for key in row.active_keys() {
            let since = key.last_used.map(|t| ("was last used", t)).or(key
                .last_rotated
                .map(|t| ("has not been used since it was created", t)));
            out.extend(stale(
                input,
                rule,
                row,
                format!("{} of {}", key.describe(), row.user),
                since,
                format!(
                    "deactivate {} of {} (then delete it), or delete the user if nobody uses it",
                    key.describe(),
                    row.user
                ),
            ));
        }
    }
    Ok(out)
}

pub(super) fn multiple_active(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    Ok(input
        .data
        .credential_report
        .users()
        .filter(|row| row.active_keys().count() > 1)
        .map(|row| {
            let keys: Vec<String> = row.active_keys().map(|k| k.describe()).collect();
            Finding::new(
                rule,
                user(row),
                format!(
                    "{} has {} active access keys: {}",
                    row.user,
                    keys.len(),
                    keys.join(", ")
                ),
                format!(
                    "deactivate the key of {} that is not in use, then delete it; two keys are for the minutes of a rotation",
                    row.user
                ),
            )
        })
        .collect())
}

/// The finding of `rule` on `row`'s user when its `credential` was last used (`since`: how, and
/// when) longer ago than the window allows.
fn stale(
    input: &AuditInput<'_>,
    rule: &Rule,
    row: &CredentialRow,
    credential: String,
    since: Option<(&str, Timestamp)>,
    fix: String,
) -> Option<Finding> {
    let window = input.thresholds.max_unused_days;
    let (what, t) = since.filter(|(_, t)| input.older_than(*t, window))?;
    Some(Finding::new(
        rule,
        user(row),
        format!(
            "{credential} {what} {}: unused for more than {}",
            ago(input, t),
            days(window)
        ),
        fix,
    ))
}
