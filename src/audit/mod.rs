//! `iamform audit`: the security practices of the project's IAM references, checked on the live
//! account — MFA on the root user and every console user, no root access keys and little root
//! use, keys rotated and unused credentials removed, a strong password policy, permissions
//! through groups, no attached `*` on `*` policy, a support role, and (with Access Advisor data)
//! no permissions for services nobody uses.
//!
//! Sits beside `drift` at the end of the pipeline: a backend reads [`AuditData`] (the entities,
//! IAM's credential report, the account summary, optionally Access Advisor), and [`run`] applies
//! every rule of [`RULES`] to it. Each rule is a pure function of an [`AuditInput`] (the data,
//! an injectable "now" and the thresholds), names the CIS AWS Foundations Benchmark v3.0.0 item
//! it implements, and returns findings with an address and a fix — or says why it could not be
//! evaluated (no root row in the report, no Access Advisor data), so that nothing is skipped
//! silently. Suppressions (`settings { audit { ignore } }`) are applied after, and counted.

mod credentials;
mod input;
mod password;
mod policies;
mod report;
mod root;
mod rules;
mod services;
mod suppress;
#[cfg(test)]
mod tests;
mod users;

pub use input::{AuditInput, Thresholds};
pub use report::{AuditReport, NotEvaluated, Summary, Suppressed, FORMAT_VERSION};
pub use rules::{rule, Rule, RULES};
pub use suppress::{check_patterns, Suppressions};

use crate::backend::audit::AuditData;
use crate::model::Address;
use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// What a finding is about: one entity, or the account as a whole (the root user, the password
/// policy, the absence of a support role).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    Account,
    Entity(Address),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Account => f.write_str("account"),
            Subject::Entity(a) => a.fmt(f),
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One finding: which rule, about what, what is wrong and how to fix it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The CIS AWS Foundations Benchmark v3.0.0 item(s) the rule implements.
    pub cis: Option<&'static str>,
    /// `user.NAME`, `role.NAME`, `policy.NAME`, or `account`.
    pub address: Subject,
    pub message: String,
    pub fix: String,
    /// Whether the configuration declares the entity (only when audited with one).
    pub declared: Option<bool>,
    /// Where the configuration declares it: `file:line:col` (a `password_policy` block for the
    /// password rules).
    pub location: Option<String>,
    /// The block whose location the finding takes (the entity, or `password_policy`).
    #[serde(skip)]
    pub anchor: Option<Address>,
}

impl Finding {
    pub(crate) fn new(
        rule: &Rule,
        address: Subject,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        let anchor = match &address {
            Subject::Entity(a) => Some(a.clone()),
            Subject::Account => None,
        };
        Finding {
            rule: rule.id,
            severity: rule.severity,
            cis: rule.cis,
            address,
            message: message.into(),
            fix: fix.into(),
            declared: None,
            location: None,
            anchor,
        }
    }

    /// The account-wide finding of `rule`, with the rule's own fix, when `found`; none otherwise.
    pub(crate) fn on_account(rule: &Rule, found: bool, message: impl Into<String>) -> Vec<Finding> {
        if found {
            vec![Finding::new(rule, Subject::Account, message, rule.fix)]
        } else {
            Vec::new()
        }
    }

    /// `rule:kind/name` (or `rule:account`), what suppression patterns match.
    pub fn suppression_subject(&self) -> String {
        match &self.address {
            Subject::Account => format!("{}:account", self.rule),
            Subject::Entity(a) => format!("{}:{}/{}", self.rule, a.kind.keyword(), a.name),
        }
    }
}

/// Every rule's findings and the rules that could not be evaluated, in [`RULES`] order; findings of
/// one rule sorted by address.
pub fn run(input: &AuditInput<'_>) -> (Vec<Finding>, Vec<NotEvaluated>) {
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    for rule in &RULES {
        match (rule.check)(input, rule) {
            Ok(mut found) => {
                found.sort_by(|a, b| a.address.cmp(&b.address).then(a.message.cmp(&b.message)));
                findings.extend(found);
            }
            Err(reason) => skipped.push(NotEvaluated {
                rule: rule.id,
                reason,
            }),
        }
    }
    (findings, skipped)
}

/// Convenience for tests and benchmarks: the findings of `data` as of `now`, default thresholds.
pub fn audit(data: &AuditData, account_id: &str, now: crate::model::Timestamp) -> Vec<Finding> {
    let input = AuditInput {
        data,
        account_id,
        now,
        thresholds: Thresholds::default(),
    };
    run(&input).0
}
