//! Modules, statically: `module "NAME" { source = "./modules/baseline"  INPUT = … }` (part of
//! step 2, `config::load`).
//!
//! A module is a directory of `*.hcl` files, loaded once however many `module` blocks use it.
//! Its `variable` blocks are its inputs and its `output` blocks what its callers may reference
//! (`module.NAME.OUTPUT`). This file resolves a `source` (a local path, inside the repository
//! root after following symbolic links), and checks a call's inputs against the module's
//! variables and a module's blocks against what a module may declare. The loader (`load`) walks
//! the calls; evaluation is `config::instance`.

use super::diagnostic::{did_you_mean, Diagnostic, SourceMap, Span};
use super::parse::Node;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// How deep modules may nest (a module calling a module calling …), as Terraform's own
/// configurations rarely go past three.
pub(crate) const MAX_DEPTH: usize = 16;

/// The most module instances one configuration evaluates (over every `for_each` and nesting
/// level): each instance evaluates the whole module again.
pub(crate) const MAX_INSTANCES: usize = 10_000;

/// A directory of configuration files: the account's configuration (the first unit) or a module.
#[derive(Clone, Debug, Default)]
pub(crate) struct Unit {
    /// Where its files are read: the configuration directory as given, or a module's directory
    /// with its links resolved.
    pub dir: PathBuf,
    /// How its files are named in messages: `accounts/prod/../../modules/baseline` is shown as
    /// `modules/baseline`.
    pub shown: PathBuf,
    /// Top-level blocks of every file, in file order.
    pub blocks: Vec<Node>,
    /// The labels of its `module` blocks, and the unit each one uses.
    pub calls: BTreeMap<String, usize>,
    /// Its `variable` blocks: where each is declared, and whether it has a default.
    pub variables: BTreeMap<String, (Span, bool)>,
    pub outputs: BTreeSet<String>,
    /// Whether every file parsed: only then are its inputs and outputs checked.
    pub complete: bool,
}

impl Unit {
    /// Records the variables and outputs `blocks` declare.
    pub(crate) fn new(dir: PathBuf, shown: PathBuf, blocks: Vec<Node>, complete: bool) -> Unit {
        let mut variables = BTreeMap::new();
        let mut outputs = BTreeSet::new();
        for b in &blocks {
            match (b.ident.as_str(), b.label()) {
                ("variable", Some(name)) => {
                    variables
                        .entry(name.to_owned())
                        .or_insert((b.header, b.attr("default").is_some()));
                }
                ("output", Some(name)) => {
                    outputs.insert(name.to_owned());
                }
                _ => {}
            }
        }
        Unit {
            dir,
            shown,
            blocks,
            calls: BTreeMap::new(),
            variables,
            outputs,
            complete,
        }
    }
}

/// The directory no module may leave: the repository's top (the nearest directory holding
/// `.git` at or above the configuration), else the directory iamform was given.
#[derive(Clone, Debug)]
pub(crate) struct Root {
    /// With its links resolved; `None` when it cannot be (then no module can be loaded).
    canonical: Option<PathBuf>,
    shown: PathBuf,
}

impl Root {
    pub(crate) fn new(dir: &Path) -> Root {
        Root {
            canonical: std::fs::canonicalize(dir).ok(),
            shown: dir.to_path_buf(),
        }
    }

    /// The repository holding `dir`: the nearest directory at or above it holding `.git` (a
    /// directory, or a worktree's file), else `dir` itself.
    pub(crate) fn of(dir: &Path) -> Root {
        let start = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let top = start
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf);
        match top {
            Some(top) => Root::new(&top),
            None => Root::new(dir),
        }
    }
}

/// A `module` block's source, resolved.
pub(crate) struct Source {
    /// The module directory with its links resolved: where its files are read, and the root of
    /// what its `file()` calls may read.
    pub dir: PathBuf,
    /// As shown in messages.
    pub shown: PathBuf,
}

/// Resolves the `source` of module block `b`, written in a unit read from `dir` and shown as
/// `shown`.
pub(crate) fn source(
    b: &Node,
    dir: &Path,
    shown: &Path,
    root: &Root,
    map: &SourceMap,
) -> Result<Source, Box<Diagnostic>> {
    let label = b.label().unwrap_or_default();
    let Some(attr) = b.attr("source") else {
        return Err(Box::new(
            map.error(b.header, format!("module `{label}` has no `source`"))
                .with_help("e.g. source = \"./modules/baseline\": the module's directory"),
        ));
    };
    let text = match &attr.expr {
        hcl::Expression::String(s) => s.clone(),
        _ => {
            return Err(Box::new(map
                .error(attr.span, "`source` must be a literal path")
                .with_help(
                    "modules are loaded before anything is evaluated: write the path as a quoted string, e.g. \"./modules/baseline\"",
                )))
        }
    };
    if !(text.starts_with("./") || text.starts_with("../")) {
        return Err(Box::new(map
            .error(
                attr.span,
                format!("`{text}` is not a local path: only local modules are supported"),
            )
            .with_help("write the module's directory relative to this one, starting with ./ or ../ (e.g. \"./modules/baseline\")")));
    }
    let outside = || {
        Box::new(map.error(
            attr.span,
            format!(
                "`{text}` is outside the repository {}: modules are read only inside it (after following symbolic links)",
                root.shown.display()
            ),
        )
        .with_help("keep modules in the repository, e.g. in a modules/ directory next to the accounts' directories"))
    };
    let shown_dir = normalize(&shown.join(&text));
    let resolved = match std::fs::canonicalize(dir.join(&text)) {
        Ok(p) => p,
        // Say "outside" rather than "missing" for a path that leaves the tree, so that the
        // answer does not tell what exists elsewhere.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let inside = root
                .canonical
                .as_ref()
                .is_some_and(|r| normalize(&absolute(dir).join(&text)).starts_with(r));
            return Err(if inside {
                Box::new(map.error(
                    attr.span,
                    format!("module directory {} does not exist", shown_dir.display()),
                ))
            } else {
                outside()
            });
        }
        Err(e) => {
            return Err(Box::new(map.error(
                attr.span,
                format!("cannot read module directory {}: {e}", shown_dir.display()),
            )))
        }
    };
    if !root
        .canonical
        .as_ref()
        .is_some_and(|r| resolved.starts_with(r))
    {
        return Err(outside());
    }
    if !resolved.is_dir() {
        return Err(Box::new(map.error(
            attr.span,
            format!(
                "{} is not a directory: `source` names a module's directory",
                shown_dir.display()
            ),
        )));
    }
    Ok(Source {
        dir: resolved,
        shown: shown_dir,
    })
}

