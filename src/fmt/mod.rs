//! `iamform fmt`: the canonical layout of a configuration file, beside the pipeline (it reads and
//! writes *.hcl text, never an account).
//!
//! The text is first parsed with hcl-edit, so a file with a syntax error is reported with its
//! location and never rewritten. The layout itself is a line-by-line pass over a small lexer that
//! knows strings, templates, comments and heredocs, so that comments and the author's choice of
//! line breaks are kept exactly; only whitespace changes:
//!
//! - two spaces of indentation per nesting level (a line opening several brackets opens one level,
//!   as Terraform does for `foo({`);
//! - `key = value` with one space around `=`, and the `=` of a run of consecutive single-line
//!   attributes of one block aligned;
//! - no trailing whitespace, no blank line at the start or end of a file or block, at most one
//!   blank line in a row, exactly one after a multi-line top-level block, one final newline;
//! - heredoc bodies and the continuation lines of `/* … */` comments are left as written.
//!
//! Formatting is idempotent: formatting a formatted text returns it unchanged.

mod spacing;

use crate::config::limits;
use std::fmt;
use std::path::{Path, PathBuf};

/// A syntax error in the text given to [`format_source`] (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The source line the error is on.
    pub line_text: String,
    /// What to do about it, when there is more to say than the message.
    pub help: Option<String>,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: syntax error: {}",
            self.line, self.col, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

/// Formats one configuration file's text. Errors only when the text is not valid HCL.
pub fn format_source(text: &str) -> Result<String, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The parser recurses once per level of nesting: bound the depth before it runs, and give it
    // the stack that depth needs.
    if let Some(offset) = limits::nesting_offset(text) {
        return Err(error_at(text, offset, limits::too_deep()));
    }
    limits::big_stack(|| check_syntax(text))
        .unwrap_or_else(|panic| Err(error_at(text, 0, format!("internal error: {panic}"))))?;
    let lines: Vec<&str> = text.lines().collect();
    let scanned = scan(&lines);
    Ok(layout(&scanned))
}

/// A [`SyntaxError`] at a byte offset of `text`.
fn error_at(text: &str, offset: usize, message: String) -> SyntaxError {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    let line_text = text[line_start..].lines().next().unwrap_or("").to_owned();
    SyntaxError {
        line,
        col,
        message,
        line_text,
        help: None,
    }
}

fn check_syntax(text: &str) -> Result<(), SyntaxError> {
    hcl::edit::parser::parse_body(text).map(drop).map_err(|e| {
        let x = crate::config::explain_syntax_error(text, e.location().offset(), e.message());
        let message = x
            .message
            .strip_prefix("syntax error: ")
            .unwrap_or(&x.message)
            .to_owned();
        SyntaxError {
            help: x.help,
            ..error_at(text, x.offset, message)
        }
    })
}

