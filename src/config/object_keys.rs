//! Object literals that set one key twice (`{ Action = "s3:GetObject", Action = "s3:*" }`),
//! found while parsing (step 1 of loading), where spans are known.
//!
//! hcl-edit's parser keeps an object in a map and silently replaces the first value of a key
//! by the second, and hcl-rs evaluates what is left, so a reviewer reading the first would
//! approve what is never sent: in `jsonencode({…})` policy documents above all. So for each
//! object literal, the keys of its source text are listed with a small lexer, and when there are
//! more of them than the parser kept, the keys written twice are reported. Keys written as
//! identifiers or plain strings are compared; computed keys (`(local.k)`, `"${x}"`) are not known
//! before evaluation.

use super::diagnostic::Span;
use hcl::edit::expr::{Expression, Object, ObjectKey};
use hcl::edit::visit::{self, Visit};
use hcl::edit::Span as _;
use std::collections::HashMap;

/// A key set twice in one object literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RepeatedKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// Every key set twice in an object literal of `expr`, whose source is `text` (file `file`).
pub(crate) fn repeated_keys(expr: &Expression, text: &str, file: usize) -> Vec<RepeatedKey> {
    let mut finder = Finder {
        text,
        file,
        found: Vec::new(),
    };
    finder.visit_expr(expr);
    finder.found
}

struct Finder<'a> {
    text: &'a str,
    file: usize,
    found: Vec<RepeatedKey>,
}

impl Finder<'_> {
    fn span(&self, start: usize, len: usize) -> Span {
        Span {
            file: self.file,
            start,
            end: start + len,
        }
    }

    /// Reports the keys of `keys` (text, offset, length) that repeat an earlier one.
    fn report(&mut self, keys: &[(String, usize, usize)]) {
        let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
        for (key, at, len) in keys {
            match seen.get(key.as_str()) {
                Some(&(first, first_len)) => {
                    let found = RepeatedKey {
                        key: key.clone(),
                        first: self.span(first, first_len),
                        second: self.span(*at, *len),
                    };
                    if !self.found.contains(&found) {
                        self.found.push(found);
                    }
                }
                None => {
                    seen.insert(key, (*at, *len));
                }
            }
        }
    }
}

impl Visit for Finder<'_> {
    fn visit_object(&mut self, object: &Object) {
        // Keys the parser kept: `Effect` and `"Effect"` are two keys to it, one to hcl-rs.
        let kept: Vec<(String, usize, usize)> = object
            .iter()
            .filter_map(|(key, _)| {
                let text = match key {
                    ObjectKey::Ident(ident) => ident.as_str().to_owned(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                    ObjectKey::Expression(_) => return None,
                };
                let r = key.span()?;
                Some((text, r.start, r.len()))
            })
            .collect();
        self.report(&kept);
        // Keys the parser dropped, from the source text.
        if let Some(range) = object.span() {
            if let Some(source) = self.text.get(range.clone()) {
                let written = top_level_keys(source);
                if written.len() > object.len() {
                    let written: Vec<(String, usize, usize)> = written
                        .into_iter()
                        .map(|(k, at, len)| (k, range.start + at, len))
                        .collect();
                    self.report(&written);
                }
            }
        }
        visit::visit_object(self, object);
    }
}

