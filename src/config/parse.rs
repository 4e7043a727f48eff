//! Step 1 of loading: read every `*.hcl` file of the directory and parse it with hcl-edit, keeping
//! byte spans, into a small owned tree of blocks and attributes ([`Node`], [`Attr`]).
//!
//! Expressions are converted to `hcl::Expression` for evaluation; the references and function
//! calls in them are collected here, while the spans are still available.

use super::arith;
use super::diagnostic::{display_path, Diagnostic, SourceFile, SourceMap, Span};
use super::limits;
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
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    pub fn blocks_named<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    pub fn label(&self) -> Option<&str> {
        self.labels.first().map(|(l, _)| l.as_str())
    }

    /// Every attribute of this block and its nested blocks.
    pub fn all_attrs(&self) -> Vec<&Attr> {
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
pub(crate) fn parse_dir(dir: &Path) -> (SourceMap, Vec<Node>, Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let d = Diagnostic::error(format!(
                "cannot read the configuration directory {}: {e}",
                dir.display()
            ));
            return (SourceMap::default(), Vec::new(), vec![d]);
        }
    };
    let mut names = Vec::new();
    let mut diags = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot list {}: {e}",
                    dir.display()
                )));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".hcl") || name.starts_with('.') {
            continue;
        }
        if entry.path().is_file() {
            names.push(name);
        }
    }
    names.sort();
    if names.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(format!("no .hcl files in {}", dir.display())).with_help(
                "a configuration is every *.hcl file of one directory; start with a main.hcl",
            ),
        );
    }
    let mut map = SourceMap::default();
    let mut nodes = Vec::new();
    for name in names {
        let path = display_path(dir, &name);
        let text = match std::fs::read(dir.join(&name)) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    diags.push(Diagnostic::error(format!(
                        "{} is not UTF-8 text",
                        path.display()
                    )));
                    continue;
                }
            },
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
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
        if let Err(d) = limits::check_nesting(&map, file) {
            diags.push(*d);
            continue;
        }
        match parse_text(&map, file) {
            Ok(node) => nodes.push(node),
            Err(d) => diags.push(*d),
        }
    }
    (map, nodes, diags)
}

/// Parses one loaded file into a nameless root node.
pub(crate) fn parse_text(map: &SourceMap, file: usize) -> Result<Node, Box<Diagnostic>> {
    let text = &map.files[file].text;
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let offset = e.location().offset();
        let span = Span {
            file,
            start: offset,
            end: offset + 1,
        };
        Box::new(map.error(span, format!("syntax error: {}", e.message())))
    })?;
    let whole = Span {
        file,
        start: 0,
        end: text.len(),
    };
    let mut root = Node {
        ident: String::new(),
        labels: Vec::new(),
        attrs: Vec::new(),
        blocks: Vec::new(),
        header: whole,
    };
    fill(&mut root, body, file);
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
fn fill(node: &mut Node, body: Body, file: usize) {
    for structure in body {
        match structure {
            Structure::Attribute(a) => {
                let (refs, funcs) = references::collect(&a.value, file);
                let key_span = span_of(file, a.key.span());
                let span = span_of(file, a.span());
                let key = a.key.as_str().to_owned();
                let mut value = a.value;
                let calls = arith::rewrite(&mut value) || !funcs.is_empty();
                node.attrs.push(Attr {
                    key,
                    key_span,
                    span,
                    expr: hcl::Expression::from(value),
                    refs,
                    funcs,
                    calls,
                });
            }
            Structure::Block(b) => node.blocks.push(block(b, file)),
        }
    }
}

fn block(b: Block, file: usize) -> Node {
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
    fill(&mut node, b.body, file);
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
