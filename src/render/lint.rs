//! Lint reports: text for people (compiler style, one block per finding) and JSON for tools
//! (schemas/lint-report.schema.json).

use super::Style;
use crate::lint::{Finding, Severity, Summary};
use crate::words::count;
use serde::Serialize;

/// The text report: compiler style, one block per finding, then the counts.
pub(crate) fn text(findings: &[Finding], style: Style) -> String {
    let mut out = String::new();
    for f in findings {
        let label = match f.severity {
            Severity::Error => style.red(&format!("error[{}]", f.rule)),
            Severity::Warning => style.yellow(&format!("warning[{}]", f.rule)),
        };
        out.push_str(&format!("{label}: {}\n", style.bold(&f.address)));
        match (&f.location, &f.path) {
            (Some(loc), Some(path)) => out.push_str(&format!("  --> {loc} ({path})\n")),
            (Some(loc), None) => out.push_str(&format!("  --> {loc}\n")),
            (None, Some(path)) => out.push_str(&format!("  --> {path}\n")),
            (None, None) => {}
        }
        out.push_str(&format!("  {}\n", f.message));
        out.push_str(&format!("  {} {}\n\n", style.dim("fix:"), f.hint));
    }
    let s = Summary::of(findings);
    if findings.is_empty() {
        out.push_str(&format!("{} No findings.\n", style.green("Lint:")));
    } else {
        out.push_str(&format!(
            "Lint: {}, {}.\n",
            count(s.errors, "error"),
            count(s.warnings, "warning")
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    catalog_version: &'a str,
    summary: Summary,
    findings: &'a [Finding],
}

/// The JSON report (`schemas/lint-report.schema.json`).
pub(crate) fn json(findings: &[Finding], catalog_version: &str) -> String {
    let report = JsonReport {
        format_version: 1,
        catalog_version,
        summary: Summary::of(findings),
        findings,
    };
    serde_json::to_string_pretty(&report).expect("lint reports always serialise") + "\n"
}
