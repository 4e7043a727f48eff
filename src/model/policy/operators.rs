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

fn is_valid(name: &str) -> bool {
    let base = SET_PREFIXES
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    if BASE_OPERATORS.contains(&base) {
        return true;
    }
    match base.strip_suffix("IfExists") {
        Some(b) => b != "Null" && BASE_OPERATORS.contains(&b),
        None => false,
    }
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
