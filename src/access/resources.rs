//! Resource patterns (`Resource` values) as the sets of resources they name, for the access
//! model: whether one pattern covers another (`arn:aws:s3:::b/*` covers `arn:aws:s3:::b/x/*`) and
//! whether two can name a common resource. The sets are those the evaluator matches
//! ([`super::statement`]): `*` names everything; an `arn:` pattern names ARNs part by part
//! (partition, service, region, account, then the resource part, which keeps its colons), a
//! shorter one ending in `*` standing for anything after it; any other pattern is matched whole.
//!
//! Patterns are written with policy variables on (`${*}`, `${?}`, `${$}` are those characters;
//! any other `${…}` is a variable whose value the request gives). Both questions are answered
//! soundly, never exactly only when in doubt: "covers" may say no to a pair it cannot prove (a
//! variable in the covering pattern, a tangle of `?` and `*`), "disjoint" may say no likewise.
//! The model uses "covers" to drop what is not a change and "disjoint" to drop what cannot
//! happen; a doubt only leaves a redundant line in a report, never a wrong one.

use super::matcher;
use crate::model::glob;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Char(char),
    /// `*`: any run of characters.
    Any,
    /// `?`: one character.
    One,
    /// A policy variable (its lowercase name, hashed): its value is not known here.
    Var(u64),
}

/// The set of resources a pattern names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `*`: every resource.
    Star,
    /// Nothing (`arn:aws:s3`, a short pattern not ending in `*`).
    Nothing,
    /// An ARN pattern, five parts after `arn:`.
    Arn(Vec<Vec<Tok>>),
    /// Any other pattern, matched against the whole resource.
    Whole(Vec<Tok>),
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let inner = &rest[2..end];
                out.push(match inner {
                    "*" => Tok::Char('*'),
                    "?" => Tok::Char('?'),
                    "$" => Tok::Char('$'),
                    _ => {
                        let mut h = DefaultHasher::new();
                        inner.trim().to_ascii_lowercase().hash(&mut h);
                        Tok::Var(h.finish())
                    }
                });
                rest = &rest[end + 1..];
                continue;
            }
        }
        out.push(match c {
            '*' => Tok::Any,
            '?' => Tok::One,
            c => Tok::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

impl Shape {
    /// The set `pattern` names.
    pub fn of(pattern: &str) -> Shape {
        if pattern == "*" {
            return Shape::Star;
        }
        match matcher::split_arn_pattern(pattern) {
            Some(parts) => {
                let mut toks: Vec<Vec<Tok>> = parts.into_iter().map(tokens).collect();
                if toks.len() < 5 {
                    if toks.last().and_then(|t| t.last()) != Some(&Tok::Any) {
                        return Shape::Nothing;
                    }
                    toks.resize(5, vec![Tok::Any]);
                }
                Shape::Arn(toks)
            }
            None => Shape::Whole(tokens(pattern)),
        }
    }

    /// Every resource `other` names, `self` names too (when that can be shown).
    pub fn covers(&self, other: &Shape) -> bool {
        match (self, other) {
            (_, Shape::Nothing) | (Shape::Star, _) => true,
            (Shape::Nothing, _) | (_, Shape::Star) | (Shape::Arn(_), Shape::Whole(_)) => false,
            (Shape::Arn(a), Shape::Arn(b)) => a.iter().zip(b).all(|(p, q)| glob_covers(p, q)),
            (Shape::Whole(a), Shape::Arn(b)) => glob_covers(a, &joined(b)),
            (Shape::Whole(a), Shape::Whole(b)) => glob_covers(a, b),
        }
    }

    /// No resource is named by both (when that can be shown).
    pub fn disjoint(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Nothing, _) | (_, Shape::Nothing) => true,
            (Shape::Star, _) | (_, Shape::Star) => false,
            (Shape::Arn(a), Shape::Arn(b)) => a.iter().zip(b).any(|(p, q)| !overlap(p, q)),
            (Shape::Whole(a), Shape::Arn(b)) | (Shape::Arn(b), Shape::Whole(a)) => {
                !overlap(a, &joined(b))
            }
            (Shape::Whole(a), Shape::Whole(b)) => !overlap(a, b),
        }
    }
}

/// `arn:` and the parts joined with `:`.
fn joined(parts: &[Vec<Tok>]) -> Vec<Tok> {
    let mut out: Vec<Tok> = "arn:".chars().map(Tok::Char).collect();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(Tok::Char(':'));
        }
        out.extend_from_slice(p);
    }
    out
}

/// Whether every string `q` matches, `p` matches: `p` matches `q` read as text in which `q`'s `*`
/// (and variables) can only be absorbed by a `*` of `p`, and `q`'s `?` only by a `?` or `*`.
fn glob_covers(p: &[Tok], q: &[Tok]) -> bool {
    let (n, m) = (p.len(), q.len());
    let width = m + 1;
    // dp[i * width + j]: p[i..] covers q[j..].
    let mut dp = vec![false; (n + 1) * width];
    dp[n * width + m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            let next = |di: usize, dj: usize| dp[(i + di) * width + j + dj];
            dp[i * width + j] = match p[i] {
                Tok::Any => next(1, 0) || (j < m && dp[i * width + j + 1]),
                Tok::One => j < m && matches!(q[j], Tok::Char(_) | Tok::One) && next(1, 1),
                Tok::Char(c) => j < m && q[j] == Tok::Char(c) && next(1, 1),
                Tok::Var(v) => j < m && q[j] == Tok::Var(v) && next(1, 1),
            };
        }
    }
    dp[0]
}

