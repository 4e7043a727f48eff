//! The spacing inside one line of code, for `iamform fmt` (the line layout is in `fmt/mod.rs`).
//!
//! A line is split into tokens (words, quoted strings, heredoc openers, comments, punctuation)
//! and joined again with canonical spacing: one space around `=` and binary operators, after a
//! comma and between words; none inside `(…)` and `[…]`, around `.`, after a unary operator, or
//! before a call's `(` and an index's `[`; one inside a non-empty `{ … }`. Strings (templates
//! included) and comments are copied as written, so only whitespace between tokens changes.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An identifier, keyword or number.
    Word,
    /// A quoted string (or an unterminated one running to the end of the line).
    Str,
    /// `#`, `//` or `/* … */`, or a heredoc opener (both end the line or sit apart).
    Comment,
    Open,
    Close,
    Comma,
    Dot,
    Ellipsis,
    /// `!`, or a `-` that negates.
    Unary,
    /// `=`, `==`, `&&`, `?`, `:`, `=>`, `+`, a `-` that subtracts, …
    Binary,
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
}

/// Re-spaces one line of code that starts outside any string or comment (already trimmed).
pub(super) fn respace(line: &str) -> String {
    let tokens = tokenize(line);
    let mut out = String::with_capacity(line.len());
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 && space_between(&tokens[..i], token) {
            out.push(' ');
        }
        out.push_str(token.text);
    }
    out
}

fn is_keyword_before_value(token: &Token<'_>, before: Option<&Token<'_>>) -> bool {
    token.kind == Kind::Word
        && matches!(token.text, "in" | "if" | "for")
        && before.is_none_or(|b| b.kind != Kind::Dot)
}

/// Whether a space goes between the last token of `before` and `next`.
fn space_between(before: &[Token<'_>], next: &Token<'_>) -> bool {
    let prev = before[before.len() - 1];
    let prev2 = before.len().checked_sub(2).map(|i| &before[i]);
    if next.kind == Kind::Comment || prev.kind == Kind::Comment {
        return true;
    }
    if next.kind == Kind::Comma || next.kind == Kind::Ellipsis {
        return false;
    }
    if prev.kind == Kind::Comma {
        return true;
    }
    if prev.kind == Kind::Dot || next.kind == Kind::Dot {
        return false;
    }
    if prev.kind == Kind::Unary {
        return false;
    }
    match (prev.kind, prev.text, next.kind, next.text) {
        (Kind::Open, "{", Kind::Close, "}") => false,
        (Kind::Open, "{", _, _) | (_, _, Kind::Close, "}") => true,
        (Kind::Open, _, _, _) | (_, _, Kind::Close, _) => false,
        (_, _, Kind::Open, "(" | "[") => {
            // A call or an index sticks to what it applies to; a list or a group after a
            // keyword or an operator does not.
            !matches!(prev.kind, Kind::Word | Kind::Str | Kind::Close)
                || is_keyword_before_value(&prev, prev2)
        }
        _ => true,
    }
}

fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = rest.trim_start();
            continue;
        }
        let (kind, len) = match c {
            '#' => (Kind::Comment, rest.len()),
            '/' if rest.starts_with("//") => (Kind::Comment, rest.len()),
            '/' if rest.starts_with("/*") => (
                Kind::Comment,
                rest[2..].find("*/").map_or(rest.len(), |end| end + 4),
            ),
            '"' => (Kind::Str, string_len(rest)),
            '<' if rest.starts_with("<<") && is_heredoc_opener(rest) => (Kind::Comment, rest.len()),
            '{' | '[' | '(' => (Kind::Open, 1),
            '}' | ']' | ')' => (Kind::Close, 1),
            ',' => (Kind::Comma, 1),
            '.' if rest.starts_with("...") => (Kind::Ellipsis, 3),
            '.' if rest[1..].starts_with(|c: char| c.is_ascii_digit())
                && tokens.last().is_none_or(|t| t.kind != Kind::Word) =>
            {
                (Kind::Word, number_len(rest))
            }
            '.' => (Kind::Dot, 1),
            '-' if negates(
                tokens.last(),
                tokens.len().checked_sub(2).map(|i| &tokens[i]),
            ) =>
            {
                (Kind::Unary, 1)
            }
            '!' if !rest.starts_with("!=") => (Kind::Unary, 1),
            c if c.is_ascii_digit() => (Kind::Word, number_len(rest)),
            c if c.is_alphabetic() || c == '_' => (
                Kind::Word,
                rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(rest.len()),
            ),
            _ => {
                let two = ["==", "!=", "<=", ">=", "&&", "||", "=>"]
                    .iter()
                    .any(|op| rest.starts_with(op));
                (Kind::Binary, if two { 2 } else { c.len_utf8() })
            }
        };
        tokens.push(Token {
            kind,
            text: &rest[..len],
        });
        rest = &rest[len..];
    }
    tokens
}

