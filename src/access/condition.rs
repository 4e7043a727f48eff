//! The `Condition` element: every operator family of "IAM JSON policy elements: Condition
//! operators", the `…IfExists` suffix, the set operators `ForAllValues:` / `ForAnyValue:`
//! ("Multivalued context keys"), and what a missing key does.
//!
//! A condition holds when every operator block holds; an operator block holds when every key in it
//! holds; a key holds when the request's value matches any of the policy values (for negated
//! operators: matches none of them). Then:
//!
//! - **Missing key**: "If the key that you specify in a policy condition is not present in the
//!   request context, the values do not match and the condition is false. If the policy condition
//!   requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key
//!   is not present, the condition is true." `…IfExists` makes a missing key true for every
//!   operator; `ForAllValues:` is true on a missing key and `ForAnyValue:` false.
//! - **Multivalued keys**: `ForAnyValue:` holds when one request value matches, `ForAllValues:`
//!   when every one does (and when there are none). An operator without a set prefix never matches
//!   a multivalued key (AWS requires the set operators for those).
//! - **Types**: a request value that is not of the operator's type (a number, a date, `true` /
//!   `false`, an IP address, an ARN) makes the key false whatever the operator, negated ones
//!   included; a policy value that is not of the type matches nothing.
//! - **Null** checks presence only: `true` holds when the key is missing, `false` when present.
//! - Policy variables are substituted in the values of String and ARN operators only
//!   ([`super::variables`]).

use super::matcher;
use super::request::{Context, ContextValue};
use super::time::parse_time;
use super::variables::{self, Mode};
use crate::model::policy::{Condition, Values};
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// The positive form of an operator; negation is a flag of [`Operator`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    /// ArnEquals and ArnLike behave the same: both take wildcards in each ARN part.
    ArnLike,
    Null,
}

/// A parsed condition operator name such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub set: Option<SetOp>,
    pub base: Base,
    pub negated: bool,
    pub if_exists: bool,
}

const BASES: [(&str, Base, bool); 26] = [
    ("stringequals", Base::StringEquals, false),
    ("stringnotequals", Base::StringEquals, true),
    (
        "stringequalsignorecase",
        Base::StringEqualsIgnoreCase,
        false,
    ),
    (
        "stringnotequalsignorecase",
        Base::StringEqualsIgnoreCase,
        true,
    ),
    ("stringlike", Base::StringLike, false),
    ("stringnotlike", Base::StringLike, true),
    ("numericequals", Base::NumericEquals, false),
    ("numericnotequals", Base::NumericEquals, true),
    ("numericlessthan", Base::NumericLessThan, false),
    ("numericlessthanequals", Base::NumericLessThanEquals, false),
    ("numericgreaterthan", Base::NumericGreaterThan, false),
    (
        "numericgreaterthanequals",
        Base::NumericGreaterThanEquals,
        false,
    ),
    ("dateequals", Base::DateEquals, false),
    ("datenotequals", Base::DateEquals, true),
    ("datelessthan", Base::DateLessThan, false),
    ("datelessthanequals", Base::DateLessThanEquals, false),
    ("dategreaterthan", Base::DateGreaterThan, false),
    ("dategreaterthanequals", Base::DateGreaterThanEquals, false),
    ("bool", Base::Bool, false),
    ("binaryequals", Base::BinaryEquals, false),
    ("ipaddress", Base::IpAddress, false),
    ("notipaddress", Base::IpAddress, true),
    ("arnequals", Base::ArnLike, false),
    ("arnlike", Base::ArnLike, false),
    ("arnnotequals", Base::ArnLike, true),
    ("arnnotlike", Base::ArnLike, true),
];

