//! The human apply report: what was applied, what failed (with IAM's error), what was skipped.

use super::style::Style;
use crate::apply::{ApplyReport, Outcome};
use std::fmt::Write;

pub(crate) fn apply(report: &ApplyReport, style: Style) -> String {
    let mut out = String::new();
    let failed: Vec<_> = report
        .operations
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
        .collect();
    let skipped: Vec<_> = report
        .operations
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Skipped { .. }))
        .collect();
    let not_started: Vec<_> = report
        .operations
        .iter()
        .filter(|o| o.outcome == Outcome::NotStarted)
        .collect();
    for f in &failed {
        if let Outcome::Failed { error, .. } = &f.outcome {
            let _ = writeln!(
                out,
                "{} {} ({}): {error}",
                style.red("failed:"),
                f.operation,
                f.address
            );
        }
    }
    for s in &skipped {
        if let Outcome::Skipped { because } = s.outcome {
            let _ = writeln!(
                out,
                "{} {} (depends on #{because}, which did not apply)",
                style.yellow("skipped:"),
                s.operation
            );
        }
    }
    for s in &not_started {
        let _ = writeln!(out, "{} {}", style.yellow("not started:"), s.operation);
    }
    let summary = format!(
        "Apply {}: {} applied, {} failed, {} skipped{}.",
        if report.is_success() {
            "complete"
        } else if report.interrupted {
            "interrupted"
        } else {
            "finished with errors"
        },
        report.applied(),
        report.failed(),
        report.skipped(),
        if not_started.is_empty() {
            String::new()
        } else {
            format!(", {} not started", not_started.len())
        },
    );
    let summary = if report.is_success() {
        style.green(&summary)
    } else {
        style.red(&summary)
    };
    let _ = writeln!(out, "{summary}");
    if !report.is_success() {
        let _ = writeln!(
            out,
            "Fix the cause and run apply again: it plans only what is still missing."
        );
    }
    out
}

/// The IAM API calls made, per action (`-v`).
pub(crate) fn calls(counts: &crate::operation::CallCounts) -> String {
    let total: u64 = counts.values().sum();
    let mut out = format!("IAM API calls: {total}\n");
    for (api, n) in counts {
        let _ = writeln!(out, "  {api:<32} {n}");
    }
    out
}
