//! The counts of a lint report (its text and JSON forms are `render::lint`'s).

use super::{Finding, Severity};
use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        Summary {
            errors,
            warnings: findings.len() - errors,
        }
    }
}