impl Operator {
    /// Parses an operator name (case ignored); `None` for a name that is not one.
    pub fn parse(name: &str) -> Option<Operator> {
        let strip = |s: &'_ str, prefix: &str| -> Option<usize> {
            s.get(..prefix.len())
                .filter(|p| p.eq_ignore_ascii_case(prefix))
                .map(|_| prefix.len())
        };
        let (set, rest) = if let Some(n) = strip(name, "forallvalues:") {
            (Some(SetOp::ForAllValues), &name[n..])
        } else if let Some(n) = strip(name, "foranyvalue:") {
            (Some(SetOp::ForAnyValue), &name[n..])
        } else {
            (None, name)
        };
        if rest.eq_ignore_ascii_case("null") {
            return Some(Operator {
                set,
                base: Base::Null,
                negated: false,
                if_exists: false,
            });
        }
        let suffix = "ifexists";
        let cut = rest.len().checked_sub(suffix.len());
        let (rest, if_exists) = match cut.filter(|c| {
            rest.get(*c..)
                .is_some_and(|s| s.eq_ignore_ascii_case(suffix))
        }) {
            Some(c) => (&rest[..c], true),
            None => (rest, false),
        };
        let (_, base, negated) = BASES
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(rest))?;
        Some(Operator {
            set,
            base: *base,
            negated: *negated,
            if_exists,
        })
    }

    /// Whether the operator holds for a key that is not in the request.
    pub fn holds_when_missing(&self) -> bool {
        if self.if_exists {
            return true;
        }
        match self.set {
            Some(SetOp::ForAllValues) => true,
            Some(SetOp::ForAnyValue) => false,
            None => self.negated,
        }
    }
}

/// The outcome of a statement's `Condition` element for one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub holds: bool,
    /// The keys (and variables) the condition refers to that the request did not have.
    pub missing: Vec<String>,
}

/// Evaluates a whole `Condition` element. Every block is evaluated, so that `missing` lists every
/// key the condition needed and did not get.
pub fn evaluate(condition: &Condition, ctx: &Context, variables: bool) -> Outcome {
    let mut out = Outcome {
        holds: true,
        missing: Vec::new(),
    };
    for (op_name, keys) in condition {
        let op = Operator::parse(op_name);
        for (key, values) in keys {
            let holds = match op {
                Some(op) => key_holds(&op, key, values, ctx, variables, &mut out.missing),
                // An operator iamform does not know (validation rejects them in configurations;
                // a live document may hold a newer one): it cannot be shown to hold.
                None => false,
            };
            out.holds &= holds;
        }
    }
    out
}

/// Evaluates one operator on one key.
pub fn key_holds(
    op: &Operator,
    key: &str,
    values: &Values,
    ctx: &Context,
    variables: bool,
    missing: &mut Vec<String>,
) -> bool {
    let present = ctx.get(key).filter(|v| !v.values.is_empty() || v.multi);
    if op.base == Base::Null {
        let present = present.is_some();
        if !present {
            missing.push(key.to_owned());
        }
        return values.iter().any(|v| {
            let v = v.to_ascii_lowercase();
            (v == "true" && !present) || (v == "false" && present)
        });
    }
    let Some(request) = present else {
        missing.push(key.to_owned());
        return op.holds_when_missing();
    };
    let one = |value: &str, missing: &mut Vec<String>| -> bool {
        match matches_any(op.base, value, values, ctx, variables, missing) {
            // A request value that is not of the operator's type: false, negated or not.
            None => false,
            Some(m) => m != op.negated,
        }
    };
    match op.set {
        None => single(request).is_some_and(|v| one(v, missing)),
        Some(SetOp::ForAnyValue) => request.values.iter().any(|v| one(v, missing)),
        Some(SetOp::ForAllValues) => request.values.iter().all(|v| one(v, missing)),
    }
}

fn single(v: &ContextValue) -> Option<&str> {
    (!v.multi && v.values.len() == 1).then(|| v.values[0].as_str())
}

