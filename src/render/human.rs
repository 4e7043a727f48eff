//! The human plan: Terraform's symbols, attribute-level changes, unified diffs of canonical policy
//! JSON, and the summary line. Rendering works on the serde form of entities, so a new attribute
//! in the model shows up here without new code.

use super::style::Style;
use crate::diff::{Action, Change, Entity};
use crate::plan::{Plan, Summary};
use serde_json::{Map, Value};
use similar::{ChangeTag, TextDiff};
use std::fmt::Write;

/// Attributes that hold policy documents, shown as pretty JSON and diffed line by line.
const DOCUMENT_KEYS: [&str; 2] = ["document", "assume_role_policy"];
/// Attributes not shown: the name is in the header, versions and credentials are live-only.
const HIDDEN_KEYS: [&str; 3] = ["name", "versions", "credentials"];

/// The plan; `verbose` lists every action of its access changes.
pub fn plan(plan: &Plan, style: Style, verbose: bool) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str(&style.green("No changes."));
        out.push_str(" The live account matches the configuration.\n");
    } else {
        out.push_str("iamform will perform the following actions:\n");
        for change in &plan.changes {
            out.push('\n');
            change_block(&mut out, change, style);
        }
        out.push('\n');
        out.push_str(&style.bold(&summary_line(plan.summary())));
        let n = plan.operations.len();
        let plural = if n == 1 { "" } else { "s" };
        out.push_str(&format!(" ({n} IAM operation{plural})\n"));
    }
    out.push_str(&super::access_changes::text(
        &plan.access_changes,
        style,
        verbose,
    ));
    if let Some(line) = unmanaged_line(plan) {
        out.push_str(&style.dim(&line));
        out.push('\n');
    }
    out
}

pub fn summary_line(s: Summary) -> String {
    format!(
        "Plan: {} to add, {} to change, {} to destroy.",
        s.add, s.change, s.destroy
    )
}

/// "Not managed by this configuration (left alone): 2 users, 1 role." — or nothing.
pub fn unmanaged_line(plan: &Plan) -> Option<String> {
    if plan.unmanaged.is_empty() {
        return None;
    }
    let parts: Vec<String> = plan
        .unmanaged
        .iter()
        .map(|(kind, n)| {
            let word = if *n == 1 {
                kind.keyword().replace('_', " ")
            } else {
                kind.plural().to_owned()
            };
            format!("{n} {word}")
        })
        .collect();
    Some(format!(
        "Not managed by this configuration (left alone): {}.",
        parts.join(", ")
    ))
}

fn change_block(out: &mut String, change: &Change, style: Style) {
    let what = match change.action {
        Action::Create => "will be created".to_owned(),
        Action::Update => match &change.moved_from {
            Some(from) => format!("will be renamed in place from {from}"),
            None => "will be updated in place".to_owned(),
        },
        Action::Replace => format!(
            "must be replaced: {}",
            change
                .reason
                .as_deref()
                .unwrap_or("IAM cannot update it in place")
        ),
        Action::Delete => "will be destroyed".to_owned(),
    };
    let address = &change.address;
    let _ = writeln!(out, "  {}", style.bold(&format!("# {address} {what}")));
    change_body(out, change, style);
}

/// The `symbol kind "name" { ... }` part of a change, without the `# address ...` line.
pub(crate) fn change_body(out: &mut String, change: &Change, style: Style) {
    let address = &change.address;
    let symbol = match change.action {
        Action::Create => style.green("+"),
        Action::Update => style.yellow("~"),
        Action::Replace => format!("{}/{}", style.red("-"), style.green("+")),
        Action::Delete => style.red("-"),
    };
    let header = if address.kind == crate::model::Kind::PasswordPolicy {
        "password_policy".to_owned()
    } else {
        format!("{} {:?}", address.kind, address.name.as_str())
    };
    let pad = if change.action == Action::Replace {
        ""
    } else {
        "  "
    };
    let _ = writeln!(out, "{pad}{symbol} {header} {{");
    let mut before = change.before.as_ref().map(fields).unwrap_or_default();
    let mut after = change.after.as_ref().map(fields).unwrap_or_default();
    if let Some(from) = &change.moved_from {
        // A rename shows as a change of name.
        before.insert(
            "name".to_owned(),
            Value::String(from.name.as_str().to_owned()),
        );
        after.insert(
            "name".to_owned(),
            Value::String(address.name.as_str().to_owned()),
        );
    }
    match change.action {
        Action::Create => all_fields(out, &after, '+', style),
        Action::Delete => {
            all_fields(out, &before, '-', style);
            if let Some(Entity::User(u)) = &change.before {
                let c = &u.credentials;
                let counts = [
                    (usize::from(c.has_login_profile()), "login profile"),
                    (c.access_keys.len(), "access keys"),
                    (c.mfa_devices.len(), "MFA devices"),
                    (c.ssh_public_keys.len(), "SSH public keys"),
                    (c.signing_certificates.len(), "signing certificates"),
                    (
                        c.service_specific_credentials.len(),
                        "service-specific credentials",
                    ),
                ];
                for (n, what) in counts.into_iter().filter(|(n, _)| *n > 0) {
                    let _ = writeln!(out, "      {} {what}: {n} (deleted first)", style.red("-"));
                }
            }
        }
        Action::Update | Action::Replace => changed_fields(out, &before, &after, style),
    }
    let _ = writeln!(out, "    }}");
}

