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
    if let Some(bad) = first_char_outside(name, "_+=,.@-") {
        return Err(RuleError(format!(
            "{kind} name `{name}` contains {bad:?}; IAM names may only use letters, digits and _+=,.@-"
        )));
    }
    Ok(())
}

/// The first character of `text` that is neither an ASCII letter or digit nor one of `extra`.
pub(crate) fn first_char_outside(text: &str, extra: &str) -> Option<char> {
    text.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || extra.contains(*c)))
}

/// The path and name of iamform's apply lock, a customer managed policy (src/backend/lease.rs):
/// reserved, so that no configuration declares it or anything beside it.
pub const LOCK_PATH: &str = "/iamform/lock/";
/// The apply lock policy's name (IAM policy names are unique in an account, whatever the path).
pub const LOCK_POLICY_NAME: &str = "iamform-apply-lock";

/// Refuses what a configuration cannot declare because iamform's apply lock uses it: anything
/// under [`LOCK_PATH`], and a policy named [`LOCK_POLICY_NAME`] (ignoring case, as IAM does).
pub fn check_not_lock(kind: Kind, name: &str, path: &str) -> Result<(), RuleError> {
    if path.starts_with(LOCK_PATH) {
        return Err(RuleError(format!(
            "path `{path}` is reserved for iamform's apply lock (`{LOCK_PATH}`); choose another path"
        )));
    }
    if kind == Kind::Policy && name.eq_ignore_ascii_case(LOCK_POLICY_NAME) {
        return Err(RuleError(format!(
            "the policy name `{name}` is reserved for iamform's apply lock; choose another name"
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
    let rule = "letters, digits, spaces and _.:/=+-@";
    for (what, text) in [("key", key), ("value", value)] {
        if let Err(e) = check_chars(
            &format!("the {what} of tag `{key}`"),
            text,
            tag_char_allowed,
            rule,
        ) {
            out.push(e);
        }
    }
    out
}

/// Whether IAM accepts `c` in a policy document: tab, line feed, carriage return and U+0020
/// to U+00FF (the IAM API reference's pattern for PolicyDocument:
/// `[\u0009\u000A\u000D\u0020-\u00FF]+`).
pub fn policy_char_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

/// Whether IAM accepts `c` in a description (the API reference's pattern for a role's
/// Description: `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`; iamform holds a managed
/// policy's description to it too, so no control or direction-changing character hides in one).
pub fn description_char_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}')
}

/// Whether IAM accepts `c` in a tag key or value: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
pub fn tag_char_allowed(c: char) -> bool {
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = TAG.get_or_init(|| {
        regex::Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]$").expect("the tag pattern compiles")
    });
    let mut buf = [0u8; 4];
    re.is_match(c.encode_utf8(&mut buf))
}

/// The first character of `text` that `allowed` refuses, as an error naming it and where it is.
pub fn check_chars(
    what: &str,
    text: &str,
    allowed: fn(char) -> bool,
    rule: &str,
) -> Result<(), String> {
    match text.char_indices().find(|(_, c)| !allowed(*c)) {
        None => Ok(()),
        Some((i, c)) => Err(format!(
            "{what} contains {c:?} (U+{:04X}) at character {}; IAM accepts only {rule}",
            c as u32,
            text[..i].chars().count() + 1
        )),
    }
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
            ("/a\u{1b}[31m/", false),
            ("/a\u{202e}b/", false),
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

    #[test]
    fn characters_iam_accepts() {
        type Rule = fn(char) -> bool;
        let table: [(Rule, char, bool); 14] = [
            (policy_char_allowed, 'a', true),
            (policy_char_allowed, '\t', true),
            (policy_char_allowed, 'é', true),
            (policy_char_allowed, '\u{ff}', true),
            (policy_char_allowed, '\u{1b}', false),
            (policy_char_allowed, '\u{202e}', false),
            (policy_char_allowed, '😀', false),
            (description_char_allowed, '\u{7f}', false),
            (description_char_allowed, '\u{a0}', false),
            (description_char_allowed, 'ü', true),
            (tag_char_allowed, 'ü', true),
            (tag_char_allowed, '\t', false),
            (tag_char_allowed, '\u{202e}', false),
            (tag_char_allowed, '@', true),
        ];
        for (allowed, c, want) in table {
            assert_eq!(allowed(c), want, "{c:?}");
        }
        let e = check_chars(
            "the description",
            "ok\u{202e}",
            description_char_allowed,
            "x",
        )
        .unwrap_err();
        assert!(e.contains("'\\u{202e}' (U+202E) at character 3"), "{e}");
    }
}
