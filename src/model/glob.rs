//! The one wildcard matcher behind IAM's `*` / `?` patterns (actions and ARNs in policies, and the
//! `exclude` globs of a scope): iterative, backtracking to the last `*` only, so linear in
//! practice and never recursive, over any pattern and text elements.

/// What one pattern element is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wild {
    /// `*`: any run of elements, none included.
    Any,
    /// `?`: exactly one element.
    One,
    /// An element that must match the text's.
    Literal,
}

/// Whether `pattern` matches all of `text`: `kind` says what each pattern element is, `same`
/// whether a literal matches a text element.
pub fn matches<P, T>(
    pattern: &[P],
    text: &[T],
    kind: impl Fn(&P) -> Wild,
    same: impl Fn(&P, &T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < text.len() {
        let step = pattern.get(pi).map(|p| (kind(p), p));
        match step {
            Some((Wild::Any, _)) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some((Wild::One, _)) => {
                pi += 1;
                ti += 1;
            }
            Some((Wild::Literal, p)) if same(p, &text[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[pi..].iter().all(|p| kind(p) == Wild::Any)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(p: &str, t: &str) -> bool {
        let kind = |c: &u8| match c {
            b'*' => Wild::Any,
            b'?' => Wild::One,
            _ => Wild::Literal,
        };
        matches(p.as_bytes(), t.as_bytes(), kind, |a, b| a == b)
    }

    #[test]
    fn stars_and_question_marks() {
        for (p, t, ok) in [
            ("*", "", true),
            ("a*", "abc", true),
            ("*c", "abc", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*b*b*", "abab", true),
            ("*b*b*", "ab", false),
            ("abc", "abcd", false),
        ] {
            assert_eq!(ascii(p, t), ok, "{p} {t}");
        }
    }
}