/// Whether the request value matches any policy value (the positive operator); `None` when the
/// request value is not of the operator's type.
fn matches_any(
    base: Base,
    request: &str,
    values: &Values,
    ctx: &Context,
    variables: bool,
    missing: &mut Vec<String>,
) -> Option<bool> {
    let string = |wildcards: bool, fold: bool, missing: &mut Vec<String>| {
        let mode = Mode {
            variables,
            wildcards,
        };
        values.iter().any(|v| {
            // A variable without a value equals and is like nothing.
            variables::resolve(v, ctx, mode, missing)
                .is_some_and(|toks| matcher::glob(&toks, request, fold))
        })
    };
    Some(match base {
        Base::StringEquals => string(false, false, missing),
        Base::StringEqualsIgnoreCase => string(false, true, missing),
        Base::StringLike => string(true, false, missing),
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => {
            let r = parse_number(request)?;
            values
                .iter()
                .filter_map(|v| parse_number(v))
                .any(|p| compare(base, r.partial_cmp(&p)))
        }
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => {
            let r = parse_time(request)?;
            values
                .iter()
                .filter_map(|v| parse_time(v))
                .any(|p| compare(base, Some(r.cmp(&p))))
        }
        Base::Bool => {
            let r = request.to_ascii_lowercase();
            if r != "true" && r != "false" {
                return None;
            }
            values.iter().any(|v| v.eq_ignore_ascii_case(&r))
        }
        Base::BinaryEquals => values.iter().any(|v| v == request),
        Base::IpAddress => {
            let ip: IpAddr = request.parse().ok()?;
            values.iter().any(|v| in_cidr(ip, v))
        }
        Base::ArnLike => {
            let r = matcher::arn_parts(request)?;
            let mode = Mode {
                variables,
                wildcards: true,
            };
            values
                .iter()
                .any(|v| arn_value_matches(v, &r, ctx, mode, missing))
        }
        Base::Null => unreachable!("Null is decided on presence"),
    })
}

/// `request OP policy` for the ordering operators (and equality).
fn compare(base: Base, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    let Some(ord) = ord else { return false };
    match base {
        Base::NumericEquals | Base::DateEquals => ord == Equal,
        Base::NumericLessThan | Base::DateLessThan => ord == Less,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => ord != Greater,
        Base::NumericGreaterThan | Base::DateGreaterThan => ord == Greater,
        Base::NumericGreaterThanEquals | Base::DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

/// ArnEquals / ArnLike: each of the six parts compared on its own, case-sensitively.
fn arn_value_matches(
    pattern: &str,
    request: &[&str; 5],
    ctx: &Context,
    mode: Mode,
    missing: &mut Vec<String>,
) -> bool {
    pattern == "*"
        || matcher::split_arn_pattern(pattern)
            .filter(|parts| parts.len() == 5)
            .and_then(|parts| variables::resolve_parts(parts, ctx, mode, missing))
            .is_some_and(|toks| {
                toks.iter()
                    .zip(request.iter())
                    .all(|(p, v)| matcher::glob(p, v, false))
            })
}

/// A decimal number as IAM's numeric operators take it (`3`, `-2`, `0.5`); nothing else.
fn parse_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let ok = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits != ".";
    if !ok {
        return None;
    }
    s.parse().ok()
}

fn in_cidr(ip: IpAddr, value: &str) -> bool {
    let (addr, bits) = match value.split_once('/') {
        Some((a, b)) => match b.parse::<u32>() {
            Ok(b) => (a, Some(b)),
            Err(_) => return false,
        },
        None => (value, None),
    };
    let Ok(net) = addr.parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => same_prefix(u32::from(ip), u32::from(net), bits, 32),
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            same_prefix(u128::from(ip), u128::from(net), bits, 128)
        }
        _ => false,
    }
}

