//! Console passwords. A plan never holds one: apply generates each just before the walk (from the
//! operating system's CSPRNG, `password_length` characters with a letter of each case, a digit
//! and a symbol, so that any password policy IAM can set is met), puts it in its
//! CreateLoginProfile operation ([`crate::operation::Secret`], which is never serialised nor
//! shown), and writes the ones IAM accepted to the `--credentials-out` file only: created with
//! mode 0600, refused if it exists (or is a link), so that no other user can read it and no file
//! is overwritten.

use crate::model::Name;
use crate::operation::{Operation, Secret, UserOp};
use crate::plan::Plan;
use serde::Serialize;
use std::fs::File;
use std::io::{self, Write as _};
use std::path::Path;

const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
/// The symbols IAM's password policies count (`require_symbols`).
const SYMBOLS: &[u8] = b"!@#$%^&*()_+-=[]{}|'";

/// One generated password, with the user it is for.
#[derive(Serialize)]
pub(crate) struct ConsolePassword {
    pub user: Name,
    pub password: String,
    pub password_reset_required: bool,
    /// The operation that sends it, to keep only those applied.
    #[serde(skip)]
    pub operation: usize,
}

/// Whether applying `plan` creates a login profile (and so needs `--credentials-out`).
pub(crate) fn needs_passwords(plan: &Plan) -> bool {
    plan.operations.iter().any(|o| {
        matches!(
            o.operation,
            Operation::User(UserOp::CreateLoginProfile { .. })
        )
    })
}

/// Generates the password of every CreateLoginProfile of `plan` and puts it in the operation.
pub(crate) fn fill(plan: &mut Plan) -> io::Result<Vec<ConsolePassword>> {
    let mut out = Vec::new();
    for planned in &mut plan.operations {
        if let Operation::User(UserOp::CreateLoginProfile {
            user,
            password_reset_required,
            password_length,
            password,
        }) = &mut planned.operation
        {
            let generated = generate(*password_length)?;
            *password = Secret::new(generated.clone());
            out.push(ConsolePassword {
                user: user.clone(),
                password: generated,
                password_reset_required: *password_reset_required,
                operation: planned.id,
            });
        }
    }
    Ok(out)
}

/// A password of `length` characters (at least 4) holding every class.
fn generate(length: u32) -> io::Result<String> {
    let length = usize::try_from(length.max(4)).unwrap_or(4);
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
    loop {
        let password: Vec<u8> = (0..length).map(|_| pick(&all)).collect::<io::Result<_>>()?;
        let has = |class: &[u8]| password.iter().any(|c| class.contains(c));
        if [UPPER, LOWER, DIGITS, SYMBOLS].into_iter().all(has) {
            return Ok(String::from_utf8_lossy(&password).into_owned());
        }
    }
}

/// A uniformly chosen byte of `set` (rejection sampling: no modulo bias).
fn pick(set: &[u8]) -> io::Result<u8> {
    let n = u32::try_from(set.len()).unwrap_or(u32::MAX);
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let r = getrandom::u32().map_err(|e| io::Error::other(e.to_string()))?;
        if r < zone {
            return Ok(set[(r % n) as usize]);
        }
    }
}

/// Creates the credentials file: new (an existing file or link is refused), mode 0600.
pub(crate) fn create(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes the passwords IAM accepted (`applied` says which operations were).
pub(crate) fn write(
    mut file: File,
    passwords: &[ConsolePassword],
    applied: impl Fn(usize) -> bool,
) -> io::Result<usize> {
    let kept: Vec<&ConsolePassword> = passwords.iter().filter(|p| applied(p.operation)).collect();
    let doc = serde_json::json!({ "console_passwords": kept });
    let text = serde_json::to_string_pretty(&doc).map_err(io::Error::other)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    Ok(kept.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_have_every_class_and_the_length() {
        for length in [4, 20, 128] {
            let p = generate(length).unwrap();
            assert_eq!(p.len(), length as usize);
            for class in [UPPER, LOWER, DIGITS, SYMBOLS] {
                assert!(p.bytes().any(|c| class.contains(&c)), "{p}");
            }
        }
        assert_ne!(generate(20).unwrap(), generate(20).unwrap());
    }

    #[test]
    fn the_file_is_new_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.json");
        let file = create(&path).unwrap();
        let passwords = [ConsolePassword {
            user: Name::from("ann"),
            password: "Secret-1".into(),
            password_reset_required: true,
            operation: 3,
        }];
        assert_eq!(write(file, &passwords, |id| id == 3).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\"user\": \"ann\"") && text.contains("Secret-1"),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            create(&path).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
    }
}
