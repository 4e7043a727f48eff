//! Condition keys against the catalog: a key of a known service that the service does not have
//! (`unknown-condition-key`, a typo), and a key that none of the statement's actions supports
//! (`condition-key-not-applicable`): the request never carries it, so the operator decides the
//! statement's fate without looking at a value.
//!
//! Global keys (`aws:…` and the role-session keys of [`crate::catalog::is_global_key`]) are in
//! every request and are not checked; keys of other issuers (an OIDC provider's `…:sub`) are not in
//! the catalog and are not checked either.

use super::place::{sid, Place};
use super::{Finding, Severity};
use crate::catalog::{is_global_key, Catalog};
use crate::model::policy::parse_operator;
use crate::model::policy::{Effect, Statement};
use crate::model::suggest;

/// `SERVICE:ResourceTag/…` and `SERVICE:RequestTag/…` are the service-specific tag keys that came
/// before the global ones; AWS still honours them (its own managed policies use iam:, ecr: and
/// secretsmanager:ResourceTag/…) though the catalog rarely lists them.
fn is_service_tag_key(name: &str) -> bool {
    ["ResourceTag/", "RequestTag/"].iter().any(|t| {
        name.get(..t.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(t))
    })
}

pub(super) fn condition_keys(s: &Statement, at: &Place, catalog: &Catalog, out: &mut Vec<Finding>) {
    for (op, keys) in &s.condition {
        for key in keys.keys() {
            let Some((prefix, name)) = key.split_once(':') else {
                continue;
            };
            if is_global_key(key) {
                continue;
            }
            let Some(service) = catalog.service(prefix) else {
                continue;
            };
            let tag_key = is_service_tag_key(name);
            let pointer = |f: Finding| {
                let mut f = f;
                f.path = f.path.map(|p| p.key(op).key(key));
                f
            };
            if !tag_key && !service.has_condition_key(key) {
                let keys = service.all_condition_keys();
                let hint = match suggest::closest(key, keys.iter().map(String::as_str)) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!(
                        "see the condition keys of {} in the Service Authorization Reference",
                        service.name
                    ),
                };
                out.push(pointer(at.finding(
                    Severity::Warning,
                    "unknown-condition-key",
                    "Condition",
                    format!(
                        "condition key `{key}` (under {op}){} is not a condition key of {}: the condition never matches",
                        sid(s),
                        service.name
                    ),
                    hint,
                )));
                continue;
            }
            if let Some(f) = not_applicable(s, at, catalog, op, key, tag_key) {
                out.push(pointer(f));
            }
        }
    }
}

/// What an operator does with a key the request does not have.
#[derive(Debug, PartialEq, Eq)]
enum Absent {
    /// The condition is false: the statement never applies.
    NeverMatches,
    /// The condition is true: it restricts nothing.
    AlwaysMatches,
}

/// IAM's rules for a missing key: `…IfExists` skips the condition, `Null` tests for the missing
/// key itself, `ForAllValues:` holds for no values and `ForAnyValue:` does not, and the negated
/// operators (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`, …) hold where their positive
/// twins fail. `None` for a name that is not an operator (validation reports it).
fn when_absent(op: &str, values: impl IntoIterator<Item = impl AsRef<str>>) -> Option<Absent> {
    let op = parse_operator(op)?;
    Some(if op.base == "Null" {
        let tests_missing = values
            .into_iter()
            .any(|v| v.as_ref().eq_ignore_ascii_case("true"));
        if tests_missing {
            Absent::AlwaysMatches
        } else {
            Absent::NeverMatches
        }
    } else if op.if_exists {
        Absent::AlwaysMatches
    } else if let Some(set) = op.set {
        if set == "ForAllValues" {
            Absent::AlwaysMatches
        } else {
            Absent::NeverMatches
        }
    } else if op.negated() {
        Absent::AlwaysMatches
    } else {
        Absent::NeverMatches
    })
}

