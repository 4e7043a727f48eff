//! Users (CIS 1.10, 1.15): MFA for everyone who signs in to the console, permissions through
//! groups.

use super::{AuditInput, Finding, Rule, Subject};
use crate::model::{Address, Kind, Name};

fn user(name: &str) -> Subject {
    Subject::Entity(Address::new(Kind::User, Name::from(name)))
}

pub(super) fn console_without_mfa(
    input: &AuditInput<'_>,
    rule: &Rule,
) -> Result<Vec<Finding>, String> {
    Ok(input
        .data
        .credential_report
        .users()
        .filter(|row| row.has_password() && !row.mfa_active)
        .map(|row| {
            Finding::new(
                rule,
                user(&row.user),
                format!(
                    "{} signs in to the console with a password and no MFA device",
                    row.user
                ),
                format!(
                    "assign an MFA device to {} (IAM > Users > Security credentials), or delete its console password if it does not sign in",
                    row.user
                ),
            )
        })
        .collect())
}

pub(super) fn direct_policies(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    Ok(input
        .data
        .account
        .users
        .values()
        .filter(|u| !u.policies.is_empty() || !u.inline_policies.is_empty())
        .map(|u| {
            let mut what = Vec::new();
            if !u.policies.is_empty() {
                let names: Vec<&str> = u
                    .policies
                    .iter()
                    .map(|arn| arn.rsplit('/').next().unwrap_or(arn))
                    .collect();
                what.push(format!("attached {}", names.join(", ")));
            }
            if !u.inline_policies.is_empty() {
                let names: Vec<&str> = u.inline_policies.keys().map(Name::as_str).collect();
                what.push(format!("inline {}", names.join(", ")));
            }
            Finding::new(
                rule,
                Subject::Entity(Address::new(Kind::User, u.name.clone())),
                format!(
                    "{} has policies of its own: {}",
                    u.name,
                    what.join("; ")
                ),
                format!(
                    "put these permissions on a group {} joins (group \"…\" {{ policies = [...] }}) and remove them from the user",
                    u.name
                ),
            )
        })
        .collect())
}
