//! The configuration language through the real `iamform` binary: a corpus of bad configurations
//! (`bad/*.hcl`), input variables and their precedence, `for_each` at scale, `lifecycle`, and the
//! language examples under examples/.

mod bad;
mod examples;
mod for_each;
mod inputs;
mod validate;

/// The error of `stderr` whose message contains `fragment`, with its location and snippet: the
/// lines from one that starts with `error: ` up to the next such line.
pub fn error_with<'a>(stderr: &'a str, fragment: &str) -> Option<&'a str> {
    let starts: Vec<usize> = stderr
        .match_indices("error: ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || stderr.as_bytes()[i - 1] == b'\n')
        .collect();
    starts.iter().enumerate().find_map(|(k, &start)| {
        let end = starts.get(k + 1).copied().unwrap_or(stderr.len());
        let chunk = &stderr[start..end];
        chunk
            .lines()
            .next()
            .is_some_and(|l| l.contains(fragment))
            .then_some(chunk)
    })
}
