//! The configuration a saved plan was made from, embedded in it: every file the configuration
//! read (the `*.hcl` files, and what `file`, `templatefile`, `fileexists` and `fileset` looked
//! at) with its path relative to the configuration directory, and the values of its input
//! variables with where they came from. `apply PLANFILE` evaluates it again, in a directory of
//! its own, to re-derive the operations it may run.
//!
//! The file comes from wherever plans are kept between jobs, so it is read as hostile: every path
//! must be a plain relative path (no `..`, no absolute path, no empty or `.` part), and the whole
//! is bounded.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The most bytes of file contents a saved plan embeds (a 10,000-entity configuration is about
/// 5 MiB of HCL).
pub const MAX_EMBEDDED_BYTES: usize = 64 << 20;

/// The most files a saved plan embeds.
pub const MAX_EMBEDDED_FILES: usize = 20_000;

/// The configuration a plan was made from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Configuration {
    /// In path order, each path once.
    pub files: Vec<EmbeddedFile>,
    /// The values given to the variables the configuration declares (`--var`, `--var-file`,
    /// `IAMFORM_VAR_*`); defaults are in the files.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Variable>,
    /// Where the configuration directory is among `files` when it uses modules from outside it
    /// (the files are then relative to the directory holding them all); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dir: String,
}

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedFile {
    /// Relative to the configuration directory, `/`-separated.
    pub path: String,
    /// The text read; absent for a file the configuration only saw exist (`fileexists`,
    /// `fileset`), whose contents cannot change the plan.
    pub content: Option<String>,
}

/// One input variable's value, as JSON, and its origin (`--var env=…`, `vars.hcl:3`, …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    pub value: serde_json::Value,
    pub origin: String,
}

impl Configuration {
    /// The configuration of these files (path -> text, or `None` when only seen to exist) and
    /// variables; an error when it is too large to embed, or a path cannot be embedded.
    pub fn new(
        files: BTreeMap<String, Option<String>>,
        variables: BTreeMap<String, Variable>,
    ) -> Result<Configuration, String> {
        let config = Configuration {
            files: files
                .into_iter()
                .map(|(path, content)| EmbeddedFile { path, content })
                .collect(),
            variables,
            dir: String::new(),
        };
        config.check()?;
        Ok(config)
    }

    /// Bytes of embedded contents.
    pub fn size(&self) -> usize {
        self.files
            .iter()
            .map(|f| f.path.len() + f.content.as_ref().map_or(0, String::len))
            .sum()
    }

    /// `sha256:` of the canonical JSON of the whole configuration, files and variables.
    pub fn digest(&self) -> String {
        // Serialising plain data cannot fail.
        super::digest(&serde_json::to_vec(self).unwrap_or_default())
    }

    /// What makes the configuration unusable: too large, a path that is not a plain relative
    /// one, paths out of order or repeated, or a path that is both a file and a directory.
    pub fn check(&self) -> Result<(), String> {
        if self.files.len() > MAX_EMBEDDED_FILES {
            return Err(format!(
                "it holds {} files; a saved plan embeds at most {MAX_EMBEDDED_FILES}",
                self.files.len()
            ));
        }
        let size = self.size();
        if size > MAX_EMBEDDED_BYTES {
            return Err(format!(
                "its files hold {size} bytes; a saved plan embeds at most {MAX_EMBEDDED_BYTES}"
            ));
        }
        for f in &self.files {
            check_path(&f.path)?;
        }
        if !self.dir.is_empty() {
            check_path(&self.dir)?;
        }
        for pair in self.files.windows(2) {
            let (a, b) = (&pair[0].path, &pair[1].path);
            if a >= b {
                return Err(format!(
                    "its files are not in path order, or `{b}` is listed twice"
                ));
            }
        }
        for f in &self.files {
            let prefix = format!("{}/", f.path);
            if self.files.iter().any(|g| g.path.starts_with(&prefix)) {
                return Err(format!("`{}` is both a file and a directory", f.path));
            }
        }
        Ok(())
    }

