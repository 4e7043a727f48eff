//! Guards against input that would exhaust the stack.
//!
//! The HCL parser and evaluator are recursive: each level of brackets, interpolation and each
//! operator of a chain costs a stack frame, and a stack overflow aborts the process (no error, no
//! unwinding). [`check_nesting`] bounds that depth with a quick lexical scan before parsing, and
//! [`on_big_stack`] runs loading and lowering on a thread with a stack large enough for the bound
//! (its memory is only committed as it is used).

use super::diagnostic::{Diagnostic, SourceMap, Span};

/// Most nesting (brackets, interpolations and operators of one chain) a file may use.
pub(crate) const MAX_NESTING: usize = 1000;

/// Stack for the loader thread: enough for [`MAX_NESTING`] even in a debug build.
pub(crate) const STACK_BYTES: usize = 256 << 20;

/// Runs `f` on a thread with a large stack (or here, if no such thread can be started). A panic
/// inside becomes an error instead of unwinding through the caller.
pub(crate) fn on_big_stack<T: Send>(
    f: impl FnOnce() -> Result<T, super::Diagnostics> + Send,
) -> Result<T, super::Diagnostics> {
    big_stack(f).unwrap_or_else(|what| Err(internal(&what)))
}

/// Runs `f` on a thread with a stack of [`STACK_BYTES`] (or here, if no such thread can be
/// started): what any recursive parser of bounded input (see [`nesting_offset`]) needs. A panic
/// inside is returned as its message.
pub(crate) fn big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T, String> {
    // Kept here so that it can still run on this thread if no thread can be started.
    let job = std::sync::Mutex::new(Some(f));
    let take = || job.lock().ok().and_then(|mut j| j.take());
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("iamform-config".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || take().map(|f| f()));
        let outcome = match handle {
            Ok(h) => h.join(),
            Err(_) => Ok(take().map(|f| f())),
        };
        match outcome {
            Ok(Some(result)) => Ok(result),
            Ok(None) => Err("the job ran twice".to_owned()),
            Err(panic) => Err(panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default()),
        }
    })
}

fn internal(what: &str) -> super::Diagnostics {
    super::Diagnostics(vec![Diagnostic::error(format!(
        "internal error while reading the configuration: {what}"
    ))
    .with_help(
        "this is a bug in iamform; please report it with the configuration",
    )])
}

#[derive(Debug)]
enum Ctx {
    /// Expression text; `interp` when opened by `${` or `%{` inside a string.
    Code {
        interp: bool,
        brackets: Vec<(u8, usize)>,
    },
    /// A quoted string, opened at this offset.
    Str(usize),
    Heredoc(String),
}

/// Checks that no expression of file `file` nests deeper than [`MAX_NESTING`], and returns the
/// offsets where a top-level block starts right after another one closed (a `}` ending its line,
/// then a line starting with an identifier): places where the file can be cut and the pieces
/// parsed on their own (see `parse::parse_text`).
pub(crate) fn check_nesting(map: &SourceMap, file: usize) -> Result<Vec<usize>, Box<Diagnostic>> {
    scan_nesting(&map.files[file].text).map_err(|offset| {
        let len = map.files[file].text.len();
        let span = Span {
            file,
            start: offset.min(len),
            end: (offset + 1).min(len),
        };
        Box::new(
            map.error(span, too_deep())
                .with_help("split it into locals, or simplify it"),
        )
    })
}

/// The message for text that nests deeper than [`MAX_NESTING`].
pub(crate) fn too_deep() -> String {
    format!("this expression nests more than {MAX_NESTING} levels deep")
}

/// [`check_nesting`] on any HCL text (a body, an expression or a template): the byte offset
/// where the text goes deeper than [`MAX_NESTING`], if it does. Run it before any parser sees the
/// text: the parsers recurse once per level.
pub(crate) fn nesting_offset(text: &str) -> Option<usize> {
    scan_nesting(text).err()
}

/// [`nesting_offset`] for the text of a template file (`templatefile`), which starts inside a
/// template rather than in expression code.
pub(crate) fn template_nesting_offset(text: &str) -> Option<usize> {
    scan(text, Ctx::Heredoc(String::new()), &mut None).err()
}

/// Where the first quoted string that ends at a line break (an unterminated string) starts, if
/// one does: the parser reports such a string where it gives up, often lines later.
pub(crate) fn unterminated_string(text: &str) -> Option<usize> {
    let mut found = None;
    let _ = scan(text, code(), &mut found);
    found
}

fn code() -> Ctx {
    Ctx::Code {
        interp: false,
        brackets: Vec::new(),
    }
}

fn scan_nesting(text: &str) -> Result<Vec<usize>, usize> {
    scan(text, code(), &mut None)
}

