//! Condition operator names as IAM's policy grammar defines them: a base operator, optionally
//! `…IfExists` (every operator but `Null`), optionally prefixed by the set operators
//! `ForAllValues:` or `ForAnyValue:`.

use crate::model::iam::RuleError;
use crate::model::suggest;

/// Every documented base operator (IAM User Guide, "IAM JSON policy elements: Condition operators").
pub const BASE_OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

const SET_PREFIXES: [&str; 2] = ["ForAllValues:", "ForAnyValue:"];

/// The base operators that hold where their positive twin fails.
const NEGATED: [&str; 8] = [
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "NumericNotEquals",
    "DateNotEquals",
    "NotIpAddress",
    "ArnNotEquals",
    "ArnNotLike",
];

/// A valid operator name, in its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator<'a> {
    /// `ForAllValues:` or `ForAnyValue:`, without the colon.
    pub set: Option<&'a str>,
    /// One of [`BASE_OPERATORS`].
    pub base: &'a str,
    pub if_exists: bool,
}

impl Operator<'_> {
    /// `StringNotEquals`, `NotIpAddress`, …: true where the positive operator is false.
    pub fn negated(&self) -> bool {
        NEGATED.contains(&self.base)
    }
}

/// The parts of a valid operator name; `None` for anything else.
pub fn parse_operator(name: &str) -> Option<Operator<'_>> {
    let (set, rest) = SET_PREFIXES
        .iter()
        .find_map(|p| Some((Some(&p[..p.len() - 1]), name.strip_prefix(p)?)))
        .unwrap_or((None, name));
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) if b != "Null" => (b, true),
        Some(_) => return None,
        None => (rest, false),
    };
    BASE_OPERATORS.contains(&base).then_some(Operator {
        set,
        base,
        if_exists,
    })
}

fn is_valid(name: &str) -> bool {
    parse_operator(name).is_some()
}

/// Every valid spelling, for suggestions.
fn all() -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["", SET_PREFIXES[0], SET_PREFIXES[1]] {
        for base in BASE_OPERATORS {
            out.push(format!("{prefix}{base}"));
            if base != "Null" {
                out.push(format!("{prefix}{base}IfExists"));
            }
        }
    }
    out
}

/// `Ok` for a valid operator name; otherwise a message that says what is wrong and suggests the
/// closest valid name.
pub fn check_operator(name: &str) -> Result<(), RuleError> {
    if is_valid(name) {
        return Ok(());
    }
    let all = all();
    let hint = match suggest::closest(name, all.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "use an operator such as StringEquals, StringLike, ArnLike, Bool, NumericLessThan, DateGreaterThan, IpAddress or Null, optionally with the IfExists suffix or a ForAllValues:/ForAnyValue: prefix".to_owned(),
    };
    let what = if name == "NullIfExists" || name.ends_with(":NullIfExists") {
        "`Null` takes no IfExists suffix".to_owned()
    } else {
        format!("`{name}` is not a condition operator")
    };
    Err(RuleError(format!("{what}: {hint}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names() {
        for n in [
            "StringEquals",
            "StringLikeIfExists",
            "ForAllValues:StringEquals",
            "ForAnyValue:StringLikeIfExists",
            "Null",
            "ArnNotLikeIfExists",
            "BinaryEquals",
        ] {
            assert_eq!(check_operator(n), Ok(()), "{n}");
        }
        assert_eq!(all().len(), 3 * (27 + 26));
    }

    #[test]
    fn operators_in_their_parts() {
        let op = |set, base, if_exists| {
            Some(Operator {
                set,
                base,
                if_exists,
            })
        };
        assert_eq!(
            parse_operator("ForAnyValue:StringNotLikeIfExists"),
            op(Some("ForAnyValue"), "StringNotLike", true)
        );
        assert_eq!(parse_operator("Null"), op(None, "Null", false));
        assert_eq!(parse_operator("NullIfExists"), None);
        assert_eq!(parse_operator("ForAllValues:"), None);
        assert!(parse_operator("NotIpAddress").unwrap().negated());
        assert!(!parse_operator("StringEqualsIgnoreCase").unwrap().negated());
        // Every documented negated operator is a base operator.
        assert!(NEGATED.iter().all(|n| BASE_OPERATORS.contains(n)));
    }

    #[test]
    fn invalid_names_suggest_the_closest() {
        for (n, says) in [
            ("StringEqual", "did you mean `StringEquals`?"),
            ("stringequals", "did you mean `StringEquals`?"),
            (
                "ForAllValue:StringEquals",
                "did you mean `ForAllValues:StringEquals`?",
            ),
            (
                "StringEqualsIfExist",
                "did you mean `StringEqualsIfExists`?",
            ),
            ("NullIfExists", "`Null` takes no IfExists suffix"),
            ("Frobnicate", "use an operator such as"),
            ("ForAllValues:", "is not a condition operator"),
        ] {
            let e = check_operator(n).unwrap_err();
            assert!(e.to_string().contains(says), "{n}: {e}");
        }
    }
}