    /// Writes the files under `dir` (a fresh directory of its own), creating each exclusively;
    /// a file only seen to exist is written empty.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        use std::io::Write as _;
        self.check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        for f in &self.files {
            let path = dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            file.write_all(f.content.as_deref().unwrap_or_default().as_bytes())?;
        }
        Ok(())
    }

    /// The first file (in path order) in which `self` and `other` differ, described from
    /// `self`'s side with `other` named `other_name`; `None` when their files are the same.
    pub fn first_difference(&self, other: &Configuration, other_name: &str) -> Option<String> {
        let mine: BTreeMap<&str, &Option<String>> = self
            .files
            .iter()
            .map(|f| (f.path.as_str(), &f.content))
            .collect();
        let theirs: BTreeMap<&str, &Option<String>> = other
            .files
            .iter()
            .map(|f| (f.path.as_str(), &f.content))
            .collect();
        let paths: std::collections::BTreeSet<&str> =
            mine.keys().chain(theirs.keys()).copied().collect();
        paths
            .into_iter()
            .find_map(|p| match (mine.get(p), theirs.get(p)) {
                (Some(_), None) => Some(format!("{p} is in the plan but not in {other_name}")),
                (None, Some(_)) => Some(format!(
                    "{p} is in {other_name} but not in the plan's configuration"
                )),
                (Some(a), Some(b)) if a != b => Some(format!("{p} differs")),
                _ => None,
            })
    }
}

/// A path a plan may embed: relative, `/`-separated, every part a plain name.
fn check_path(path: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("the embedded path {path:?} {why}"));
    if path.is_empty() || path.len() > 4096 {
        return bad("is empty or too long");
    }
    if path.contains('\0') || path.contains('\\') {
        return bad("holds a NUL or a backslash");
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad(
                "is not a plain relative path (an empty, `.` or `..` part, or a leading `/`)",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> BTreeMap<String, Option<String>> {
        paths
            .iter()
            .map(|p| ((*p).to_owned(), Some(format!("text of {p}"))))
            .collect()
    }

    #[test]
    fn only_plain_relative_paths_are_embedded() {
        assert!(
            Configuration::new(files(&["main.hcl", "policies/a.json"]), BTreeMap::new()).is_ok()
        );
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "",
            "a\\b",
            "a/.",
            "a\0b",
        ] {
            let e = Configuration::new(files(&[bad]), BTreeMap::new()).unwrap_err();
            assert!(e.contains("embedded path"), "{bad}: {e}");
        }
        let e = Configuration::new(files(&["a", "a/b"]), BTreeMap::new()).unwrap_err();
        assert!(e.contains("both a file and a directory"), "{e}");
        let mut c = Configuration::new(files(&["a", "b"]), BTreeMap::new()).unwrap();
        c.files.swap(0, 1);
        assert!(c.check().unwrap_err().contains("path order"));
        c.files[0] = c.files[1].clone();
        assert!(c.check().unwrap_err().contains("listed twice"));
    }

    #[test]
    fn too_much_is_refused() {
        let big = BTreeMap::from([("big.hcl".to_owned(), Some("x".repeat(MAX_EMBEDDED_BYTES)))]);
        let e = Configuration::new(big, BTreeMap::new()).unwrap_err();
        assert!(e.contains("embeds at most"), "{e}");
    }

    #[test]
    fn written_out_and_compared() {
        let mut f = files(&["main.hcl", "policies/a.json"]);
        f.insert("seen/only.txt".into(), None);
        let c = Configuration::new(f, BTreeMap::new()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        c.write_to(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("policies/a.json")).unwrap(),
            "text of policies/a.json"
        );
        assert_eq!(
            std::fs::read(dir.path().join("seen/only.txt")).unwrap(),
            b""
        );
        // A second write meets the files it made: nothing is overwritten.
        assert!(c.write_to(dir.path()).is_err());

        let mut other = c.clone();
        assert_eq!(c.first_difference(&other, "DIR"), None);
        other.files[0].content = Some("changed".into());
        assert_eq!(
            c.first_difference(&other, "DIR").unwrap(),
            "main.hcl differs"
        );
        other.files.remove(0);
        assert_eq!(
            c.first_difference(&other, "DIR").unwrap(),
            "main.hcl is in the plan but not in DIR"
        );
        assert_eq!(
            other.first_difference(&c, "DIR").unwrap(),
            "main.hcl is in DIR but not in the plan's configuration"
        );
        assert_ne!(c.digest(), other.digest());
    }
}
