//! `iamform lint`: least-privilege and correctness findings on the desired account, offline.
//!
//! Sits beside `validate`: it consumes the lowered desired account (config -> `Desired`), reads
//! no backend, and returns findings that `run::lint` prints (text or JSON) and turns into an exit
//! code. Documents are checked against the embedded action catalog ([`crate::catalog`]);
//! entities and the password policy against the practices of the project's IAM references
//! (groups over per-user permissions, a strong password policy).

mod account;
mod conditions;
mod document;
mod federation;
mod locate;
mod place;
mod report;
mod resources;

pub use account::{lint_account, Sources};
pub use document::lint_document;
pub use locate::{lint_json_file, Pointer};
pub use report::Summary;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding: what rule, where (an address such as `policy.billing_read statement[0]`, the
/// file:line:col of the key it is about, or of the entity's block, and the JSON path inside the
/// document), what is wrong and how to fix it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub rule: &'static str,
    pub address: String,
    pub location: Option<String>,
    /// Where in the policy document, e.g. `Statement[0].Resource` (statements as written).
    pub path: Option<Pointer>,
    pub message: String,
    pub hint: String,
    /// The actions the finding is about, wildcards expanded through the catalog (resource-mismatch,
    /// condition-key-not-applicable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// The resources the finding is about (resource-mismatch: those no action can use).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
}

impl Finding {
    pub(crate) fn new(
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
            path: None,
            message: message.into(),
            hint: hint.into(),
            actions: Vec::new(),
            resources: Vec::new(),
        }
    }

    fn at(mut self, path: Pointer) -> Finding {
        self.path = Some(path);
        self
    }
}

#[cfg(test)]
mod tests;