fn scan(text: &str, start: Ctx, unterminated: &mut Option<usize>) -> Result<Vec<usize>, usize> {
    let text = text.as_bytes();
    let mut stack = vec![start];
    // `%{ if }` and `%{ for }` directives open a level that `%{ endif }` / `%{ endfor }` close.
    let mut directives = 0usize;
    // Nesting of everything open, and operators of the current chain at each bracket level.
    let mut depth = 0usize;
    let mut ops = 0usize;
    let mut boundaries = Vec::new();
    // Whether the last thing at the top level was the `}` closing a block.
    let mut block_closed = false;
    // Whether the identifier or number being read began with a letter or `_`: in `cost-center`
    // the `-` joins a name, in `1-1` it is an operator.
    let mut in_name = false;
    let mut i = 0;
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    while i < text.len() {
        let c = text[i];
        let top_level = stack.len() == 1;
        let Some(top) = stack.last_mut() else { break };
        if top_level && matches!(top, Ctx::Code { brackets, .. } if brackets.is_empty()) {
            note_boundary(text, i, &mut block_closed, &mut boundaries);
        }
        match top {
            Ctx::Code { interp, brackets } => {
                if is_ident(c) && !is_ident(at(i.wrapping_sub(1))) && at(i.wrapping_sub(1)) != b'-'
                {
                    in_name = !c.is_ascii_digit();
                }
                match c {
                    b'#' => i = skip_line(text, i),
                    b'/' if at(i + 1) == b'/' => i = skip_line(text, i),
                    b'/' if at(i + 1) == b'*' => {
                        i = find(text, i + 2, b"*/").map_or(text.len(), |p| p + 1);
                    }
                    b'"' => {
                        depth += 1;
                        stack.push(Ctx::Str(i));
                    }
                    b'<' if at(i + 1) == b'<'
                        && (at(i + 2) == b'-' || at(i + 2).is_ascii_alphabetic()) =>
                    {
                        let start = if at(i + 2) == b'-' { i + 3 } else { i + 2 };
                        let end = (start..text.len())
                            .find(|&j| !(text[j].is_ascii_alphanumeric() || text[j] == b'_'))
                            .unwrap_or(text.len());
                        let marker = String::from_utf8_lossy(&text[start..end]).into_owned();
                        depth += 1;
                        stack.push(Ctx::Heredoc(marker));
                        i = skip_line(text, i);
                    }
                    b'(' | b'[' | b'{' => {
                        brackets.push((c, ops));
                        ops = 0;
                        depth += 1;
                    }
                    b')' | b']' | b'}' => match brackets.pop() {
                        Some((_, outer_ops)) => {
                            ops = outer_ops;
                            depth = depth.saturating_sub(1);
                            block_closed = top_level && c == b'}' && brackets.is_empty();
                        }
                        None if *interp && c == b'}' => {
                            stack.pop();
                            depth = depth.saturating_sub(1);
                        }
                        None => {}
                    },
                    b',' => ops = 0,
                    b'\n' if brackets.last().is_none_or(|(b, _)| *b == b'{') => ops = 0,
                    b'-' if in_name && is_ident(at(i.wrapping_sub(1))) && is_ident(at(i + 1)) => {}
                    b'+' | b'-' | b'*' | b'/' | b'%' | b'!' | b'?' | b'<' | b'>' | b'&' | b'|'
                    | b'=' => {
                        let pair = [c, at(i + 1)];
                        let two =
                            matches!(&pair, b"==" | b"!=" | b"<=" | b">=" | b"&&" | b"||" | b"=>");
                        if c != b'=' || two {
                            ops += 1;
                        }
                        if two {
                            i += 1;
                        }
                    }
                    _ => {}
                }
            }
            Ctx::Str(start) => match c {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    if c == b'\n' && unterminated.is_none() {
                        *unterminated = Some(*start);
                    }
                    stack.pop();
                    depth = depth.saturating_sub(1);
                }
                _ => i += template(text, i, &mut stack, &mut depth, &mut directives),
            },
            Ctx::Heredoc(marker) => {
                let line_start = i == 0 || text[i - 1] == b'\n';
                if line_start {
                    let end = find(text, i, b"\n").unwrap_or(text.len());
                    if !marker.is_empty() && text[i..end].trim_ascii() == marker.as_bytes() {
                        stack.pop();
                        depth = depth.saturating_sub(1);
                        i = end;
                        continue;
                    }
                }
                i += template(text, i, &mut stack, &mut depth, &mut directives);
            }
        }
        if depth + ops + directives > MAX_NESTING {
            return Err(i);
        }
        i += 1;
    }
    Ok(boundaries)
}

/// At the top level of the code, outside brackets: a line starting with a name right after a
/// block's closing `}` starts a new block, whose offset goes to `boundaries`.
fn note_boundary(text: &[u8], i: usize, block_closed: &mut bool, boundaries: &mut Vec<usize>) {
    let next = text.get(i + 1).copied().unwrap_or(0);
    match text[i] {
        b'\n' => {
            if *block_closed && (next.is_ascii_alphabetic() || next == b'_') {
                boundaries.push(i + 1);
            }
        }
        b' ' | b'\t' | b'\r' => {}
        _ => *block_closed = false,
    }
}

