//! The backends the suite runs on, and the one list of what each is known not to enforce.

use iamform::backend::mock::MockBackend;
use iamform::backend::Backend;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

pub const ACCOUNT: &str = "123456789012";

pub struct Target {
    pub name: &'static str,
    pub backend: Arc<dyn Backend>,
    /// The mock's account file, where tests seed what iamform never creates (credentials,
    /// service-linked roles).
    pub mock_file: Option<PathBuf>,
    _dir: Option<TempDir>,
}

/// Cases a backend is known not to enforce: (backend, case, why). Empty for the mock, which is
/// the strict reference.
pub const SKIPS: &[(&str, &str, &str)] = &[];

/// Every target this run can reach, minus the listed skips for `case`.
pub fn targets(case: &str) -> Vec<Target> {
    let mut out = Vec::new();
    if !skipped("mock", case) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("account.json");
        let backend = MockBackend::open(&path, Some(ACCOUNT)).expect("open the mock account");
        out.push(Target {
            name: "mock",
            backend: Arc::new(backend),
            mock_file: Some(path),
            _dir: Some(dir),
        });
    }
    out
}

fn skipped(target: &str, case: &str) -> bool {
    SKIPS.iter().any(|(t, c, _)| *t == target && *c == case)
}

impl Target {
    /// Edits the mock account file directly (for state iamform never creates).
    pub fn edit_mock(&self, f: impl FnOnce(&mut serde_json::Value)) {
        let path = self
            .mock_file
            .as_ref()
            .expect("only the mock can be edited directly");
        let mut value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        f(&mut value);
        std::fs::write(path, serde_json::to_vec_pretty(&value).expect("JSON")).expect("write");
    }
}
