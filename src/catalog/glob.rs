//! IAM's wildcard matching for action names: `*` any run of characters, `?` one character, case
//! ignored (action names are case-insensitive).

/// Whether `pattern` matches `name`.
pub fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let n: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Iterative matching with one backtrack point (the last `*`): linear in practice, no recursion.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn table() {
        for (p, n, m) in [
            ("*", "", true),
            ("*", "GetObject", true),
            ("Get*", "GetObject", true),
            ("get*", "GetObject", true),
            ("Get*", "PutObject", false),
            ("*Object", "GetObject", true),
            ("*Obj*t", "GetObject", true),
            ("G?tObject", "GetObject", true),
            ("G?tObject", "GtObject", false),
            ("GetObject", "GetObjectAcl", false),
            ("GetObject*", "GetObject", true),
            ("**", "x", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
        ] {
            assert_eq!(matches(p, n), m, "{p} ~ {n}");
        }
    }
}