/// One source line, classified.
#[derive(Debug)]
enum Line<'a> {
    /// Copied as written (heredoc bodies, `/* … */` continuations, lines inside a string).
    Verbatim(&'a str),
    Blank,
    Code {
        level: usize,
        /// The line with canonical spacing.
        text: String,
        /// For a `key = value` line whose brackets all close on the line, the key's length in
        /// bytes and in characters.
        attr: Option<(usize, usize)>,
        /// Only a comment.
        comment: bool,
        /// Begins with a bracket that closes one opened on an earlier line.
        closes: bool,
        /// Leaves brackets open for the following lines.
        opens: bool,
        /// Ends a multi-line block or value at the top level.
        ends_top_level: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Frame {
    /// `{`, `[` or `(`; `indents` when it is the first bracket a line leaves open.
    Bracket { line: usize, indents: bool },
    /// Inside a quoted string.
    Str,
    /// `${` or `%{` inside a string: code until the matching `}`.
    Interp,
}

/// Lexer state carried from one line to the next.
#[derive(Default)]
struct Scanner {
    stack: Vec<Frame>,
    /// The closing marker of the heredoc being read, if any.
    heredoc: Option<String>,
    block_comment: bool,
}

impl Scanner {
    fn level(&self) -> usize {
        self.stack
            .iter()
            .filter(|f| matches!(f, Frame::Bracket { indents: true, .. }))
            .count()
    }

    fn in_string(&self) -> bool {
        self.stack
            .iter()
            .any(|f| matches!(f, Frame::Str | Frame::Interp))
    }

    /// Scans one line and updates the state. Returns how many
    /// indenting frames the brackets at the very start of the line closed.
    fn line(&mut self, no: usize, text: &str) -> usize {
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut leading = true;
        let mut closed_leading = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if self.block_comment {
                if bytes[i..].starts_with(b"*/") {
                    self.block_comment = false;
                    i += 2;
                } else {
                    i += 1;
                }
                leading = false;
                continue;
            }
            if matches!(self.stack.last(), Some(Frame::Str)) {
                leading = false;
                match c {
                    b'\\' => i += 2,
                    b'"' => {
                        self.stack.pop();
                        i += 1;
                    }
                    b'$' | b'%' if bytes.get(i + 1) == Some(&c) => i += 2,
                    b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                        self.stack.push(Frame::Interp);
                        i += 2;
                    }
                    _ => i += 1,
                }
                continue;
            }
            match c {
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' => break,
                b'/' if bytes[i..].starts_with(b"//") => break,
                b'/' if bytes[i..].starts_with(b"/*") => {
                    self.block_comment = true;
                    i += 2;
                }
                b'"' => {
                    self.stack.push(Frame::Str);
                    i += 1;
                }
                b'<' if bytes[i..].starts_with(b"<<") => {
                    let rest = text[i + 2..].strip_prefix('-').unwrap_or(&text[i + 2..]);
                    let marker: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    if !marker.is_empty() && rest[marker.len()..].trim().is_empty() {
                        self.heredoc = Some(marker);
                        break;
                    }
                    i += 2;
                }
                b'{' | b'[' | b'(' => {
                    self.stack.push(Frame::Bracket {
                        line: no,
                        indents: false,
                    });
                    i += 1;
                }
                b'}' | b']' | b')' => {
                    if let Some(frame) = self.stack.pop() {
                        if leading {
                            if let Frame::Bracket { indents: true, .. } = frame {
                                closed_leading += 1;
                            }
                        }
                    }
                    i += 1;
                    // Stay "leading" through `})` so that both count.
                    continue;
                }
                _ => i += 1,
            }
            leading = false;
        }
        // The first bracket this line leaves open indents the lines that follow.
        if let Some(Frame::Bracket { indents, .. }) = self
            .stack
            .iter_mut()
            .find(|f| matches!(f, Frame::Bracket { line, .. } if *line == no))
        {
            *indents = true;
        }
        closed_leading
    }
}

fn scan<'a>(lines: &[&'a str]) -> Vec<Line<'a>> {
    let mut s = Scanner::default();
    let mut out = Vec::with_capacity(lines.len());
    for (no, raw) in lines.iter().enumerate() {
        if let Some(marker) = &s.heredoc {
            if raw.trim() == marker {
                s.heredoc = None;
            }
            out.push(Line::Verbatim(raw));
            continue;
        }
        if s.block_comment || s.in_string() {
            s.line(no, raw);
            // Trailing spaces inside a string that goes on are part of its value.
            out.push(Line::Verbatim(if s.in_string() {
                raw
            } else {
                raw.trim_end()
            }));
            continue;
        }
        let text = raw.trim();
        if text.is_empty() {
            out.push(Line::Blank);
            continue;
        }
        let level_before = s.level();
        let depth_before = s.stack.len();
        let closed = s.line(no, text);
        let text = if s.in_string() {
            raw.trim_start()
        } else {
            text
        };
        let level = level_before - closed.min(level_before);
        let balanced = s.stack.len() == depth_before
            && s.heredoc.is_none()
            && !s.block_comment
            && closed == 0
            && !text.starts_with(['}', ']', ')']);
        let text = spacing::respace(text);
        let attr = if balanced {
            split_attr(&text).map(|(key, _)| (key.len(), key.chars().count()))
        } else {
            None
        };
        out.push(Line::Code {
            level,
            comment: text.starts_with(['#', '/']),
            closes: text.starts_with(['}', ']', ')']),
            text,
            attr,
            opens: s.level() > level,
            ends_top_level: s.stack.is_empty() && depth_before > 0,
        });
    }
    out
}

/// `key = value` (a bare or quoted key; not `==` or `=>`).
fn split_attr(text: &str) -> Option<(&str, &str)> {
    let key_len = if let Some(rest) = text.strip_prefix('"') {
        let end = rest.find('"')?;
        if rest[..end].contains('\\') {
            return None;
        }
        end + 2
    } else {
        let first = text.chars().next()?;
        if !(first.is_alphabetic() || first == '_') {
            return None;
        }
        text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?
    };
    let (key, rest) = text.split_at(key_len);
    let rest = rest.trim_start().strip_prefix('=')?;
    if rest.starts_with(['=', '>']) {
        return None;
    }
    Some((key, rest.trim_start()))
}

