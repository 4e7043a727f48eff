//! The configuration language through the real `iamform` binary: a corpus of bad configurations
//! (`bad/*.hcl`), input variables and their precedence, `for_each` at scale, `lifecycle`, and the
//! language examples under examples/.

// The CLI tests' harness: a temporary configuration directory and mock account per test.
#[allow(dead_code)]
#[path = "../cli/harness.rs"]
mod harness;

mod bad;
mod examples;
mod for_each;
mod inputs;
mod validate;

use assert_cmd::Command;
use harness::{Run, Test};

/// Runs `iamform ARGS CONFIG --backend mock:ACCOUNT` with extra environment variables.
pub fn run_env(t: &Test, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("iamform").expect("the iamform binary");
    cmd.args(args)
        .arg(t.config())
        .arg("--backend")
        .arg(format!("mock:{}", t.account().display()))
        .env_remove("IAMFORM_BACKEND")
        .env("NO_COLOR", "1")
        .write_stdin("");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run iamform");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The error of `stderr` whose message contains `fragment`, with its location and snippet: the
/// lines from one that starts with `error: ` up to the next such line.
pub fn error_with<'a>(stderr: &'a str, fragment: &str) -> Option<&'a str> {
    let starts: Vec<usize> = stderr
        .match_indices("error: ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || stderr.as_bytes()[i - 1] == b'\n')
        .collect();
    starts.iter().enumerate().find_map(|(k, &start)| {
        let end = starts.get(k + 1).copied().unwrap_or(stderr.len());
        let chunk = &stderr[start..end];
        chunk
            .lines()
            .next()
            .is_some_and(|l| l.contains(fragment))
            .then_some(chunk)
    })
}
