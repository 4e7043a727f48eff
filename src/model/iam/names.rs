//! IAM's name, path and tag rules (DESIGN.md section 7), shared by the configuration checks and
//! the mock.

use super::limits::{TAG_KEY_MAX, TAG_VALUE_MAX};
use super::RuleError;
use crate::model::Kind;

/// The longest name IAM accepts for this kind.
pub fn max_name_len(kind: Kind) -> usize {
    match kind {
        Kind::User | Kind::Role => 64,
        _ => 128,
    }
}

/// Checks a name against `[\w+=,.@-]+` and the length limit; the error says how to fix it.
pub fn check_name(kind: Kind, name: &str) -> Result<(), RuleError> {
    let max = max_name_len(kind);
    if name.is_empty() {
        return Err(RuleError(format!("a {kind} name cannot be empty")));
    }
    if name.chars().count() > max {
        return Err(RuleError(format!(
            "{kind} name `{name}` is {} characters long; IAM allows at most {max}",
            name.chars().count()
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c)))
    {
        return Err(RuleError(format!(
            "{kind} name `{name}` contains {bad:?}; IAM names may only use letters, digits and _+=,.@-"
        )));
    }
    Ok(())
}

/// Checks a path: `/` or `/a/b/`, at most 512 characters, each between `!` and `~`.
pub fn check_path(path: &str) -> Result<(), RuleError> {
    if path.len() > 512 {
        return Err(RuleError(format!(
            "path is {} characters long; IAM allows at most 512",
            path.len()
        )));
    }
    if !path.starts_with('/') || !path.ends_with('/') {
        return Err(RuleError(format!(
            "path `{path}` must begin and end with `/`, e.g. \"/team/\""
        )));
    }
    if path.contains("//") {
        return Err(RuleError(format!(
            "path `{path}` has an empty segment (`//`)"
        )));
    }
    if let Some(bad) = path.chars().find(|c| !('!'..='~').contains(c)) {
        return Err(RuleError(format!(
            "path `{path}` contains {bad:?}; paths use printable ASCII without spaces"
        )));
    }
    Ok(())
}

/// Every problem of one tag: the key is 1 to 128 characters and does not start with `aws:`, the
/// value at most 256, both only letters, digits, spaces and `_.:/=+-@`.
pub fn check_tag(key: &str, value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let klen = key.chars().count();
    if klen == 0 || klen > TAG_KEY_MAX {
        out.push(format!(
            "tag key `{key}` is {klen} characters; IAM allows 1 to {TAG_KEY_MAX}"
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        out.push(format!(
            "tag key `{key}` uses the prefix `aws:`, which AWS reserves"
        ));
    }
    if value.chars().count() > TAG_VALUE_MAX {
        out.push(format!(
            "the value of tag `{key}` is longer than {TAG_VALUE_MAX} characters"
        ));
    }
    let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
    if let Some(c) = key.chars().chain(value.chars()).find(|c| !allowed(*c)) {
        out.push(format!(
            "tag `{key}` contains {c:?}; tags may use letters, digits, spaces and _.:/=+-@"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let table = [
            (Kind::User, "john", true),
            (Kind::User, "john.doe+ci@example.com", true),
            (Kind::User, "john doe", false),
            (Kind::User, "", false),
            (Kind::User, &"a".repeat(64), true),
            (Kind::User, &"a".repeat(65), false),
            (Kind::Group, &"a".repeat(128), true),
            (Kind::Policy, "read/write", false),
            (Kind::Role, "élan", false),
        ];
        for (kind, name, ok) in table {
            assert_eq!(check_name(kind, name).is_ok(), ok, "{kind} {name}");
        }
    }

    #[test]
    fn paths() {
        for (p, ok) in [
            ("/", true),
            ("/a/b/", true),
            ("a/", false),
            ("/a", false),
            ("/a b/", false),
            ("//", false),
        ] {
            assert_eq!(check_path(p).is_ok(), ok, "{p}");
        }
    }

    #[test]
    fn tags() {
        assert!(check_tag("team", "web").is_empty());
        assert!(check_tag("team", "").is_empty());
        assert_eq!(check_tag("", "x").len(), 1);
        assert_eq!(check_tag(&"k".repeat(129), "x").len(), 1);
        assert_eq!(check_tag("AWS:x", "x").len(), 1);
        assert_eq!(check_tag("k", &"v".repeat(257)).len(), 1);
        assert_eq!(check_tag("k", "a;b").len(), 1);
    }
}
