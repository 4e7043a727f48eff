//! `iamform lint`: least-privilege and correctness findings on the desired account, offline.
//!
//! Sits beside `validate`: it consumes the lowered desired account (config -> `Desired`), reads
//! no backend, and returns findings that `run::lint` prints (text or JSON) and turns into an exit
//! code. Documents are checked against the embedded action catalog ([`crate::catalog`]);
//! entities and the password policy against the practices of the project's IAM references
//! (groups over per-user permissions, a strong password policy).

mod account;
mod document;
mod report;
mod sarif;

pub use account::lint_account;
pub use document::lint_document;
pub use report::{render_json, render_text, Summary};
pub use sarif::render_sarif;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding: what rule, where (an address such as `policy.billing_read statement[0]` and the
/// file:line:col of the entity's block), what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub rule: &'static str,
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub message: String,
    pub hint: String,
}

impl Finding {
    fn new(
        severity: Severity,
        rule: &'static str,
        address: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            rule,
            address: address.into(),
            location: None,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

#[cfg(test)]
mod tests;
