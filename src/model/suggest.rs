//! "Did you mean …?": the closest candidate by edit distance, for operator names and actions.

/// Levenshtein distance over chars, ignoring ASCII case (a case slip counts as nothing).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidates close enough to `word` to be a plausible typo, with their distance: at most a
/// third of the word's length, and at least `floor` edits allowed.
pub(crate) fn within<'a, 'w, I>(
    word: &'w str,
    floor: usize,
    candidates: I,
) -> impl Iterator<Item = (usize, &'a str)> + use<'a, 'w, I>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (word.chars().count() / 3).max(floor);
    candidates
        .into_iter()
        .map(move |c| (distance(word, c), c))
        .filter(move |(d, _)| *d <= limit)
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo (at least one
/// edit allowed); of equally close ones, the first in alphabetical order.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    within(word, 1, candidates)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "abc", 0),
            ("StringEquals", "stringequals", 0),
            ("StringEqual", "StringEquals", 1),
            ("GetObjekt", "GetObject", 1),
            ("abc", "", 3),
            ("john", "jonh", 2),
            ("dev", "devs", 1),
            ("a", "b", 1),
        ] {
            assert_eq!(distance(a, b), d, "{a} {b}");
        }
    }

    #[test]
    fn closest_only_when_plausible() {
        let ops = ["StringEquals", "StringLike", "Bool"];
        assert_eq!(closest("StringEqauls", ops), Some("StringEquals"));
        assert_eq!(closest("Bol", ops), Some("Bool"));
        assert_eq!(closest("Completely", ops), None);
    }
}
