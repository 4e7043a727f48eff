//! Writing files in directories that an attacker may have prepared (a pull request's checkout),
//! beside the pipeline: `fmt` and `import` write through [`write_atomic`], and so can anything
//! else that replaces a file (the mock account).
//!
//! A predictable temporary name (`.main.hcl.tmp`) can be planted as a symbolic link to a file the
//! writer may change, and writing to it overwrites the link's target. Here the temporary file is
//! created exclusively (`O_CREAT | O_EXCL`, which also refuses a link there) under a random name
//! in the target's directory, filled, flushed to disk, given the mode of the file it replaces, and
//! renamed over the target: a reader sees the old file or the new one, never half of one, and a
//! link planted at the target is refused rather than followed.

use std::io::{self, Write as _};
use std::path::Path;

/// Replaces (or creates) `path` with `bytes` through an exclusively created temporary file in
/// the same directory. An existing `path` keeps its permissions; it must be a regular file, not a
/// symbolic link (writing through a link would change a file elsewhere) or anything else.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        refuse_unless_regular(path, meta)?;
    }
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // A new file gets the usual mode (the umask applies), not the 0600 of temporary files.
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Some(meta) = &existing {
        // The exact mode of the file replaced, which the umask may have narrowed above.
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Reads a regular file of at most `max` bytes. Refuses anything else before reading a byte: a
/// FIFO (opened without waiting for a writer), a device, a directory; with `follow_links` false
/// also a symbolic link. The limit counts the bytes actually read, so a file whose size the file
/// system reports as 0 (`/proc`, `/dev/zero`) cannot grow memory without bound either.
pub fn read_regular(path: &Path, max: u64, follow_links: bool) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut flags = libc::O_NONBLOCK;
        if !follow_links {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    if !follow_links {
        refuse_unless_regular(path, &std::fs::symlink_metadata(path)?)?;
    }
    let file = options.open(path).map_err(|e| {
        // O_NOFOLLOW on a link fails with ELOOP, which reads as "too many levels of links".
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() && !follow_links => io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is a symbolic link", path.display()),
            ),
            _ => e,
        }
    })?;
    refuse_unless_regular(path, &file.metadata()?)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is larger than {max} bytes", path.display()),
        ));
    }
    Ok(bytes)
}

/// An error unless `meta` (of `path`, not followed) is a regular file.
pub fn refuse_unless_regular(path: &Path, meta: &std::fs::Metadata) -> io::Result<()> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_symlink() {
        "a symbolic link; iamform does not write through links"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} is {what}", path.display()),
    ))
}

/// Makes the rename durable; failing to is not worth failing the write for (some file systems
/// cannot sync a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The directories at or under `root` with their regular files (sorted), for `--all`: hidden
/// entries (`.git`) and symbolic links are skipped, never followed; more than `max_depth` levels
/// or `max_dirs` directories is an error, since the tree comes from a pull request.
pub fn walk_dirs(
    root: &Path,
    max_depth: usize,
    max_dirs: usize,
) -> Result<Vec<(std::path::PathBuf, Vec<std::path::PathBuf>)>, String> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        if out.len() >= max_dirs {
            return Err(format!(
                "{} holds more than {max_dirs} directories: point --all at a smaller tree",
                root.display()
            ));
        }
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot read the directory {}: {e}", dir.display()))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if entry.file_name().to_string_lossy().starts_with('.') || kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                if depth + 1 > max_depth {
                    return Err(format!(
                        "{} is more than {max_depth} directories below {}: keep what --all reads closer to it",
                        entry.path().display(),
                        root.display()
                    ));
                }
                stack.push((entry.path(), depth + 1));
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
        files.sort();
        out.push((dir, files));
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory holding the file `name` with `contents`, and the file's path.
    fn dir_with(name: &str, contents: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        (dir, path)
    }

    #[test]
    fn writes_new_and_replaces_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.hcl");
        write_atomic(&path, b"one").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn reads_only_regular_files_and_counts_the_bytes_read() {
        let (dir, file) = dir_with("x.json", "12345");
        assert_eq!(read_regular(&file, 5, false).unwrap(), b"12345");
        let e = read_regular(&file, 4, false).unwrap_err();
        assert!(e.to_string().contains("larger than 4 bytes"), "{e}");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read_regular(&link, 5, true).unwrap(), b"12345");
        let e = read_regular(&link, 5, false).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        // Without a writer, opening a FIFO would wait forever.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        let e = read_regular(&fifo, 5, true).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        for device in ["/dev/zero", "/dev/null"] {
            let e = read_regular(Path::new(device), 5, true).unwrap_err();
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        let e = read_regular(dir.path(), 5, true).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_dir, path) = dir_with("main.hcl", "old");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_at_the_target_is_refused_and_its_target_untouched() {
        let (dir, victim) = dir_with("victim", "secret");
        let link = dir.path().join("main.hcl");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let e = write_atomic(&link, b"attack").unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"secret");
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_the_old_temporary_name_is_not_followed() {
        let (dir, victim) = dir_with("victim", "secret");
        let path = dir.path().join("main.hcl");
        std::fs::write(&path, "old").unwrap();
        for name in [".main.hcl.iamform-fmt.tmp", ".main.hcl.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
        }
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"secret");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
