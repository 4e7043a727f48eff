//! Syntax errors as users should read them (step 1 of loading, and `fmt`).
//!
//! hcl-edit reports where it gave up, which for some mistakes is lines away from the cause or
//! does not name it: an unterminated string is reported where the next string happens to start,
//! a number too large for a number as an "invalid block body", and an IAM policy variable written
//! in a string (`"${aws:username}"`, which HCL reads as an interpolation) as a missing `}`.
//! [`explain`] recognises these in the text around the error and says what they are.

use super::limits;

/// A syntax error, located and worded for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Explained {
    /// Byte offset of what is wrong.
    pub offset: usize,
    /// Bytes to underline.
    pub len: usize,
    /// The message, starting with "syntax error: ".
    pub message: String,
    pub help: Option<String>,
}

/// Explains the parser's error `parser_message` at byte `offset` of `text`.
pub(crate) fn explain(text: &str, offset: usize, parser_message: &str) -> Explained {
    let offset = floor_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if let Some(e) = big_number(text, line_start, line_end) {
        return e;
    }
    if let Some(e) = policy_variable(text, line_start, offset, line_end) {
        return e;
    }
    if let Some(start) = limits::unterminated_string(text).filter(|&s| s <= offset) {
        return Explained {
            offset: start,
            len: 1,
            message: "syntax error: this string has no closing `\"` on its line".to_owned(),
            help: Some(
                "a quoted string ends on the line it starts; for text over several lines use a heredoc (<<EOT … EOT)"
                    .to_owned(),
            ),
        };
    }
    Explained {
        offset,
        len: 1,
        message: format!("syntax error: {parser_message}"),
        help: None,
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A number literal on the error's line that no number can hold (outside strings and comments).
fn big_number(text: &str, line_start: usize, line_end: usize) -> Option<Explained> {
    let bytes = text.as_bytes();
    let mut i = line_start;
    while i < line_end {
        let c = bytes[i];
        let starts = c.is_ascii_digit()
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b'_' | b'.')));
        if c == b'#' || (c == b'/' && bytes.get(i + 1) == Some(&b'/')) {
            return None;
        }
        if c == b'"' {
            // A number inside a string is text.
            i += 1;
            while i < line_end && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        while i < line_end && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut float = false;
        if i + 1 < line_end && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            float = true;
            i += 1;
            while i < line_end && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < line_end && matches!(bytes[i], b'e' | b'E') {
            let mut j = i + 1;
            if j < line_end && matches!(bytes[j], b'+' | b'-') {
                j += 1;
            }
            if j < line_end && bytes[j].is_ascii_digit() {
                float = true;
                i = j;
                while i < line_end && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
        }
        let literal = &text[start..i];
        let too_big = if float {
            literal.parse::<f64>().is_ok_and(f64::is_infinite)
        } else {
            literal.parse::<u64>().is_err()
        };
        if too_big {
            let shown = super::diagnostic::cut(literal, 40);
            return Some(Explained {
                offset: start,
                len: literal.len(),
                message: format!("syntax error: the number `{shown}` is too large to be a number"),
                help: Some(format!(
                    "whole numbers go up to {}, others up to about 1.8e308; write a larger value as a string",
                    u64::MAX
                )),
            });
        }
    }
    None
}

/// `${word:…}` around the error: an IAM policy variable that HCL reads as an interpolation.
fn policy_variable(
    text: &str,
    line_start: usize,
    offset: usize,
    line_end: usize,
) -> Option<Explained> {
    let line = &text[line_start..line_end];
    let mut from = 0;
    while let Some(p) = line[from..].find("${") {
        let start = from + p;
        from = start + 2;
        if start > 0 && line.as_bytes()[start - 1] == b'$' {
            continue; // `$${` is already escaped
        }
        let rest = &line[start + 2..];
        let close = rest.find('}')?;
        let inner = &rest[..close];
        let Some((prefix, _)) = inner.split_once(':') else {
            continue;
        };
        let prefix = prefix.trim();
        let plausible = !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let end = line_start + start + 2 + close + 1;
        if plausible && (line_start + start..=end).contains(&offset) {
            let variable = &line[start..start + 2 + close + 1];
            let name = &variable[2..variable.len() - 1];
            return Some(Explained {
                offset: line_start + start,
                len: variable.len(),
                message: format!(
                    "syntax error: `{variable}` is read as an interpolation of `{name}`, which is not an expression"
                ),
                help: Some(format!(
                    "for the IAM policy variable, write `${variable}` (`$${{` is a literal `${{`), or `&{{{name}}}` in a statement block"
                )),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(text: &str) -> Explained {
        let e = hcl::edit::parser::parse_body(text).expect_err("a syntax error");
        explain(text, e.location().offset(), e.message())
    }

    fn at(text: &str, e: &Explained) -> String {
        text[e.offset..e.offset + e.len].to_owned()
    }

    #[test]
    fn an_unterminated_string_is_reported_where_it_starts() {
        let text = "user \"a\" {\n  path = \"/abc }\n}\n\nuser \"b\" {}\n";
        let e = parse_error(text);
        assert_eq!(e.offset, text.find("\"/abc").unwrap(), "{e:?}");
        assert!(e.message.contains("no closing"), "{e:?}");
    }

    #[test]
    fn a_policy_variable_in_a_string_gets_the_two_ways_to_write_it() {
        let text = "policy \"p\" {\n  statement {\n    resources = [\"arn:aws:s3:::b/${aws:username}/*\"]\n  }\n}\n";
        let e = parse_error(text);
        assert_eq!(at(text, &e), "${aws:username}");
        let help = e.help.unwrap();
        assert!(help.contains("$${aws:username}"), "{help}");
        assert!(help.contains("&{aws:username}"), "{help}");
    }

    #[test]
    fn a_number_too_large_says_so() {
        for (text, literal) in [
            (
                "locals {\n  x = 18446744073709551616\n}\n",
                "18446744073709551616",
            ),
            (
                "role \"r\" {\n  max_session_duration = 99999999999999999999999\n}\n",
                "99999999999999999999999",
            ),
            ("locals {\n  x = [1, 1e400]\n}\n", "1e400"),
        ] {
            let e = parse_error(text);
            assert_eq!(at(text, &e), literal, "{e:?}");
            assert!(e.message.contains("too large"), "{e:?}");
        }
    }

    #[test]
    fn other_errors_keep_the_parsers_message_and_place() {
        let text = "user \"a\" {\n  path = \n}\n";
        let e = parse_error(text);
        assert!(e.message.starts_with("syntax error: "), "{e:?}");
        assert_eq!(e.help, None);
    }
}
