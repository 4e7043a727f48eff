//! The GitHub Actions examples (examples/github-actions/): the decisions their script makes
//! (which pull request was merged, which saved plan is the reviewed one, what to do with the drift
//! issue), run on fixtures shaped as GitHub's API answers them; the install script's checksum
//! check; and what the workflows must never do (an action pinned by tag, a step that may fail
//! silently, a fresh plan on merge, credentials before the install).

use crate::harness::repo;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const HEAD: &str = "1111111111111111111111111111111111111111";
const OLD: &str = "2222222222222222222222222222222222222222";
const MERGE: &str = "3333333333333333333333333333333333333333";
/// `plan-artifact` for PR #12 at HEAD, the listing in `{file}`.
const PLAN_ARTIFACT_FOR_PR_12: [&str; 7] = [
    "plan-artifact",
    "--artifacts",
    "{file}",
    "--pr",
    "12",
    "--head-sha",
    HEAD,
];

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn examples() -> std::path::PathBuf {
    repo().join("examples/github-actions")
}

/// Runs iamform-ci.py with `args`, each `{file}` replaced by the path of a file holding `input`.
fn script(args: &[&str], input: Option<&Value>) -> Out {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("input.json");
    if let Some(v) = input {
        std::fs::write(&file, v.to_string()).expect("write the fixture");
    }
    let file = file.to_str().expect("UTF-8 path").to_owned();
    let args: Vec<String> = args.iter().map(|a| a.replace("{file}", &file)).collect();
    let out = Command::new("python3")
        .arg(examples().join("iamform-ci.py"))
        .args(&args)
        .output()
        .expect("python3 runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// What `gh api repos/O/R/commits/SHA/pulls` answers: the merged PR, an open PR that also holds
/// the commit, and a PR merged as another commit.
fn pulls() -> Value {
    json!([
        { "number": 7, "state": "open", "merged_at": null, "merge_commit_sha": "4444444444444444444444444444444444444444",
          "head": { "sha": "5555555555555555555555555555555555555555" } },
        { "number": 12, "state": "closed", "merged_at": "2026-11-20T10:00:00Z", "merge_commit_sha": MERGE,
          "head": { "sha": HEAD } },
        { "number": 3, "state": "closed", "merged_at": "2026-11-01T10:00:00Z",
          "merge_commit_sha": "6666666666666666666666666666666666666666", "head": { "sha": OLD } }
    ])
}

fn artifact(id: u64, created: &str, head: &str, expired: bool) -> Value {
    json!({ "id": id, "name": "iamform-plan-pr-12", "expired": expired, "created_at": created,
            "workflow_run": { "id": id * 10, "head_sha": head, "head_branch": "feature" } })
}

#[test]
fn apply_finds_the_pull_request_merged_as_the_commit() {
    let out = script(
        &["pull-request", "--pulls", "{file}", "--sha", MERGE],
        Some(&pulls()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("number=12\nhead_sha={HEAD}\n"));
}

#[test]
fn a_commit_pushed_without_a_pull_request_applies_nothing() {
    let direct = "7777777777777777777777777777777777777777";
    let out = script(
        &["pull-request", "--pulls", "{file}", "--sha", direct],
        Some(&pulls()),
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("was not merged from a pull request")
            && out.stderr.contains("nothing was applied"),
        "{}",
        out.stderr
    );
}

#[test]
fn apply_takes_the_last_plan_saved_for_the_pull_request() {
    let listing = json!({ "total_count": 3, "artifacts": [
        artifact(101, "2026-11-19T09:00:00Z", OLD, false),
        artifact(103, "2026-11-20T09:30:00Z", HEAD, false),
        artifact(102, "2026-11-20T09:00:00Z", HEAD, false),
        { "id": 999, "name": "iamform-plan-pr-120", "expired": false, "created_at": "2026-11-21T00:00:00Z",
          "workflow_run": { "id": 9990, "head_sha": HEAD } }
    ]});
    let out = script(&PLAN_ARTIFACT_FOR_PR_12, Some(&listing));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "artifact_id=103\nrun_id=1030\nname=iamform-plan-pr-12\n"
    );
}

/// The plan of the PR's last push failed (or was still running at merge): its last saved plan
/// is of an earlier commit, which is not what was reviewed.
#[test]
fn a_plan_of_an_earlier_commit_is_refused_with_what_to_rerun() {
    let cases = [
        (
            json!({ "artifacts": [artifact(101, "2026-11-19T09:00:00Z", OLD, false)] }),
            "was made on commit 2222222222222222222222222222222222222222, not on its last commit",
        ),
        (
            json!({ "artifacts": [] }),
            "no plan was saved for pull request #12",
        ),
        (
            json!({ "artifacts": [artifact(104, "2026-11-20T09:00:00Z", HEAD, true)] }),
            "has expired",
        ),
        (
            json!({ "message": "Not Found" }),
            "something other than a list of artifacts",
        ),
    ];
    for (listing, why) in cases {
        let out = script(&PLAN_ARTIFACT_FOR_PR_12, Some(&listing));
        assert_eq!(out.code, 1, "{listing}");
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(out.stderr.contains(why), "{why:?} not in {}", out.stderr);
        if why.starts_with("was made") || why.starts_with("no plan") {
            assert!(
                out.stderr
                    .contains("Re-run the iamform plan workflow on pull request #12's last commit"),
                "{}",
                out.stderr
            );
        }
    }
}

#[test]
fn the_saved_plan_record_must_name_the_merged_pull_request() {
    let digest = "sha256:abcd";
    let good = json!({ "pr": 12, "head_sha": HEAD, "config_digest": digest });
    let args = [
        "plan-meta",
        "--meta",
        "{file}",
        "--pr",
        "12",
        "--head-sha",
        HEAD,
    ];
    let out = script(&args, Some(&good));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "config_digest=sha256:abcd\n");
    let other = json!({ "pr": 13, "head_sha": HEAD, "config_digest": digest });
    let out = script(&args, Some(&other));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("not #12"), "{}", out.stderr);
    let out = script(&args, None);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);
}

