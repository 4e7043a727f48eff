//! Configuration errors with `file:line:col` and a source snippet, printed compiler style.
//!
//! Every stage of the loader (parse, schema check, evaluation, lowering) reports into a
//! [`Diagnostics`] list instead of stopping at the first problem, so one run shows all of them.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a configuration file (1-based line and column, columns in characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// The source line a diagnostic points at, with the underlined columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The whole line, tabs replaced by spaces.
    pub line_text: String,
    /// 1-based column of the first underlined character.
    pub col: usize,
    /// Number of underlined characters (at least 1).
    pub len: usize,
}

/// One error in the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
    /// Further context, e.g. where a duplicate was first declared.
    pub notes: Vec<String>,
    pub snippet: Option<Snippet>,
}

/// `text` cut to its first `keep` characters, saying how much was left out: a diagnostic quoting
/// a value (a 5 MiB string, a file's single line) must not print all of it.
pub(crate) fn cut(text: &str, keep: usize) -> String {
    match text.char_indices().nth(keep) {
        None => text.to_owned(),
        Some((i, _)) => format!(
            "{}… {} more bytes",
            &text[..i],
            crate::config::functions::thousands(text.len() - i)
        ),
    }
}

/// The longest run of text between quotes (`` ` `` or `"`) a message shows in full.
const MAX_QUOTED: usize = 120;
/// The longest message shown in full.
const MAX_MESSAGE: usize = 2000;

/// `message` with every long quoted value, and then the message itself if still long, cut.
fn shorten(message: String) -> String {
    if message.len() <= MAX_QUOTED {
        return message;
    }
    let mut out = String::with_capacity(MAX_MESSAGE);
    let mut rest = message.as_str();
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open] as char;
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let Some(close) = rest.find(quote) else {
            break;
        };
        out.push_str(&cut(&rest[..close], MAX_QUOTED));
        out.push(quote);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    cut(&out, MAX_MESSAGE)
}

impl Diagnostic {
    /// An error with no location (e.g. the directory cannot be read).
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            message: shorten(message.into()),
            location: None,
            help: None,
            notes: Vec::new(),
            snippet: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let width = self
            .snippet
            .as_ref()
            .zip(self.location.as_ref())
            .map_or(1, |(_, loc)| loc.line.to_string().len());
        let pad = " ".repeat(width);
        if let Some(loc) = &self.location {
            writeln!(f, "{pad}--> {loc}")?;
            if let Some(s) = &self.snippet {
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {}", loc.line, s.line_text)?;
                writeln!(
                    f,
                    "{pad} | {}{}",
                    " ".repeat(s.col.saturating_sub(1)),
                    "^".repeat(s.len.max(1))
                )?;
            }
        }
        for note in &self.notes {
            writeln!(f, "{pad} = note: {note}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Every error of one load or lowering, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub(crate) Vec<Diagnostic>);

impl Diagnostics {
    /// The diagnostics of a run, each reported once: the instances of one `for_each` block share
    /// their attributes' source, so the same mistake would otherwise be printed once per instance.
    pub(crate) fn deduplicated(mut diags: Vec<Diagnostic>) -> Diagnostics {
        let mut seen = std::collections::HashSet::new();
        diags.retain(|d| seen.insert(d.to_string()));
        Diagnostics(diags)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }

    /// In source order (file, line, column); errors without a location first.
    pub(crate) fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| a.location.cmp(&b.location));
        self
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A byte range in one of the loaded files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Span {
    pub file: usize,
    pub start: usize,
    pub end: usize,
}

/// One configuration file: its display path and text.
#[derive(Clone, Debug)]
pub(crate) struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub(super) fn new(path: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let col = match self.text.get(start..offset) {
            Some(prefix) => prefix.chars().count() + 1,
            None => offset - start + 1,
        };
        (line, col)
    }

    /// The text of a 1-based line, without its line break.
    pub(super) fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let rest = self.text.get(start..).unwrap_or("");
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].trim_end_matches('\r')
    }
}

/// All loaded files; turns spans into locations and snippets.
#[derive(Clone, Debug, Default)]
pub(crate) struct SourceMap {
    pub files: Vec<SourceFile>,
}

impl SourceMap {
    pub(super) fn location(&self, span: Span) -> Option<Location> {
        let file = self.files.get(span.file)?;
        let (line, col) = file.line_col(span.start);
        Some(Location {
            file: file.path.clone(),
            line,
            col,
        })
    }

    /// An error at `span`, underlining it (up to the end of its first line).
    pub(super) fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(message);
        let Some(file) = self.files.get(span.file) else {
            return d;
        };
        let (line, col) = file.line_col(span.start);
        let (end_line, end_col) = file.line_col(span.end.max(span.start));
        let line_text = file.line_text(line);
        let line_len = line_text.chars().count();
        let len = if end_line == line {
            end_col.saturating_sub(col)
        } else {
            (line_len + 1).saturating_sub(col)
        };
        d.location = Some(Location {
            file: file.path.clone(),
            line,
            col,
        });
        d.snippet = Some(snippet(line_text, col, len.max(1)));
        d
    }

    /// `file:line:col` of a span, for notes such as "first declared at …".
    pub(super) fn describe(&self, span: Span) -> String {
        self.location(span)
            .map_or_else(|| "an unknown place".to_owned(), |l| l.to_string())
    }
}

