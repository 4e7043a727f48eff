//! Every file of tests/lang/bad/ is a configuration that `iamform validate` must refuse. Its
//! header says what to expect, one pair of lines per error:
//!
//! ```text
//! # expect: a fragment of the error message
//! # at: main.hcl:LINE:COL
//! # help: a fragment the error's notes or help must contain (optional, repeatable)
//! ```
//!
//! Each run must exit 1 and print every expected error, each once, with its location and a caret
//! snippet, and no other error.
//!
//! A case that needs more than one file (a module, say) is a directory: its files are the
//! configuration, the header is that of its `main.hcl`, and `# at:` paths are relative to it
//! (`modules/baseline/main.hcl:3:5`).

use super::error_with;
use crate::harness::{repo, Test};
use std::path::Path;

struct Expected {
    fragment: String,
    at: String,
    help: Vec<String>,
}

fn expectations(text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut fragment = None;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(f) = line.strip_prefix("# expect: ") {
            fragment = Some(f.to_owned());
        } else if let Some(at) = line.strip_prefix("# at: ") {
            let fragment = fragment.take().expect("`# expect:` comes before `# at:`");
            out.push(Expected {
                fragment,
                at: at.to_owned(),
                help: Vec::new(),
            });
        } else if let Some(help) = line.strip_prefix("# help: ") {
            let last = out.last_mut().expect("`# help:` comes after `# at:`");
            last.help.push(help.to_owned());
        }
    }
    out
}

/// What is wrong with one case's run, if anything: a file, or a directory of files.
fn check(name: &str, case: &Path) -> Option<String> {
    let main = if case.is_dir() {
        case.join("main.hcl")
    } else {
        case.to_path_buf()
    };
    let text = std::fs::read_to_string(&main).expect("read a case");
    let expected = expectations(&text);
    if expected.is_empty() {
        return Some(format!("{name}: no `# expect:` / `# at:` header"));
    }
    let t = if case.is_dir() {
        Test::new().files_of(case)
    } else {
        Test::new().file("main.hcl", &text)
    };
    let run = t.run(&["validate"]);
    let mut problems = Vec::new();
    if run.code != 1 {
        problems.push(format!("exit code {} instead of 1", run.code));
    }
    if !run.stdout.is_empty() {
        problems.push("something on stdout".to_owned());
    }
    let reported = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .count();
    if reported != expected.len() {
        problems.push(format!(
            "{reported} errors reported, {} expected",
            expected.len()
        ));
    }
    for e in &expected {
        let Some(error) = error_with(&run.stderr, &e.fragment) else {
            problems.push(format!("no error containing `{}`", e.fragment));
            continue;
        };
        let at = format!("{}/{}\n", t.config().display(), e.at);
        if !error.contains(&format!("--> {at}")) {
            problems.push(format!("`{}` is not reported at {}", e.fragment, e.at));
        }
        if !error
            .lines()
            .any(|l| l.trim_start().starts_with("| ") && l.contains('^'))
        {
            problems.push(format!("`{}` has no caret under its span", e.fragment));
        }
        for help in &e.help {
            if !error.contains(help.as_str()) {
                problems.push(format!("`{}` does not say `{help}`", e.fragment));
            }
        }
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{name}: {}\n--- stderr\n{}",
            problems.join("; "),
            run.stderr
        ))
    }
}

#[test]
fn every_bad_configuration_is_refused_with_its_message_and_location() {
    let dir = repo().join("tests/lang/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/lang/bad")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".hcl") || dir.join(n).is_dir())
        .collect();
    names.sort();
    assert!(names.len() >= 30, "only {} bad configurations", names.len());
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| check(name, &dir.join(name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