fn fields(entity: &Entity) -> Map<String, Value> {
    let value = match entity {
        Entity::User(e) => serde_json::to_value(e),
        Entity::Group(e) => serde_json::to_value(e),
        Entity::Role(e) => serde_json::to_value(e),
        Entity::Policy(e) => serde_json::to_value(e),
        Entity::InstanceProfile(e) => serde_json::to_value(e),
        Entity::PasswordPolicy(e) => serde_json::to_value(e),
    };
    match value {
        Ok(Value::Object(mut m)) => {
            for k in HIDDEN_KEYS {
                m.remove(k);
            }
            m
        }
        _ => Map::new(),
    }
}

fn width(keys: impl Iterator<Item = usize>) -> usize {
    keys.max().unwrap_or(0)
}

fn all_fields(out: &mut String, m: &Map<String, Value>, sign: char, style: Style) {
    let paint = |s: &str| {
        if sign == '+' {
            style.green(s)
        } else {
            style.red(s)
        }
    };
    let w = width(m.keys().map(String::len));
    for (key, value) in m {
        if key == "inline_policies" {
            for (name, doc) in value.as_object().into_iter().flatten() {
                let _ = writeln!(
                    out,
                    "      {} inline_policy {name:?} = {}",
                    paint(&sign.to_string()),
                    indent(&pretty(doc), 8)
                );
            }
            continue;
        }
        let shown = if DOCUMENT_KEYS.contains(&key.as_str()) {
            indent(&pretty(value), 8)
        } else {
            compact(value)
        };
        let _ = writeln!(
            out,
            "      {} {key:<w$} = {shown}",
            paint(&sign.to_string())
        );
    }
}

fn changed_fields(
    out: &mut String,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    style: Style,
) {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (b, a) = (before.get(key), after.get(key));
        if b == a {
            continue;
        }
        let null = Value::Null;
        let (b, a) = (b.unwrap_or(&null), a.unwrap_or(&null));
        if key == "inline_policies" || key == "tags" {
            map_changes(out, key, b, a, style);
        } else if DOCUMENT_KEYS.contains(&key.as_str()) {
            let _ = writeln!(out, "      {} {key} =", style.yellow("~"));
            document_diff(out, b, a, style, 10);
        } else if a.is_array() || b.is_array() {
            let (bs, as_) = (elements(b), elements(a));
            for v in as_.iter().filter(|v| !bs.contains(v)) {
                let _ = writeln!(out, "      {} {key} += {}", style.green("+"), compact(v));
            }
            for v in bs.iter().filter(|v| !as_.contains(v)) {
                let _ = writeln!(out, "      {} {key} -= {}", style.red("-"), compact(v));
            }
        } else {
            let _ = writeln!(
                out,
                "      {} {key} = {} -> {}",
                style.yellow("~"),
                compact(b),
                compact(a)
            );
        }
    }
}

/// Per-entry changes of a map attribute (tags, inline policies).
fn map_changes(out: &mut String, key: &str, before: &Value, after: &Value, style: Style) {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let label = |k: &str| {
        if key == "tags" {
            format!("tags[{k:?}]")
        } else {
            format!("inline_policy {k:?}")
        }
    };
    for (k, v) in a {
        match b.get(k) {
            None if key == "tags" => {
                let _ = writeln!(
                    out,
                    "      {} {} = {}",
                    style.green("+"),
                    label(k),
                    compact(v)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "      {} {} = {}",
                    style.green("+"),
                    label(k),
                    indent(&pretty(v), 8)
                );
            }
            Some(old) if old != v && key == "tags" => {
                let _ = writeln!(
                    out,
                    "      {} {} = {} -> {}",
                    style.yellow("~"),
                    label(k),
                    compact(old),
                    compact(v)
                );
            }
            Some(old) if old != v => {
                let _ = writeln!(out, "      {} {} =", style.yellow("~"), label(k));
                document_diff(out, old, v, style, 10);
            }
            Some(_) => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        let _ = writeln!(out, "      {} {}", style.red("-"), label(k));
    }
}

/// A unified diff of two documents' canonical pretty JSON, three lines of context.
fn document_diff(out: &mut String, before: &Value, after: &Value, style: Style, indent_by: usize) {
    let (old, new) = (pretty(before), pretty(after));
    let diff = TextDiff::from_lines(&old, &new);
    let pad = " ".repeat(indent_by);
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out, "{pad}{}", style.dim("..."));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let _ = match change.tag() {
                    ChangeTag::Delete => writeln!(out, "{pad}{}", style.red(&format!("- {line}"))),
                    ChangeTag::Insert => {
                        writeln!(out, "{pad}{}", style.green(&format!("+ {line}")))
                    }
                    ChangeTag::Equal => writeln!(out, "{pad}  {line}"),
                };
            }
        }
    }
}

fn elements(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Null => vec![],
        other => vec![other.clone()],
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn indent(s: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    s.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_owned()
            } else {
                format!("\n{pad}{l}")
            }
        })
        .collect()
}