/// The widest source line a snippet shows in full.
const MAX_SNIPPET: usize = 160;

impl Snippet {
    /// The snippet of `line_text` underlining `len` characters from column `col`; a long line is
    /// shown as a window around the underline, with what is left out counted.
    pub fn around(line_text: &str, col: usize, len: usize) -> Snippet {
        snippet(line_text, col, len)
    }
}

/// See [`Snippet::around`].
fn snippet(line_text: &str, col: usize, len: usize) -> Snippet {
    let chars = line_text.chars().count();
    if chars <= MAX_SNIPPET {
        return Snippet {
            line_text: line_text.replace('\t', " "),
            col,
            len,
        };
    }
    let before = 40usize;
    let skip = col.saturating_sub(1).saturating_sub(before);
    let shown = MAX_SNIPPET - before;
    let skipped_bytes: usize = line_text.chars().take(skip).map(char::len_utf8).sum();
    let rest = &line_text[skipped_bytes..];
    let mut text = String::new();
    if skip > 0 {
        text.push_str(&format!(
            "… {} bytes … ",
            crate::config::functions::thousands(skipped_bytes)
        ));
    }
    let prefix = text.chars().count();
    text.push_str(&cut(rest, before + shown).replace('\t', " "));
    Snippet {
        line_text: text,
        col: col - skip + prefix,
        len: len.min(shown),
    }
}

/// The display path of a configuration file: the directory as given, joined with the file name.
pub(crate) fn display_path(dir: &Path, file_name: &str) -> PathBuf {
    dir.join(file_name)
}

/// The closest candidate to `word` other than itself, if it is close enough to be a likely typo
/// (at least two edits allowed, and fewer than the candidate's length); of equally close ones, the
/// first given.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let others = candidates.into_iter().filter(|c| *c != word);
    // Case-insensitive, like the suggestions for policy actions and operators.
    crate::model::suggest::within(word, 2, others)
        .filter(|(d, c)| *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_compiler_style() {
        let map = SourceMap {
            files: vec![SourceFile::new(
                PathBuf::from("examples/x/main.hcl"),
                "\n\n\n\n\n\n\n\n\n\nuser \"a\" {\n  grups = [\"web\"]\n}\n".into(),
            )],
        };
        let start = map.files[0].text.find("grups").unwrap();
        let d = map
            .error(
                Span {
                    file: 0,
                    start,
                    end: start + 5,
                },
                "unknown attribute `grups` in user block",
            )
            .with_help("did you mean `groups`?");
        assert_eq!(
            d.to_string(),
            "error: unknown attribute `grups` in user block\n  --> examples/x/main.hcl:12:3\n   |\n12 |   grups = [\"web\"]\n   |   ^^^^^\n   = help: did you mean `groups`?\n"
        );
    }

    #[test]
    fn long_values_and_long_lines_are_cut_saying_how_much() {
        let value = "x".repeat(5 * 1024 * 1024);
        let d = Diagnostic::error(format!("tag key `{value}` is too long; IAM allows 128"));
        assert!(d.message.len() < 300, "{}", d.message.len());
        assert!(
            d.message.contains("… 5,242,760 more bytes`"),
            "{}",
            d.message
        );
        assert!(
            d.message.ends_with("is too long; IAM allows 128"),
            "{}",
            d.message
        );

        let line = format!("  a = \"{value}\" + 1");
        let text = format!("locals {{\n{line}\n}}\n");
        let map = SourceMap {
            files: vec![SourceFile::new(PathBuf::from("m.hcl"), text.clone())],
        };
        let start = text.find("+ 1").unwrap();
        let d = map.error(
            Span {
                file: 0,
                start,
                end: start + 1,
            },
            "here",
        );
        let shown = d.to_string();
        assert!(shown.len() < 1000, "{}", shown.len());
        let snippet = d.snippet.unwrap();
        let caret_at: String = snippet
            .line_text
            .chars()
            .skip(snippet.col - 1)
            .take(3)
            .collect();
        assert_eq!(caret_at, "+ 1", "{}", snippet.line_text);
        assert!(
            snippet.line_text.starts_with("… 5,242,"),
            "{}",
            snippet.line_text
        );
        assert_eq!(cut("short", 10), "short");
    }

    #[test]
    fn suggestions() {
        let table = [
            ("grups", Some("groups")),
            ("polices", Some("policies")),
            ("xyz", None),
            ("pth", Some("path")),
        ];
        for (word, want) in table {
            assert_eq!(
                suggest(word, ["groups", "policies", "path", "name"]),
                want,
                "{word}"
            );
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("f".into(), "ab\né = 1\n".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.line_text(2), "é = 1");
        assert_eq!(f.line_col(1000), (3, 1));
    }
}
