//! `file`, `templatefile`, `fileexists` and `fileset`: the functions that read the disk, confined
//! to one directory tree.
//!
//! A configuration comes from a pull request, and what `file()` returns can end up in a plan
//! posted as a comment: a path outside the configuration's tree (`/proc/self/environ`,
//! `../../.aws/credentials`, or a link pointing there) is refused after resolving symbolic links,
//! and only regular files are read (a FIFO would block forever, `/dev/zero` never ends), counting
//! the bytes read rather than trusting the size the file system reports.
//!
//! hcl-rs functions are plain `fn` pointers, so these find their directories through a
//! thread-local set by [`with_file_root`] for the duration of an evaluation.

use super::{bounded, object_arg, str_arg};
use hcl::eval::{Context, FuncArgs};
use hcl::{Map, Value};
use std::cell::{Cell, RefCell};
use std::path::{Component, Path, PathBuf};

/// Files read by `file()` or `templatefile()` larger than this are refused (policies are at most a
/// few KiB).
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;

/// Most files `fileset` lists, and most directories it walks through, in one call.
const MAX_FILESET_ENTRIES: usize = 10_000;

/// Where relative paths start, and the tree no path may leave.
#[derive(Clone, Debug)]
struct Files {
    base: PathBuf,
    /// `None` when the root cannot be resolved (it does not exist): then nothing can be read.
    root: Option<PathBuf>,
    /// The root as given, for messages.
    shown_root: PathBuf,
}

thread_local! {
    static FILES: RefCell<Option<Files>> = const { RefCell::new(None) };
    /// Set while a template file is evaluated: templatefile cannot call itself (as in Terraform).
    static IN_TEMPLATE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with relative paths resolved against `base` and every path confined to `root`'s
/// tree (a module's directory may be its root, with `base` inside it).
pub(crate) fn with_file_root<T>(root: &Path, base: &Path, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Files>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            FILES.with(|b| *b.borrow_mut() = previous);
        }
    }
    let files = Files {
        base: base.to_path_buf(),
        root: std::fs::canonicalize(root).ok(),
        shown_root: root.to_path_buf(),
    };
    let previous = FILES.with(|b| b.borrow_mut().replace(files));
    let _restore = Restore(previous);
    f()
}

fn files() -> Result<Files, String> {
    FILES
        .with(|b| b.borrow().clone())
        .ok_or_else(|| "files can only be read while a configuration is evaluated".to_owned())
}

/// The path `path` (as written in the configuration) names, resolved (links followed) and
/// checked to be inside the root; `Ok(None)` when nothing exists there.
fn resolve(path: &str) -> Result<Option<PathBuf>, String> {
    let files = files()?;
    if path.is_empty() {
        return Err("the path is empty".to_owned());
    }
    let full = files.base.join(path);
    let outside = || {
        format!(
            "`{path}` is outside the configuration directory {}: files are read only inside it \
             (after following symbolic links)",
            files.shown_root.display()
        )
    };
    let Some(root) = &files.root else {
        return Err(outside());
    };
    let resolved = match std::fs::canonicalize(&full) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Say "outside" rather than "missing" for a path that leaves the tree, so that the
            // answer does not tell what exists elsewhere.
            return if lexically_inside(&full, root) {
                Ok(None)
            } else {
                Err(outside())
            };
        }
        Err(e) => return Err(format!("cannot read `{path}`: {e}")),
    };
    if !resolved.starts_with(root) {
        return Err(outside());
    }
    Ok(Some(resolved))
}

/// Whether `path` stays inside `root` when `..` is taken literally (for paths that do not exist).
fn lexically_inside(path: &Path, root: &Path) -> bool {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(d) => d.join(path),
            Err(_) => return false,
        }
    };
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // The existing part of the path may hold links: compare what can be resolved.
    let mut existing = out.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return false,
        }
    }
    match std::fs::canonicalize(existing) {
        Ok(p) => p.starts_with(root) && rest.iter().all(|n| n != ".."),
        Err(_) => false,
    }
}

