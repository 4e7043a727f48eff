//! Markdown for pull-request comments and issue bodies: a summary table, one row per change, and
//! each change's details (policy diffs included) in a collapsible section.

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
        changes(&mut out, &plan.changes);
    }
    if let Some(line) = human::unmanaged_line(plan) {
        let _ = writeln!(out, "\n_{line}_");
    }
    out
}

/// GitHub refuses a comment over 65,536 characters. A Markdown plan or drift report stays under
/// this many bytes (bytes are never fewer than characters), leaving room for a workflow's own
/// lines around it: the summary first, then the riskiest changes, then as much detail as fits.
pub const COMMENT_BUDGET: usize = 60_000;

/// Kept free for the closing "N more" line.
const TAIL: usize = 400;

/// One row of a budgeted table and its collapsible detail; lower `risk` is shown first.
pub(crate) struct Item {
    pub risk: u8,
    pub row: String,
    pub detail: String,
}

/// Writes `header` (a table's first two lines), then the rows of `items`, riskiest first, then
/// their details, while `out` stays within [`COMMENT_BUDGET`]; what does not fit is counted in a
/// last line that says where the rest is.
pub(crate) fn budgeted(out: &mut String, header: &str, mut items: Vec<Item>) {
    items.sort_by_key(|i| i.risk);
    let room = |out: &String, more: usize| out.len() + more + TAIL <= COMMENT_BUDGET;
    out.push_str(header);
    let mut listed = 0;
    for item in &items {
        if !room(out, item.row.len() + 1) {
            break;
        }
        out.push_str(&item.row);
        out.push('\n');
        listed += 1;
    }
    out.push('\n');
    let mut detailed = 0;
    for item in &items[..listed] {
        if !room(out, item.detail.len() + 1) {
            break;
        }
        out.push_str(&item.detail);
        out.push('\n');
        detailed += 1;
    }
    if listed < items.len() || detailed < listed {
        let _ = writeln!(
            out,
            "\n_{} more not listed and {} without details: a comment holds 65,536 characters. The \
             whole plan is in the job's artifact (`iamform show PLANFILE`)._",
            items.len() - listed,
            listed - detailed
        );
    }
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
    budgeted(out, "| | address | action |\n|---|---|---|\n", items);
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
