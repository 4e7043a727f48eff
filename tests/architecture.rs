//! The module graph of src/: imports point only downstream, towards the model.
//!
//! Every `crate::…` path (and `super::…` between files) of non-test code is an edge; each
//! top-level module may use only the modules [`LAYERS`] lists for it, and within a module no two
//! files may use each other in a circle. A back edge — `config` reaching into a backend, `plan`
//! into `config` — fails here, in CI. A new module gets a row (and, if something uses it, a place
//! in that something's row); keep the rows in an order where each uses only rows above it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module of src/ and the modules it may use, lowest layer first.
const LAYERS: &[(&str, &[&str])] = &[
    // Counted nouns in messages ("1 entity", "2 entities"), PascalCase names.
    ("words", &[]),
    // IAM's data and facts: names, addresses, policy documents, the Account, quotas, ARNs.
    ("model", &["words"]),
    // Reading and writing files safely (no links followed, bounded reads, exclusive creates).
    ("fsutil", &[]),
    // What a run was asked for, and the backend settings (from the command line or a block).
    ("settings", &["model"]),
    ("catalog", &["model"]),
    // The offline policy evaluator, and the AWS managed policies it embeds (which `config` and
    // the mock ask whether an AWS managed policy exists).
    ("access", &["model", "catalog"]),
    // The stages: configuration in, desired account out; diff; operations; plan.
    (
        "config",
        &["model", "settings", "access", "fsutil", "words"],
    ),
    ("diff", &["model"]),
    ("operation", &["model"]),
    (
        "plan",
        &["model", "settings", "access", "diff", "operation", "words"],
    ),
    // What uses a plan, or talks to an account.
    (
        "backend",
        &["model", "fsutil", "access", "operation", "settings"],
    ),
    // The self-lockout guard decides with the evaluator, on the account as the mock's IAM
    // leaves it after each operation.
    (
        "guard",
        &["model", "access", "operation", "plan", "backend", "words"],
    ),
    ("apply", &["model", "operation", "plan", "backend"]),
    ("drift", &["model", "access", "diff", "operation", "plan"]),
    ("audit", &["model", "operation", "backend", "words"]),
    ("lint", &["model", "catalog", "config", "words"]),
    // The combined report of a command run over many accounts: plans, drift, audits.
    ("accounts", &["plan", "drift", "audit"]),
    ("fmt", &["config", "fsutil"]),
    ("synth", &["model"]),
    // Output: the only place that prints.
    (
        "render",
        &[
            "model",
            "settings",
            "access",
            "config",
            "diff",
            "operation",
            "plan",
            "guard",
            "apply",
            "drift",
            "audit",
            "lint",
            "accounts",
            "words",
        ],
    ),
    ("import", &["model", "backend", "render", "fmt", "fsutil"]),
    // The command line and the wiring of the pipeline.
    ("cli", &["model", "settings", "render"]),
    (
        "run",
        &[
            "model",
            "settings",
            "catalog",
            "access",
            "config",
            "diff",
            "operation",
            "plan",
            "guard",
            "backend",
            "apply",
            "drift",
            "audit",
            "lint",
            "accounts",
            "fmt",
            "synth",
            "render",
            "import",
            "cli",
            "words",
            "fsutil",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/config/eval.rs` is `["config", "eval"]`, `src/plan/mod.rs`
/// `["plan"]`, `src/lib.rs` `[]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).expect("a file of src/");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments, string literals and its `#[cfg(test)]` part (tests may
/// reach anywhere: they are not part of the graph).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// The modules a file's code names: `crate::a::b`, `crate::{a, b::c}`, `super::x`, resolved to
/// absolute module paths (as deep as the path names modules; the caller truncates).
fn uses(module: &[String], is_mod_file: bool, code: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    // The lowercase segments of the path at the start of `s` (`model::iam::Arn` is model, iam).
    let ident = |s: &str| -> Vec<String> {
        let path: String = s
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        path.split("::")
            .take_while(|p| p.chars().next().is_some_and(char::is_lowercase))
            .map(str::to_owned)
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                out.insert(ident(item));
            }
        } else {
            out.insert(ident(rest));
        }
    }
    // `super::` from `a/b.rs` (module a::b) is `a`; from `a/mod.rs` (module a) the crate root.
    let _ = is_mod_file;
    let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("::") || code[..at].ends_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let mut base = parent.clone();
        base.extend(ident(&code[at + "super::".len()..]));
        out.insert(base);
    }
    out.retain(|p| !p.is_empty());
    out
}

