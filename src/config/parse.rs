//! Step 1 of loading: read every `*.hcl` file of the directory and parse it with hcl-edit, keeping
//! byte spans, into a small owned tree of blocks and attributes ([`Node`], [`Attr`]).
//!
//! Expressions are converted to `hcl::Expression` for evaluation; the references and function
//! calls in them are collected here, while the spans are still available.

use super::arith;
use super::diagnostic::{display_path, Diagnostic, SourceFile, SourceMap, Span};
use super::limits;
use super::object_keys::{repeated_keys, RepeatedKey};
use super::references::{self, FuncCall, Reference};
use hcl::edit::structure::{Block, Body, Structure};
use hcl::edit::Span as _;
use std::path::Path;

/// An attribute `key = expr`.
#[derive(Clone, Debug)]
pub(crate) struct Attr {
    pub key: String,
    pub key_span: Span,
    pub span: Span,
    pub expr: hcl::Expression,
    /// Every variable traversal in `expr` (`user.mary.arn`, `var.x`, …), in source order.
    pub refs: Vec<Reference>,
    /// Every function call in `expr`.
    pub funcs: Vec<FuncCall>,
    /// Whether evaluating `expr` calls any function (a user's call or checked arithmetic): most
    /// attributes do not, and get a context without the function table.
    pub calls: bool,
    /// Whether `expr` calls `try` or `can`, which `config::lazy` evaluates.
    pub lazy: bool,
    /// Keys that an object literal in `expr` sets twice (reported by `load`).
    pub repeated_keys: Vec<RepeatedKey>,
}

impl references::Uses for Attr {
    fn funcs(&self) -> &[FuncCall] {
        &self.funcs
    }
    fn refs(&self) -> &[Reference] {
        &self.refs
    }
}

/// A block `ident "label" { … }`; the top level of a file is a nameless block.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub ident: String,
    pub labels: Vec<(String, Span)>,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Node>,
    /// From the identifier to the last label: what errors about the block underline.
    pub header: Span,
}

impl Node {
    /// The first attribute with this key.
    pub(super) fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub(super) fn blocks_named<'a>(
        &'a self,
        ident: &'a str,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    pub(super) fn label(&self) -> Option<&str> {
        self.labels.first().map(|(l, _)| l.as_str())
    }

    /// Every attribute of this block and its nested blocks.
    pub(super) fn all_attrs(&self) -> Vec<&Attr> {
        let mut out: Vec<&Attr> = self.attrs.iter().collect();
        for b in &self.blocks {
            out.extend(b.all_attrs());
        }
        out
    }
}

/// Reads and parses every `*.hcl` file of `dir`, sorted by file name (hidden files are skipped).
/// Files that fail to parse are reported in the returned diagnostics; the others are returned
/// parsed, so that their errors can be reported in the same run.
/// The files are added to `map`; those of `dir` are shown as files of `shown` (a module's
/// directory is read where it really is and shown as its `source` names it).
pub(crate) fn parse_dir_into(
    map: &mut SourceMap,
    dir: &Path,
    shown: &Path,
) -> (Vec<Node>, Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let d = Diagnostic::error(format!(
                "cannot read the configuration directory {}: {e}",
                shown.display()
            ));
            return (Vec::new(), vec![d]);
        }
    };
    let mut names = Vec::new();
    let mut diags = Vec::new();
    for entry in entries {
        match hcl_file_name(entry, dir, shown) {
            Ok(Some(name)) => names.push(name),
            Ok(None) => {}
            Err(d) => diags.push(*d),
        }
    }
    names.sort();
    if names.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(format!("no .hcl files in {}", shown.display())).with_help(
                "a configuration is every *.hcl file of one directory; start with a main.hcl",
            ),
        );
    }
    let mut nodes = Vec::new();
    for name in names {
        let path = display_path(shown, &name);
        let text = match read_text(&dir.join(&name), &path) {
            Ok(t) => t,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        // A byte order mark, as some Windows editors write, is not part of the HCL text.
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        };
        let file = map.files.len();
        map.files.push(SourceFile::new(path, text));
        let boundaries = match limits::check_nesting(map, file) {
            Ok(b) => b,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let pieces = cores.min(map.files[file].text.len() / PIECE_BYTES).max(1);
        match parse_in_pieces(map, file, &boundaries, pieces) {
            Ok(node) => nodes.push(node),
            Err(d) => diags.push(*d),
        }
    }
    (nodes, diags)
}

