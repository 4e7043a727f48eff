//! The account's apply lock (issue 24.9): a lease held as a managed policy of a reserved path
//! and name in the account, so that two applies against one account never interleave. Here on
//! the mock; tests/aws/lease.rs runs the same on moto.

use crate::harness::Test;

/// The apply lock's policy as another run holding it created it: its holder in its tags.
pub(crate) fn lease_policy(who: &str, expires: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "iamform-apply-lock",
        "path": "/iamform/lock/",
        "tags": {
            "iamform:lease-holder": who,
            "iamform:lease-acquired": "2026-01-01T00:00:00Z",
            "iamform:lease-expires": expires,
            "iamform:lease-id": "0123456789abcdef",
        },
        "document": {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Deny",
                "Action": "iam:GetUser",
                "Resource": "arn:aws:iam::*:user/iamform/lock/none",
            }],
        },
    })
}

/// Seeds the account with the lease held by another run (a configuration cannot declare it:
/// validate refuses the reserved path and name).
fn held_by(t: &Test, who: &str, expires: &str) {
    if !t.account().exists() {
        let empty = serde_json::json!({
            "format_version": 2,
            "account_id": "123456789012",
            "account": {},
        });
        std::fs::write(t.account(), empty.to_string()).expect("write the mock account");
    }
    t.edit_live(|live| {
        live["account"]["policies"]["iamform-apply-lock"] = lease_policy(who, expires);
    });
}

/// Whether the account holds the lease.
fn locked(t: &Test) -> bool {
    t.live()["account"]["policies"]
        .get("iamform-apply-lock")
        .is_some()
}

const CONFIG: &str = "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\nuser \"ann\" {}\n";

#[test]
fn a_held_lock_refuses_a_second_apply_naming_the_holder_and_changes_nothing() {
    let t = Test::new();
    held_by(&t, "alice@ci-runner-1 pid 4242", "2099-01-01T00:00:00Z");
    t.write("main.hcl", CONFIG);
    let before = t.live();
    for args in [
        &["apply", "--auto-approve", "--lock-timeout", "0"][..],
        &["apply", "--auto-approve", "--lock-timeout", "1"][..],
    ] {
        let run = t.run_bounded(args, &[]).expect(1);
        for want in [
            "another apply holds the apply lock of account 123456789012: alice@ci-runner-1 pid 4242 since 2026-01-01T00:00:00Z (expires 2099-01-01T00:00:00Z)",
            "Nothing was applied",
            "iamform force-unlock",
        ] {
            assert!(run.stderr.contains(want), "{want}\n{}", run.stderr);
        }
        assert!(
            !run.stdout.contains("Plan:"),
            "planned under another's lock: {}",
            run.stdout
        );
    }
    assert_eq!(t.live()["account"], before["account"]);

    // A saved plan waits for the lock too.
    let saved = t.path("plan.json");
    let saved = saved.to_str().expect("utf-8");
    t.run(&["plan", "--out", saved]).expect(0);
    let run = t
        .run_plain(&["apply", saved, "--lock-timeout", "0"])
        .expect(1);
    assert!(run.stderr.contains("alice@ci-runner-1"), "{}", run.stderr);
    assert_eq!(t.live()["account"], before["account"]);

    // `--lock=false` opts out, as Terraform's -lock=false.
    t.run(&["apply", "--auto-approve", "--lock=false"])
        .expect(0);
    assert_eq!(t.live_names("users"), ["ann"]);
    assert!(locked(&t), "the other run's lock is left alone");
}

#[test]
fn the_lock_is_never_part_of_a_plan_drift_import_or_who_can() {
    let t = Test::new();
    held_by(&t, "alice@ci-runner-1 pid 4242", "2099-01-01T00:00:00Z");
    // Scope "/" owns every path: an entity the plan saw would be destroyed.
    t.write("main.hcl", CONFIG);
    t.run(&["apply", "--auto-approve", "--lock=false"])
        .expect(0);
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    assert!(
        !plan.stdout.contains("iamform-apply-lock"),
        "{}",
        plan.stdout
    );
    t.run(&["drift"]).expect(0);
    let out = t.path("imported");
    let run = t
        .run_plain(&[
            "import",
            "--out",
            out.to_str().expect("utf-8"),
            "--backend",
            &format!("mock:{}", t.account().display()),
        ])
        .expect(0);
    let imported: String = std::fs::read_dir(&out)
        .expect("imported files")
        .map(|f| std::fs::read_to_string(f.expect("a file").path()).expect("text"))
        .collect();
    assert!(
        imported.contains("user \"ann\""),
        "{imported}{}",
        run.stderr
    );
    assert!(!imported.contains("iamform-apply-lock"), "{imported}");
    let who = t
        .run(&[
            "who-can",
            "--action",
            "iam:GetUser",
            "--resource",
            "arn:aws:iam::123456789012:user/iamform/lock/none",
            "--live",
        ])
        .expect(0);
    let audit = t.run(&["audit", "--format", "json"]);
    assert!(matches!(audit.code, 0 | 2), "{}", audit.stderr);
    for run in [&who, &audit] {
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("iamform-apply-lock"), "{all}");
    }
    assert!(locked(&t));
}

#[test]
fn an_expired_lock_is_taken_over() {
    let t = Test::new();
    held_by(&t, "bob@ci-runner-2 pid 7", "2020-01-01T00:00:00Z");
    t.write("main.hcl", CONFIG);
    t.apply();
    assert_eq!(t.live_names("users"), ["ann"]);
    assert!(!locked(&t), "taken over, then released");
}

#[test]
fn force_unlock_says_who_held_the_lock_and_removes_it_only_when_approved() {
    let t = Test::new();
    held_by(&t, "alice@ci-runner-1 pid 4242", "2099-01-01T00:00:00Z");
    t.write("main.hcl", CONFIG);
    // stdin is no terminal: no confirmation, nothing removed.
    let run = t.run(&["force-unlock"]).expect(1);
    assert!(
        run.stderr.contains("held by alice@ci-runner-1 pid 4242"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--auto-approve"), "{}", run.stderr);
    assert!(locked(&t));

    let run = t.run(&["force-unlock", "--force"]).expect(0);
    assert!(
        run.stderr.contains(
            "Removed the apply lock of account 123456789012 held by alice@ci-runner-1 pid 4242"
        ),
        "{}",
        run.stderr
    );
    assert!(!locked(&t));
    let run = t.run(&["force-unlock", "--auto-approve"]).expect(0);
    assert!(run.stderr.contains("has no apply lock"), "{}", run.stderr);
    t.apply();
    assert_eq!(t.live_names("users"), ["ann"]);
}

#[test]
fn the_lock_is_released_after_a_failed_apply() {
    let t = Test::new().file("main.hcl", "user \"bob\" {}\n");
    t.apply();
    t.write("main.hcl", "user \"bob\" {}\nuser \"ann\" {}\n");
    let run = t
        .run_env(
            &["apply", "--auto-approve"],
            &[("IAMFORM_MOCK_FAULTS", "fail_call=1:LimitExceeded")],
        )
        .expect(1);
    assert!(
        run.stdout.contains("failed"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(!locked(&t), "released although the apply failed");
    assert_eq!(t.live_names("users"), ["bob"]);
    // Refused before any call (the blast-radius limit): released too.
    t.apply();
    t.write(
        "main.hcl",
        "settings {\n  scope {\n    paths = [\"/\"]\n  }\n  max_destroy = 0\n}\n",
    );
    t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(!locked(&t));
}
