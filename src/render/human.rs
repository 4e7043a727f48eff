//! The human plan: Terraform's symbols, attribute-level changes, unified diffs of canonical policy
//! JSON, and the summary line. Rendering works on the serde form of entities, so a new attribute
//! in the model shows up here without new code.

use super::style::Style;
use crate::diff::{Action, Change, Entity};
use crate::plan::{Plan, Summary, Warning};
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
        let operations = crate::words::count(plan.operations.len(), "IAM operation");
        out.push_str(&format!(" ({operations})\n"));
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
    for w in &plan.warnings {
        out.push('\n');
        out.push_str(&warning(w, style));
    }
    out
}

/// A warning of the plan, Terraform's way: `Warning: what`, where, and what to do.
pub(crate) fn warning(w: &Warning, style: Style) -> String {
    let mut out = format!(
        "{} {}
",
        style.yellow(&style.bold("Warning:")),
        w.message
    );
    if let Some(at) = &w.at {
        let _ = writeln!(out, "  at {at}");
    }
    if let Some(help) = &w.help {
        let _ = writeln!(out, "  {help}");
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
                kind.singular().to_owned()
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
    let address = change.shown_address();
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
    let header = if address.kind.is_singleton() {
        address.kind.keyword().to_owned()
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
                    (c.access_keys.len(), "access key"),
                    (c.mfa_devices.len(), "MFA device"),
                    (c.ssh_public_keys.len(), "SSH public key"),
                    (c.signing_certificates.len(), "signing certificate"),
                    (
                        c.service_specific_credentials.len(),
                        "service-specific credential",
                    ),
                ];
                for (n, what) in counts.into_iter().filter(|(n, _)| *n > 0) {
                    let what = crate::words::count(n, what);
                    let _ = writeln!(out, "      {} {what} (deleted first)", style.red("-"));
                }
            }
        }
        Action::Update | Action::Replace => changed_fields(out, &before, &after, style),
    }
    let _ = writeln!(out, "    }}");
}

fn fields(entity: &Entity) -> Map<String, Value> {
    let mut m = entity.fields();
    for k in HIDDEN_KEYS {
        // `shift_remove` keeps the order of the other fields (the model's).
        m.shift_remove(k);
    }
    m
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
    let sign = paint(&sign.to_string());
    let w = width(m.keys().map(String::len));
    for (key, value) in m {
        if key == "inline_policies" {
            for (name, doc) in value.as_object().into_iter().flatten() {
                let _ = writeln!(
                    out,
                    "      {sign} inline_policy {name:?} = {}",
                    indent(&pretty(doc), 8)
                );
            }
            continue;
        }
        let shown = if DOCUMENT_KEYS.contains(&key.as_str()) {
            indent(&pretty(value), 8)
        } else {
            whole_value(value, &sign)
        };
        let _ = writeln!(out, "      {sign} {key:<w$} = {shown}");
    }
}

