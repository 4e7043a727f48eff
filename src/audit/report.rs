//! The audit report: what `iamform audit --format json` prints (schemas/audit-report.schema.json)
//! and what the text, Markdown and SARIF renderers read.

use super::{Finding, Severity, Thresholds};
use crate::model::Timestamp;
use crate::operation::CallCounts;
use serde::Serialize;
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditReport {
    pub format_version: u32,
    pub account_id: String,
    /// The instant ages were measured at.
    pub now: Timestamp,
    /// When IAM generated the credential report the audit read (up to four hours before `now`).
    pub credential_report_generated: Option<Timestamp>,
    pub thresholds: Thresholds,
    /// The configuration directory, when the audit had one.
    pub configuration: Option<String>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// Findings a `settings.audit.ignore` pattern matched, with the pattern.
    pub suppressed: Vec<Suppressed>,
    /// Rules that could not be judged on this data, and why.
    pub not_evaluated: Vec<NotEvaluated>,
    pub api_calls: CallCounts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub pattern: String,
    #[serde(flatten)]
    pub finding: Finding,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotEvaluated {
    pub rule: &'static str,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub findings: usize,
    /// Every severity, zero included.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Rules with at least one finding.
    pub by_rule: BTreeMap<&'static str, usize>,
    pub suppressed: usize,
    pub suppressed_by_rule: BTreeMap<&'static str, usize>,
    pub not_evaluated: usize,
}

impl Summary {
    pub fn of(findings: &[Finding], suppressed: &[Suppressed], not_evaluated: usize) -> Summary {
        let mut by_severity: BTreeMap<Severity, usize> =
            Severity::ALL.iter().map(|s| (*s, 0)).collect();
        let mut by_rule = BTreeMap::new();
        for f in findings {
            *by_severity.entry(f.severity).or_default() += 1;
            *by_rule.entry(f.rule).or_default() += 1;
        }
        let mut suppressed_by_rule = BTreeMap::new();
        for s in suppressed {
            *suppressed_by_rule.entry(s.finding.rule).or_default() += 1;
        }
        Summary {
            findings: findings.len(),
            by_severity,
            by_rule,
            suppressed: suppressed.len(),
            suppressed_by_rule,
            not_evaluated,
        }
    }
}