struct Graph {
    /// Top-level module -> (module it uses, a file that does).
    top: BTreeMap<String, BTreeMap<String, String>>,
    /// Per directory module, file-level edges between its children.
    siblings: BTreeMap<Vec<String>, BTreeSet<(String, String)>>,
}

fn graph() -> Graph {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut g = Graph {
        top: BTreeMap::new(),
        siblings: BTreeMap::new(),
    };
    for file in all {
        let module = module_of(&file);
        let Some(top) = module.first().cloned() else {
            continue; // lib.rs, main.rs: the crate root
        };
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        if name == "tests.rs" || module.iter().any(|m| m == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let is_mod = name == "mod.rs";
        for used in uses(&module, is_mod, &code(&text)) {
            let shown = file.strip_prefix(src()).unwrap().display().to_string();
            if used[0] != top {
                g.top
                    .entry(top.clone())
                    .or_default()
                    .entry(used[0].clone())
                    .or_insert(shown);
                continue;
            }
            // Within one module: an edge between two children of the same parent, neither of
            // them the parent itself.
            let depth = module.len();
            if !is_mod
                && depth >= 2
                && used.len() >= depth
                && used[..depth - 1] == module[..depth - 1]
            {
                let (from, to) = (module[depth - 1].clone(), used[depth - 1].clone());
                if from != to {
                    g.siblings
                        .entry(module[..depth - 1].to_vec())
                        .or_default()
                        .insert((from, to));
                }
            }
        }
    }
    g
}

#[test]
fn imports_point_only_downstream() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = LAYERS
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect();
    let mut wrong = Vec::new();
    for (module, used) in &graph().top {
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "src/{module} is not in LAYERS: add a row saying what it may use"
            ));
            continue;
        };
        for (dep, file) in used {
            if !may.contains(dep.as_str()) {
                wrong.push(format!("{module} -> {dep} (src/{file})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers of tests/architecture.rs:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_layers_are_ordered_and_name_real_modules() {
    let mut above: BTreeSet<&str> = BTreeSet::new();
    for (module, deps) in LAYERS {
        for dep in *deps {
            assert!(
                above.contains(dep),
                "{module} may use {dep}, which is not a row above it: the layers must not loop"
            );
        }
        assert!(
            src().join(module).is_dir() || src().join(format!("{module}.rs")).is_file(),
            "{module} is not a module of src/"
        );
        above.insert(module);
    }
}

#[test]
fn no_two_files_of_a_module_use_each_other_in_a_circle() {
    let mut circles = Vec::new();
    for (parent, edges) in &graph().siblings {
        for (a, b) in edges {
            if a < b && reaches(edges, b, a) {
                circles.push(format!("src/{}: {a} <-> {b}", parent.join("/")));
            }
        }
    }
    assert!(circles.is_empty(), "circles:\n  {}", circles.join("\n  "));
}

/// Whether `from` reaches `to` along `edges`.
fn reaches(edges: &BTreeSet<(String, String)>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(at) = stack.pop() {
        if at == to {
            return true;
        }
        if seen.insert(at.clone()) {
            stack.extend(
                edges
                    .iter()
                    .filter(|(a, _)| *a == at)
                    .map(|(_, b)| b.clone()),
            );
        }
    }
    false
}

#[test]
fn the_parser_sees_crate_paths_groups_and_super() {
    let module = vec!["config".to_owned(), "load".to_owned()];
    let code = code(
        "use crate::{model::Name, diff};\nuse super::eval::x; // crate::backend\nlet s = \"crate::guard\"; crate::plan::build();",
    );
    let got: Vec<String> = uses(&module, false, &code)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(got, ["config::eval::x", "diff", "model", "plan::build"]);
}

#[test]
fn only_render_writes_to_stdout_and_stderr() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let mut writers = Vec::new();
    for file in all {
        let rel = file.strip_prefix(src()).unwrap().display().to_string();
        if rel.starts_with("render/") || rel.ends_with("tests.rs") {
            continue;
        }
        let code = code(&std::fs::read_to_string(&file).expect("a readable source file"));
        for needle in [
            "print!(",
            "println!(",
            "eprint!(",
            "eprintln!(",
            "dbg!(",
            "stdout()",
            "stderr()",
        ] {
            let found = code
                .match_indices(needle)
                .any(|(at, _)| !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if found {
                writers.push(format!("src/{rel}: {needle}"));
            }
        }
    }
    assert!(
        writers.is_empty(),
        "only src/render/ writes to stdout or stderr (through render::printer):\n  {}",
        writers.join("\n  ")
    );
}