/// The text of the file `path` names, confined and bounded.
fn read_confined(path: &str) -> Result<String, String> {
    let resolved = resolve(path)?.ok_or_else(|| format!("`{path}` does not exist"))?;
    let bytes = crate::fsutil::read_regular(&resolved, MAX_FILE_BYTES, false).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            format!("`{path}` is larger than {MAX_FILE_BYTES} bytes, the most file() reads")
        } else {
            format!("cannot read `{path}`: {}", reason(&e, &resolved))
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|_| format!("`{path}` is not UTF-8 text"))?;
    observe(path, Some(&text))?;
    Ok(text)
}

/// Tells the recorder of a saved plan's sources (`config::sources`) that `path` was read or seen.
fn observe(path: &str, text: Option<&str>) -> Result<(), String> {
    let files = files()?;
    crate::config::sources::observe(&files.shown_root, &files.base, path, text);
    Ok(())
}

/// An I/O error without the resolved path it may repeat.
fn reason(e: &std::io::Error, resolved: &Path) -> String {
    let text = e.to_string();
    let shown = resolved.display().to_string();
    text.strip_prefix(&shown)
        .map_or(text.clone(), |rest| format!("it{rest}"))
}

pub(super) fn file(args: FuncArgs) -> Result<Value, String> {
    read_confined(str_arg(&args, 0)?).map(Value::String)
}

/// `fileexists(path)`: whether a regular file exists there (an error for a directory or
/// anything else, as in Terraform).
pub(super) fn fileexists(args: FuncArgs) -> Result<Value, String> {
    let path = str_arg(&args, 0)?;
    let Some(resolved) = resolve(path)? else {
        return Ok(Value::Bool(false));
    };
    let meta = std::fs::metadata(&resolved).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    if meta.is_file() {
        observe(path, None)?;
        Ok(Value::Bool(true))
    } else {
        Err(format!("`{path}` is not a regular file"))
    }
}

/// `fileset(path, pattern)`: the regular files under `path` whose path relative to it matches
/// the glob `pattern` (`*`, `**`, `?`, `[abc]`, `{a,b}`), sorted. Links are not followed into
/// directories; a linked file is listed only when it resolves inside the root.
pub(super) fn fileset(args: FuncArgs) -> Result<Value, String> {
    let (path, pattern) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    let matcher = glob_regex(pattern)?;
    let Some(dir) = resolve(path)? else {
        return Ok(Value::Array(Vec::new()));
    };
    let root = files()?.root.unwrap_or_default();
    let mut out = Vec::new();
    let mut pending = vec![(dir, String::new())];
    let mut seen = 0usize;
    while let Some((dir, prefix)) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot list `{path}`: {e}"))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list `{path}`: {e}"))?;
            seen += 1;
            if seen > MAX_FILESET_ENTRIES {
                return Err(format!(
                    "`{path}` holds more than {MAX_FILESET_ENTRIES} entries; fileset lists at most that many"
                ));
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let listed = kind.is_file()
                || (kind.is_symlink()
                    && std::fs::canonicalize(entry.path())
                        .is_ok_and(|p| p.starts_with(&root) && p.is_file()));
            if kind.is_dir() {
                pending.push((entry.path(), format!("{relative}/")));
            } else if listed && matcher.is_match(&relative) {
                observe(&format!("{path}/{relative}"), None)?;
                out.push(relative);
            }
        }
    }
    out.sort();
    Ok(Value::Array(out.into_iter().map(Value::String).collect()))
}