/// A value created or destroyed whole, as Terraform prints it: a list of more than one item one
/// item per line, a map of one entry `{ team = "web" }` and of more one entry per line with the
/// `=` aligned, each line under the attribute (at column 6) marked with `sign`.
fn whole_value(value: &Value, sign: &str) -> String {
    match value {
        Value::Array(items) if items.len() > 1 => {
            let mut s = String::from("[\n");
            for item in items {
                let _ = writeln!(s, "          {sign} {},", compact(item));
            }
            s.push_str("        ]");
            s
        }
        Value::Object(entries) if entries.len() == 1 && entries.values().all(is_scalar) => {
            let (k, v) = entries.iter().next().expect("one entry");
            format!("{{ {} = {} }}", map_key(k), compact(v))
        }
        Value::Object(entries) if !entries.is_empty() => {
            let w = width(entries.keys().map(|k| map_key(k).len()));
            let mut sorted: Vec<(&String, &Value)> = entries.iter().collect();
            sorted.sort_by_key(|(k, _)| *k);
            let mut s = String::from("{\n");
            for (k, v) in sorted {
                let _ = writeln!(s, "          {sign} {:<w$} = {}", map_key(k), compact(v));
            }
            s.push_str("        }");
            s
        }
        other => compact(other),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// A map key as HCL writes it: bare when it is an identifier, else quoted (`"kubernetes.io/x"`).
fn map_key(k: &str) -> String {
    if crate::config::is_identifier(k) {
        k.to_owned()
    } else {
        compact(&Value::String(k.to_owned()))
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
        if key == "inline_policies" {
            inline_policy_changes(out, b, a, style);
        } else if DOCUMENT_KEYS.contains(&key.as_str()) {
            let _ = writeln!(out, "      {} {key} =", style.yellow("~"));
            document_diff(out, b, a, style, 10);
        } else if a.is_array() || b.is_array() {
            let _ = writeln!(out, "      {} {key} = [", style.yellow("~"));
            set_changes(out, b, a, style);
            let _ = writeln!(out, "        ]");
        } else if a.is_object() || b.is_object() {
            let _ = writeln!(out, "      {} {key} = {{", style.yellow("~"));
            map_changes(out, b, a, style);
            let _ = writeln!(out, "        }}");
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

/// The elements of a changed list attribute, item by item in order: `+` added, `-` removed, and
/// the unchanged ones counted, as Terraform does for sets (every list of the model is one).
fn set_changes(out: &mut String, before: &Value, after: &Value, style: Style) {
    let (b, a) = (elements(before), elements(after));
    let mut all: Vec<&Value> = b.iter().chain(a.iter()).collect();
    all.sort_by_key(|v| compact(v));
    all.dedup();
    let mut unchanged = 0;
    for v in all {
        match (b.contains(v), a.contains(v)) {
            (false, true) => {
                let _ = writeln!(out, "          {} {},", style.green("+"), compact(v));
            }
            (true, false) => {
                let _ = writeln!(out, "          {} {},", style.red("-"), compact(v));
            }
            _ => unchanged += 1,
        }
    }
    hidden(out, unchanged, style);
}

/// The entries of a changed map attribute (tags), with the `=` aligned: `+` added, `~` changed,
/// `-` removed, and the unchanged ones counted.
fn map_changes(out: &mut String, before: &Value, after: &Value, style: Style) {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let changed: Vec<&String> = keys
        .into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .collect();
    let w = width(changed.iter().map(|k| map_key(k).len()));
    for k in &changed {
        let key = map_key(k);
        let _ = match (b.get(*k), a.get(*k)) {
            (None, Some(v)) => writeln!(
                out,
                "          {} {key:<w$} = {}",
                style.green("+"),
                compact(v)
            ),
            (Some(old), None) => writeln!(
                out,
                "          {} {key:<w$} = {} -> null",
                style.red("-"),
                compact(old)
            ),
            (Some(old), Some(v)) => writeln!(
                out,
                "          {} {key:<w$} = {} -> {}",
                style.yellow("~"),
                compact(old),
                compact(v)
            ),
            (None, None) => Ok(()),
        };
    }
    let unchanged = b.keys().filter(|k| a.get(*k) == b.get(*k)).count();
    hidden(out, unchanged, style);
}

/// Terraform's `# (2 unchanged elements hidden)` line, when there are any.
fn hidden(out: &mut String, unchanged: usize, style: Style) {
    if unchanged > 0 {
        let what = crate::words::count(unchanged, "unchanged element");
        let _ = writeln!(
            out,
            "            {}",
            style.dim(&format!("# ({what} hidden)"))
        );
    }
}

/// Per-policy changes of the inline policies: added ones whole, changed ones as a diff.
fn inline_policy_changes(out: &mut String, before: &Value, after: &Value, style: Style) {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    for (k, v) in a {
        match b.get(k) {
            None => {
                let _ = writeln!(
                    out,
                    "      {} inline_policy {k:?} = {}",
                    style.green("+"),
                    indent(&pretty(v), 8)
                );
            }
            Some(old) if old != v => {
                let _ = writeln!(out, "      {} inline_policy {k:?} =", style.yellow("~"));
                document_diff(out, old, v, style, 10);
            }
            Some(_) => {}
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        let _ = writeln!(out, "      {} inline_policy {k:?}", style.red("-"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_values_are_written_as_terraform_writes_them() {
        for (value, shown) in [
            (json!("x"), r#""x""#),
            (json!(["ops"]), r#"["ops"]"#),
            (json!([]), "[]"),
            (
                json!(["a", "b"]),
                "[\n          + \"a\",\n          + \"b\",\n        ]",
            ),
            (json!({ "team": "web" }), r#"{ team = "web" }"#),
            (json!({ "a:b": "1" }), r#"{ "a:b" = "1" }"#),
            (
                json!({ "team": "web", "environment": "prod" }),
                "{\n          + environment = \"prod\"\n          + team        = \"web\"\n        }",
            ),
        ] {
            assert_eq!(whole_value(&value, "+"), shown, "{value}");
        }
    }

    #[test]
    fn a_changed_list_is_shown_item_by_item_and_unchanged_items_are_counted() {
        let mut out = String::new();
        set_changes(
            &mut out,
            &json!(["a", "b", "c"]),
            &json!(["b", "c", "d"]),
            Style::PLAIN,
        );
        assert_eq!(
            out,
            "          - \"a\",\n          + \"d\",\n            # (2 unchanged elements hidden)\n"
        );
    }
}
