//! Where in a document a finding is: the statement (address and position as written) and the
//! key inside it; shared by the rules of every file.

use super::{Finding, Pointer, Severity};
use crate::model::policy::Statement;

/// The statement a finding is about: its address and its position as written.
pub(super) struct Place {
    pub address: String,
    pub statement: usize,
}

impl Place {
    /// A finding about the statement's `key` (`Action`, `Resource`, …).
    pub(super) fn finding(
        &self,
        severity: Severity,
        rule: &'static str,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding::new(severity, rule, self.address.clone(), message, hint)
            .at(Pointer::statement(self.statement).key(key))
    }

    /// A finding about a condition the statement lacks (on its `Condition` key); the hint says
    /// which condition to add.
    pub(super) fn no_condition(
        &self,
        severity: Severity,
        rule: &'static str,
        message: String,
        hint: String,
    ) -> Finding {
        self.finding(severity, rule, "Condition", message, hint)
    }
}

pub(super) fn sid(s: &Statement) -> String {
    s.sid
        .as_deref()
        .map(|sid| format!(" (Sid `{sid}`)"))
        .unwrap_or_default()
}
