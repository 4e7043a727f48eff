//! IAM's wildcard matching: `*` (any run of characters, none included) and `?` (one character).
//!
//! - **Actions** (`Action` / `NotAction`) compare ignoring case, the whole `service:Action` string
//!   at once ("IAM JSON policy elements: Action": action names are case-insensitive).
//! - **Resource ARNs** (`Resource` / `NotResource`) compare case-sensitively, segment by segment:
//!   partition, service, region and account each on their own, then the resource part, in which a
//!   `*` may span `/` and `:` ("IAM JSON policy elements: Resource"). A pattern with fewer than six
//!   parts that contains a `*` is read as if padded with `*` parts (`arn:aws:s3:::*` style
//!   shorthand such as `arn:aws:*`).
//! - **ARN condition operators** (`ArnEquals`, `ArnLike`, negated forms) compare the six parts
//!   separately too, case-sensitively ("Condition operators: Amazon Resource Name (ARN)").
//!
//! Patterns reach the matcher as [`Tok`]ens after policy variables were substituted
//! ([`super::variables`]), so a `*` that came from a variable's value is a literal character.

use crate::model::glob::{self, Wild};

/// One element of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Char(char),
    /// `*`
    Any,
    /// `?`
    One,
}

/// A plain pattern string as tokens: `*` and `?` are wildcards, every other character literal.
pub fn tokens(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Any,
            '?' => Tok::One,
            c => Tok::Char(c),
        })
        .collect()
}

/// Whether `pattern` matches all of `text`; `fold` ignores case.
pub fn glob(pattern: &[Tok], text: &str, fold: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    let kind = |p: &Tok| match p {
        Tok::Any => Wild::Any,
        Tok::One => Wild::One,
        Tok::Char(_) => Wild::Literal,
    };
    glob::matches(
        pattern,
        &t,
        kind,
        |p, c| matches!(p, Tok::Char(x) if glob::same_char(*x, *c, fold)),
    )
}

/// Whether an `Action` value such as `s3:Get*` or `*` matches the action of a request (case
/// ignored).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    // The service prefix first: most patterns of a long list (ReadOnlyAccess has over a thousand)
    // name another service.
    if let (Some((ps, pa)), Some((s, a))) = (pattern.split_once(':'), action.split_once(':')) {
        if !ps.contains(['*', '?']) {
            return ps.eq_ignore_ascii_case(s) && glob::text(pa, a, true);
        }
    }
    glob::text(pattern, action, true)
}

/// Splits an ARN into its partition, service, region, account and resource parts (the resource
/// keeps its own colons); `None` when it has fewer than six parts.
pub fn arn_parts(arn: &str) -> Option<[&str; 5]> {
    let rest = arn.strip_prefix("arn:")?;
    let mut it = rest.splitn(5, ':');
    let parts = [it.next()?, it.next()?, it.next()?, it.next()?, it.next()?];
    Some(parts)
}

/// Whether resource-pattern parts (already tokenised, in ARN order after `arn:`) match an ARN.
/// `parts` may be fewer than five when the pattern was short (see the module header).
pub fn arn_pattern_matches(parts: &[Vec<Tok>], arn: &str) -> bool {
    let Some(value) = arn_parts(arn) else {
        return false;
    };
    if parts.len() > 5 || parts.is_empty() {
        return false;
    }
    for (i, v) in value.iter().enumerate() {
        match parts.get(i) {
            Some(p) => {
                if !glob(p, v, false) {
                    return false;
                }
            }
            // A short pattern: only when its last part ended in `*` does it stand for "anything".
            None => {
                let last = parts.last().expect("parts is not empty");
                if last.last() != Some(&Tok::Any) {
                    return false;
                }
            }
        }
    }
    true
}

/// Splits a pattern string (`arn:…`) into its five parts after `arn:`, not splitting inside a
/// `${…}` policy variable (whose name may hold a colon, e.g. `${aws:username}`). The last part
/// keeps its colons. `None` when the string does not start with `arn:`.
pub fn split_arn_pattern(pattern: &str) -> Option<Vec<&str>> {
    let rest = pattern.strip_prefix("arn:")?;
    Some(crate::model::policy::split_outside_variables(rest, 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_tokens_read_wildcards_as_plain_patterns_do() {
        for &(p, t, fold, want) in crate::model::glob::tests::CASES {
            assert_eq!(glob(&tokens(p), t, fold), want, "{p} ~ {t} (fold {fold})");
        }
    }

    #[test]
    fn actions_ignore_case() {
        assert!(action_matches("s3:GetObject", "S3:getobject"));
        assert!(action_matches("s3:Get*", "s3:getObjectAcl"));
        assert!(action_matches("iam:*", "IAM:CreateUser"));
        assert!(action_matches("*", "ec2:RunInstances"));
        assert!(action_matches("s3:?etObject", "s3:GetObject"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(!action_matches("s3:GetObject", "s3:GetObjectAcl"));
    }

    fn arn_match(p: &str, arn: &str) -> bool {
        let parts: Vec<Vec<Tok>> = split_arn_pattern(p)
            .unwrap()
            .into_iter()
            .map(tokens)
            .collect();
        arn_pattern_matches(&parts, arn)
    }

    #[test]
    fn arns_are_case_sensitive_and_matched_by_part() {
        let user_a = "arn:aws:iam::123456789012:user/a";
        let stream = "arn:aws:logs:us-east-1:1:log-group:/x:log-stream:y";
        for (p, arn, want) in [
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false),
            ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/a", false),
            ("arn:aws:iam::*:user/*", user_a, true),
            ("arn:aws:iam::1234567890?2:user/a", user_a, true),
            ("arn:aws:*", "arn:aws:s3:::bucket", true),
            ("arn:aws:s3", "arn:aws:s3:::bucket", false),
            ("arn:AWS:s3:::bucket", "arn:aws:s3:::bucket", false),
            ("arn:aws:logs:*:*:log-group:/x:*", stream, true),
            // A `*` in the region part does not reach into the account.
            ("arn:aws:s3:*:bucket", "arn:aws:s3:::bucket", false),
        ] {
            assert_eq!(arn_match(p, arn), want, "{p} ~ {arn}");
        }
        assert!(!arn_match("arn:aws:s3:::b", "not-an-arn"));
    }

    #[test]
    fn pattern_split_keeps_variables_whole() {
        assert_eq!(
            split_arn_pattern("arn:aws:s3:::home/${aws:username}/*").unwrap(),
            vec!["aws", "s3", "", "", "home/${aws:username}/*"]
        );
        assert_eq!(
            split_arn_pattern("arn:aws:iam::${aws:PrincipalAccount}:user/x:y").unwrap(),
            vec!["aws", "iam", "", "${aws:PrincipalAccount}", "user/x:y"]
        );
        assert_eq!(split_arn_pattern("arn:aws").unwrap(), vec!["aws"]);
        assert!(split_arn_pattern("*").is_none());
    }
}
