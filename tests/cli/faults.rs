//! Apply under faults: a crash mid-apply, two applies at once, throttling, a failing call.

use crate::harness::{assert_matches_schema, Test};
use assert_cmd::cargo::CommandCargoExt;
use std::process::{Command, Stdio};
use std::time::Duration;

/// `count` users named `{prefix}0..`, each in group `{prefix}-team`, named literally (not by
/// reference) so that only the memberships depend on the group.
fn team(prefix: &str, count: usize) -> String {
    let mut hcl = format!("group \"{prefix}-team\" {{}}\n");
    for i in 0..count {
        hcl.push_str(&format!(
            "user \"{prefix}{i}\" {{\n  groups = [\"{prefix}-team\"]\n}}\n"
        ));
    }
    hcl
}

fn apply_process(t: &Test, faults: &str) -> Command {
    apply_to(t, &t.account(), faults)
}

/// `apply` of `t`'s configuration to the mock account at `account`.
fn apply_to(t: &Test, account: &std::path::Path, faults: &str) -> Command {
    let mut cmd = Command::cargo_bin("iamform").expect("the iamform binary");
    cmd.args(["apply", "--auto-approve"])
        .arg(t.config())
        .arg("--backend")
        .arg(format!("mock:{}", account.display()))
        .env("IAMFORM_MOCK_FAULTS", faults)
        .env_remove("IAMFORM_BACKEND")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn a_killed_apply_leaves_a_valid_account_and_a_rerun_converges() {
    let t = Test::new().file("main.hcl", &team("u", 60));
    let mut child = apply_process(&t, "latency_ms=100")
        .spawn()
        .expect("start apply");
    // 120 operations, 10 at a time, 100 ms each: about 1.2 s of work. Kill it once the first
    // writes landed (however slow this machine is to get there), well before the end.
    let started = std::time::Instant::now();
    while !t.account().exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().expect("SIGKILL the apply");
    child.wait().expect("reap");

    assert!(t.account().exists(), "the apply had started writing");
    let live = t.live();
    assert_matches_schema("mock-account.schema.json", &live);
    let created = t.live_names("users").len();
    assert!(
        created < 60,
        "the kill came too late to test anything ({created} users)"
    );

    t.apply();
    assert_eq!(t.live_names("users").len(), 60);
    t.assert_converged();
}

#[test]
fn two_applies_on_one_file_at_once_lose_no_update() {
    let a = Test::new().file("main.hcl", &team("a", 25));
    let b = Test::new().file("main.hcl", &team("b", 25));
    // Both configurations point at a's account file.
    let mut first = apply_process(&a, "latency_ms=5");
    let mut second = apply_to(&b, &a.account(), "latency_ms=5");
    let (s1, s2) = std::thread::scope(|s| {
        let h1 = s.spawn(|| first.status().expect("first apply"));
        let h2 = s.spawn(|| second.status().expect("second apply"));
        (h1.join().unwrap(), h2.join().unwrap())
    });
    assert!(s1.success() && s2.success(), "{s1} {s2}");
    let users = a.live_names("users");
    assert_eq!(users.len(), 50, "{users:?}");
    assert_eq!(a.live_names("groups"), ["a-team", "b-team"]);
    assert_matches_schema("mock-account.schema.json", &a.live());
    a.assert_converged();
}

#[test]
fn throttling_on_30_percent_of_calls_is_retried_to_completion() {
    let t = Test::new().example("quickstart");
    let out = apply_process(&t, "throttle=0.3")
        .arg("-v")
        .stderr(Stdio::piped())
        .output()
        .expect("apply");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("retrying after Throttling"),
        "retries are visible with -v: {stderr}"
    );
    t.assert_converged();
}

#[test]
fn a_non_retryable_failure_skips_dependents_applies_the_rest_and_a_rerun_converges() {
    let t = Test::new().file("main.hcl", &team("u", 5));
    // With one operation at a time the plan's stable order makes call 1 `CreateUser user.u0`;
    // only u0's membership depends on it.
    let out = apply_process(&t, "fail_call=1:LimitExceeded")
        .args(["--parallelism", "1"])
        .stdout(Stdio::piped())
        .output()
        .expect("apply");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("failed: CreateUser user.u0"), "{stdout}");
    assert!(stdout.contains("LimitExceeded"), "{stdout}");
    assert!(
        stdout.contains("skipped: AddUserToGroup user.u0 group.u-team"),
        "{stdout}"
    );
    assert!(
        stdout.contains("9 applied, 1 failed, 1 skipped"),
        "{stdout}"
    );
    assert_eq!(t.live_names("users"), ["u1", "u2", "u3", "u4"]);
    assert_eq!(t.live_names("groups"), ["u-team"]);

    t.apply();
    t.assert_converged();
}

#[test]
fn faults_can_be_set_in_the_backend_block_and_bad_ones_are_located() {
    let t = Test::new().file(
        "main.hcl",
        "backend \"mock\" {\n  path   = \"acct.json\"\n  faults = \"fail_call=1:LimitExceeded\"\n}\nuser \"u\" {}\n",
    );
    let out = Command::cargo_bin("iamform")
        .unwrap()
        .args(["apply", "--auto-approve"])
        .arg(t.config())
        .env_remove("IAMFORM_MOCK_FAULTS")
        .env_remove("IAMFORM_BACKEND")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("failed: CreateUser user.u"), "{stdout}");

    t.write(
        "main.hcl",
        "backend \"mock\" {\n  path   = \"acct.json\"\n  faults = \"throttle=3\"\n}\n",
    );
    let run = t.run(&["validate"]).expect(1);
    assert!(run.stderr.contains("main.hcl:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("between 0 and 1"), "{}", run.stderr);
}

/// Defect 19.6: a call that took effect but whose answer was lost failed the apply when its retry
/// met EntityAlreadyExists or NoSuchEntity. Now a retry that fails so is a success when the
/// account, read back, shows the intended state.
#[test]
fn calls_whose_answer_was_lost_are_recognised_as_done() {
    let t = Test::new().example("quickstart");
    let run = t.run_env(
        &["apply", "--auto-approve", "-v"],
        &[("IAMFORM_MOCK_FAULTS", "lose_response=0.3")],
    );
    let run = run.expect(0);
    assert!(run.stdout.contains("Apply complete"), "{}", run.stdout);
    assert!(
        run.stderr.contains("its answer was lost"),
        "some answers were lost and recognised:\n{}",
        run.stderr
    );
    t.assert_converged();
    // And the teardown too: every deletion whose answer is lost is recognised as done.
    t.write(
        "main.hcl",
        "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\n",
    );
    for name in [
        "users.hcl",
        "roles.hcl",
        "policies.hcl",
        "password_policy.hcl",
    ] {
        t.remove(name);
    }
    t.run_env(
        &["apply", "--auto-approve", "--max-destroy", "100"],
        &[("IAMFORM_MOCK_FAULTS", "lose_response=0.3")],
    )
    .expect(0);
    t.assert_converged();
}
