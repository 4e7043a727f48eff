//! What an apply did: per operation applied, failed (with IAM's error) or skipped (and why).

use crate::backend::CallCounts;
use crate::model::Address;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
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
pub struct OperationReport {
    pub id: usize,
    pub address: Address,
    pub operation: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    pub operations: Vec<OperationReport>,
    pub interrupted: bool,
    pub api_calls: CallCounts,
}

impl ApplyReport {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.operations.iter().filter(|o| f(&o.outcome)).count()
    }
    pub fn applied(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Applied { .. }))
    }
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }
    pub fn not_started(&self) -> usize {
        self.count(|o| matches!(o, Outcome::NotStarted))
    }
    pub fn is_success(&self) -> bool {
        self.failed() == 0 && self.skipped() == 0 && self.not_started() == 0
    }
}