/// Whether the first `bits` bits (all `width` of them when `None`) of two addresses agree; a
/// prefix longer than the address matches nothing.
fn same_prefix(ip: impl Into<u128>, net: impl Into<u128>, bits: Option<u32>, width: u32) -> bool {
    let bits = bits.unwrap_or(width);
    if bits > width {
        return false;
    }
    // A shift by all 128 bits (a `/0` of IPv6) leaves nothing to compare.
    let prefix = |a: u128| a.checked_shr(width - bits).unwrap_or(0);
    prefix(ip.into()) == prefix(net.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        let values: BTreeSet<String> = values.iter().map(|v| v.to_string()).collect();
        BTreeMap::from([(op.to_owned(), BTreeMap::from([(key.to_owned(), values)]))])
    }

    fn holds(op: &str, key: &str, values: &[&str], ctx: &Context) -> bool {
        evaluate(&cond(op, key, values), ctx, true).holds
    }

    #[test]
    fn parse_operators() {
        let op = Operator::parse("ForAnyValue:StringNotLikeIfExists").unwrap();
        assert_eq!(op.set, Some(SetOp::ForAnyValue));
        assert_eq!(op.base, Base::StringLike);
        assert!(op.negated && op.if_exists);
        assert_eq!(Operator::parse("arnequals").unwrap().base, Base::ArnLike);
        assert_eq!(Operator::parse("Null").unwrap().base, Base::Null);
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqual").is_none());
    }

    #[test]
    fn missing_keys() {
        let ctx = Context::new();
        for (op, want) in [
            ("StringEquals", false),
            ("StringNotEquals", true),
            ("StringNotLike", true),
            ("StringEqualsIfExists", true),
            ("NumericLessThanIfExists", true),
            ("NumericLessThan", false),
            ("ArnNotLike", true),
            ("NotIpAddress", true),
            ("ForAllValues:StringEquals", true),
            ("ForAnyValue:StringEquals", false),
            ("ForAnyValue:StringNotEquals", false),
            ("ForAnyValue:StringEqualsIfExists", true),
            ("Bool", false),
        ] {
            let out = evaluate(&cond(op, "k", &["v"]), &ctx, true);
            assert_eq!(out.holds, want, "{op}");
            assert_eq!(out.missing, vec!["k"], "{op}");
        }
        assert!(holds("Null", "k", &["true"], &ctx));
        assert!(!holds("Null", "k", &["false"], &ctx));
    }

    #[test]
    fn operator_families() {
        let mut c = Context::new();
        c.set("s", "Hello*World");
        c.set("n", "5");
        c.set("d", "2024-05-01T12:00:00Z");
        c.set("e", "1714564800");
        c.set("b", "TRUE");
        c.set("ip", "203.0.113.7");
        c.set("ip6", "2001:db8::1");
        let app = "arn:aws:iam::123456789012:role/x/app";
        c.set("arn", app);
        c.set("bin", "QmluYXJ5");
        let cases: &[(&str, &str, &[&str], bool)] = &[
            ("StringEquals", "s", &["Hello*World"], true),
            ("StringEquals", "s", &["Hello*"], false),
            ("StringLike", "s", &["Hello*"], true),
            ("StringLike", "s", &["hello*"], false),
            ("StringEqualsIgnoreCase", "s", &["hello*world"], true),
            ("StringNotEqualsIgnoreCase", "s", &["hello*world"], false),
            ("StringNotEquals", "s", &["a", "b"], true),
            ("StringNotEquals", "s", &["a", "Hello*World"], false),
            ("NumericEquals", "n", &["5.0"], true),
            ("NumericLessThan", "n", &["6"], true),
            ("NumericLessThanEquals", "n", &["5"], true),
            ("NumericGreaterThan", "n", &["5"], false),
            ("NumericGreaterThanEquals", "n", &["5", "9"], true),
            ("NumericNotEquals", "n", &["4", "6"], true),
            ("NumericEquals", "n", &["five"], false),
            ("DateEquals", "d", &["2024-05-01T12:00:00Z"], true),
            ("DateEquals", "d", &["2024-05-01T14:00:00+02:00"], true),
            ("DateLessThan", "d", &["2024-05-02"], true),
            ("DateGreaterThan", "d", &["2024"], true),
            ("DateNotEquals", "d", &["2024-05-01T12:00:00Z"], false),
            ("DateEquals", "e", &["2024-05-01T12:00:00Z"], true),
            ("DateGreaterThanEquals", "d", &["1714564800"], true),
            ("Bool", "b", &["true"], true),
            ("Bool", "b", &["false"], false),
            ("BinaryEquals", "bin", &["QmluYXJ5"], true),
            ("IpAddress", "ip", &["203.0.113.0/24"], true),
            ("IpAddress", "ip", &["203.0.113.7"], true),
            ("IpAddress", "ip", &["203.0.112.0/24"], false),
            ("NotIpAddress", "ip", &["10.0.0.0/8"], true),
            ("IpAddress", "ip6", &["2001:db8::/32"], true),
            ("IpAddress", "ip6", &["203.0.113.0/24"], false),
            ("NotIpAddress", "ip6", &["203.0.113.0/24"], true),
            ("IpAddress", "ip", &["0.0.0.0/0"], true),
            ("IpAddress", "ip", &["203.0.113.7/33"], false),
            ("IpAddress", "ip6", &["::/0"], true),
            ("IpAddress", "ip6", &["2001:db9::/32"], false),
            ("IpAddress", "ip6", &["2001:db8::/129"], false),
            ("ArnEquals", "arn", &[app], true),
            ("ArnLike", "arn", &["arn:aws:iam::*:role/*"], true),
            ("ArnLike", "arn", &["arn:aws:iam::*:ROLE/*"], false),
            ("ArnNotLike", "arn", &["arn:aws:iam::*:user/*"], true),
            ("ArnLike", "s", &["*"], false),
            ("ArnNotLike", "s", &["arn:aws:iam::*:user/*"], false),
        ];
        for &(op, key, values, want) in cases {
            assert_eq!(holds(op, key, values, &c), want, "{op} {key} {values:?}");
        }
    }

    #[test]
    fn multivalued_keys() {
        let mut c = Context::new();
        c.set_list("aws:TagKeys", vec!["team".into(), "env".into()]);
        let cases: &[(&str, &[&str], bool)] = &[
            ("ForAllValues:StringEquals", &["team", "env", "x"], true),
            ("ForAllValues:StringEquals", &["team"], false),
            ("ForAnyValue:StringEquals", &["team"], true),
            ("ForAnyValue:StringEquals", &["x"], false),
            ("ForAllValues:StringNotEquals", &["x"], true),
            ("ForAnyValue:StringNotEquals", &["team"], true),
            // Without a set operator a multivalued key never matches, negated or not.
            ("StringEquals", &["team"], false),
            ("StringNotEquals", &["x"], false),
        ];
        for &(op, values, want) in cases {
            assert_eq!(
                holds(op, "aws:tagkeys", values, &c),
                want,
                "{op} {values:?}"
            );
        }
        c.set_list("aws:TagKeys", Vec::new());
        let no_keys = |op: &str, value: &str| holds(op, "aws:TagKeys", &[value], &c);
        assert!(no_keys("ForAllValues:StringEquals", "a"));
        assert!(!no_keys("ForAnyValue:StringEquals", "a"));
        assert!(!no_keys("Null", "true"));
    }

    #[test]
    fn variables_without_value() {
        let mut c = Context::new();
        c.set("aws:username", "ann");
        let username = |op: &str, value: &str| holds(op, "aws:username", &[value], &c);
        assert!(!username("StringEquals", "${aws:PrincipalTag/t}"));
        assert!(username("StringNotEquals", "${aws:PrincipalTag/t}"));
        assert!(username("StringLike", "${aws:PrincipalTag/t, 'ann'}"));
        let out = evaluate(
            &cond("StringEquals", "aws:username", &["${aws:PrincipalTag/t}"]),
            &c,
            true,
        );
        assert_eq!(out.missing, vec!["aws:PrincipalTag/t"]);
        // In a version-less document the variable is literal text.
        c.set("x", "${aws:username}");
        assert!(evaluate(&cond("StringEquals", "x", &["${aws:username}"]), &c, false).holds);
        assert!(!evaluate(&cond("StringEquals", "x", &["${aws:username}"]), &c, true).holds);
    }
}
