//! The combined report of a command run over many accounts (`plan --all`, `apply --all`,
//! `drift --all`, `audit --all`, `validate --all`), as text and as Markdown: a summary table
//! with one row per account, its columns the command's own counts, then each account's own
//! report (or its errors) as the single-account command prints it.

use super::style::Style;
use super::{audit, drift, human, markdown};
use crate::accounts::{AccountReport, AccountsReport, Command, Status};
use crate::words;
use std::fmt::Write;

/// The table's header: directory, account id, the command's counts, status.
fn header(command: Command) -> Vec<&'static str> {
    let counts: &[&str] = match command {
        // Principals (users and roles), not actions: a principal gaining ten actions is one.
        Command::Plan | Command::Apply => &[
            "add",
            "change",
            "destroy",
            "principals gaining access",
            "principals losing access",
        ],
        Command::Drift => &["modified", "missing", "undeclared"],
        Command::Audit => &["findings", "suppressed", "not evaluated"],
        Command::Validate => &["entities"],
    };
    let mut h = vec!["account directory", "account id"];
    h.extend_from_slice(counts);
    h.push("status");
    h
}

/// One row of the table, as [`header`] orders it; `-` where the account has no count.
fn row(a: &AccountReport, command: Command) -> Vec<String> {
    let counts: Option<Vec<usize>> = match command {
        Command::Plan | Command::Apply => a.summary().map(|s| {
            let access = a.access.unwrap_or_default();
            vec![
                s.add,
                s.change,
                s.destroy,
                access.principals_gaining,
                access.principals_losing,
            ]
        }),
        Command::Drift => a.drift.as_ref().map(|d| {
            let s = &d.summary;
            vec![s.modified, s.missing, s.undeclared]
        }),
        Command::Audit => a.audit.as_ref().map(|r| {
            let s = &r.summary;
            vec![s.findings, s.suppressed, s.not_evaluated]
        }),
        Command::Validate => a.entities.map(|n| vec![n]),
    };
    let width = header(command).len() - 3;
    let mut r = vec![
        a.dir.clone(),
        a.account_id.clone().unwrap_or_else(|| "-".to_owned()),
    ];
    match counts {
        Some(counts) => r.extend(counts.iter().map(ToString::to_string)),
        None => r.extend(std::iter::repeat_n("-".to_owned(), width)),
    }
    r.push(status(a).to_owned());
    r
}

fn status(a: &AccountReport) -> &'static str {
    match a.status {
        Status::NoChanges => "no changes",
        Status::Changes => "changes",
        Status::Applied => "applied",
        Status::Drift => "drift",
        Status::Findings => "findings",
        Status::Clean => "clean",
        Status::Valid => "valid",
        Status::Error => "error",
    }
}

fn totals(report: &AccountsReport) -> String {
    let s = &report.summary;
    let found = match report.command {
        Command::Plan | Command::Apply => "with changes",
        Command::Drift => "drifted",
        Command::Audit => "with findings",
        Command::Validate => "",
    };
    let head = if report.command == Command::Validate {
        format!(
            "{} under {}: {} valid, {} failed",
            words::count(s.accounts, "account"),
            report.root,
            s.accounts - s.failed,
            s.failed
        )
    } else {
        format!(
            "{} under {}: {} {found}, {} failed",
            words::count(s.accounts, "account"),
            report.root,
            s.with_changes,
            s.failed
        )
    };
    let tail = match report.command {
        Command::Plan | Command::Apply => {
            let access = s.access.unwrap_or_default();
            format!(
                "{} to add, {} to change, {} to destroy in all; {} gaining access, {} losing access",
                s.add,
                s.change,
                s.destroy,
                words::count(access.principals_gaining, "principal"),
                words::count(access.principals_losing, "principal"),
            )
        }
        Command::Drift => {
            let d = s.drift.clone().unwrap_or_default();
            format!(
                "{} modified, {} missing, {} undeclared in all",
                d.modified, d.missing, d.undeclared
            )
        }
        Command::Audit => format!(
            "{} in all",
            words::count(s.findings.unwrap_or_default(), "finding")
        ),
        Command::Validate => format!(
            "{} declared in all",
            words::count(s.entities.unwrap_or_default(), "entity")
        ),
    };
    format!("{head}; {tail}.")
}

/// The report for a terminal or a log.
pub fn text(report: &AccountsReport, style: Style) -> String {
    let header = header(report.command);
    let rows: Vec<Vec<String>> = report
        .accounts
        .iter()
        .map(|a| row(a, report.command))
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let numbers = 2..header.len() - 1;
    let line = |cells: &[&str]| {
        let mut l = String::from(" ");
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            // Names left, numbers right.
            if numbers.contains(&i) {
                let _ = write!(l, " {cell:>w$}");
            } else {
                let _ = write!(l, " {cell:<w$}");
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", style.bold(&totals(report)));
    out.push_str(&line(&header));
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        out.push_str(&line(&cells));
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
        if let Some(report) = &a.drift {
            out.push_str(&drift::text(report, style));
        }
        if let Some(report) = &a.audit {
            out.push_str(&audit::text(report, style));
        }
        if let Some(line) = valid_line(a) {
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

/// `validate --all`: what `validate` says of a valid configuration.
fn valid_line(a: &AccountReport) -> Option<String> {
    let n = a.entities?;
    Some(format!(
        "The configuration is valid: {} declared.",
        words::count(n, "entity")
    ))
}

/// The report as an issue body or a pull-request comment.
pub fn markdown(report: &AccountsReport) -> String {
    let mut out = String::new();
    let header = header(report.command);
    let _ = writeln!(
        out,
        "## iamform {}: every account\n\n{}\n",
        report.command.as_str(),
        totals(report)
    );
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = (0..header.len())
        .map(|i| {
            if (2..header.len() - 1).contains(&i) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for a in &report.accounts {
        let mut r = row(a, report.command);
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
        if let Some(report) = &a.drift {
            out.push_str(&drift::markdown(report));
        }
        if let Some(report) = &a.audit {
            out.push_str(&audit::markdown(report));
        }
        if let Some(line) = valid_line(a) {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("\n</details>\n");
    }
    out
}