/// In a string or heredoc, at `i`: `$${` and `%%{` are escapes, `${` opens an interpolation and
/// `%{` a directive (code, on `stack`). How many bytes after `i` it consumed.
fn template(
    text: &[u8],
    i: usize,
    stack: &mut Vec<Ctx>,
    depth: &mut usize,
    directives: &mut usize,
) -> usize {
    let c = text[i];
    let next = text.get(i + 1).copied().unwrap_or(0);
    if !matches!(c, b'$' | b'%') {
        return 0;
    }
    if next == c {
        return 1;
    }
    if next != b'{' {
        return 0;
    }
    if c == b'%' {
        *directives = directives.saturating_add_signed(directive(text, i));
    }
    *depth += 1;
    stack.push(Ctx::Code {
        interp: true,
        brackets: Vec::new(),
    });
    1
}

/// The directive a `%{` at `i` opens (+1), closes (-1) or neither (0).
fn directive(text: &[u8], i: usize) -> isize {
    let rest = &text[(i + 2).min(text.len())..];
    let rest = rest.strip_prefix(b"~").unwrap_or(rest);
    let start = rest
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let word: Vec<u8> = rest[start..]
        .iter()
        .copied()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    match word.as_slice() {
        b"if" | b"for" => 1,
        b"endif" | b"endfor" => -1,
        _ => 0,
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn skip_line(text: &[u8], i: usize) -> usize {
    // Stop on the newline itself so that it is seen by the scanner.
    find(text, i, b"\n").map_or(text.len(), |p| p.saturating_sub(1).max(i))
}

fn find(text: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::super::diagnostic::SourceFile;
    use super::*;

    fn check(text: &str) -> Result<(), String> {
        let map = SourceMap {
            files: vec![SourceFile::new("f.hcl".into(), text.to_owned())],
        };
        check_nesting(&map, 0).map(drop).map_err(|d| d.to_string())
    }

    fn boundaries(text: &str) -> Vec<usize> {
        let map = SourceMap {
            files: vec![SourceFile::new("f.hcl".into(), text.to_owned())],
        };
        check_nesting(&map, 0).unwrap()
    }

    #[test]
    fn blocks_can_be_cut_only_between_top_level_blocks() {
        let text = "user \"a\" {\n  tags = { a = \"}\" }\n}\nuser \"b\" {}\n\n# c\nx = 1\ngroup \"g\" {}\n";
        let cuts: Vec<&str> = boundaries(text).iter().map(|&i| &text[i..i + 4]).collect();
        assert_eq!(
            cuts,
            ["user"],
            "after `user \"b\" {{}}` comes a blank line, not a block"
        );
        // Inside a heredoc, a closing brace and an identifier at the start of a line are text.
        let heredoc =
            "policy \"p\" {\n  document = <<EOT\n}\nuser \"x\" {}\nEOT\n}\nrole \"r\" {}\n";
        let cuts: Vec<&str> = boundaries(heredoc)
            .iter()
            .map(|&i| &heredoc[i..i + 4])
            .collect();
        assert_eq!(cuts, ["role"]);
        // Nested blocks close with `}` too, but are not at the top level.
        let nested = "role \"r\" {\n  inline_policy \"p\" {\n  }\nstatement {}\n}\n";
        assert!(boundaries(nested).is_empty());
    }

    #[test]
    fn ordinary_configurations_pass() {
        let many_lines: String = (0..5000)
            .map(|i| format!("  k{i} = {i} + 1 - 2 * 3\n"))
            .collect();
        let list: String = (0..5000).map(|i| format!("{i} + 1, ")).collect();
        for text in [
            "user \"a\" {\n  tags = { cost-center = \"a-b\" }\n}\n".to_owned(),
            format!("locals {{\n{many_lines}}}\n"),
            format!("locals {{ a = [{list}] }}\n"),
            "policy \"p\" {\n  document = <<EOT\n{\"a\": [[[[\"${local.x}\"]]]]}\nEOT\n}\n"
                .to_owned(),
            "locals { a = \"${\"${\"x\"}\"}\" } # ((((((((\n".to_owned(),
            format!("locals {{ a = \"{}\" }}", "(".repeat(5000)),
        ] {
            assert!(check(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let n = MAX_NESTING + 1;
        for text in [
            format!("a = {}1{}", "[".repeat(n), "]".repeat(n)),
            format!("a = 1{}", " + 1".repeat(n)),
            format!("a = {}1", "!".repeat(n)),
            format!("a = \"{}", "${\"".repeat(n)),
            format!("a = [\n{}\n]", "1 +\n".repeat(n)),
        ] {
            let e = check(&text).unwrap_err();
            assert!(e.contains("more than 1000 levels"), "{e}");
        }
    }
}
