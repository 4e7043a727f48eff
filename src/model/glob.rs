//! The one wildcard matcher behind IAM's `*` / `?` patterns (actions and ARNs in policies, the
//! `exclude` globs of a scope, audit suppressions, the catalog's action names): [`matches`] is
//! iterative, backtracking to the last `*` only, so linear in practice and never recursive, over
//! any pattern and text elements; [`text`] is it over plain strings. [`overlap`] answers the other
//! question patterns raise (the access model's and lint's): whether some text matches both of two
//! patterns.

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

impl Wild {
    /// What a character of a plain pattern string is: `*` and `?` are wildcards.
    pub fn of(c: char) -> Wild {
        match c {
            '*' => Wild::Any,
            '?' => Wild::One,
            _ => Wild::Literal,
        }
    }
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

/// Whether the plain pattern `pattern` (`*` and `?` wildcards, every other character literal)
/// matches all of `text`; `fold` ignores case. Without allocating when both are ASCII (actions,
/// ARNs and IAM names nearly always are).
pub fn text(pattern: &str, text: &str, fold: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        let kind = |c: &u8| Wild::of(char::from(*c));
        matches(pattern.as_bytes(), text.as_bytes(), kind, |a, b| {
            a == b || (fold && a.eq_ignore_ascii_case(b))
        })
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        matches(&p, &t, |c| Wild::of(*c), |a, b| same_char(*a, *b, fold))
    }
}

/// Whether two characters are the same; `fold` ignores case.
pub fn same_char(a: char, b: char, fold: bool) -> bool {
    a == b || (fold && a.to_lowercase().eq(b.to_lowercase()))
}

/// Whether some text is matched by both patterns: reachability in the product of the two,
/// `O(n·m)` states, no backtracking. `many` says whether an element stands for a run of any
/// length (it may be passed over, and stays put while it takes characters); `meets` whether one
/// character can be taken by both elements.
pub fn overlap<T>(
    a: &[T],
    b: &[T],
    many: impl Fn(&T) -> bool,
    meets: impl Fn(&T, &T) -> bool,
) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i * width + j], true) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        // A run that stops here (it may be empty).
        if a.get(i).is_some_and(&many) {
            stack.push((i + 1, j));
        }
        if b.get(j).is_some_and(&many) {
            stack.push((i, j + 1));
        }
        // One character that both sides take.
        if let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
            let ni = if many(x) { i } else { i + 1 };
            let nj = if many(y) { j } else { j + 1 };
            if meets(x, y) && (ni, nj) != (i, j) {
                stack.push((ni, nj));
            }
        }
    }
    false
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Plain patterns, texts, whether case is ignored, and whether they match: the cases every
    /// reading of a pattern (plain strings here, policy tokens in `access::matcher`) must agree on.
    pub(crate) const CASES: &[(&str, &str, bool, bool)] = &[
        ("*", "", false, true),
        ("*", "anything", false, true),
        ("a*", "abc", false, true),
        ("*c", "abc", false, true),
        ("a?c", "abc", false, true),
        ("a?c", "ac", false, false),
        ("a*c", "abbbc", false, true),
        ("a*c", "abbbd", false, false),
        ("*a*b*", "xxaxxbxx", false, true),
        ("*b*b*", "abab", false, true),
        ("*b*b*", "ab", false, false),
        ("abc", "abcd", false, false),
        ("ABC", "abc", false, false),
        ("ABC", "abc", true, true),
        ("a*", "A", true, true),
        ("", "", false, true),
        ("", "x", false, false),
        ("**", "x", false, true),
        ("é*", "éa", false, true),
        ("?", "é", false, true),
        ("É?", "éa", true, true),
    ];

    #[test]
    fn stars_and_question_marks() {
        for &(p, t, fold, want) in CASES {
            assert_eq!(text(p, t, fold), want, "{p} ~ {t} (fold {fold})");
        }
    }

    #[test]
    fn overlapping_plain_patterns() {
        let plain = |p: &str, q: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (p.chars().collect(), q.chars().collect());
            let many = |c: &char| *c == '*';
            overlap(&a, &b, many, |x, y| {
                x == y || *x == '*' || *y == '*' || *x == '?' || *y == '?'
            })
        };
        assert!(plain("a*", "*b"));
        assert!(plain("a?c", "abc"));
        assert!(!plain("a*", "b*"));
        assert!(!plain("ab", "abc"));
        assert!(plain("*", ""));
    }
}
