//! Drift reports as text (the cron log) and Markdown (an issue body or a job summary), from the
//! account's side: what the account has that the configuration does not and the reverse, in
//! words, the documents of inline policies found only in the account, what each user and role is
//! allowed in the account beyond the configuration (and the reverse), and, last, what `apply`
//! would do to bring the account back to the configuration.

use super::human;
use super::style::Style;
use crate::access::change::{counts, AccessChange};
use crate::drift::{Difference, DriftEntry, DriftKind, DriftReport, Side};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Differences named in a Markdown table row; the rest are counted.
const IN_ROW: usize = 3;

fn headline(report: &DriftReport) -> String {
    let s = &report.summary;
    if !report.drifted {
        return format!(
            "No drift: account {} matches the configuration.",
            report.account_id
        );
    }
    let parts: Vec<String> = [
        (s.modified, "differ", "differs", "from the configuration"),
        (s.missing, "are", "is", "declared but not in the account"),
        (s.undeclared, "are", "is", "in the account but not declared"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, many, one, what)| {
        let entities = crate::words::count(n, "entity");
        format!("{entities} {} {what}", if n == 1 { one } else { many })
    })
    .collect();
    format!(
        "Drift detected in account {}: {}.",
        report.account_id,
        parts.join("; ")
    )
}

/// A document found only in the account, shown under its difference (an inline policy).
fn document(d: &Difference) -> Option<String> {
    let shown = d.field == "inline_policies" && d.side == Side::AccountOnly;
    let doc = d.in_account.as_ref().filter(|_| shown)?;
    serde_json::to_string_pretty(doc).ok()
}

fn entity_title(e: &DriftEntry) -> String {
    format!("{} {}", e.change.shown_address(), e.drift.describe())
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
        let _ = writeln!(out, "\n  {}", style.bold(&format!("# {}", entity_title(e))));
        for d in &e.differences {
            let _ = writeln!(out, "    {}", d.text);
            if let Some(doc) = document(d) {
                for l in doc.lines() {
                    let _ = writeln!(out, "        {l}");
                }
            }
        }
        let _ = writeln!(out, "    {}", style.dim(undo(e.drift)));
        human::change_body(&mut out, &e.change, style);
    }
    if !report.access.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (in the account, compared with the configuration):",
            style.bold("What the drift grants")
        );
        for c in &report.access {
            let _ = writeln!(out, "\n  {}", style.bold(&c.principal));
            for line in access_lines(c) {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}

/// Services named one by one in a side's summary; more are counted by access level.
const SERVICES: usize = 3;

/// One side of a principal's access drift in a few words: "3 actions (s3 Read 2, s3 Write 1)",
/// counted by service and access level, or by access level alone over many services.
fn side(c: &AccessChange, gained: bool) -> Option<String> {
    if (gained && c.gained_everything) || (!gained && c.lost_everything) {
        return Some("everything (every action on every resource)".to_owned());
    }
    let counted = counts(c);
    let per: Vec<(&str, &str, usize)> = (counted.iter())
        .map(|((s, l), (g, lost))| (s.as_str(), l.as_str(), if gained { *g } else { *lost }))
        .filter(|(.., n)| *n > 0)
        .collect();
    let total: usize = per.iter().map(|(.., n)| n).sum();
    if total == 0 {
        return None;
    }
    let mut services: Vec<&str> = per.iter().map(|(s, ..)| *s).collect();
    services.dedup();
    let actions = crate::words::count(total, "action");
    if services.len() <= SERVICES {
        let parts: Vec<String> = per.iter().map(|(s, l, n)| format!("{s} {l} {n}")).collect();
        return Some(format!("{actions} ({})", parts.join(", ")));
    }
    let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, l, n) in &per {
        *levels.entry(l).or_default() += n;
    }
    let parts: Vec<String> = levels.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let n = services.len();
    Some(format!("{actions} in {n} services ({})", parts.join(", ")))
}