/// A glob as an anchored regular expression over `/`-separated relative paths.
fn glob_regex(pattern: &str) -> Result<regex::Regex, String> {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut braces = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                // `**/` matches zero or more directories; a final `**` matches everything.
                if chars.get(i + 2) == Some(&'/') {
                    re.push_str("(?:[^/]*/)*");
                    i += 3;
                } else {
                    re.push_str(".*");
                    i += 2;
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| p + i + 1)
                    .ok_or_else(|| format!("the pattern `{pattern}` has an unclosed `[`"))?;
                let mut class: String = chars[i + 1..end].iter().collect();
                if let Some(rest) = class.strip_prefix('!') {
                    class = format!("^{rest}");
                }
                re.push('[');
                re.push_str(&class.replace('\\', "\\\\").replace('[', "\\["));
                re.push(']');
                i = end + 1;
                continue;
            }
            '{' => {
                braces += 1;
                re.push_str("(?:");
            }
            '}' if braces > 0 => {
                braces -= 1;
                re.push(')');
            }
            ',' if braces > 0 => re.push('|'),
            '\\' if i + 1 < chars.len() => {
                re.push_str(&regex::escape(&chars[i + 1].to_string()));
                i += 2;
                continue;
            }
            other => re.push_str(&regex::escape(&other.to_string())),
        }
        i += 1;
    }
    if braces > 0 {
        return Err(format!("the pattern `{pattern}` has an unclosed `{{`"));
    }
    re.push('$');
    regex::Regex::new(&re).map_err(|e| format!("invalid pattern `{pattern}`: {e}"))
}