fn layout(lines: &[Line<'_>]) -> String {
    // The key width of each run of consecutive single-line attributes at one level.
    let mut width = vec![0usize; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let level = match &lines[i] {
            Line::Code {
                attr: Some(_),
                level,
                ..
            } => *level,
            _ => {
                i += 1;
                continue;
            }
        };
        let mut j = i;
        let mut w = 0;
        while let Some(Line::Code {
            attr: Some((_, key_len)),
            level: l,
            ..
        }) = lines.get(j)
        {
            if *l != level {
                break;
            }
            w = w.max(*key_len);
            j += 1;
        }
        width[i..j].fill(w);
        i = j;
    }

    let mut out = String::new();
    // Whether a blank line is wanted before the next code line (at most one).
    let mut pending_blank = false;
    let mut after_opener = true;
    let mut after_top_block = false;
    // The previous line is a one-line top-level block or attribute.
    let mut after_top_one_liner = false;
    for (idx, line) in lines.iter().enumerate() {
        match line {
            Line::Blank => pending_blank = true,
            Line::Verbatim(text) => {
                if pending_blank && !after_opener {
                    out.push('\n');
                }
                pending_blank = false;
                after_opener = false;
                after_top_block = false;
                after_top_one_liner = false;
                out.push_str(text);
                out.push('\n');
            }
            Line::Code {
                level,
                text,
                attr,
                comment,
                closes,
                opens,
                ends_top_level,
            } => {
                // A multi-line top-level block is set apart from its neighbours by a blank
                // line; one-line blocks may stay grouped as written.
                let blank = if *closes || after_opener {
                    false
                } else {
                    pending_blank
                        || (*level == 0 && (after_top_block || (after_top_one_liner && *opens)))
                };
                if blank {
                    out.push('\n');
                }
                pending_blank = false;
                out.push_str(&"  ".repeat(*level));
                match attr {
                    Some((key_bytes, key_len)) => {
                        let (key, value) = text.split_at(*key_bytes);
                        out.push_str(key);
                        out.push_str(&" ".repeat(width[idx] - key_len));
                        out.push_str(value);
                    }
                    None => out.push_str(text),
                }
                out.push('\n');
                after_opener = *opens;
                after_top_block = *ends_top_level;
                after_top_one_liner = *level == 0 && !*opens && !*comment && !*ends_top_level;
            }
        }
    }
    out
}

/// The largest file `fmt` reads.
const MAX_FILE_BYTES: u64 = 256 << 20;

/// Every `*.hcl` file of `dir`, sorted, hidden files skipped, like the loader; with `recursive`
/// also those of its subdirectories (hidden ones skipped). Symbolic links are never followed:
/// a linked file is not rewritten (that would replace the link by a copy, or change a file
/// outside the tree) and a linked directory not entered (two links to each other would make
/// the walk endless); both are returned in `skipped`, with why.
fn hcl_files(
    dir: &Path,
    recursive: bool,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<(PathBuf, &'static str)>,
) -> std::io::Result<()> {
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        let hcl = name.ends_with(".hcl");
        if kind.is_symlink() {
            if hcl {
                skipped.push((path, "a symbolic link: fmt rewrites regular files only"));
            } else if recursive && path.is_dir() {
                skipped.push((path, "a symbolic link to a directory: not followed"));
            }
        } else if kind.is_dir() {
            if recursive {
                hcl_files(&path, true, files, skipped)?;
            }
        } else if hcl && kind.is_file() {
            files.push(path);
        } else if hcl {
            skipped.push((path, "not a regular file"));
        }
    }
    Ok(())
}

/// What formatting one directory found.
#[derive(Debug, Default)]
pub struct DirReport {
    /// Files whose text is not canonical (rewritten unless checking).
    pub changed: Vec<PathBuf>,
    /// Files that could not be read or parsed, with the error.
    pub errors: Vec<(PathBuf, FileError)>,
    /// `*.hcl` entries that were not formatted (symbolic links, FIFOs, …), with why.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Why one file could not be formatted.
#[derive(Debug)]
pub enum FileError {
    Io(std::io::Error),
    NotUtf8,
    Syntax(SyntaxError),
}

/// Formats every `*.hcl` file of `dir`; writes the changed ones unless `check`. When any file has
/// an error, nothing is written at all. Files are replaced through [`crate::fsutil::write_atomic`]
/// (keeping their mode, never writing through a link).
pub fn format_dir(dir: &Path, check: bool, recursive: bool) -> std::io::Result<DirReport> {
    let mut report = DirReport::default();
    let mut files = Vec::new();
    hcl_files(dir, recursive, &mut files, &mut report.skipped)?;
    files.sort();
    let mut rewrites = Vec::new();
    for path in files {
        let bytes = match crate::fsutil::read_regular(&path, MAX_FILE_BYTES, false) {
            Ok(b) => b,
            Err(e) => {
                report.errors.push((path, FileError::Io(e)));
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            report.errors.push((path, FileError::NotUtf8));
            continue;
        };
        match format_source(&text) {
            Ok(formatted) if formatted != text => {
                report.changed.push(path.clone());
                rewrites.push((path, formatted));
            }
            Ok(_) => {}
            Err(e) => report.errors.push((path, FileError::Syntax(e))),
        }
    }
    if !check && report.errors.is_empty() {
        for (path, text) in rewrites {
            crate::fsutil::write_atomic(&path, text.as_bytes())?;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::format_source;

    fn fmt(text: &str) -> String {
        let once = format_source(text).expect("valid HCL");
        assert_eq!(
            format_source(&once).expect("still valid"),
            once,
            "idempotent"
        );
        once
    }

    #[test]
    fn indents_and_aligns_a_run_of_attributes() {
        let text = "user \"mary\" {\n\tpath=\"/\"   \n      permissions_boundary   =  \"arn\"\n}\n";
        assert_eq!(
            fmt(text),
            "user \"mary\" {\n  path                 = \"/\"\n  permissions_boundary = \"arn\"\n}\n"
        );
    }

    #[test]
    fn a_blank_line_or_a_block_breaks_a_run() {
        let text = "role \"r\" {\na = 1\nlonger = 2\n\nb = 3\n  tags = {\n  k = \"v\"\n  }\nmax_session_duration = 3600\n}";
        assert_eq!(
            fmt(text),
            "role \"r\" {\n  a      = 1\n  longer = 2\n\n  b = 3\n  tags = {\n    k = \"v\"\n  }\n  max_session_duration = 3600\n}\n"
        );
    }

    #[test]
    fn one_blank_line_between_top_level_blocks_and_none_inside_edges() {
        let text = "\n\n# users\nuser \"a\" {\n\n  path = \"/\"\n\n}\nuser \"b\" {}\n\n\n\ngroup \"g\" { policies = [] }\ngroup \"h\" { policies = [] }\n\n";
        assert_eq!(
            fmt(text),
            "# users\nuser \"a\" {\n  path = \"/\"\n}\n\nuser \"b\" {}\n\ngroup \"g\" { policies = [] }\ngroup \"h\" { policies = [] }\n"
        );
    }

    #[test]
    fn comments_strings_and_heredocs_are_kept() {
        let text = "locals {\n# a { comment\n    x = \"{ not a [ bracket\" # trailing }\n  doc = <<EOT\n  keep   this  \n{\nEOT\n  y = \"${upper(\"a}\")}\"\n/* multi\n     line */\n}\n";
        assert_eq!(
            fmt(text),
            "locals {\n  # a { comment\n  x = \"{ not a [ bracket\" # trailing }\n  doc = <<EOT\n  keep   this  \n{\nEOT\n  y = \"${upper(\"a}\")}\"\n  /* multi\n     line */\n}\n"
        );
    }

    #[test]
    fn several_brackets_on_one_line_open_one_level() {
        let text = "policy \"p\" {\ndocument = jsonencode({\nVersion = \"2012-10-17\"\nStatement = [{\nEffect = \"Allow\"\n}]\n})\n}\n";
        assert_eq!(
            fmt(text),
            "policy \"p\" {\n  document = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect = \"Allow\"\n    }]\n  })\n}\n"
        );
    }

    #[test]
    fn syntax_errors_have_a_location_and_format_nothing() {
        let err = format_source("user \"a\" {\n  path = \n}\n").expect_err("a syntax error");
        assert_eq!((err.line, err.col), (2, 10), "{err:?}");
        assert_eq!(err.line_text, "  path = ");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn trailing_spaces_inside_a_string_that_spans_lines_are_kept() {
        let text = "locals {\n  x = \"a  \nb  \nc\"  \n}\n";
        assert_eq!(fmt(text), "locals {\n  x = \"a  \nb  \nc\"\n}\n");
    }

    #[test]
    fn empty_text_stays_empty() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n"), "");
    }
}