/// The escalations the account allows and the configuration does not.
fn escalations(c: &AccessChange) -> Vec<String> {
    let n = c.escalations().count();
    if c.gained_everything && n > 0 {
        return vec![format!("all {n} privilege-escalation actions")];
    }
    c.escalations()
        .map(|g| {
            format!(
                "{} — {}",
                g.action,
                g.escalation.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

/// A principal's access drift in a few lines: what only the account allows (`+`), what only the
/// configuration allows (`-`), and each escalation only the account allows (`!`).
fn access_lines(c: &AccessChange) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = side(c, true) {
        out.push(format!(
            "+ allowed in the account, not by the configuration: {s}"
        ));
    }
    if let Some(s) = side(c, false) {
        out.push(format!(
            "- allowed by the configuration, not in the account: {s}"
        ));
    }
    out.extend(
        escalations(c)
            .into_iter()
            .map(|e| format!("! escalation: {e}")),
    );
    out
}

/// What the drift grants, as a Markdown table of principals.
fn access_table(out: &mut String, access: &[AccessChange]) {
    out.push_str(
        "\n#### What the drift grants\n\n| principal | allowed in the account, not by the \
         configuration | allowed by the configuration, not in the account | escalations |\n\
         |---|---|---|---|\n",
    );
    for c in access {
        let none = String::new;
        let escalations: Vec<String> = escalations(c)
            .iter()
            .map(|e| format!(":warning: {}", cell(e)))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            c.principal,
            side(c, true).map_or_else(none, |s| cell(&s)),
            side(c, false).map_or_else(none, |s| cell(&s)),
            escalations.join("<br>")
        );
    }
}

fn undo(kind: DriftKind) -> &'static str {
    match kind {
        DriftKind::Missing => "apply would create it:",
        DriftKind::Modified => "apply would bring it back to the configuration:",
        DriftKind::Undeclared => "apply would delete it:",
    }
}

/// Text for a Markdown table cell: no line breaks, no column separators, no HTML.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ")
}

fn row(e: &DriftEntry) -> String {
    let mut what: Vec<String> = (e.differences.iter().take(IN_ROW))
        .map(|d| cell(&d.text))
        .collect();
    if e.differences.len() > IN_ROW {
        what.push(format!("and {} more", e.differences.len() - IN_ROW));
    }
    format!(
        "| `{}` | {} | {} |",
        e.change.shown_address(),
        e.drift.describe(),
        what.join("<br>")
    )
}

fn detail(e: &DriftEntry) -> String {
    let mut words = String::new();
    for d in &e.differences {
        let _ = writeln!(words, "- {}", cell(&d.text));
        if let Some(doc) = document(d) {
            let _ = writeln!(words, "\n```json\n{}\n```\n", doc.replace("```", "` ` `"));
        }
    }
    let mut block = String::new();
    human::change_body(&mut block, &e.change, Style::PLAIN);
    format!(
        "<details><summary><code>{}</code> {}</summary>\n\n{words}\n{}\n\n```diff\n{}```\n\n</details>",
        e.change.shown_address(),
        e.drift.describe(),
        undo(e.drift).replace("apply", "`iamform apply`"),
        block.replace("```", "` ` `")
    )
}

pub fn markdown(report: &DriftReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### IAM drift in account `{}`\n", report.account_id);
    let _ = writeln!(out, "{}\n", headline(report));
    if !report.drifted {
        return out;
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "| differ from the configuration | declared, not in the account | in the account, not declared |"
    );
    let _ = writeln!(out, "|---:|---:|---:|");
    let _ = writeln!(out, "| {} | {} | {} |", s.modified, s.missing, s.undeclared);
    if !report.access.is_empty() {
        access_table(&mut out, &report.access);
        out.push_str("\n#### Entities\n");
    }
    out.push('\n');
    let items = report
        .entities
        .iter()
        .map(|e| super::budget::Item {
            risk: match e.drift {
                DriftKind::Undeclared => 0,
                DriftKind::Modified => 1,
                DriftKind::Missing => 2,
            },
            row: row(e),
            detail: detail(e),
        })
        .collect();
    super::budget::budgeted(
        &mut out,
        "| address | drift | what differs |\n|---|---|---|\n",
        items,
        super::budget::COMMENT_BUDGET,
        super::budget::WHOLE_DRIFT,
    );
    out
}
