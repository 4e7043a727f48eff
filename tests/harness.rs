//! `Test::new().file(..).run(&[..])`: a temporary configuration directory and mock account.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub struct Test {
    dir: TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

impl Test {
    pub fn new() -> Test {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(dir.path().join("config")).expect("config directory");
        Test { dir }
    }

    /// The configuration directory.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// The mock account file every run uses (`--backend mock:PATH`).
    pub fn account(&self) -> PathBuf {
        self.dir.path().join("account.json")
    }

    /// Writes (or overwrites) a configuration file.
    pub fn file(self, name: &str, text: &str) -> Test {
        self.write(name, text);
        self
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.config().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent directory");
        }
        std::fs::write(path, text).expect("write a configuration file");
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.config().join(name)).expect("remove a configuration file");
    }

    /// Copies an example's files (recursively) into the configuration directory.
    pub fn example(self, name: &str) -> Test {
        self.files_of(&repo().join("examples").join(name))
    }

    /// Copies the files of a directory (recursively) into the configuration directory.
    pub fn files_of(self, dir: &Path) -> Test {
        copy_dir(dir, &self.config());
        self
    }

    /// Runs `iamform ARGS CONFIG --backend mock:ACCOUNT` with stdin closed.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// `run` with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("iamform").expect("the iamform binary");
        cmd.args(args).arg(self.config());
        self.backend_for(&mut cmd, args);
        cmd.envs(env.iter().copied());
        output(cmd)
    }

    /// `--backend mock:ACCOUNT`, for the commands that read an account (validate, lint and fmt
    /// take no backend).
    fn backend_for(&self, cmd: &mut Command, args: &[&str]) {
        if !matches!(args.first(), Some(&("validate" | "lint" | "fmt"))) {
            cmd.arg("--backend")
                .arg(format!("mock:{}", self.account().display()));
        }
    }

    /// `run_env`, killed after a generous two minutes: a hang fails the test instead of blocking
    /// the suite (this is not a performance bound).
    pub fn run_bounded(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("iamform").expect("the iamform binary");
        cmd.args(args).arg(self.config());
        self.backend_for(&mut cmd, args);
        cmd.envs(env.iter().copied())
            .timeout(std::time::Duration::from_secs(120));
        output(cmd)
    }

    /// Runs `iamform ARGS` as given: no configuration directory, no `--backend`.
    pub fn run_plain(&self, args: &[&str]) -> Run {
        self.run_plain_env(args, &[])
    }

    /// `run_plain` with extra environment variables.
    pub fn run_plain_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("iamform").expect("the iamform binary");
        cmd.args(args).envs(env.iter().copied());
        output(cmd)
    }

    /// Runs `iamform ARGS CONFIG --backend mock:ACCOUNT` with its stdout a pipe that is closed
    /// before iamform writes to it (`iamform plan | head -0`); `stdout` is empty.
    pub fn run_closed_stdout(&self, args: &[&str]) -> Run {
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let reads_an_account = !matches!(args[0].as_str(), "validate" | "lint" | "fmt");
        args.push(self.config().display().to_string());
        if reads_an_account {
            args.push("--backend".to_owned());
            args.push(format!("mock:{}", self.account().display()));
        }
        closed_stdout(&args)
    }

    /// `apply --auto-approve`, expecting success.
    #[track_caller]
    pub fn apply(&self) -> Run {
        self.run(&["apply", "--auto-approve"]).expect(0)
    }

    /// `plan --detailed-exitcode`, expecting no changes.
    #[track_caller]
    pub fn assert_converged(&self) {
        let run = self.run(&["plan", "--detailed-exitcode"]).expect(0);
        assert!(run.stdout.contains("No changes."), "{}", run.stdout);
    }

    /// The mock account file as JSON.
    pub fn live(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.account()).expect("the mock account file exists");
        serde_json::from_str(&text).expect("the mock account file is JSON")
    }

    /// The names of the live entities of one kind (`users`, `groups`, …), as spelled.
    pub fn live_names(&self, kind: &str) -> Vec<String> {
        self.live()["account"][kind]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read example directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "account.json" {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// Validates a JSON value against one of the schemas in `schemas/`.
#[track_caller]
pub fn assert_matches_schema(schema: &str, value: &serde_json::Value) {
    let errors = schema_errors(schema, value);
    assert!(errors.is_empty(), "{schema}: {errors:#?}");
}

/// Asserts that `text` (a run's stdout or stderr) says each of `parts`; on failure, prints the
/// part missing and the whole text.
#[track_caller]
pub fn assert_says(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} is not in:\n{text}");
    }
}

/// Where `value` breaks the schema schemas/`schema`; empty when it matches.
pub fn schema_errors(schema: &str, value: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("schemas").join(schema)).expect("schema file");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

impl Test {
    /// Changes the mock account file by hand, as someone in the console would.
    pub fn edit_live(&self, f: impl FnOnce(&mut serde_json::Value)) {
        let mut live = self.live();
        f(&mut live);
        let text = serde_json::to_string_pretty(&live).expect("JSON");
        std::fs::write(self.account(), text).expect("write the mock account file");
    }

    /// A path in the test's temporary directory, outside the configuration.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Parses a run's stdout as JSON.
#[track_caller]
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// Runs `cmd` with stdin closed, no colour and no backend from the environment.
fn output(mut cmd: Command) -> Run {
    let out = cmd
        .env_remove("IAMFORM_BACKEND")
        .env("NO_COLOR", "1")
        .write_stdin("")
        .output()
        .expect("run iamform");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `iamform ARGS` with stdin closed and stdout a pipe whose reading end is closed at once.
pub fn closed_stdout(args: &[String]) -> Run {
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("iamform"))
        .args(args)
        .env_remove("IAMFORM_BACKEND")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iamform");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("iamform ends");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
