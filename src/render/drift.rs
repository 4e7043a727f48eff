//! Drift reports as text (the cron log) and Markdown (an issue body or a PR comment). Each entry
//! shows what apply would do to undo the drift: `-` is what someone added by hand, `+` what they
//! removed.

use super::human;
use super::style::Style;
use crate::drift::DriftReport;
use std::fmt::Write;

fn headline(report: &DriftReport) -> String {
    let s = &report.summary;
    if report.drifted {
        format!(
            "Drift detected in account {}: {} modified, {} missing, {} undeclared.",
            report.account_id, s.modified, s.missing, s.undeclared
        )
    } else {
        format!(
            "No drift: account {} matches the configuration.",
            report.account_id
        )
    }
}

pub fn text(report: &DriftReport, style: Style) -> String {
    let mut out = String::new();
    let line = headline(report);
    let _ = writeln!(
        out,
        "{}",
        if report.drifted {
            style.red(&line)
        } else {
            style.green(&line)
        }
    );
    for e in &report.entities {
        let _ = writeln!(
            out,
            "\n  {}",
            style.bold(&format!(
                "# {} is {}",
                e.change.shown_address(),
                e.drift.describe()
            ))
        );
        human::change_body(&mut out, &e.change, style);
    }
    if report.drifted {
        let _ = writeln!(
            out,
            "\nEach block shows what `iamform apply` would do to undo the drift."
        );
    }
    out
}

pub fn markdown(report: &DriftReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### IAM drift in account `{}`\n", report.account_id);
    let _ = writeln!(out, "{}\n", headline(report));
    if !report.drifted {
        return out;
    }
    let s = &report.summary;
    let _ = writeln!(out, "| modified | missing | undeclared |");
    let _ = writeln!(out, "|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} |\n",
        s.modified, s.missing, s.undeclared
    );
    let items = report
        .entities
        .iter()
        .map(|e| {
            let mut block = String::new();
            human::change_body(&mut block, &e.change, Style::PLAIN);
            super::budget::Item {
                risk: 0,
                row: format!("| `{}` | {} |", e.change.shown_address(), e.drift.describe()),
                detail: format!(
                    "<details><summary><code>{}</code> {}</summary>\n\nTo undo it, apply would:\n\n```diff\n{}```\n\n</details>",
                    e.change.shown_address(),
                    e.drift.describe(),
                    block.replace("```", "` ` `")
                ),
            }
        })
        .collect();
    super::budget::budgeted(
        &mut out,
        "| address | drift |\n|---|---|\n",
        items,
        super::budget::COMMENT_BUDGET,
    );
    out
}