#[test]
fn the_drift_issue_is_opened_updated_and_closed_by_exit_code() {
    let open = json!([
        { "number": 40, "title": "iamform drift: account 123456789012 differs from the configuration" },
        { "number": 41, "title": "something else with the label" }
    ]);
    let none = json!([]);
    let cases = [
        ("2", &none, "action=create\nnumber=\n"),
        ("2", &open, "action=update\nnumber=40\n"),
        ("0", &open, "action=close\nnumber=40\n"),
        ("0", &none, "action=none\nnumber=\n"),
    ];
    for (code, issues, want) in cases {
        let out = script(
            &["drift-issue", "--exit-code", code, "--issues", "{file}"],
            Some(issues),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout, want, "exit {code} with {issues}");
    }
}

/// Exit 1 is an error, not "no drift" and not drift: the job fails and the issue stays as it is
/// (the script fails before it reads the issue list, which the workflow does not fetch then).
#[test]
fn a_drift_error_fails_without_touching_the_issue() {
    for code in ["1", "101"] {
        let out = script(
            &["drift-issue", "--exit-code", code, "--issues", "{file}"],
            None,
        );
        assert_eq!(out.code, 1, "exit {code}");
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(
            out.stderr
                .contains(&format!("iamform drift failed (exit {code})"))
                && out.stderr.contains("the drift issue is left as it is"),
            "{}",
            out.stderr
        );
    }
}

