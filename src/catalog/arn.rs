//! Whether a policy's Resource can name a resource of a given type: the overlap of two patterns.
//!
//! The catalog writes a resource type's ARNs as patterns with placeholders
//! (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`); a policy writes resources with IAM's
//! wildcards (`arn:aws:s3:::logs-*/2024/*`, `*`) and policy variables (`${aws:username}`). The
//! question lint asks is not whether one matches the other but whether some real ARN matches both:
//! `arn:aws:s3:::bucket*` can be an object (`arn:aws:s3:::bucket-a/x`) and a bucket, `*` can be
//! anything, `arn:aws:s3:::bucket/*` can never be a bucket. Answering "no" wrongly would report a
//! working statement as broken, so every doubt resolves to "they overlap":
//!
//! - the five header segments (`arn`, partition, service, region, account) are compared one by one;
//!   a placeholder there matches any text, the empty text included;
//! - in the resource part a placeholder matches any non-empty text, `/` and `:` included (log group
//!   names, IAM paths, S3 keys and Lambda qualifiers hold them), except the few placeholders in
//!   [`NO_SLASH`], whose names AWS documents as never holding a `/`;
//! - in a policy resource `*` matches any text, `?` one character, `${*}`, `${?}` and `${$}` are
//!   those characters, and any other `${…}` (a policy variable) matches any text;
//! - a policy resource with fewer than six segments is compared as one string, and one longer
//!   than any ARN ([`MAX_ARN_LENGTH`]) is taken to overlap everything, which bounds the work.
//!
//! Letters compare exactly, as IAM compares ARNs.
//!
//! Both patterns become sequences of tokens (one character of a class, or any number of them) and
//! the overlap is reachability in their product automaton ([`crate::model::glob::overlap`]): `O(n·m)`
//! states, no backtracking.

use crate::model::glob;

/// Placeholders that never hold a `/`, per service prefix, with AWS's naming rule: without them
/// `arn:aws:s3:::bucket/*` would look like a bucket.
pub(crate) const NO_SLASH: &[(&str, &str)] = &[
    // Bucket names: 3-63 lowercase letters, digits, dots and hyphens.
    ("s3", "BucketName"),
    // Table and index names: 3-255 of [a-zA-Z0-9_.-].
    ("dynamodb", "TableName"),
    ("dynamodb", "IndexName"),
];

/// IAM's longest resource ARN; a longer Resource value names nothing real.
pub(super) const MAX_ARN_LENGTH: usize = 2048;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Char(char),
    Any,
    NotSlash,
}

impl Class {
    /// Whether one character belongs to both classes.
    fn meets(self, other: Class) -> bool {
        match (self, other) {
            (Class::Char(a), Class::Char(b)) => a == b,
            (Class::Char(c), Class::NotSlash) | (Class::NotSlash, Class::Char(c)) => c != '/',
            _ => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// Exactly one character of the class.
    One(Class),
    /// Any number of characters of the class, none included.
    Many(Class),
}

/// A pattern split into the five header segments and the resource part, or kept whole.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Split {
    Segments(Vec<Vec<Tok>>),
    Whole(Vec<Tok>),
}

/// One ARN pattern of a resource type, compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnPattern {
    text: String,
    segments: Vec<Vec<Tok>>,
}

impl ArnPattern {
    /// `text` as the catalog writes it; `service` selects the [`NO_SLASH`] placeholders.
    pub(crate) fn new(service: &str, text: &str) -> ArnPattern {
        let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let header = segments.len() <= 5;
            if let Some(name) = rest
                .strip_prefix("${")
                .and_then(|r| r.find('}').map(|end| &r[..end]))
            {
                let current = segments.last_mut().expect("never empty");
                if header {
                    current.push(Tok::Many(Class::Any));
                } else {
                    let class = if NO_SLASH.contains(&(service, name)) {
                        Class::NotSlash
                    } else {
                        Class::Any
                    };
                    current.extend([Tok::One(class), Tok::Many(class)]);
                }
                rest = &rest[name.len() + 3..];
                continue;
            }
            if c == ':' && header {
                segments.push(Vec::new());
            } else if c == '*' {
                segments
                    .last_mut()
                    .expect("never empty")
                    .push(Tok::Many(Class::Any));
            } else {
                segments
                    .last_mut()
                    .expect("never empty")
                    .push(Tok::One(Class::Char(c)));
            }
            rest = &rest[c.len_utf8()..];
        }
        ArnPattern {
            text: text.to_owned(),
            segments,
        }
    }

    /// As the catalog writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether some ARN of this pattern is also matched by the policy resource `resource`.
    pub fn overlaps(&self, resource: &PolicyResource) -> bool {
        match &resource.0 {
            Split::Segments(segs) if self.segments.len() == 6 => {
                self.segments.iter().zip(segs).all(|(a, b)| overlap(a, b))
            }
            Split::Segments(segs) => overlap(&join(&self.segments), &join(segs)),
            Split::Whole(toks) => overlap(&join(&self.segments), toks),
        }
    }
}

/// A Resource value of a policy, compiled for [`ArnPattern::overlaps`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyResource(Split);

impl PolicyResource {
    pub fn new(text: &str) -> PolicyResource {
        if text.len() > MAX_ARN_LENGTH {
            return PolicyResource(Split::Whole(vec![Tok::Many(Class::Any)]));
        }
        let mut toks = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if let Some(name) = rest
                .strip_prefix("${")
                .and_then(|r| r.find('}').map(|end| &r[..end]))
            {
                toks.push(match name {
                    "*" => Tok::One(Class::Char('*')),
                    "?" => Tok::One(Class::Char('?')),
                    "$" => Tok::One(Class::Char('$')),
                    _ => Tok::Many(Class::Any),
                });
                rest = &rest[name.len() + 3..];
                continue;
            }
            toks.push(match c {
                '*' => Tok::Many(Class::Any),
                '?' => Tok::One(Class::Any),
                c => Tok::One(Class::Char(c)),
            });
            rest = &rest[c.len_utf8()..];
        }
        let colons = toks
            .iter()
            .filter(|t| **t == Tok::One(Class::Char(':')))
            .count();
        if colons < 5 {
            return PolicyResource(Split::Whole(toks));
        }
        let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
        for t in toks {
            if t == Tok::One(Class::Char(':')) && segments.len() < 6 {
                segments.push(Vec::new());
            } else {
                segments.last_mut().expect("never empty").push(t);
            }
        }
        PolicyResource(Split::Segments(segments))
    }

    /// Whether it matches the literal `*`, the only resource IAM checks for an action without
    /// resource-level permissions.
    pub fn matches_star(&self) -> bool {
        match &self.0 {
            Split::Whole(toks) => overlap(toks, &[Tok::One(Class::Char('*'))]),
            Split::Segments(_) => false,
        }
    }
}

fn join(segments: &[Vec<Tok>]) -> Vec<Tok> {
    let mut out = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push(Tok::One(Class::Char(':')));
        }
        out.extend_from_slice(s);
    }
    out
}

/// Whether some string is matched by both token sequences.
fn overlap(a: &[Tok], b: &[Tok]) -> bool {
    let class = |t: &Tok| match *t {
        Tok::One(c) | Tok::Many(c) => c,
    };
    let many = |t: &Tok| matches!(t, Tok::Many(_));
    glob::overlap(a, b, many, |x, y| class(x).meets(class(y)))
}
