//! The combined report of `plan --all DIR`, as text and as Markdown: a summary table with one
//! row per account, then each account's plan (or its errors).

use super::style::Style;
use super::{human, markdown};
use crate::plan::accounts::{AccountReport, AccountsReport, Status};
use std::fmt::Write;

/// The table's columns: directory, account id, add, change, destroy, status.
fn row(a: &AccountReport) -> [String; 6] {
    let n = |f: fn(&crate::plan::Summary) -> usize| {
        a.summary()
            .map_or_else(|| "-".to_owned(), |s| f(&s).to_string())
    };
    [
        a.dir.clone(),
        a.account_id.clone().unwrap_or_else(|| "-".to_owned()),
        n(|s| s.add),
        n(|s| s.change),
        n(|s| s.destroy),
        status(a).to_owned(),
    ]
}

fn status(a: &AccountReport) -> &'static str {
    match a.status {
        Status::NoChanges => "no changes",
        Status::Changes => "changes",
        Status::Applied => "applied",
        Status::Error => "error",
    }
}

const HEADER: [&str; 6] = [
    "account directory",
    "account id",
    "add",
    "change",
    "destroy",
    "status",
];

fn totals(report: &AccountsReport) -> String {
    let s = &report.summary;
    format!(
        "{} accounts under {}: {} with changes, {} failed; {} to add, {} to change, {} to destroy in all.",
        s.accounts, report.root, s.with_changes, s.failed, s.add, s.change, s.destroy
    )
}

/// The report for a terminal or a log.
pub fn text(report: &AccountsReport, style: Style) -> String {
    let rows: Vec<[String; 6]> = report.accounts.iter().map(row).collect();
    let mut widths = HEADER.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut l = String::from(" ");
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Names left, numbers right.
            if (2..5).contains(&i) {
                let _ = write!(l, " {cell:>w$}");
            } else {
                let _ = write!(l, " {cell:<w$}");
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", style.bold(&totals(report)));
    out.push_str(&line(HEADER));
    for r in &rows {
        out.push_str(&line(r.each_ref().map(String::as_str)));
    }
    for a in &report.accounts {
        let title = match &a.account_id {
            Some(id) => format!("{} (account {id})", a.dir),
            None => a.dir.clone(),
        };
        let _ = writeln!(out, "\n{}", style.bold(&format!("=== {title}")));
        for w in &a.warnings {
            out.push_str(w);
        }
        for e in &a.errors {
            let _ = writeln!(out, "{}", e.trim_end());
        }
        if let Some(doc) = &a.plan {
            out.push_str(&human::plan(&doc.plan, style, false));
        }
        if let Some(file) = &a.saved_plan {
            let _ = writeln!(out, "Saved the plan to {file}.");
        }
        if let Some(line) = applied_line(a) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// `apply --all`: what was done in the account.
fn applied_line(a: &AccountReport) -> Option<String> {
    let n = a.applied?;
    Some(format!(
        "Apply {}: {} applied, {} failed, {} skipped, {} not started.",
        if a.status == Status::Error {
            "failed"
        } else {
            "complete"
        },
        n.applied,
        n.failed,
        n.skipped,
        n.not_started
    ))
}

/// The report as an issue body or a pull-request comment.
pub fn markdown(report: &AccountsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## iamform plan: every account\n\n{}\n",
        totals(report)
    );
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|---|---|---:|---:|---:|---|");
    for a in &report.accounts {
        let mut r = row(a);
        r[0] = format!("`{}`", r[0].replace(['`', '|'], "_"));
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    for a in &report.accounts {
        let _ = writeln!(
            out,
            "\n<details><summary><code>{}</code>: {}</summary>\n",
            a.dir
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
            status(a)
        );
        if !a.errors.is_empty() {
            // As the plan's own blocks do: text from the configuration cannot end the fence.
            let text = a.errors.join("\n").replace("```", "` ` `");
            let _ = writeln!(out, "```text\n{}\n```\n", text.trim_end());
        }
        if let Some(doc) = &a.plan {
            out.push_str(&markdown::plan(&doc.plan, &format!("`{}`", a.dir)));
        }
        if let Some(line) = applied_line(a) {
            let _ = writeln!(out, "\n**{line}**");
        }
        out.push_str("\n</details>\n");
    }
    out
}
