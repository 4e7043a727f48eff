//! The account configurations under a directory, for `--all DIR` (before step 2: which
//! directories are configurations at all).
//!
//! An account's configuration is a directory holding a `backend` block; module directories,
//! which cannot have one, are not accounts. The walk follows no symbolic link, skips hidden
//! directories (`.git`, `.terraform`) and is bounded in depth and in directories, since the
//! tree comes from a pull request.

use std::path::{Path, PathBuf};

/// How deep below DIR account directories are looked for.
pub const MAX_DEPTH: usize = 32;

/// How many directories the walk visits at most.
pub const MAX_DIRECTORIES: usize = 20_000;

/// Every directory at or under `root` whose `*.hcl` files declare a `backend` block, sorted.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dirs = crate::fsutil::walk_dirs(root, MAX_DEPTH, MAX_DIRECTORIES)?;
    Ok(dirs
        .into_iter()
        .filter(|(_, files)| {
            files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "hcl"))
                .any(|f| declares_backend(f))
        })
        .map(|(dir, _)| dir)
        .collect())
}

/// Whether the file at `path` has a top-level `backend` block. A file that does not parse is
/// judged by its lines, so that an account with a syntax error is planned (and its error
/// reported) rather than silently left out.
fn declares_backend(path: &Path) -> bool {
    let Ok(bytes) = crate::fsutil::read_regular(path, super::parse::MAX_FILE_BYTES, false) else {
        return false;
    };
    let text = String::from_utf8_lossy(&bytes);
    match hcl::edit::parser::parse_body(&text) {
        Ok(body) => body.blocks().any(|b| b.ident.as_str() == "backend"),
        Err(_) => text.lines().any(|l| {
            l.trim_start()
                .strip_prefix("backend")
                .is_some_and(|rest| rest.starts_with([' ', '\t', '"', '{']))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_the_directories_with_a_backend_block() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("accounts/prod/main.hcl", "backend \"mock\" {}\n");
        write("accounts/dev/backend.hcl", "backend \"mock\" {}\n");
        write("accounts/dev/main.hcl", "group \"g\" {}\n");
        write("accounts/broken/main.hcl", "backend \"mock\" {\ngroup {\n");
        write("modules/baseline/main.hcl", "variable \"x\" {}\n");
        write("notes/main.hcl", "# backend \"mock\" {}\n");
        write(".hidden/main.hcl", "backend \"mock\" {}\n");
        let got: Vec<String> = discover(dir.path())
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(got, ["accounts/broken", "accounts/dev", "accounts/prod"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_not_followed_and_depth_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("main.hcl"), "backend \"mock\" {}\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
        assert!(discover(dir.path()).unwrap().is_empty());
        let deep: PathBuf = (0..=MAX_DEPTH).map(|i| format!("d{i}")).collect();
        std::fs::create_dir_all(dir.path().join(deep)).unwrap();
        let e = discover(dir.path()).unwrap_err();
        assert!(e.contains("is more than 32 directories below"), "{e}");
    }
}