/// The keys written at the top level of the object literal `text` (from its `{`): each key's
/// text (an identifier, or a plain string's value), byte offset and length.
fn top_level_keys(text: &str) -> Vec<(String, usize, usize)> {
    let b = text.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut key_start: Option<usize> = None;
    let mut entry_start = true;
    let mut i = 1;
    while i < b.len() {
        let c = b[i];
        if depth == 0 && entry_start && !c.is_ascii_whitespace() && c != b',' {
            entry_start = false;
            key_start = Some(i);
        }
        match c {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'#' => i = skip_to_newline(b, i),
            b'/' if at(i + 1) == b'/' => i = skip_to_newline(b, i),
            b'/' if at(i + 1) == b'*' => {
                i = text[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                continue;
            }
            b'<' if at(i + 1) == b'<' => {
                i = skip_heredoc(text, i);
                continue;
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            b',' | b'\n' if depth == 0 => {
                entry_start = true;
                key_start = None;
            }
            b'=' | b':' if depth == 0 => {
                let operator = matches!(at(i + 1), b'=' | b'>')
                    || matches!(at(i.wrapping_sub(1)), b'=' | b'!' | b'<' | b'>');
                if let (Some(start), false) = (key_start, operator) {
                    let raw = text[start..i].trim_end();
                    if let Some(key) = key_text(raw) {
                        keys.push((key, start, raw.len()));
                    }
                    key_start = None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

/// An identifier, or the value of a string without interpolation.
fn key_text(raw: &str) -> Option<String> {
    if raw.starts_with('"') {
        if raw.contains("${") || raw.contains("%{") {
            return None;
        }
        return serde_json::from_str::<String>(raw).ok();
    }
    let ident = raw
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && raw
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    ident.then(|| raw.to_owned())
}

fn skip_to_newline(b: &[u8], i: usize) -> usize {
    // Stop before the newline, which ends an entry.
    b[i..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| i + p - 1)
}

/// The offset after the string starting at `start` (a `"`), interpolations and the strings in
/// them included.
fn skip_string(b: &[u8], start: usize) -> usize {
    // `None`: inside a string; `Some(n)`: inside an interpolation, `n` braces deep.
    let mut stack: Vec<Option<usize>> = vec![None];
    let mut i = start + 1;
    while i < b.len() {
        let Some(top) = stack.last_mut() else {
            return i;
        };
        let c = b[i];
        match top {
            None => match c {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&c) => i += 1,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    i += 1;
                    stack.push(Some(0));
                }
                _ => {}
            },
            Some(n) => match c {
                b'"' => stack.push(None),
                b'{' => *n += 1,
                b'}' if *n == 0 => {
                    stack.pop();
                }
                b'}' => *n -= 1,
                _ => {}
            },
        }
        i += 1;
        if stack.is_empty() {
            return i;
        }
    }
    b.len()
}

/// The offset after the heredoc starting at `start` (`<<EOT` or `<<-EOT`), or after `<<` when
/// it is not one.
fn skip_heredoc(text: &str, start: usize) -> usize {
    let rest = &text[start + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let Some(body) = text[start..].find('\n').map(|p| start + p + 1) else {
        return text.len();
    };
    if marker.is_empty() {
        return start + 2;
    }
    let mut line_start = body;
    while line_start < text.len() {
        let end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |p| line_start + p);
        if text[line_start..end].trim() == marker {
            return end;
        }
        line_start = end + 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str) -> Vec<(String, String, String)> {
        let expr = hcl::edit::parser::parse_expr(src).unwrap();
        repeated_keys(&expr, src, 0)
            .into_iter()
            .map(|r| {
                (
                    r.key,
                    src[r.first.start..r.first.end].to_owned(),
                    src[r.second.start..r.second.end].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn keys_written_twice_are_found_with_both_places() {
        let t = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(
            found(r#"{ Action = "s3:GetObject", Resource = "*", Action = "s3:*" }"#),
            [t("Action", "Action", "Action")]
        );
        assert_eq!(
            found(r#"jsonencode({ Statement = [{ "Effect" = "Allow", Effect = "Deny" }] })"#),
            [t("Effect", "\"Effect\"", "Effect")]
        );
        assert!(found(r#"{ a = { a = 1 }, b = [{ a = 1 }, { a = 2 }] }"#).is_empty());
        assert!(found(r#"{ (local.k) = 1, (local.k) = 2, "${x}" = 3 }"#).is_empty());
        assert!(
            found(r#"{ a = 1, A = 2 }"#).is_empty(),
            "keys are case-sensitive"
        );
        let tricky = "{\n  a = \"x, b = 1\" # b = 2\n  b = x == y ? { b = 1 } : [\"a = 1\"]\n  c = <<EOT\nb = 3\nEOT\n  d = \"${ {b = 1}.b }\" /* b = 4 */\n}";
        assert!(found(tricky).is_empty(), "{:?}", found(tricky));
        let lost = "{\n  a = \"${x}\"\n  \"a\" = <<EOT\n}\nEOT\n}";
        assert_eq!(found(lost), [t("a", "a", "\"a\"")]);
    }
}
