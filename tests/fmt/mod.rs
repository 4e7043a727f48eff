//! `iamform fmt`: the canonical layout, idempotence over every configuration in the repository,
//! `--check`, and syntax errors.

mod links;

use assert_cmd::Command;
use iamform::fmt::format_source;
use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.EXT` file under `dir`, recursively (found at test time, so new files are covered).
fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Runs `iamform ARGS` with the given working directory.
fn iamform(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("iamform")
        .expect("the iamform binary")
        .args(args)
        .env_remove("IAMFORM_BACKEND")
        .env("NO_COLOR", "1")
        .write_stdin("")
        .output()
        .expect("run iamform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn formatting_twice_changes_nothing_the_second_time_over_every_configuration() {
    let mut files = Vec::new();
    files_under(&repo().join("examples"), "hcl", &mut files);
    files_under(&repo().join("tests"), "hcl", &mut files);
    assert!(files.len() >= 5, "found only {files:?}");
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        // Bad-input fixtures with syntax errors are refused, not formatted.
        let Ok(once) = format_source(&text) else {
            continue;
        };
        let twice = format_source(&once)
            .unwrap_or_else(|e| panic!("{}: formatted text no longer parses: {e}", path.display()));
        assert_eq!(twice, once, "{}: not idempotent", path.display());
        // Only the layout changed: the same HCL body.
        let before: hcl::Body = hcl::parse(&text).expect("parses");
        let after: hcl::Body = hcl::parse(&once).expect("parses");
        assert_eq!(
            before,
            after,
            "{}: formatting changed the meaning",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 5);
}

/// The string literals of every Rust file under `dir` (raw ones as written, others with their
/// escapes decoded): most configurations of the test suite are written inline.
fn string_literals_under(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    files_under(dir, "rs", &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        for literal in string_literals(&text) {
            out.push((path.clone(), literal));
        }
    }
}

/// A small Rust lexer: enough to find string literals, skipping comments and char literals.
fn string_literals(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            b'r' if text[i..].starts_with("r#\"") => {
                let body = &text[i + 3..];
                let Some(end) = body.find("\"#") else { break };
                out.push(body[..end].to_owned());
                i += 3 + end + 2;
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 3,
            b'\'' if b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'') => i += 4,
            b'"' => {
                let mut value = String::new();
                let mut chars = text[i + 1..].char_indices();
                let mut end = b.len();
                while let Some((j, c)) = chars.next() {
                    match c {
                        '"' => {
                            end = i + 1 + j + 1;
                            break;
                        }
                        '\\' => match chars.next().map(|(_, e)| e) {
                            Some('n') => value.push('\n'),
                            Some('t') => value.push('\t'),
                            Some('\n') => {
                                // A line continuation skips the next line's indentation.
                                while chars.clone().next().is_some_and(|(_, c)| c.is_whitespace()) {
                                    chars.next();
                                }
                            }
                            Some(e) => value.push(e),
                            None => {}
                        },
                        c => value.push(c),
                    }
                }
                out.push(value);
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn formatting_twice_changes_nothing_over_the_configurations_written_inline_in_tests() {
    let mut strings = Vec::new();
    string_literals_under(&repo().join("tests"), &mut strings);
    string_literals_under(&repo().join("src"), &mut strings);
    let mut checked = 0;
    for (path, text) in strings {
        // Only HCL with at least one block: JSON documents and messages are not configurations.
        let Ok(body) = hcl::parse(&text) else {
            continue;
        };
        if body.blocks().next().is_none() {
            continue;
        }
        let once =
            format_source(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
        assert_eq!(
            format_source(&once).as_ref(),
            Ok(&once),
            "{}: not idempotent\n{text}",
            path.display()
        );
        let after: hcl::Body = hcl::parse(&once).expect("parses");
        assert_eq!(body, after, "{}: meaning changed\n{text}", path.display());
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} inline configurations found");
}

const MESSY: &str = r#"# The team's IAM.
backend   "mock"   {   path="account.json" }
policy "billing_read" {
description="Read-only access to the billing bucket"     
    statement {
   sid = "ReadBilling"
        actions = ["s3:GetObject", "s3:ListBucket"] # effect defaults to Allow
  resources = [
"arn:aws:s3:::bucket",
  "arn:aws:s3:::bucket/*",
      ]
    }
}
group "accountants" {


  policies=[policy.billing_read.arn]



}
user "mary" {
  groups = [group.accountants.name]
  tags = {
    department="finance"
    cost_center = "cc-12"
  }
  /* kept
     as written */
}"#;

const TIDY: &str = r#"# The team's IAM.
backend "mock" { path = "account.json" }

policy "billing_read" {
  description = "Read-only access to the billing bucket"
  statement {
    sid     = "ReadBilling"
    actions = ["s3:GetObject", "s3:ListBucket"] # effect defaults to Allow
    resources = [
      "arn:aws:s3:::bucket",
      "arn:aws:s3:::bucket/*",
    ]
  }
}

group "accountants" {
  policies = [policy.billing_read.arn]
}

user "mary" {
  groups = [group.accountants.name]
  tags = {
    department  = "finance"
    cost_center = "cc-12"
  }
  /* kept
     as written */
}
"#;

#[test]
fn a_messy_file_is_formatted_to_the_canonical_text() {
    assert_eq!(format_source(MESSY).expect("valid"), TIDY);
    assert_eq!(format_source(TIDY).expect("valid"), TIDY);
}

#[test]
fn check_lists_the_unformatted_files_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let messy = dir.path().join("a.hcl");
    let tidy = dir.path().join("b.hcl");
    std::fs::write(&messy, MESSY).expect("write");
    std::fs::write(&tidy, TIDY).expect("write");
    std::fs::write(dir.path().join("notes.txt"), "user   =  1\n").expect("write");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(sub.join("c.hcl"), MESSY).expect("write");
    let d = dir.path().to_str().expect("utf-8 path");

    let (code, stdout, stderr) = iamform(&["fmt", "--check", d]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(stdout, format!("{}\n", messy.display()));
    assert_eq!(std::fs::read_to_string(&messy).expect("read"), MESSY);

    let (code, stdout, stderr) = iamform(&["fmt", d]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout, format!("{}\n", messy.display()));
    assert_eq!(std::fs::read_to_string(&messy).expect("read"), TIDY);
    assert_eq!(std::fs::read_to_string(&tidy).expect("read"), TIDY);
    // Not recursive, like the loader; other files untouched.
    assert_eq!(
        std::fs::read_to_string(sub.join("c.hcl")).expect("read"),
        MESSY
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).expect("read"),
        "user   =  1\n"
    );

    let (code, stdout, _) = iamform(&["fmt", "--check", d]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    let (code, stdout, _) = iamform(&["fmt", d]);
    assert_eq!((code, stdout.as_str()), (0, ""));

    // --recursive: the subdirectories too.
    let (code, stdout, _) = iamform(&["fmt", "--check", "--recursive", d]);
    assert_eq!(code, 1);
    assert_eq!(stdout, format!("{}\n", sub.join("c.hcl").display()));
    let (code, _, _) = iamform(&["fmt", "-r", d]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(sub.join("c.hcl")).expect("read"),
        TIDY
    );
}

#[test]
fn every_example_is_formatted() {
    let examples = repo().join("examples");
    let (code, stdout, stderr) = iamform(&[
        "fmt",
        "--check",
        "--recursive",
        examples.to_str().expect("utf-8"),
    ]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
}

#[test]
fn a_syntax_error_is_located_and_no_file_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("a.hcl");
    let bad = dir.path().join("b.hcl");
    std::fs::write(&good, MESSY).expect("write");
    let broken = "user \"mary\" {\n  path = \"/\"\n  groups = [\"a\",,]\n}\n";
    std::fs::write(&bad, broken).expect("write");
    let d = dir.path().to_str().expect("utf-8 path");
    for args in [vec!["fmt", d], vec!["fmt", "--check", d]] {
        let (code, stdout, stderr) = iamform(&args);
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains("syntax error"), "{stderr}");
        assert!(
            stderr.contains(&format!("{}:3:", bad.display())),
            "no file:line:col in {stderr}"
        );
        assert!(
            stderr.contains("groups = [\"a\",,]"),
            "no snippet in {stderr}"
        );
        assert_eq!(std::fs::read_to_string(&good).expect("read"), MESSY);
        assert_eq!(std::fs::read_to_string(&bad).expect("read"), broken);
    }
}

#[test]
fn a_missing_directory_is_an_error() {
    let (code, _, stderr) = iamform(&["fmt", "/nonexistent/iamform-fmt"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("/nonexistent/iamform-fmt"), "{stderr}");
}

const EXPRESSIONS: &str = r#"variable "devs" {
default = ["john","maria"]
}
locals {
  names = [ for n in var.devs : upper(n) if n!="root" ]
  by_name = {for n in var.devs:n=>length(n)*2}
  first = var.devs [0]
  bucket = var.devs==[] ? "none":"acme-${var.devs[0]}"
  policy = <<-EOT
      {  "Version":   "2012-10-17" }
  EOT
  # a comment   with   spaces
  negative=-1 // kept
}
"#;

const EXPRESSIONS_TIDY: &str = r#"variable "devs" {
  default = ["john", "maria"]
}

locals {
  names   = [for n in var.devs : upper(n) if n != "root"]
  by_name = { for n in var.devs : n => length(n) * 2 }
  first   = var.devs[0]
  bucket  = var.devs == [] ? "none" : "acme-${var.devs[0]}"
  policy = <<-EOT
      {  "Version":   "2012-10-17" }
  EOT
  # a comment   with   spaces
  negative = -1 // kept
}
"#;

#[test]
fn expressions_are_respaced_and_heredocs_and_comments_kept_without_changing_meaning() {
    let once = format_source(EXPRESSIONS).expect("valid");
    assert_eq!(once, EXPRESSIONS_TIDY);
    let before: hcl::Body = hcl::parse(EXPRESSIONS).expect("parses");
    let after: hcl::Body = hcl::parse(&once).expect("parses");
    assert_eq!(before, after);
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.hcl"), MESSY).expect("write");
    std::fs::write(dir.path().join("b.hcl"), b"user \"\xff\" {}\n").expect("write");
    let (code, stdout, stderr) = iamform(&["fmt", dir.path().to_str().expect("utf-8")]);
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert!(stderr.contains("b.hcl is not UTF-8"), "{stderr}");
    let a = std::fs::read_to_string(dir.path().join("a.hcl")).expect("read");
    assert_eq!(a, MESSY);
}

/// Every truncation of the sample files: never a panic; when the text parses, the result is
/// idempotent and means the same.
#[test]
fn truncated_files_never_panic_and_stay_idempotent() {
    for sample in [MESSY, TIDY, EXPRESSIONS] {
        for (end, _) in sample.char_indices() {
            let text = &sample[..end];
            if let Ok(once) = format_source(text) {
                assert_eq!(format_source(&once).as_ref(), Ok(&once), "{text:?}");
                let before: hcl::Body = hcl::parse(text).expect("parses");
                let after: hcl::Body = hcl::parse(&once).expect("parses");
                assert_eq!(before, after, "{text:?}");
            }
        }
    }
}

/// Thousands of small edits of the sample files with HCL's significant characters (a
/// deterministic pseudo-random sequence): never a panic; when the result parses, formatting is
/// idempotent and keeps its meaning.
#[test]
fn edited_files_never_panic_and_stay_idempotent() {
    const SIGNIFICANT: &[char] = &[
        '"', '{', '}', '[', ']', '(', ')', '#', '/', '*', '<', '<', '=', '\n', '$', '%', '\\', '-',
        ' ', ',', '.', ':', '?', 'E', 'O', 'T',
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    let mut parsed = 0;
    for sample in [MESSY, EXPRESSIONS] {
        for _ in 0..1500 {
            let mut chars: Vec<char> = sample.chars().collect();
            for _ in 0..1 + next(3) {
                let at = next(chars.len());
                let c = SIGNIFICANT[next(SIGNIFICANT.len())];
                match next(3) {
                    0 => chars[at] = c,
                    1 => chars.insert(at, c),
                    _ => {
                        chars.remove(at);
                    }
                }
            }
            let text: String = chars.into_iter().collect();
            if let Ok(once) = format_source(&text) {
                assert_eq!(format_source(&once).as_ref(), Ok(&once), "{text:?}");
                let before: hcl::Body = hcl::parse(&text).expect("parses");
                let after: hcl::Body = hcl::parse(&once).expect("parses");
                assert_eq!(before, after, "{text:?}");
                parsed += 1;
            }
        }
    }
    assert!(parsed > 100, "only {parsed} edited files parsed");
}