/// The name of a directory entry of `dir` (shown as `shown`) that is a configuration file: a
/// `*.hcl` file, not hidden, inside the directory; `None` for another entry.
fn hcl_file_name(
    entry: std::io::Result<std::fs::DirEntry>,
    dir: &Path,
    shown: &Path,
) -> Result<Option<String>, Box<Diagnostic>> {
    let entry =
        entry.map_err(|e| Diagnostic::error(format!("cannot list {}: {e}", shown.display())))?;
    let name = entry.file_name().to_string_lossy().into_owned();
    if !name.ends_with(".hcl") || name.starts_with('.') {
        return Ok(None);
    }
    // A link to a file outside the directory would be read as configuration (and its lines
    // shown in error messages): only files inside the tree are read, as by file().
    if entry.file_type().is_ok_and(|t| t.is_symlink()) {
        let inside = std::fs::canonicalize(entry.path())
            .ok()
            .zip(std::fs::canonicalize(dir).ok())
            .is_some_and(|(target, root)| target.starts_with(root));
        if !inside {
            return Err(Box::new(Diagnostic::error(format!(
                "{} is a symbolic link to a file outside the configuration directory; only files inside it are read",
                display_path(shown, &name).display()
            ))));
        }
    }
    Ok(entry.path().is_file().then_some(name))
}

/// The text of the configuration file `file`, shown as `path`.
fn read_text(file: &Path, path: &Path) -> Result<String, Box<Diagnostic>> {
    let bytes = crate::fsutil::read_regular(file, MAX_FILE_BYTES, true)
        .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Diagnostic::error(format!("{} is not UTF-8 text", path.display())))?;
    Ok(text)
}

/// The largest configuration file read (a synthetic 50,000-entity configuration is about 25 MiB).
pub(super) const MAX_FILE_BYTES: u64 = 256 << 20;

/// Files at least this big are parsed in pieces on several threads.
const PIECE_BYTES: usize = 256 << 10;

