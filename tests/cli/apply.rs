//! Apply: confirmation, exit codes, partial failure with skipped dependents, convergence.

use crate::harness::{repo, Test};
use assert_cmd::Command;

const ONE_USER: &str = r#"
group "web" {}
user "john" { groups = [group.web.name] }
"#;

#[test]
fn apply_without_auto_approve_refuses_when_stdin_is_not_a_terminal() {
    let t = Test::new().file("main.hcl", ONE_USER);
    let run = t.run(&["apply"]).expect(1);
    assert!(run.stderr.contains("--auto-approve"), "{}", run.stderr);
    assert!(
        !t.account().exists(),
        "nothing may change without confirmation"
    );
}

#[test]
fn detailed_exitcode_is_2_with_changes_and_plain_plan_is_0() {
    let t = Test::new().file("main.hcl", ONE_USER);
    t.run(&["plan"]).expect(0);
    let run = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(run.stdout.contains("+ user \"john\""), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Plan: 2 to add, 0 to change, 0 to destroy."),
        "{}",
        run.stdout
    );
    t.apply();
    t.assert_converged();
}

#[test]
fn a_failed_operation_skips_its_dependents_and_applies_the_rest() {
    // The policy ARN names a customer policy that exists nowhere: AttachGroupPolicy fails with
    // NoSuchEntity, the user still gets created, and the report says so.
    let t = Test::new().file(
        "main.hcl",
        r#"
group "web" { policies = ["arn:aws:iam::123456789012:policy/missing"] }
user "john" {}
"#,
    );
    let run = t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(
        run.stdout.contains(
            "failed: AttachGroupPolicy group.web arn:aws:iam::123456789012:policy/missing"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("NoSuchEntity"), "{}", run.stdout);
    assert!(
        run.stdout.contains("2 applied, 1 failed, 0 skipped"),
        "{}",
        run.stdout
    );
    assert_eq!(t.live_names("users"), ["john"]);

    // Fixing the configuration converges.
    t.write("main.hcl", "group \"web\" {}\nuser \"john\" {}\n");
    t.apply();
    t.assert_converged();
}

#[test]
fn an_update_changes_only_what_differs_and_shows_a_policy_diff() {
    let t = Test::new().file(
        "main.hcl",
        r#"
policy "read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
"#,
    );
    t.apply();
    t.write(
        "main.hcl",
        r#"
policy "read" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["*"]
  }
}
"#,
    );
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("+         \"s3:ListBucket\""),
        "{}",
        plan.stdout
    );
    t.apply();
    t.assert_converged();
    assert_eq!(
        t.live()["account"]["policies"]["read"]["versions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn the_backend_block_is_used_when_no_override_is_given() {
    let t = Test::new().file("main.hcl", ONE_USER).file(
        "backend.hcl",
        "backend \"mock\" {\n  path = \"state/acct.json\"\n}\n",
    );
    std::fs::create_dir(t.config().join("state")).unwrap();
    let out = Command::cargo_bin("iamform")
        .unwrap()
        .args(["apply", "--auto-approve"])
        .arg(t.config())
        .env_remove("IAMFORM_BACKEND")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        t.config().join("state/acct.json").exists(),
        "the path is relative to the configuration"
    );
    assert!(!t.account().exists());
}

#[test]
fn no_backend_anywhere_is_an_error_saying_how_to_add_one() {
    let out = Command::cargo_bin("iamform")
        .unwrap()
        .args(["plan"])
        .arg(repo().join("tests/cli/fixtures/no_backend"))
        .env_remove("IAMFORM_BACKEND")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("declares no backend"), "{stderr}");
    assert!(stderr.contains("--backend mock:PATH"), "{stderr}");
}

/// Defect 19.3, at plan: a user at IAM's quota of 10 managed policies swaps one. Attaching the
/// new policy before detaching the old one (grants before revocations) would fail with
/// LimitExceeded; the plan detaches first where there is no room, and the apply completes.
#[test]
fn swapping_a_policy_of_a_user_at_the_quota_detaches_first_and_applies() {
    let config = |from: usize| {
        let mut text = String::new();
        for i in 0..11 {
            text.push_str(&format!(
                "policy \"p{i}\" {{\n  statement {{\n    actions   = [\"s3:GetObject\"]\n    resources = [\"*\"]\n  }}\n}}\n"
            ));
        }
        let policies: Vec<String> = (from..from + 10)
            .map(|i| format!("policy.p{i}.arn"))
            .collect();
        text.push_str(&format!(
            "user \"ann\" {{\n  policies = [{}]\n}}\n",
            policies.join(", ")
        ));
        text
    };
    let t = Test::new().file("main.hcl", &config(0));
    t.apply().expect(0);
    t.write("main.hcl", &config(1));
    let run = t.run(&["apply", "--auto-approve"]).expect(0);
    let all = format!("{}{}", run.stdout, run.stderr);
    let detach = all.find("DetachUserPolicy user.ann").expect("a detach");
    let attach = all.find("AttachUserPolicy user.ann").expect("an attach");
    assert!(detach < attach, "{all}");
    assert!(all.contains("0 failed"), "{all}");
    t.assert_converged();
}
