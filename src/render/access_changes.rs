//! The "Access changes" section of a plan (text and Markdown), and `iamform access`: per
//! principal, what it gains and loses, counted by service and access level, grouped by where and
//! when (resources, conditions), the first actions by name, and every escalation on a line of its
//! own. `-v` (or `--json`) lists every action.

use super::style::Style;
use crate::access::change::{counts, AccessChange, Grant};
use crate::model::policy::Condition;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Actions named per group without `-v`.
const FIRST: usize = 5;
/// Services listed one a line by `iamform access` without `-v`.
const SERVICES: usize = 12;

/// The text section; empty when no principal's access changes.
pub fn text(changes: &[AccessChange], style: Style, verbose: bool) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let n = changes.len();
    let _ = writeln!(
        out,
        "\n{} ({n} principal{}):",
        style.bold("Access changes"),
        plural(n)
    );
    for c in changes {
        principal_text(&mut out, c, style, verbose);
    }
    if !verbose && changes.iter().any(hidden) {
        let _ = writeln!(
            out,
            "{}",
            style.dim("  (-v, or --json, lists every action)")
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn hidden(c: &AccessChange) -> bool {
    groups(&c.gained)
        .values()
        .chain(groups(&c.lost).values())
        .any(|v| v.len() > FIRST)
}

fn principal_text(out: &mut String, c: &AccessChange, style: Style, verbose: bool) {
    let _ = writeln!(out, "\n  {}", style.bold(&c.principal));
    if c.gained_everything {
        let _ = writeln!(
            out,
            "    {}",
            style.red("+ gains everything: every action on every resource (*)")
        );
    } else if !c.gained.is_empty() {
        side_text(out, c, true, style, verbose);
    }
    if c.lost_everything {
        let _ = writeln!(out, "    - loses everything it was allowed (*)");
    } else if !c.lost.is_empty() {
        side_text(out, c, false, style, verbose);
    }
    if c.gained_everything {
        let n = c.escalations().count();
        let line = format!("! escalation: all {n} privilege-escalation actions among them");
        let _ = writeln!(out, "    {}", style.red(&line));
        return;
    }
    for g in c.escalations() {
        let line = format!(
            "! escalation: {} — {}",
            g.action,
            g.escalation.as_deref().unwrap_or_default()
        );
        let _ = writeln!(out, "    {}", style.red(&line));
    }
}

/// "s3 Write 2, s3 Read 1" for one side.
fn counted(c: &AccessChange, gained: bool) -> String {
    counts(c)
        .into_iter()
        .map(|((service, level), (g, l))| (service, level, if gained { g } else { l }))
        .filter(|(_, _, n)| *n > 0)
        .map(|(s, level, n)| format!("{s} {level} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `c` gains (`gained`) or loses: a head line counting the actions, then the actions by
/// where and when.
fn side_text(out: &mut String, c: &AccessChange, gained: bool, style: Style, verbose: bool) {
    let (sign, verb, grants) = if gained {
        ('+', "gains", &c.gained)
    } else {
        ('-', "loses", &c.lost)
    };
    let n = distinct(grants);
    let head = format!(
        "{sign} {verb} {n} action{}: {}",
        plural(n),
        counted(c, gained)
    );
    let head = if gained {
        style.green(&head)
    } else {
        style.red(&head)
    };
    let _ = writeln!(out, "    {head}");
    for (place, names) in groups(grants) {
        let _ = writeln!(out, "        {place}");
        let _ = writeln!(out, "          {}", names_line(&names, verbose));
    }
}

fn distinct(grants: &[Grant]) -> usize {
    let mut names: Vec<&str> = grants.iter().map(|g| g.action.as_str()).collect();
    names.dedup();
    names.len()
}

fn names_line(names: &[&str], verbose: bool) -> String {
    if verbose || names.len() <= FIRST {
        return names.join(", ");
    }
    format!(
        "{}, … and {} more",
        names[..FIRST].join(", "),
        names.len() - FIRST
    )
}

/// Grants by where and when: "on RESOURCES [except …] [when …] [unless …]" -> action names.
fn groups(grants: &[Grant]) -> BTreeMap<String, Vec<&str>> {
    let mut out: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for g in grants {
        out.entry(place(g)).or_default().push(g.action.as_str());
    }
    out
}

fn place(g: &Grant) -> String {
    let t = &g.terms;
    let mut s = format!("on {}", t.resources.join(", "));
    if !t.not_resources.is_empty() {
        let _ = write!(s, " except {}", t.not_resources.join(", "));
    }
    if let Some(c) = &t.conditions {
        let _ = write!(s, " when {}", conditions(c));
    }
    if let Some(c) = &t.unless {
        let _ = write!(s, " unless {}", conditions(c));
    }
    s
}

/// `Bool aws:MultiFactorAuthPresent = true and StringEquals aws:SourceVpc = vpc-1 or vpc-2`.
pub fn conditions(c: &Condition) -> String {
    let mut parts = Vec::new();
    for (op, keys) in c {
        for (key, values) in keys {
            let v: Vec<&str> = values.iter().map(String::as_str).collect();
            parts.push(format!("{op} {key} = {}", v.join(" or ")));
        }
    }
    parts.join(" and ")
}

/// The Markdown section: a table of principals, then each one's details, collapsed.
pub fn markdown(changes: &[AccessChange]) -> String {
    let mut out = String::new();
    markdown_within(&mut out, changes, super::budget::COMMENT_BUDGET);
    out
}

/// The Access changes section of a Markdown plan, written to `out` while it stays within
/// `limit` bytes: escalations and whole-account gains first, then other gains, then losses.
pub(crate) fn markdown_within(out: &mut String, changes: &[AccessChange], limit: usize) {
    if changes.is_empty() {
        return;
    }
    out.push_str("\n#### Access changes\n\n");
    let items = changes
        .iter()
        .map(|c| {
            let gains = if c.gained_everything {
                "**everything (`*`)**".to_owned()
            } else {
                distinct(&c.gained).to_string()
            };
            let escalations: Vec<String> = if c.gained_everything {
                vec![":warning: all of them".to_owned()]
            } else {
                c.escalations()
                    .map(|g| format!(":warning: `{}`", g.action))
                    .collect()
            };
            let mut block = String::new();
            principal_text(&mut block, c, Style::PLAIN, false);
            super::budget::Item {
                risk: if !escalations.is_empty() {
                    0
                } else if c.gained.is_empty() {
                    2
                } else {
                    1
                },
                row: format!(
                    "| `{}` | {gains} | {} | {} |",
                    c.principal,
                    distinct(&c.lost),
                    escalations.join(" ")
                ),
                detail: format!(
                    "<details><summary><code>{}</code></summary>\n\n```\n{}```\n\n</details>",
                    c.principal,
                    block.trim_start_matches('\n').replace("```", "` ` `")
                ),
            }
        })
        .collect();
    super::budget::budgeted(
        out,
        "| principal | gains | loses | escalations |\n|---|---:|---:|---|\n",
        items,
        limit,
        super::budget::WHOLE_PLAN,
    );
}

/// `iamform access --json`: a principal's whole access.
#[derive(serde::Serialize)]
pub struct AccessReport<'a> {
    pub principal: &'a str,
    /// Every action on every resource, unconditionally.
    pub everything: bool,
    /// One entry per concrete action (as a plan's `gained`).
    pub allowed: &'a [Grant],
}

impl<'a> AccessReport<'a> {
    pub fn new(model: &'a AccessChange) -> AccessReport<'a> {
        AccessReport {
            principal: &model.principal,
            everything: model.gained_everything,
            allowed: &model.gained,
        }
    }
}

/// `iamform access`: a principal's whole access (its model, as a gain from nothing).
pub fn access_text(model: &AccessChange, style: Style, verbose: bool) -> String {
    let mut out = String::new();
    if model.gained.is_empty() {
        let _ = writeln!(out, "{} is allowed nothing.", style.bold(&model.principal));
        return out;
    }
    if model.gained_everything {
        let _ = writeln!(
            out,
            "{} is allowed everything: every action on every resource (*).",
            style.bold(&model.principal)
        );
        return out;
    }
    let n = distinct(&model.gained);
    let _ = writeln!(
        out,
        "{} is allowed {n} action{}:",
        style.bold(&model.principal),
        plural(n)
    );
    let per_level = counts(model);
    let mut services: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ((service, level), (g, _)) in &per_level {
        services
            .entry(service)
            .or_default()
            .push(format!("{level} {g}"));
    }
    if services.len() <= SERVICES || verbose {
        for (service, levels) in services {
            let _ = writeln!(out, "  {service}: {}", levels.join(", "));
        }
    } else {
        let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
        for ((_, level), (g, _)) in &per_level {
            *totals.entry(level).or_default() += g;
        }
        let totals: Vec<String> = totals.iter().map(|(l, n)| format!("{l} {n}")).collect();
        let _ = writeln!(
            out,
            "  in {} services: {} (-v lists them by service)",
            services.len(),
            totals.join(", ")
        );
    }
    out.push('\n');
    for (place, names) in groups(&model.gained) {
        let _ = writeln!(out, "  {place}");
        let _ = writeln!(out, "    {}", names_line(&names, verbose));
    }
    let flagged: Vec<&str> = model.escalations().map(|g| g.action.as_str()).collect();
    if !flagged.is_empty() {
        let line = format!("! can escalate its privileges with: {}", flagged.join(", "));
        let _ = writeln!(out, "\n  {}", style.red(&line));
    }
    if !verbose && groups(&model.gained).values().any(|v| v.len() > FIRST) {
        let _ = writeln!(
            out,
            "{}",
            style.dim("  (-v, or --json, lists every action)")
        );
    }
    out
}

/// Why `--fail-on-gain` / `--fail-on-escalation` fail the plan; empty when they do not.
pub fn gate_failures(gains: &[(&str, &str)], escalations: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (what, list) in [
        ("gains actions --fail-on-gain forbids", gains),
        (
            "gains privilege-escalation actions (--fail-on-escalation)",
            escalations,
        ),
    ] {
        let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (principal, action) in list {
            by.entry(principal).or_default().push(action);
        }
        for (principal, actions) in by {
            let _ = writeln!(
                out,
                "error: {principal} {what}: {}",
                names_line(&actions, false)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::change::Terms;
    use std::sync::Arc;

    fn grant(action: &str, resources: &[&str]) -> Grant {
        let terms = Terms {
            resources: Arc::new(resources.iter().map(|r| (*r).to_owned()).collect()),
            not_resources: Arc::default(),
            conditions: None,
            unless: None,
            via: Arc::new(vec!["policy.p".to_owned()]),
        };
        terms.grant(action, Some("Write".to_owned()))
    }

    #[test]
    fn long_lists_are_cut_unless_verbose() {
        let gained: Vec<Grant> = (0..8).map(|i| grant(&format!("s3:A{i}"), &["*"])).collect();
        let c = AccessChange {
            principal: "user.ann".to_owned(),
            gained_everything: false,
            lost_everything: false,
            gained,
            lost: Vec::new(),
        };
        let short = text(std::slice::from_ref(&c), Style::PLAIN, false);
        assert!(short.contains("s3:A4, … and 3 more"), "{short}");
        assert!(short.contains("(-v, or --json, lists every action)"));
        let long = text(&[c], Style::PLAIN, true);
        assert!(long.contains("s3:A7") && !long.contains("more"), "{long}");
    }
}