/// Parses one loaded file into a nameless root node, cut at top-level block `boundaries` into
/// `pieces` pieces (one per core for a big file) parsed in parallel (parsing is 40 % of a 10k-entity
/// plan). Each piece keeps its offsets (the text before it is blanked, not removed), so spans are
/// those of the whole file. If any piece fails to parse, the whole file is parsed again, so a
/// syntax error is reported exactly as without pieces.
fn parse_in_pieces(
    map: &SourceMap,
    file: usize,
    boundaries: &[usize],
    pieces: usize,
) -> Result<Node, Box<Diagnostic>> {
    let text = &map.files[file].text;
    // One cut near each k/pieces of the text.
    let mut cuts: Vec<usize> = (1..pieces)
        .filter_map(|k| {
            let goal = text.len() * k / pieces;
            let i = boundaries.partition_point(|&b| b < goal);
            boundaries.get(i).copied()
        })
        .collect();
    cuts.dedup();
    if cuts.is_empty() {
        return parse_text(map, file);
    }
    let starts: Vec<usize> = std::iter::once(0).chain(cuts.iter().copied()).collect();
    let ends: Vec<usize> = cuts.iter().copied().chain([text.len()]).collect();
    let parsed: Vec<Option<Node>> = std::thread::scope(|scope| {
        let handles: Vec<_> = starts
            .iter()
            .zip(&ends)
            .map(|(&start, &end)| {
                std::thread::Builder::new()
                    .stack_size(limits::STACK_BYTES)
                    .spawn_scoped(scope, move || {
                        let mut padded = " ".repeat(start);
                        padded.push_str(&text[start..end]);
                        parse_body(&padded, file).ok()
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.ok().and_then(|h| h.join().ok().flatten()))
            .collect()
    });
    let mut root = empty_root(file, text.len());
    for piece in parsed {
        let Some(node) = piece else {
            return parse_text(map, file);
        };
        root.attrs.extend(node.attrs);
        root.blocks.extend(node.blocks);
    }
    Ok(root)
}

fn empty_root(file: usize, len: usize) -> Node {
    Node {
        ident: String::new(),
        labels: Vec::new(),
        attrs: Vec::new(),
        blocks: Vec::new(),
        header: Span {
            file,
            start: 0,
            end: len,
        },
    }
}

/// Parses `text` (of file number `file`) into a root node, without diagnostics.
fn parse_body(text: &str, file: usize) -> Result<Node, hcl::edit::parser::Error> {
    let body = hcl::edit::parser::parse_body(text)?;
    let mut root = empty_root(file, text.len());
    fill(&mut root, body, text, file);
    Ok(root)
}

/// Parses one loaded file into a nameless root node.
pub(crate) fn parse_text(map: &SourceMap, file: usize) -> Result<Node, Box<Diagnostic>> {
    let text = &map.files[file].text;
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let x = super::syntax::explain(text, e.location().offset(), e.message());
        let span = Span {
            file,
            start: x.offset,
            end: x.offset + x.len,
        };
        let mut d = map.error(span, x.message);
        d.help = x.help;
        Box::new(d)
    })?;
    let mut root = empty_root(file, text.len());
    fill(&mut root, body, text, file);
    Ok(root)
}

fn span_of(file: usize, range: Option<std::ops::Range<usize>>) -> Span {
    let r = range.unwrap_or(0..0);
    Span {
        file,
        start: r.start,
        end: r.end,
    }
}

/// Moves the attributes and blocks of a parsed body into `node` (no copies of expressions).
fn fill(node: &mut Node, body: Body, text: &str, file: usize) {
    for structure in body {
        match structure {
            Structure::Attribute(a) => {
                let (refs, funcs) = references::collect(&a.value, file);
                let repeated_keys = repeated_keys(&a.value, text, file);
                let key_span = span_of(file, a.key.span());
                let span = span_of(file, a.span());
                let key = a.key.as_str().to_owned();
                let mut value = a.value;
                let arithmetic = arith::rewrite(&mut value);
                let loops = super::budget::rewrite(&mut value);
                let calls = arithmetic || loops || !funcs.is_empty();
                let lazy = funcs.iter().any(|f| f.name == "try" || f.name == "can");
                node.attrs.push(Attr {
                    key,
                    key_span,
                    span,
                    expr: hcl::Expression::from(value),
                    refs,
                    funcs,
                    calls,
                    lazy,
                    repeated_keys,
                });
            }
            Structure::Block(b) => node.blocks.push(block(b, text, file)),
        }
    }
}

fn block(b: Block, text: &str, file: usize) -> Node {
    let ident_span = span_of(file, b.ident.span());
    let labels: Vec<(String, Span)> = b
        .labels
        .iter()
        .map(|l| (l.as_str().to_owned(), span_of(file, l.span())))
        .collect();
    let header_end = labels.last().map_or(ident_span.end, |(_, s)| s.end);
    let mut node = Node {
        ident: b.ident.as_str().to_owned(),
        labels,
        attrs: Vec::new(),
        blocks: Vec::new(),
        header: Span {
            end: header_end,
            ..ident_span
        },
    };
    fill(&mut node, b.body, text, file);
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(text: &str) -> Result<Node, Box<Diagnostic>> {
        let map = SourceMap {
            files: vec![SourceFile::new(PathBuf::from("d/main.hcl"), text.into())],
        };
        parse_text(&map, 0)
    }

    fn map_of(text: String) -> SourceMap {
        SourceMap {
            files: vec![SourceFile::new(PathBuf::from("d/main.hcl"), text)],
        }
    }

    const BIG: usize = 6000;

    /// A file big enough to be parsed in pieces: many blocks with nested blocks, heredocs and
    /// templates.
    fn big_config() -> String {
        (0..BIG)
            .map(|i| {
                format!(
                    "user \"u{i}\" {{\n  path = \"/t${{{i} % 3}}/\"\n  tags = {{ n = \"{i}\" }}\n  \
                     inline_policy \"p\" {{\n    document = <<EOT\n{{\"a\": \"}}\"}}\nEOT\n  }}\n}}\n"
                )
            })
            .collect()
    }

    #[test]
    fn a_big_file_parsed_in_pieces_gives_what_one_parse_gives() {
        let text = big_config();
        let map = map_of(text);
        let boundaries = limits::check_nesting(&map, 0).unwrap();
        assert_eq!(boundaries.len(), BIG - 1);
        let whole = parse_text(&map, 0).unwrap();
        let pieces = parse_in_pieces(&map, 0, &boundaries, 3).unwrap();
        assert_eq!(format!("{whole:?}"), format!("{pieces:?}"));
        assert_eq!(pieces.blocks.len(), BIG);
        let last = &pieces.blocks[BIG - 1];
        assert_eq!(last.label(), Some(format!("u{}", BIG - 1).as_str()));
        assert_eq!(
            &map.files[0].text[last.header.start..last.header.end],
            format!("user \"u{}\"", BIG - 1)
        );
    }

    #[test]
    fn a_syntax_error_in_a_later_piece_is_reported_where_it_is() {
        let mut text = big_config();
        text.push_str("user \"bad\" {\n  path = \n}\n");
        text.push_str(&big_config());
        let lines = text.lines().count();
        let map = map_of(text);
        let boundaries = limits::check_nesting(&map, 0).unwrap();
        let d = parse_in_pieces(&map, 0, &boundaries, 3).unwrap_err();
        let at = format!("d/main.hcl:{}:10", BIG * 9 + 2);
        assert!(
            d.to_string().contains(&at),
            "want {at} of {lines} lines: {d}"
        );
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let table = [
            ("user \"a\" {\n  path = \n}\n", "d/main.hcl:2:10"),
            ("user \"a\" {\n  path = \"/\"\n", "d/main.hcl:2:"),
            ("a = [1,\n", "d/main.hcl:"),
        ];
        for (text, want) in table {
            let d = parse(text).unwrap_err();
            let shown = d.to_string();
            assert!(shown.starts_with("error: syntax error"), "{shown}");
            assert!(shown.contains(want), "{text:?}: {shown}");
        }
    }

    #[test]
    fn blocks_keep_labels_attributes_and_spans() {
        let root =
            parse("user \"mary\" {\n  path = \"/x/\"\n  inline_policy \"p\" {}\n}\n").unwrap();
        let user = &root.blocks[0];
        assert_eq!(user.ident, "user");
        assert_eq!(user.label(), Some("mary"));
        assert_eq!(user.header.start, 0);
        assert_eq!(user.header.end, "user \"mary\"".len());
        assert_eq!(user.attr("path").unwrap().key_span.start, 16);
        assert_eq!(user.blocks_named("inline_policy").count(), 1);
    }
}
