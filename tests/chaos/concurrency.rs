//! Two writers on one account. iamform keeps no state and takes no lock on AWS (issue: a lease is
//! future work), so two applies can interleave: the account must stay valid, the last writer's
//! re-run must converge, and a saved plan made before the other writer's change must be refused.

use crate::harness::{assert_matches_schema, Test};
use assert_cmd::cargo::CommandCargoExt;
use std::process::{Command, Stdio};

/// Users shared0..9 tagged `team = who`, in group `who`, plus who0..4 of its own.
fn overlapping(who: &str) -> String {
    let mut hcl = format!("group \"{who}\" {{}}\n");
    for i in 0..10 {
        hcl.push_str(&format!(
            "user \"shared{i}\" {{\n  tags   = {{ team = \"{who}\" }}\n  groups = [group.{who}.name]\n}}\n"
        ));
    }
    for i in 0..5 {
        hcl.push_str(&format!("user \"{who}{i}\" {{}}\n"));
    }
    hcl
}

fn apply(config: &Test, account: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("iamform").expect("the iamform binary");
    cmd.args(["apply", "--auto-approve"])
        .arg(config.config())
        .arg("--backend")
        .arg(format!("mock:{}", account.display()))
        .env("IAMFORM_MOCK_FAULTS", "latency_ms=5")
        .env_remove("IAMFORM_BACKEND")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn overlapping_applies_at_once_leave_a_valid_account_and_the_last_writer_converges() {
    let a = Test::new().file("main.hcl", &overlapping("a"));
    let b = Test::new().file("main.hcl", &overlapping("b"));
    let mut first = apply(&a, &a.account());
    let mut second = apply(&b, &a.account());
    let (s1, s2) = std::thread::scope(|s| {
        let h1 = s.spawn(|| first.status().expect("first apply"));
        let h2 = s.spawn(|| second.status().expect("second apply"));
        (h1.join().unwrap(), h2.join().unwrap())
    });
    // Either may fail where the other got there first (EntityAlreadyExists on a different user);
    // neither may crash.
    for s in [s1, s2] {
        assert!(matches!(s.code(), Some(0 | 1)), "{s}");
    }
    assert_matches_schema("mock-account.schema.json", &a.live());
    let users = a.live_names("users");
    assert!(users.len() >= 10, "{users:?}");

    // b writes last: its apply converges, and then its plan is empty.
    let last = apply(&b, &a.account()).status().expect("b again");
    assert!(last.success(), "{last}");
    let plan = Command::cargo_bin("iamform")
        .unwrap()
        .args(["plan", "--detailed-exitcode"])
        .arg(b.config())
        .arg("--backend")
        .arg(format!("mock:{}", a.account().display()))
        .env_remove("IAMFORM_BACKEND")
        .output()
        .expect("plan");
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plan.stdout)
    );
    let live = a.live();
    for i in 0..10 {
        assert_eq!(
            live["account"]["users"][format!("shared{i}")]["tags"]["team"],
            "b"
        );
    }
}

#[test]
fn a_saved_plan_made_before_another_writer_changed_the_account_is_refused() {
    let t = Test::new().file("main.hcl", &overlapping("a"));
    t.apply();
    t.write(
        "main.hcl",
        &overlapping("a").replace("team = \"a\"", "team = \"a2\""),
    );
    let file = t.path("plan.json");
    let file = file.to_str().unwrap();
    t.run(&["plan", "--out", file]).expect(0);
    // Another writer (a colleague's apply, the console) changes one of the planned users.
    t.edit_live(|live| {
        live["account"]["users"]["shared3"]["tags"]["team"] = "someone-else".into();
    });
    let before = t.live();
    let run = t.run_plain(&["apply", "--auto-approve", file]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("shared3"),
        "names what changed: {}",
        run.stderr
    );
    assert_eq!(t.live(), before, "nothing was applied");
}