/// `dir` with its links resolved, or made absolute as written when it cannot be.
fn absolute(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir)
        .or_else(|_| std::env::current_dir().map(|c| c.join(dir)))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// `a/b/../c` as `a/c`: a `..` removes the directory before it when there is one.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Attributes of a `module` block that are not inputs.
pub(crate) const META: [&str; 2] = ["source", "for_each"];

/// Checks the inputs of module block `b` against the variables of the module it uses.
pub(crate) fn check_inputs(b: &Node, module: &Unit, map: &SourceMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !module.complete {
        return out;
    }
    let label = b.label().unwrap_or_default();
    for a in b.attrs.iter().filter(|a| !META.contains(&a.key.as_str())) {
        if module.variables.contains_key(&a.key) {
            continue;
        }
        let d = map.error(
            a.key_span,
            format!("module `{label}` has no input `{}`", a.key),
        );
        let names = module.variables.keys().map(String::as_str);
        out.push(match did_you_mean(&a.key, names) {
            Some(h) => d.with_help(h),
            None if module.variables.is_empty() => d.with_help(format!(
                "{} declares no variable: remove the input, or declare it there with `variable \"{}\" {{ … }}`",
                module.shown.display(),
                a.key
            )),
            None => d.with_help(format!(
                "its inputs are {}",
                crate::words::backquoted(module.variables.keys(), ", ")
            )),
        });
    }
    for (name, (span, has_default)) in &module.variables {
        if *has_default || b.attr(name).is_some() {
            continue;
        }
        out.push(
            map.error(
                b.header,
                format!("module `{label}` needs the input `{name}`"),
            )
            .with_note(format!(
                "variable `{name}` is declared at {} without a default",
                map.describe(*span)
            ))
            .with_help(format!("add `{name} = …` to this module block")),
        );
    }
    out
}

/// Blocks a module cannot declare: they belong to the account's configuration.
pub(crate) fn check_module_blocks(blocks: &[Node], map: &SourceMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for b in blocks {
        let why = match b.ident.as_str() {
            "backend" => "a module cannot have a backend: the account's configuration that calls it chooses one",
            "settings" => "a module cannot have settings: the scope and audit settings are the account's",
            "moved" => "moved blocks are read only in the account's configuration, not in a module",
            _ => continue,
        };
        out.push(
            map.error(b.header, why)
                .with_help("move this block to the configuration that calls the module"),
        );
    }
    out
}

/// One module block on the way from the configuration to the module being loaded.
#[derive(Clone, Debug)]
pub(crate) struct Frame {
    /// The module directory, links resolved.
    pub dir: PathBuf,
    /// `module.NAME`, as the block is written.
    pub call: String,
    /// Its directory as shown.
    pub shown: PathBuf,
}

/// The error for module block `b` (at `span`) whose source `dir` is already on `stack`: a cycle,
/// naming every module in it; or for a stack too deep.
pub(crate) fn cycle_or_depth(
    stack: &[Frame],
    dir: &Path,
    call: &str,
    span: Span,
    map: &SourceMap,
) -> Option<Diagnostic> {
    if let Some(start) = stack.iter().position(|f| f.dir == dir) {
        let mut chain: Vec<String> = stack[start..]
            .iter()
            .map(|f| format!("{} ({})", f.call, f.shown.display()))
            .collect();
        chain.push(format!("{call} ({})", stack[start].shown.display()));
        return Some(
            map.error(
                span,
                format!("module cycle: {}", chain.join(" -> ")),
            )
            .with_help("a module cannot use itself, directly or through other modules: remove one of these module blocks"),
        );
    }
    (stack.len() >= MAX_DEPTH).then(|| {
        map.error(
            span,
            format!("modules nest more than {MAX_DEPTH} levels deep here"),
        )
        .with_help("call the inner modules from a shallower level")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_without_dot_dot() {
        for (path, want) in [
            ("accounts/prod/../../modules/baseline", "modules/baseline"),
            ("./modules/x", "modules/x"),
            ("../modules/x", "../modules/x"),
            ("/repo/a/../b", "/repo/b"),
            ("a/..", "."),
        ] {
            assert_eq!(normalize(Path::new(path)), PathBuf::from(want), "{path}");
        }
    }
}