/// `condition-key-not-applicable` for `key` under `op`, unless some action of the statement
/// supports it (or the statement's actions cannot be known: `*`, NotAction, actions the catalog
/// lacks).
fn not_applicable(
    s: &Statement,
    at: &Place,
    catalog: &Catalog,
    op: &str,
    key: &str,
    tag_key: bool,
) -> Option<Finding> {
    let written = s.action.as_ref()?;
    let prefix = key.split_once(':').map_or(key, |x| x.0);
    let mut actions = Vec::new();
    for a in written {
        let expanded = catalog.expand(a);
        if a == "*" || expanded.is_empty() {
            return None;
        }
        for (service, action) in expanded {
            let supports = if !service.complete() {
                service.has_condition_key(key)
            } else if tag_key {
                service.prefix.eq_ignore_ascii_case(prefix)
            } else {
                service.supports_condition_key(action, key)
            };
            if supports {
                return None;
            }
            actions.push(format!("{}:{}", service.prefix, action.name));
        }
    }
    actions.sort();
    actions.dedup();
    let values = &s.condition[op][key];
    let (consequence, fate) = match (when_absent(op, values)?, &s.effect) {
        (Absent::NeverMatches, Effect::Allow) => ("never matches", "the statement grants nothing"),
        (Absent::NeverMatches, Effect::Deny) => ("never matches", "the statement denies nothing"),
        (Absent::AlwaysMatches, _) => (
            "always matches",
            "the condition restricts nothing, as if it were not there",
        ),
    };
    let which = list(&written.iter().map(String::as_str).collect::<Vec<_>>());
    let service = catalog.service(prefix)?;
    let examples: Vec<String> = service
        .actions()
        .iter()
        .filter(|a| service.supports_condition_key(a, key))
        .take(3)
        .map(|a| format!("`{}:{}`", service.prefix, a.name))
        .collect();
    let hint = if examples.is_empty() {
        format!("remove the condition on `{key}`, or use a condition key that applies to {which}")
    } else {
        format!(
            "use a condition key that applies to {which}, or move this condition to a statement of actions that have `{key}` (e.g. {})",
            examples.join(", ")
        )
    };
    let mut f = at.finding(
        Severity::Warning,
        "condition-key-not-applicable",
        "Condition",
        format!(
            "condition key `{key}` (under {op}){} applies to none of the statement's actions ({which}): requests for them never have it, so {op} {consequence}: {fate}",
            sid(s)
        ),
        hint,
    );
    f.actions = actions;
    Some(f)
}

/// `a`, `a` and `b`, `a`, `b` and 3 more: action names in backquotes, at most three.
pub(super) fn list(items: &[&str]) -> String {
    let shown: Vec<String> = items.iter().take(3).map(|i| format!("`{i}`")).collect();
    match (items.len(), shown.as_slice()) {
        (0, _) => String::new(),
        (1, [a]) => a.clone(),
        (2, [a, b]) => format!("{a} and {b}"),
        (3, [a, b, c]) => format!("{a}, {b} and {c}"),
        (n, _) => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_operator_does_with_a_missing_key() {
        use Absent::*;
        for (op, values, expected) in [
            ("StringLike", &["x"][..], NeverMatches),
            ("StringEquals", &["x"], NeverMatches),
            ("ArnLike", &["x"], NeverMatches),
            ("Bool", &["true"], NeverMatches),
            ("NumericLessThan", &["3"], NeverMatches),
            ("StringNotEquals", &["x"], AlwaysMatches),
            ("StringNotLike", &["x"], AlwaysMatches),
            ("ArnNotEquals", &["x"], AlwaysMatches),
            ("NotIpAddress", &["10.0.0.0/8"], AlwaysMatches),
            ("StringEqualsIfExists", &["x"], AlwaysMatches),
            ("StringNotEqualsIfExists", &["x"], AlwaysMatches),
            ("ForAllValues:StringEquals", &["x"], AlwaysMatches),
            ("ForAnyValue:StringLike", &["x"], NeverMatches),
            ("ForAnyValue:StringNotEquals", &["x"], NeverMatches),
            ("ForAnyValue:StringEqualsIfExists", &["x"], AlwaysMatches),
            ("Null", &["true"], AlwaysMatches),
            ("Null", &["false"], NeverMatches),
        ] {
            assert_eq!(when_absent(op, values), Some(expected), "{op} {values:?}");
        }
        assert_eq!(when_absent("Frobnicate", ["x"]), None);
    }

    #[test]
    fn lists() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b"]), "`a` and `b`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
        assert_eq!(list(&["a", "b", "c", "d", "e"]), "`a`, `b`, `c` and 2 more");
    }
}
