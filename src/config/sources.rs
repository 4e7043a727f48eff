//! What a configuration read from disk, recorded while it loads and evaluates: the `*.hcl` files
//! (from the source map) and every file that `file`, `templatefile`, `fileexists` and `fileset`
//! looked at, by its path relative to the configuration directory. A saved plan embeds them
//! (`plan::saved`), so that `apply PLANFILE` evaluates exactly the configuration that was
//! reviewed, and can tell whether a checkout holds that configuration.
//!
//! Loading and lowering run on a thread of their own (`limits::on_big_stack`), and hcl-rs
//! functions are plain `fn` pointers: the recorder is a thread-local installed by [`recording`]
//! on that thread, for the duration of one load or lowering.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The files a configuration's evaluation looked at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// Relative path (`/`-separated) -> the text read, or `None` for a file only seen to exist
    /// (`fileexists`, `fileset`): its contents cannot change what the configuration means.
    pub files: BTreeMap<String, Option<String>>,
    /// Paths read that cannot be written relative to the configuration directory (an absolute
    /// path), as written in the configuration.
    pub outside: Vec<String>,
    /// Where the configuration directory is among `files` (`/`-separated, empty when the files
    /// are relative to it): set when it uses modules from outside its directory, whose files are
    /// then named relative to the directory holding all of them.
    pub dir: String,
}

/// A recorder shared with the thread that evaluates.
pub(crate) type Recorder = Arc<Mutex<Sources>>;

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Runs `f` with every file observation of this thread going to `recorder`.
pub(crate) fn recording<T>(recorder: &Recorder, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Recorder>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            RECORDER.with(|r| *r.borrow_mut() = previous);
        }
    }
    let previous = RECORDER.with(|r| r.borrow_mut().replace(Arc::clone(recorder)));
    let _restore = Restore(previous);
    f()
}

/// Records that the file `path` (as written, relative to `base`) under `root` was read (`text`)
/// or seen to exist (`None`). Nothing happens outside [`recording`].
pub(crate) fn observe(root: &Path, base: &Path, path: &str, text: Option<&str>) {
    RECORDER.with(|r| {
        let Some(recorder) = r.borrow().clone() else {
            return;
        };
        let mut sources = recorder.lock().unwrap_or_else(PoisonError::into_inner);
        match relative(root, &base.join(path)) {
            Some(_) => {
                // By absolute path while recording: a module's files are relative to another
                // directory than the configuration's; `Config::sources` names them all.
                let key = absolute(&base.join(path)).to_string_lossy().into_owned();
                let entry = sources.files.entry(key).or_insert(None);
                if entry.is_none() {
                    *entry = text.map(str::to_owned);
                }
            }
            None => sources.outside.push(path.to_owned()),
        }
    });
}

/// `path` made absolute, links resolved when it exists, `.` and `..` applied.
pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .ok()
        .or_else(|| std::path::absolute(path).ok().and_then(|p| lexical(&p)))
        .unwrap_or_else(|| path.to_path_buf())
}

/// The deepest directory holding all of `paths` (absolute).
pub fn common_ancestor<'a>(mut paths: impl Iterator<Item = &'a Path>) -> Option<PathBuf> {
    let mut common = paths.next()?.to_path_buf();
    for p in paths {
        while !p.starts_with(&common) {
            if !common.pop() {
                return None;
            }
        }
    }
    Some(common)
}

/// `path` relative to `root`, `/`-separated, with `.` and `..` taken literally; `None` when it
/// is not below `root`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let (root, path) = (lexical(root)?, lexical(path)?);
    let rest = path.strip_prefix(&root).ok()?;
    let parts: Option<Vec<&str>> = rest
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let parts = parts?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `path` with `.` dropped and `..` applied to what precedes it; `None` when a `..` would climb
/// above the start of a relative path.
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_configuration() {
        let table = [
            (".", "./policies/a.json", Some("policies/a.json")),
            (".", "policies/../a.json", Some("a.json")),
            ("iam", "iam/./x/y.json", Some("x/y.json")),
            ("/abs/iam", "/abs/iam/p.json", Some("p.json")),
            (".", "../a.json", None),
            ("iam", "/etc/passwd", None),
            ("iam", "iam", None),
        ];
        for (root, path, want) in table {
            assert_eq!(
                relative(Path::new(root), Path::new(path)).as_deref(),
                want,
                "{root} {path}"
            );
        }
    }

    #[test]
    fn observations_go_to_the_recorder_only_while_recording() {
        let recorder = Recorder::default();
        observe(Path::new("."), Path::new("."), "before.json", Some("x"));
        recording(&recorder, || {
            observe(Path::new("."), Path::new("."), "seen.json", None);
            observe(Path::new("."), Path::new("."), "seen.json", Some("text"));
            observe(Path::new("."), Path::new("."), "read.json", Some("a"));
            observe(Path::new("."), Path::new("."), "read.json", None);
            observe(Path::new("iam"), Path::new("iam"), "/abs.json", Some("a"));
        });
        observe(Path::new("."), Path::new("."), "after.json", Some("x"));
        let got = recorder.lock().unwrap().clone();
        // Recorded by absolute path; `Config::sources` names them relative to the configuration.
        let at = |name: &str| absolute(Path::new(name)).to_string_lossy().into_owned();
        assert_eq!(
            got.files,
            BTreeMap::from([
                (at("read.json"), Some("a".to_owned())),
                (at("seen.json"), Some("text".to_owned())),
            ])
        );
        assert_eq!(got.outside, ["/abs.json"]);
    }
}