/// A fake release archive holding an `iamform` that prints its version, and its SHA-256.
fn fake_release(cache: &Path) -> String {
    let stage = cache.join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    let binary = stage.join("iamform");
    std::fs::write(&binary, "#!/bin/sh\necho iamform 9.9.9\n").unwrap();
    let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
    std::fs::set_permissions(&binary, executable).unwrap();
    let archive = cache.join("iamform-v9.9.9-x86_64-unknown-linux-gnu.tar.gz");
    let ok = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg("iamform")
        .status()
        .unwrap();
    assert!(ok.success());
    let sum = Command::new("sha256sum").arg(&archive).output().unwrap();
    String::from_utf8_lossy(&sum.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

fn install(cache: &Path, sum: &str) -> Out {
    let path_file = cache.join("github-path");
    let out = Command::new("bash")
        .arg(examples().join("install-iamform.sh"))
        .env("IAMFORM_VERSION", "9.9.9")
        .env("IAMFORM_SHA256", sum)
        .env("IAMFORM_CACHE", cache)
        .env("GITHUB_PATH", &path_file)
        .output()
        .expect("bash runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_install_step_installs_only_an_archive_with_the_pinned_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let sum = fake_release(dir.path());
    let out = install(dir.path(), &sum);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("from the cache"), "{}", out.stdout);
    assert!(out.stdout.contains("iamform 9.9.9"), "{}", out.stdout);
    let path = std::fs::read_to_string(dir.path().join("github-path")).unwrap();
    assert_eq!(path.trim(), dir.path().join("bin").to_str().unwrap());

    // A cached (or downloaded) archive that is not the pinned one: removed, nothing installed.
    let dir = tempfile::tempdir().unwrap();
    fake_release(dir.path());
    let wrong = "0".repeat(64);
    let out = install(dir.path(), &wrong);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("does not have the pinned SHA-256"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("bin").exists());
    assert!(!dir
        .path()
        .join("iamform-v9.9.9-x86_64-unknown-linux-gnu.tar.gz")
        .exists());

    let out = install(dir.path(), "not-a-sum");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("is not a SHA-256"), "{}", out.stderr);
}

fn workflows() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in [examples(), repo().join(".github/workflows")] {
        for entry in std::fs::read_dir(&dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml") {
                let name = path.strip_prefix(repo()).unwrap().display().to_string();
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The lines of every `run:` script of a workflow.
fn run_blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(at) = block {
            if line.trim().is_empty() || indent > at {
                out.push(line);
                continue;
            }
            block = None;
        }
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(script) = trimmed.strip_prefix("run:") {
            out.push(script);
            block = Some(indent);
        }
    }
    out
}

/// Every third-party action by full commit SHA with its tag in a comment; nothing that may fail
/// silently; no apply of a fresh plan.
#[test]
fn the_workflows_pin_actions_and_never_fall_back() {
    let workflows = workflows();
    let names: Vec<&str> = workflows.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&".github/workflows/release.yml"),
        "{names:?}"
    );
    assert!(names.len() >= 4, "{names:?}");
    for (name, text) in &workflows {
        for line in text.lines() {
            let line = line.trim().trim_start_matches("- ");
            if let Some(action) = line.strip_prefix("uses: ") {
                let (_, rest) = action.split_once('@').unwrap_or_else(|| {
                    panic!("{name}: {line}: no version");
                });
                let (sha, comment) = rest.split_once(" # ").unwrap_or((rest, ""));
                assert!(
                    sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                    "{name}: {line}: not pinned by commit SHA"
                );
                assert!(
                    comment.starts_with('v'),
                    "{name}: {line}: the tag belongs in a comment"
                );
            }
        }
        for line in run_blocks(text) {
            assert!(
                !line.contains("${{"),
                "{name}: an expression spliced into a script (pass it through env:): {line}"
            );
        }
        for banned in ["continue-on-error", "--auto-approve", "cargo install"] {
            assert!(!text.contains(banned), "{name} has {banned}");
        }
    }
}

/// The text of each job of a workflow (what follows `jobs:`, one job per two-space key).
fn jobs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line == "jobs:" {
            inside = true;
        } else if inside && line.len() > 2 && line.starts_with("  ") && !line.starts_with("   ") {
            out.push(String::new());
        }
        if let Some(job) = out.last_mut() {
            job.push_str(line);
            job.push('\n');
        }
    }
    out
}

/// In every job that gets AWS credentials, iamform is installed (and verified) first, and it
/// runs in the one concurrency group of the account.
#[test]
fn the_account_jobs_install_before_credentials_and_share_one_concurrency_group() {
    for name in ["plan.yml", "apply.yml", "drift.yml"] {
        let text = std::fs::read_to_string(examples().join(name)).unwrap();
        let jobs: Vec<String> = jobs(&text)
            .into_iter()
            .filter(|j| j.contains("configure-aws-credentials"))
            .collect();
        assert!(!jobs.is_empty(), "{name}");
        for job in jobs {
            let install = job.find("bash .github/install-iamform.sh");
            let credentials = job.find("configure-aws-credentials");
            assert!(
                install.is_some() && install < credentials,
                "{name}: install after credentials"
            );
            assert!(
                job.contains("group: iamform-account-123456789012"),
                "{name}: not in the account's concurrency group"
            );
        }
        assert!(text.contains("IAMFORM_VERSION: \""), "{name}");
    }
    let apply = std::fs::read_to_string(examples().join("apply.yml")).unwrap();
    assert!(apply.contains("iamform apply reviewed/plan.json --config-dir iam"));
    assert!(
        !apply.contains("iamform plan iam"),
        "apply.yml makes a new plan"
    );
    assert!(apply.contains("environment: production"));
    // A job with an environment presents `environment:NAME` as its token's subject: the apply
    // role must trust that, or the approved job cannot assume it.
    let iam = std::fs::read_to_string(examples().join("iam/main.hcl")).unwrap();
    assert!(
        iam.contains("\"repo:${local.repository}:environment:production\""),
        "the apply role does not trust the production environment"
    );
}
