//! Drift: what changed in the account outside the configuration, for the nightly cron.
//!
//! The same diff as a plan, read the other way round: a declared entity that is missing or differs
//! was changed by hand, and an undeclared entity inside the scope was created by hand.

use crate::diff::{Action, Change};
use crate::model::Kind;
use crate::operation::CallCounts;
use crate::plan::Plan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// Declared, but not in the account (deleted by hand, or never applied).
    Missing,
    /// Declared and present, but different.
    Modified,
    /// In the account and inside the scope, but not declared.
    Undeclared,
}

impl DriftKind {
    pub fn describe(self) -> &'static str {
        match self {
            DriftKind::Missing => "declared but missing from the account",
            DriftKind::Modified => "changed outside the configuration",
            DriftKind::Undeclared => "in scope but not declared",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftEntry {
    pub drift: DriftKind,
    /// The change that would undo the drift; `before` is live, `after` is declared.
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftSummary {
    pub missing: usize,
    pub modified: usize,
    pub undeclared: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    pub format_version: u32,
    pub account_id: String,
    pub drifted: bool,
    pub summary: DriftSummary,
    pub entities: Vec<DriftEntry>,
    pub unmanaged: BTreeMap<Kind, usize>,
    pub api_calls: CallCounts,
}

impl DriftReport {
    pub fn new(plan: &Plan, api_calls: CallCounts) -> DriftReport {
        let mut summary = DriftSummary::default();
        let entities: Vec<DriftEntry> = plan
            .changes
            .iter()
            .map(|c| {
                let drift = match c.action {
                    Action::Create => DriftKind::Missing,
                    Action::Update | Action::Replace => DriftKind::Modified,
                    Action::Delete => DriftKind::Undeclared,
                };
                match drift {
                    DriftKind::Missing => summary.missing += 1,
                    DriftKind::Modified => summary.modified += 1,
                    DriftKind::Undeclared => summary.undeclared += 1,
                }
                DriftEntry {
                    drift,
                    change: c.clone(),
                }
            })
            .collect();
        DriftReport {
            format_version: FORMAT_VERSION,
            account_id: plan.account_id.clone(),
            drifted: !entities.is_empty(),
            summary,
            entities,
            unmanaged: plan.unmanaged.clone(),
            api_calls,
        }
    }
}