/// `templatefile(path, vars)`: the file rendered as a template with `vars` (and every function
/// but `templatefile` itself, which Terraform does not allow either: a template including
/// itself would never end).
pub(super) fn templatefile(args: FuncArgs) -> Result<Value, String> {
    if IN_TEMPLATE.with(Cell::get) {
        return Err(
            "a template cannot call templatefile (a template that includes itself would never end)"
                .to_owned(),
        );
    }
    let path = str_arg(&args, 0)?;
    let text = read_confined(path)?;
    let vars: &Map<String, Value> = object_arg(&args, 1)?;
    if let Some(offset) = crate::config::limits::template_nesting_offset(&text) {
        let line = text[..offset].matches('\n').count() + 1;
        return Err(format!(
            "`{path}` line {line}: {}",
            crate::config::limits::too_deep()
        ));
    }
    let template: hcl::Template = text
        .parse()
        .map_err(|e| format!("`{path}` is not a valid template: {e}"))?;
    let mut ctx = Context::new();
    super::declare(&mut ctx);
    for (k, v) in vars {
        ctx.declare_var(k.as_str(), v.clone());
    }
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            IN_TEMPLATE.with(|t| t.set(false));
        }
    }
    IN_TEMPLATE.with(|t| t.set(true));
    let _leave = Leave;
    let rendered = crate::config::lazy::evaluate_template(&template, &ctx)
        .map_err(|e| format!("`{path}`: {}", e.kind()))?;
    bounded(Value::String(rendered))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_base_dir<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
        with_file_root(dir, dir, f)
    }

    /// Calls function `name` with string arguments.
    fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
        let args: Vec<String> = args
            .iter()
            .map(|a| serde_json::to_string(a).unwrap())
            .collect();
        super::super::tests::eval(&format!("{name}({})", args.join(", ")))
    }

    #[test]
    fn globs() {
        let table = [
            ("files/*.txt", "files/hello.txt", true),
            ("files/*.txt", "files/sub/hello.txt", false),
            ("files/**/*.txt", "files/hello.txt", true),
            ("files/**/*.txt", "files/a/b/hello.txt", true),
            ("**", "a/b/c", true),
            ("files/{hello,world}.txt", "files/world.txt", true),
            ("files/{hello,world}.txt", "files/other.txt", false),
            ("?.json", "a.json", true),
            ("[ab].json", "b.json", true),
            ("[!ab].json", "b.json", false),
            ("a.b", "axb", false),
        ];
        for (pattern, path, want) in table {
            assert_eq!(
                glob_regex(pattern).unwrap().is_match(path),
                want,
                "{pattern} {path}"
            );
        }
        assert!(glob_regex("[a").is_err());
        assert!(glob_regex("{a,b").is_err());
    }

    #[test]
    fn fileset_and_fileexists_follow_terraforms_examples() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        std::fs::create_dir_all(files.join("sub")).unwrap();
        for f in ["hello.txt", "world.txt", "other.json", "sub/deep.txt"] {
            std::fs::write(files.join(f), "x").unwrap();
        }
        let s = |v: &str| Value::String(v.to_owned());
        let list = |items: &[&str]| Value::Array(items.iter().map(|i| s(i)).collect());
        with_base_dir(dir.path(), || {
            let table = [
                (
                    ".",
                    "files/*.txt",
                    list(&["files/hello.txt", "files/world.txt"]),
                ),
                (
                    ".",
                    "files/{hello,world}.txt",
                    list(&["files/hello.txt", "files/world.txt"]),
                ),
                (
                    "files",
                    "*",
                    list(&["hello.txt", "other.json", "world.txt"]),
                ),
                (
                    "files",
                    "**",
                    list(&["hello.txt", "other.json", "sub/deep.txt", "world.txt"]),
                ),
            ];
            for (path, pattern, want) in table {
                assert_eq!(
                    call("fileset", vec![s(path), s(pattern)]).unwrap(),
                    want,
                    "{path} {pattern}"
                );
            }
            assert_eq!(
                call("fileexists", vec![s("files/hello.txt")]).unwrap(),
                Value::Bool(true)
            );
            assert_eq!(
                call("fileexists", vec![s("files/nope.txt")]).unwrap(),
                Value::Bool(false)
            );
            assert!(call("fileexists", vec![s("files")]).is_err());
        });
    }

    #[cfg(unix)]
    #[test]
    fn nothing_outside_the_root_is_read_listed_or_even_looked_at() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("config");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(outer.path().join("secret"), "AWS_SECRET").unwrap();
        std::fs::write(root.join("ok.json"), "{}").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret"), root.join("link.json")).unwrap();
        std::os::unix::fs::symlink(outer.path(), root.join("up")).unwrap();
        let s = |v: &str| Value::String(v.to_owned());
        with_base_dir(&root, || {
            assert_eq!(call("file", vec![s("ok.json")]).unwrap(), s("{}"));
            for path in [
                "../secret",
                "link.json",
                "up/secret",
                "/proc/self/environ",
                "/etc/passwd",
                "../nothing-here",
            ] {
                let e = call("file", vec![s(path)]).unwrap_err();
                assert!(
                    e.contains("outside the configuration directory"),
                    "{path}: {e}"
                );
                let e = call("fileexists", vec![s(path)]).unwrap_err();
                assert!(e.contains("outside"), "{path}: {e}");
            }
            let e = call("fileset", vec![s(".."), s("*")]).unwrap_err();
            assert!(e.contains("outside"), "{e}");
            // A linked file pointing outside is not listed; the linked directory is not entered.
            assert_eq!(
                call("fileset", vec![s("."), s("**")]).unwrap(),
                Value::Array(vec![s("ok.json")])
            );
        });
    }

    #[test]
    fn a_template_stops_rendering_past_the_largest_value() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.tpl"),
            "%{ for i in range(1024) }${big}%{ endfor }",
        )
        .unwrap();
        let mib = r#"join("", [for i in range(1024) : join("", [for j in range(1024) : "x"])])"#;
        let e = with_base_dir(dir.path(), || {
            super::super::tests::eval(&format!(r#"templatefile("t.tpl", {{ big = {mib} }})"#))
        })
        .unwrap_err();
        assert!(
            e.contains("the template renders more than 16,777,216 bytes"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read_and_only_so_much() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        std::fs::write(
            dir.path().join("big.json"),
            vec![b' '; MAX_FILE_BYTES as usize + 1],
        )
        .unwrap();
        let s = |v: &str| Value::String(v.to_owned());
        with_base_dir(dir.path(), || {
            let e = call("file", vec![s("fifo.json")]).unwrap_err();
            assert!(e.contains("not a regular file"), "{e}");
            let e = call("file", vec![s("big.json")]).unwrap_err();
            assert!(e.contains("larger than 1048576 bytes"), "{e}");
        });
    }
}
