//! Markdown for pull-request comments and issue bodies: a summary table, one row per change, and
//! each change's details (policy diffs included) in a collapsible section.

use super::budget::{budgeted, Item, COMMENT_BUDGET};
use super::human;
use super::style::Style;
use crate::diff::{Action, Change};
use crate::plan::Plan;
use std::fmt::Write;

/// A plan, titled `title` (e.g. "iamform plan" or "IAM drift").
pub fn plan(plan: &Plan, title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {title}\n");
    let _ = writeln!(out, "Account `{}`\n", plan.account_id);
    // Before the changes: the budget may cut those short, and a warning explains some of them.
    for w in &plan.warnings {
        let at =
            w.at.as_deref()
                .map(|a| format!(" (`{a}`)"))
                .unwrap_or_default();
        let _ = writeln!(out, "> **Warning:** {}{at}", w.message);
        if let Some(help) = &w.help {
            let _ = writeln!(out, "> {help}");
        }
        out.push('\n');
    }
    if plan.is_empty() {
        let _ = writeln!(
            out,
            "**No changes.** The live account matches the configuration."
        );
    } else {
        let s = plan.summary();
        let _ = writeln!(out, "| to add | to change | to destroy | IAM operations |");
        let _ = writeln!(out, "|---:|---:|---:|---:|");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n",
            s.add,
            s.change,
            s.destroy,
            plan.operations.len()
        );
        // Who gains what first (at most half the comment), then the changes.
        let half = out.len() + (COMMENT_BUDGET - out.len()) / 2;
        super::access_changes::markdown_within(&mut out, &plan.access_changes, half);
        if !plan.access_changes.is_empty() {
            out.push_str("\n#### Changes\n\n");
        }
        changes(&mut out, &plan.changes);
    }
    if let Some(line) = human::unmanaged_line(plan) {
        let _ = writeln!(out, "\n_{line}_");
    }
    out
}

/// The change table and, per change, a collapsible block with the human rendering as a diff:
/// destructions first, then updates, then creations, within the comment budget.
pub fn changes(out: &mut String, changes: &[Change]) {
    let items = changes
        .iter()
        .map(|c| {
            let (symbol, action) = describe(c);
            let mut block = String::new();
            human::change_body(&mut block, c, Style::PLAIN);
            Item {
                risk: match c.action {
                    Action::Delete | Action::Replace => 0,
                    Action::Update => 1,
                    Action::Create => 2,
                },
                row: format!("| `{symbol}` | `{}` | {action} |", c.shown_address()),
                detail: format!(
                    "<details><summary><code>{symbol} {}</code> {action}</summary>\n\n```diff\n{}```\n\n</details>",
                    c.shown_address(),
                    block.replace("```", "` ` `")
                ),
            }
        })
        .collect();
    budgeted(
        out,
        "| | address | action |\n|---|---|---|\n",
        items,
        COMMENT_BUDGET,
        super::budget::WHOLE_PLAN,
    );
}

fn describe(c: &Change) -> (&'static str, String) {
    match c.action {
        Action::Create => ("+", "create".to_owned()),
        Action::Update => match &c.moved_from {
            Some(from) => ("~", format!("rename in place from {from}")),
            None => ("~", "update in place".to_owned()),
        },
        Action::Replace => (
            "-/+",
            format!(
                "replace ({})",
                c.reason
                    .as_deref()
                    .unwrap_or("IAM cannot update it in place")
            ),
        ),
        Action::Delete => ("-", "destroy".to_owned()),
    }
}
