//! IAM's name and path rules (DESIGN.md section 7), shared by the configuration checks and the mock.

use super::address::Kind;

/// The longest name IAM accepts for this kind.
pub fn max_name_len(kind: Kind) -> usize {
    match kind {
        Kind::User | Kind::Role => 64,
        _ => 128,
    }
}

/// Checks a name against `[\w+=,.@-]+` and the length limit; the error says how to fix it.
pub fn check_name(kind: Kind, name: &str) -> Result<(), String> {
    let max = max_name_len(kind);
    if name.is_empty() {
        return Err(format!("a {kind} name cannot be empty"));
    }
    if name.chars().count() > max {
        return Err(format!(
            "{kind} name `{name}` is {} characters long; IAM allows at most {max}",
            name.chars().count()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c)))
    {
        return Err(format!(
            "{kind} name `{name}` contains {bad:?}; IAM names may only use letters, digits and _+=,.@-"
        ));
    }
    Ok(())
}

/// Checks a path: `/` or `/a/b/`, at most 512 characters, each between `!` and `~`.
pub fn check_path(path: &str) -> Result<(), String> {
    if path.len() > 512 {
        return Err(format!(
            "path is {} characters long; IAM allows at most 512",
            path.len()
        ));
    }
    if !path.starts_with('/') || !path.ends_with('/') {
        return Err(format!(
            "path `{path}` must begin and end with `/`, e.g. \"/team/\""
        ));
    }
    if path.contains("//") {
        return Err(format!("path `{path}` has an empty segment (`//`)"));
    }
    if let Some(bad) = path.chars().find(|c| !('!'..='~').contains(c)) {
        return Err(format!(
            "path `{path}` contains {bad:?}; paths use printable ASCII without spaces"
        ));
    }
    Ok(())
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
}
