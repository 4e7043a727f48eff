//! The self-lockout guard: apply refuses a plan that takes IAM permissions from the caller,
//! naming the operations, unless --allow-lockout; a plan that leaves the caller alone applies.

use crate::harness::Test;

const BACKEND: &str = "backend \"mock\" {\n  path   = \"unused.json\"\n  caller = \"user/ci\"\n}\n";

fn config(ci_groups: &str, ci_inline: bool, other_user: bool) -> String {
    let inline = if ci_inline {
        "  inline_policy \"iam\" {\n    statement {\n      actions   = [\"iam:*\"]\n      resources = [\"*\"]\n    }\n  }\n"
    } else {
        ""
    };
    let other = if other_user {
        "user \"intern\" {}\n"
    } else {
        ""
    };
    format!(
        r#"
group "admins" {{
  policies = ["arn:aws:iam::aws:policy/IAMFullAccess"]
}}

group "readers" {{
  inline_policy "read" {{
    statement {{
      actions   = ["s3:Get*"]
      resources = ["*"]
    }}
  }}
}}

user "ci" {{
  groups = [{ci_groups}]
{inline}}}
{other}"#
    )
}

fn start() -> Test {
    let t = Test::new().file(
        "main.hcl",
        &config("group.admins.name, group.readers.name", true, false),
    );
    t.apply();
    t.write("backend.hcl", BACKEND);
    t
}

#[test]
fn apply_refuses_to_take_iam_from_the_caller_naming_the_operations() {
    let t = start();
    t.write("main.hcl", &config("group.readers.name", false, false));
    let before = t.live();
    let plan = t.run(&["plan"]).expect(0);
    assert!(
        plan.stderr
            .contains("warning: apply of this plan will be refused"),
        "{}",
        plan.stderr
    );
    let run = t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(run.stderr.contains("caller (user.ci)"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("RemoveUserFromGroup user.ci group.admins: the group grants IAM actions"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("DeleteUserPolicy user.ci inline iam: the inline policy grants IAM actions"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--allow-lockout"), "{}", run.stderr);
    assert_eq!(t.live(), before, "the account changed");

    // A saved plan is refused too (the caller is recorded in it).
    let file = t.path("plan.json").display().to_string();
    t.run(&["plan", "--out", &file]).expect(0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["saved"]["caller"], "user.ci");
    crate::harness::assert_matches_schema("plan.schema.json", &saved);
    let backend = format!("mock:{}", t.account().display());
    let run = t
        .run_plain(&["apply", &file, "--auto-approve", "--backend", &backend])
        .expect(1);
    assert!(
        run.stderr
            .contains("RemoveUserFromGroup user.ci group.admins"),
        "{}",
        run.stderr
    );
    assert_eq!(t.live(), before, "the account changed");

    let run = t
        .run(&["apply", "--auto-approve", "--allow-lockout"])
        .expect(0);
    assert!(run.stderr.contains("--allow-lockout"), "{}", run.stderr);
    t.assert_converged();
}

#[test]
fn a_plan_that_leaves_the_caller_alone_applies() {
    let t = start();
    // Another user, and the caller leaving a group that grants no IAM action.
    t.write("main.hcl", &config("group.admins.name", true, true));
    let run = t.run(&["apply", "--auto-approve", "-v"]).expect(0);
    assert!(
        run.stderr
            .contains("leaves the caller user.ci its IAM permissions"),
        "{}",
        run.stderr
    );
    assert_eq!(t.live_names("users"), ["ci", "intern"]);
}

#[test]
fn the_environment_names_the_caller_and_an_unknown_caller_is_not_checked() {
    let t = Test::new().file(
        "main.hcl",
        &config("group.admins.name, group.readers.name", true, false),
    );
    t.apply();
    // Out of the admins group and without its own inline iam:*: nothing left grants IAM.
    t.write("main.hcl", &config("group.readers.name", false, false));
    // No caller anywhere: the guard says with -v that it checks nothing.
    let (code, stderr) = apply_as(&t, "user/ci");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("RemoveUserFromGroup user.ci group.admins"),
        "{stderr}"
    );
    let (code, stderr) = apply_as(&t, "group/ci");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("\"user/NAME\" or \"role/NAME\""),
        "{stderr}"
    );

    let run = t.run(&["apply", "--auto-approve", "-v"]).expect(0);
    assert!(
        run.stderr.contains("calling principal is unknown"),
        "{}",
        run.stderr
    );
}

/// `apply --auto-approve` with `IAMFORM_MOCK_CALLER`: the exit code and stderr.
fn apply_as(t: &Test, caller: &str) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("iamform")
        .unwrap()
        .args(["apply", "--auto-approve"])
        .arg(t.config())
        .arg("--backend")
        .arg(format!("mock:{}", t.account().display()))
        .env("IAMFORM_MOCK_CALLER", caller)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_caller_in_the_backend_block_is_a_located_error() {
    let t = start();
    t.write(
        "backend.hcl",
        "backend \"mock\" {\n  path   = \"unused.json\"\n  caller = \"ci\"\n}\n",
    );
    let run = t.run(&["plan"]).expect(1);
    assert!(run.stderr.contains("backend.hcl:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("`caller`"), "{}", run.stderr);
}
