//! What an apply did: per operation applied, failed (with IAM's error) or skipped (and why).

use crate::model::Address;
use crate::operation::CallCounts;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum Outcome {
    Applied {
        retries: u32,
    },
    Failed {
        error: String,
        retries: u32,
    },
    /// A dependency failed or was skipped; `because` is that dependency's id.
    Skipped {
        because: usize,
    },
    /// The apply was interrupted before this operation started.
    NotStarted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OperationReport {
    pub id: usize,
    pub address: Address,
    pub operation: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ApplyReport {
    pub operations: Vec<OperationReport>,
    pub interrupted: bool,
    pub api_calls: CallCounts,
}

impl ApplyReport {
    pub(crate) fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.operations.iter().filter(|o| f(&o.outcome)).count()
    }
    pub(crate) fn applied(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Applied { .. }))
    }
    pub(crate) fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }
    pub(crate) fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }
    pub(crate) fn not_started(&self) -> usize {
        self.count(|o| matches!(o, Outcome::NotStarted))
    }
    pub(crate) fn is_success(&self) -> bool {
        self.failed() == 0 && self.skipped() == 0 && self.not_started() == 0
    }
}

/// Counts of an apply, for the JSON report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ApplySummary {
    pub applied: usize,
    pub failed: usize,
    pub skipped: usize,
    pub not_started: usize,
}

pub(crate) const FORMAT_VERSION: u32 = 1;

/// `apply --json`: the report as `schemas/apply-report.schema.json` describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ApplyDocument {
    pub format_version: u32,
    pub account_id: String,
    pub success: bool,
    pub interrupted: bool,
    pub summary: ApplySummary,
    pub operations: Vec<OperationReport>,
    pub api_calls: CallCounts,
}

impl ApplyDocument {
    pub(crate) fn new(report: &ApplyReport, account_id: &str) -> ApplyDocument {
        ApplyDocument {
            format_version: FORMAT_VERSION,
            account_id: account_id.to_owned(),
            success: report.is_success(),
            interrupted: report.interrupted,
            summary: ApplySummary {
                applied: report.applied(),
                failed: report.failed(),
                skipped: report.skipped(),
                not_started: report.not_started(),
            },
            operations: report.operations.clone(),
            api_calls: report.api_calls.clone(),
        }
    }
}
