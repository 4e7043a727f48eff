//! Policy variables ("IAM policy elements: Variables and tags"): `${aws:username}`,
//! `${aws:PrincipalTag/team}`, `${aws:userid}` and any other condition key, the escapes `${*}`,
//! `${?}` and `${$}` (a literal `*`, `?` and `$`), and default values `${aws:username, 'nobody'}`.
//!
//! - Variables are substituted only in documents of `"Version": "2012-10-17"`; in older or
//!   version-less documents `${…}` is literal text (AWS: "If you don't include the Version
//!   element, … variables such as `${aws:username}` aren't recognized as variables").
//! - A variable's value is inserted literally: a `*` in a user name is not a wildcard.
//! - A variable whose key is not in the request (or is multivalued) and has no default has no
//!   value: the string resolves to [`None`], which equals and is like nothing. Positive operators
//!   are then false and negated ones true ("Inverted condition operators like StringNotEquals or
//!   StringNotLike do match against a null value"); a `Resource` or `NotResource` entry holding it
//!   names no resource (it neither grants nor excludes).

use super::matcher::Tok;
use super::request::Context;

/// How a policy string is read.
#[derive(Clone, Copy, Debug)]
pub struct Mode {
    /// Whether `${…}` are variables (documents of version 2012-10-17).
    pub variables: bool,
    /// Whether `*` and `?` outside variables are wildcards (StringLike, ArnLike, Resource) or
    /// literal characters (StringEquals).
    pub wildcards: bool,
}

/// Substitutes the variables of `s` with their values in `ctx`. `None` when a variable has no
/// value; its key is pushed onto `missing`.
pub fn resolve(s: &str, ctx: &Context, mode: Mode, missing: &mut Vec<String>) -> Option<Vec<Tok>> {
    let mut out = Vec::with_capacity(s.len());
    let literal = |c: char, out: &mut Vec<Tok>| {
        out.push(match c {
            '*' if mode.wildcards => Tok::Any,
            '?' if mode.wildcards => Tok::One,
            c => Tok::Char(c),
        })
    };
    let mut rest = s;
    while !rest.is_empty() {
        if mode.variables && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let inner = &rest[2..end];
                rest = &rest[end + 1..];
                match inner {
                    "*" | "?" | "$" => out.push(Tok::Char(inner.chars().next().expect("one"))),
                    _ => {
                        let value = value_of(inner, ctx, missing)?;
                        out.extend(value.chars().map(Tok::Char));
                    }
                }
                continue;
            }
        }
        let c = rest.chars().next().expect("not empty");
        literal(c, &mut out);
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// [`resolve`] for each part of a split ARN pattern: `None` at the first part holding a variable
/// without a value.
pub fn resolve_parts(
    parts: Vec<&str>,
    ctx: &Context,
    mode: Mode,
    missing: &mut Vec<String>,
) -> Option<Vec<Vec<Tok>>> {
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        out.push(resolve(p, ctx, mode, missing)?);
    }
    Some(out)
}

/// The value of `key` or `key, 'default'`.
fn value_of(inner: &str, ctx: &Context, missing: &mut Vec<String>) -> Option<String> {
    let (key, default) = match inner.split_once(',') {
        Some((key, d)) => {
            let d = d.trim();
            match d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) {
                Some(d) => (key.trim(), Some(d)),
                None => (inner.trim(), None),
            }
        }
        None => (inner.trim(), None),
    };
    match ctx.get(key) {
        Some(v) if !v.multi && v.values.len() == 1 => Some(v.values[0].clone()),
        _ => match default {
            Some(d) => Some(d.to_owned()),
            None => {
                missing.push(key.to_owned());
                None
            }
        },
    }
}

/// The keys whose values `s` uses, for messages ("needs aws:PrincipalTag/team").
pub fn keys_used(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        if !matches!(inner, "*" | "?" | "$") {
            out.push(inner.split(',').next().unwrap_or(inner).trim());
        }
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::matcher::{glob, tokens};

    const LIKE: Mode = Mode {
        variables: true,
        wildcards: true,
    };
    const EQUALS: Mode = Mode {
        variables: true,
        wildcards: false,
    };

    fn ctx() -> Context {
        let mut c = Context::new();
        c.set("aws:username", "a*b");
        c.set("aws:PrincipalTag/team", "web");
        c.set_list("aws:TagKeys", vec!["x".into()]);
        c
    }

    fn text(toks: &[Tok]) -> String {
        toks.iter()
            .map(|t| match t {
                Tok::Char(c) => c.to_string(),
                Tok::Any => "<*>".into(),
                Tok::One => "<?>".into(),
            })
            .collect()
    }

    #[test]
    fn substitution() {
        let c = ctx();
        let mut missing = Vec::new();
        for (s, mode, want) in [
            ("home/${aws:username}/*", LIKE, "home/a*b/<*>"),
            ("${AWS:PRINCIPALTAG/TEAM}", LIKE, "web"),
            ("${*}${?}${$}x", LIKE, "*?$x"),
            ("a*?", EQUALS, "a*?"),
            ("${aws:PrincipalTag/none, 'dflt'}", LIKE, "dflt"),
            ("${aws:PrincipalTag/none,'d'}", LIKE, "d"),
            ("${aws:TagKeys, 'multi'}", LIKE, "multi"),
            ("${unclosed", LIKE, "${unclosed"),
        ] {
            let got = resolve(s, &c, mode, &mut missing).expect(s);
            assert_eq!(text(&got), want, "{s}");
        }
        assert!(missing.is_empty());
        assert!(resolve("${aws:PrincipalTag/none}", &c, LIKE, &mut missing).is_none());
        assert!(resolve("${aws:TagKeys}", &c, LIKE, &mut missing).is_none());
        assert_eq!(missing, vec!["aws:PrincipalTag/none", "aws:TagKeys"]);
    }

    #[test]
    fn old_versions_read_variables_as_text() {
        let mode = Mode {
            variables: false,
            wildcards: true,
        };
        let toks = resolve("${aws:username}", &ctx(), mode, &mut Vec::new()).unwrap();
        assert!(glob(&toks, "${aws:username}", false));
        assert!(!glob(&toks, "a*b", false));
        assert_eq!(toks, tokens("${aws:username}"));
    }

    #[test]
    fn keys() {
        assert_eq!(
            keys_used("a/${aws:username}/${aws:PrincipalTag/t, 'x'}/${*}"),
            vec!["aws:username", "aws:PrincipalTag/t"]
        );
    }
}