/// A `-` negates when it cannot be a subtraction: at the start, after an operator, an opening
/// bracket, a comma or a keyword.
fn negates(prev: Option<&Token<'_>>, prev2: Option<&Token<'_>>) -> bool {
    match prev {
        None => true,
        Some(t) => {
            matches!(
                t.kind,
                Kind::Open | Kind::Comma | Kind::Unary | Kind::Binary | Kind::Comment
            ) || is_keyword_before_value(t, prev2)
        }
    }
}

/// The length of the quoted string at the start of `s`: up to its closing quote, skipping
/// escapes and `${ … }` / `%{ … }` (which may hold quotes), or the rest of the line.
fn string_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 1;
    // Open interpolations, each with its own depth of braces and whether it is inside a
    // nested string.
    let mut stack: Vec<bool> = Vec::new();
    let mut braces: Vec<usize> = Vec::new();
    while i < bytes.len() {
        let in_string = stack.last().is_none_or(|s| *s);
        let c = bytes[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'$' | b'%' if bytes.get(i + 1) == Some(&c) && bytes.get(i + 2) == Some(&b'{') => {
                    i += 2;
                }
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    stack.push(false);
                    braces.push(0);
                    i += 1;
                }
                b'"' => {
                    if stack.is_empty() {
                        return i + 1;
                    }
                    // The end of a string nested in an interpolation.
                    stack.pop();
                }
                _ => {}
            }
        } else {
            match c {
                b'"' => stack.push(true),
                b'{' => {
                    if let Some(b) = braces.last_mut() {
                        *b += 1;
                    }
                }
                b'}' => match braces.last_mut() {
                    Some(0) => {
                        braces.pop();
                        stack.pop();
                    }
                    Some(b) => *b -= 1,
                    None => {}
                },
                _ => {}
            }
        }
        i += 1;
    }
    bytes.len()
}

fn is_heredoc_opener(s: &str) -> bool {
    let rest = s[2..].strip_prefix('-').unwrap_or(&s[2..]);
    let marker_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    marker_len > 0 && rest[marker_len..].trim().is_empty()
}

/// `12`, `1.5`, `.5`, `1e-3`: digits, one fraction, one exponent.
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(0);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1 + sign);
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::respace;

    #[test]
    fn table() {
        let cases = [
            ("path=\"/\"", "path = \"/\""),
            (
                "backend   \"mock\"   {   path=\"a\" }",
                "backend \"mock\" { path = \"a\" }",
            ),
            ("group \"g\" {}", "group \"g\" {}"),
            ("group \"g\" {  }", "group \"g\" {}"),
            ("x = [ \"a\" ,\"b\" ]", "x = [\"a\", \"b\"]"),
            ("x = jsonencode( { a = 1 } )", "x = jsonencode({ a = 1 })"),
            ("document = jsonencode({", "document = jsonencode({"),
            ("}] )", "}])"),
            (
                "x = user . web [ \"john\" ] . arn",
                "x = user.web[\"john\"].arn",
            ),
            ("x = a-b", "x = a-b"),
            ("x = 1-2", "x = 1 - 2"),
            ("x = -1", "x = -1"),
            ("x = [ - 1, -a ]", "x = [-1, -a]"),
            ("x = a?b:c", "x = a ? b : c"),
            ("x = !a&&b", "x = !a && b"),
            ("x = a!=b", "x = a != b"),
            (
                "x = [for v in [1,2] : v if v>1]",
                "x = [for v in [1, 2] : v if v > 1]",
            ),
            ("x = {for k,v in m:k=>v}", "x = { for k, v in m : k => v }"),
            ("x = f(a...)", "x = f(a...)"),
            ("x = 1.5e-3*2", "x = 1.5e-3 * 2"),
            ("x = a.0.b", "x = a.0.b"),
            ("x = a[*].b", "x = a[*].b"),
            (
                "x = \"${upper(\"a}  b\")}\"   # c  d",
                "x = \"${upper(\"a}  b\")}\" # c  d",
            ),
            ("x  =  <<-EOT", "x = <<-EOT"),
            ("x = /* a  b */ 1", "x = /* a  b */ 1"),
            ("actions = [ # why", "actions = [ # why"),
            ("x = \"unterminated ${", "x = \"unterminated ${"),
        ];
        for (input, want) in cases {
            assert_eq!(respace(input), want, "{input}");
            assert_eq!(respace(want), want, "idempotent: {want}");
        }
    }
}
