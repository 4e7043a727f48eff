//! Words in messages and names: counted nouns (`1 entity`, `2 entities`, `1 retry`, `3 retries`),
//! lists (`a, b and 3 more`, `` `a`, `b` ``) and PascalCase names. Every count a user reads goes through [`count`], so that no message says
//! "1 entities declared". The lowest layer: anything may use it.

/// `n` and the noun, singular for exactly one: `count(1, "entity")` is `1 entity`,
/// `count(2, "access key")` is `2 access keys`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {}", plural(noun))
    }
}

/// The plural of a noun, or of the last word of a noun phrase, by English's regular rules:
/// `policy` -> `policies`, `key` -> `keys`, `address` -> `addresses`.
pub fn plural(noun: &str) -> String {
    let vowel = |c: char| "aeiou".contains(c.to_ascii_lowercase());
    if let Some(stem) = noun.strip_suffix('y') {
        if stem.chars().last().is_some_and(|c| !vowel(c)) {
            return format!("{stem}ies");
        }
    }
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| noun.ends_with(e))
    {
        return format!("{noun}es");
    }
    format!("{noun}s")
}

/// Each item in backquotes, joined with `separator`: `` `a`, `b` ``.
pub fn backquoted<T: std::fmt::Display>(
    items: impl IntoIterator<Item = T>,
    separator: &str,
) -> String {
    items
        .into_iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The first items of a longer list, joined with `, `, and how many were left out:
/// `a, b and 3 more` (`shown` holds the first items, `total` is how many there are).
pub fn and_more<S: AsRef<str>>(shown: &[S], total: usize) -> String {
    let mut out = shown
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<&str>>()
        .join(", ");
    let more = total.saturating_sub(shown.len());
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// `words` split at any of `separators`, each word's first letter in upper case:
/// `pascal_case("root-mfa-disabled", &['-'])` is `RootMfaDisabled`.
pub fn pascal_case(words: &str, separators: &[char]) -> String {
    words
        .split(separators)
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        for (n, noun, text) in [
            (0, "entity", "0 entities"),
            (1, "entity", "1 entity"),
            (2, "entity", "2 entities"),
            (1, "retry", "1 retry"),
            (3, "retry", "3 retries"),
            (2, "policy", "2 policies"),
            (2, "access key", "2 access keys"),
            (2, "day", "2 days"),
            (2, "address", "2 addresses"),
            (2, "file", "2 files"),
            (2, "SSH public key", "2 SSH public keys"),
        ] {
            assert_eq!(count(n, noun), text);
        }
    }

    #[test]
    fn backquoted_lists() {
        assert_eq!(backquoted(["a", "b"], ", "), "`a`, `b`");
        assert_eq!(backquoted(["a", "b"], " and "), "`a` and `b`");
        assert_eq!(backquoted(Vec::<&str>::new(), ", "), "");
    }

    #[test]
    fn a_shortened_list_says_how_many_it_left_out() {
        assert_eq!(and_more(&["a", "b"], 2), "a, b");
        assert_eq!(and_more(&["a", "b"], 5), "a, b and 3 more");
        assert_eq!(and_more(&[String::from("a")], 1), "a");
    }

    #[test]
    fn pascal_case_joins_capitalised_words() {
        assert_eq!(pascal_case("root-mfa-disabled", &['-']), "RootMfaDisabled");
        assert_eq!(pascal_case("a_b-c", &['-', '_']), "ABC");
        assert_eq!(pascal_case("", &['-']), "");
    }
}
