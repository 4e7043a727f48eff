//! The account password policy (CIS 1.8, 1.9): one exists, at least 14 characters, and the last
//! 24 passwords cannot be reused.

use super::{AuditInput, Finding, Rule, Subject};
use crate::model::Address;

/// CIS 1.8.
pub(super) const MINIMUM_LENGTH: u32 = 14;
/// CIS 1.9 (IAM's maximum).
pub(super) const REUSE_PREVENTION: u32 = 24;
/// What IAM enforces when a password policy leaves the length out.
const IAM_DEFAULT_MINIMUM_LENGTH: u32 = 6;

fn finding(rule: &Rule, message: String, fix: &str) -> Finding {
    let mut f = Finding::new(rule, Subject::Account, message, fix);
    // Located at the configuration's password_policy block, when there is one.
    f.anchor = Some(Address::password_policy());
    f
}

pub(super) fn missing(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    Ok(match input.data.account.password_policy {
        Some(_) => Vec::new(),
        None => vec![finding(
            rule,
            "the account has no password policy: IAM's default allows 8-character passwords and reusing old ones".into(),
            rule.fix,
        )],
    })
}

pub(super) fn weak(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let Some(p) = &input.data.account.password_policy else {
        return Ok(Vec::new());
    };
    let mut weak = Vec::new();
    let length = p.minimum_length.unwrap_or(IAM_DEFAULT_MINIMUM_LENGTH);
    if length < MINIMUM_LENGTH {
        weak.push(format!(
            "a minimum length of {length} (CIS 1.8: {MINIMUM_LENGTH} or more)"
        ));
    }
    match p.reuse_prevention {
        None => weak.push(format!(
            "no reuse prevention (CIS 1.9: the last {REUSE_PREVENTION})"
        )),
        Some(n) if n < REUSE_PREVENTION => weak.push(format!(
            "reuse prevention of the last {} (CIS 1.9: {REUSE_PREVENTION})",
            crate::words::count(n as usize, "password")
        )),
        Some(_) => {}
    }
    Ok(if weak.is_empty() {
        Vec::new()
    } else {
        vec![finding(
            rule,
            format!("the password policy has {}", weak.join(" and ")),
            rule.fix,
        )]
    })
}