/// Whether some string is matched by both (variables read as `*`).
fn overlap(a: &[Tok], b: &[Tok]) -> bool {
    let many = |t: &Tok| matches!(t, Tok::Any | Tok::Var(_));
    let meets = |x: &Tok, y: &Tok| match (x, y) {
        (Tok::Char(c), Tok::Char(d)) => c == d,
        _ => true,
    };
    glob::overlap(a, b, many, meets)
}

/// `any` covers every pattern of `of` (a resource any of `of` names is named by one of `any`).
pub fn all_covered(any: &[Shape], of: &[Shape]) -> bool {
    of.iter().all(|o| any.iter().any(|a| a.covers(o)))
}

/// No pattern of `a` names a resource a pattern of `b` names.
pub fn all_disjoint(a: &[Shape], b: &[Shape]) -> bool {
    a.iter().all(|x| b.iter().all(|y| x.disjoint(y)))
}

/// The patterns of `patterns` that no other one covers (of equal ones, the first), in order.
pub fn without_covered(patterns: &[(String, Shape)]) -> Vec<(String, Shape)> {
    let mut out: Vec<(String, Shape)> = Vec::new();
    for (i, (text, shape)) in patterns.iter().enumerate() {
        let covered = patterns.iter().enumerate().any(|(j, (_, other))| {
            j != i && other.covers(shape) && (!shape.covers(other) || j < i)
        });
        if !covered && !out.iter().any(|(t, _)| t == text) {
            out.push((text.clone(), shape.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(a: &str, b: &str) -> bool {
        Shape::of(a).covers(&Shape::of(b))
    }

    /// Asserts whether `a` and `b` are disjoint, both ways round.
    fn disjoint(a: &str, b: &str, want: bool) {
        let (sa, sb) = (Shape::of(a), Shape::of(b));
        assert_eq!(sa.disjoint(&sb), want, "{a} disjoint {b}");
        assert_eq!(sb.disjoint(&sa), want, "{b} disjoint {a}");
    }

    #[test]
    fn covering() {
        let per_user = "arn:aws:s3:::home/${aws:username}/*";
        for (a, b, want) in [
            ("*", "arn:aws:s3:::b/x", true),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*", true),
            ("arn:aws:s3:::b/x/*", "arn:aws:s3:::b/*", false),
            ("arn:aws:s3:::b*", "arn:aws:s3:::b/x", true),
            ("arn:aws:s3:::b", "arn:aws:s3:::b/x", false),
            ("arn:aws:*", "arn:aws:s3:::b", true),
            ("arn:*:s3:*:*:*", "arn:aws:s3:::b", true),
            ("arn:aws:s3:::*", "*", false),
            ("arn:aws:s3:::b/?", "arn:aws:s3:::b/x", true),
            ("arn:aws:s3:::b/?", "arn:aws:s3:::b/*", false),
            (per_user, "arn:aws:s3:::home/ann/x", false),
            ("arn:aws:s3:::home/*", per_user, true),
            ("arn:aws:s3:::a${*}", "arn:aws:s3:::a*", false),
            ("arn:aws:s3:::a*", "arn:aws:s3:::a${*}", true),
            ("*", "*", true),
            ("arn:aws:s3", "arn:aws:s3:::b", false),
        ] {
            assert_eq!(covers(a, b), want, "{a} covers {b}");
        }
    }

    #[test]
    fn disjointness() {
        disjoint("arn:aws:s3:::a/*", "arn:aws:s3:::b/*", true);
        disjoint("arn:aws:s3:::a*", "arn:aws:s3:::*b", false);
        disjoint("arn:aws:s3:::b/*", "arn:aws:s3:::b", true);
        disjoint("arn:aws:iam::*:user/*", "arn:aws:iam::1:role/x", true);
        disjoint("*", "arn:aws:s3:::b", false);
        disjoint("arn:aws:s3:::${aws:username}", "arn:aws:s3:::x", false);
        disjoint("arn:aws:s3", "*", true);
        // A `*` in the region part does not reach across a colon into the account.
        disjoint("arn:aws:s3:*:1:x", "arn:aws:s3::2:x", true);
    }

    #[test]
    fn covered_patterns_are_dropped() {
        let list: Vec<(String, Shape)> = [
            "arn:aws:s3:::b/x/*",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::c",
            "arn:aws:s3:::b/*",
        ]
        .into_iter()
        .map(|p| (p.to_owned(), Shape::of(p)))
        .collect();
        let kept: Vec<String> = without_covered(&list).into_iter().map(|(t, _)| t).collect();
        assert_eq!(kept, ["arn:aws:s3:::b/*", "arn:aws:s3:::c"]);
    }
}
