//! validate: offline, exit 0 on a good configuration, 1 with located errors on a bad one.

use crate::harness::Test;

#[test]
fn validate_accepts_the_quickstart_without_touching_any_account() {
    let t = Test::new().example("quickstart");
    let run = t.run(&["validate"]).expect(0);
    assert!(
        run.stdout
            .contains("The configuration is valid: 14 entities declared."),
        "{}",
        run.stdout
    );
    assert!(!t.account().exists());
}

#[test]
fn one_entity_is_counted_in_the_singular() {
    let t = Test::new().file("main.hcl", "user \"ann\" {}\n");
    let run = t.run(&["validate"]).expect(0);
    assert!(
        run.stdout
            .contains("The configuration is valid: 1 entity declared."),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_name_the_file_and_line_and_change_nothing() {
    let t = Test::new().file("main.hcl", "user \"john\" {\n  grups = [\"web\"]\n}\n");
    for cmd in ["validate", "plan"] {
        let run = t.run(&[cmd]).expect(1);
        assert!(run.stderr.contains("error:"), "{}", run.stderr);
        assert!(run.stderr.contains("main.hcl:2:3"), "{}", run.stderr);
        assert!(
            run.stderr.contains("groups"),
            "did you mean: {}",
            run.stderr
        );
    }
    t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(!t.account().exists());
}

#[test]
fn a_reference_to_an_undeclared_entity_is_an_error() {
    let t = Test::new().file(
        "main.hcl",
        "user \"john\" {\n  groups = [group.web.name]\n}\n",
    );
    let run = t.run(&["validate"]).expect(1);
    assert!(run.stderr.contains("group.web"), "{}", run.stderr);
    assert!(run.stderr.contains("main.hcl:2:"), "{}", run.stderr);
}

#[test]
fn duplicate_names_ignoring_case_are_an_error() {
    let t = Test::new()
        .file("a.hcl", "user \"Mary\" {}\n")
        .file("b.hcl", "user \"mary\" {}\n");
    let run = t.run(&["validate"]).expect(1);
    assert!(run.stderr.contains("a.hcl:1:1"), "{}", run.stderr);
    assert!(run.stderr.contains("b.hcl:1:1"), "{}", run.stderr);
}

/// Defect 23.8: a usage error exited 2 (clap's default), which CI reads as "changes" or "drift".
#[test]
fn usage_errors_exit_1_not_2() {
    let t = Test::new();
    for args in [
        &["plan", "--no-such-flag"][..],
        &["drift", "--format", "yaml"],
        &["no-such-command"],
        &["plan", "--target", "nonsense"],
    ] {
        let run = t.run_plain(args).expect(1);
        assert!(run.stderr.starts_with("error:"), "{args:?}: {}", run.stderr);
    }
    let help = t.run_plain(&["--help"]).expect(0);
    assert!(help.stdout.contains("Usage:"), "{}", help.stdout);
}

/// Defect 19.3: a user in 11 groups planned cleanly, and apply created 22 of 23 things before
/// IAM's GroupsPerUser quota (10) failed the last. The quota is checked at load: plan and apply
/// refuse at the `groups` attribute, before any call.
#[test]
fn a_user_in_more_groups_than_iam_allows_is_refused_before_any_call() {
    let t = Test::new().file(
        "main.hcl",
        "group \"g\" {\n  for_each = toset([for i in range(11) : \"g${i}\"])\n}\n\n\
         user \"ann\" {\n  groups = [for g in group.g : g.name]\n}\n",
    );
    for args in [&["plan"][..], &["apply", "--auto-approve"]] {
        let run = t.run(args).expect(1);
        assert!(
            run.stderr
                .contains("11 groups: IAM's quota GroupsPerUser allows 10")
                && run.stderr.contains("main.hcl:6:3"),
            "{}",
            run.stderr
        );
    }
    assert!(!t.account().exists(), "nothing was created");
}

/// An account whose quota AWS raised says so in `settings { quotas { ... } }`, and is checked
/// against that value instead of IAM's default of 10.
#[test]
fn a_raised_managed_policy_quota_is_taken_from_the_settings_block() {
    let user = "user \"ann\" {\n  policies = [for i in range(15) : \"arn:aws:iam::123456789012:policy/p${i}\"]\n}\n";
    let t = Test::new().file("main.hcl", user);
    let run = t.run(&["validate"]).expect(1);
    assert!(
        run.stderr
            .contains("15 managed policies: IAM's quota PoliciesPerUser allows 10"),
        "{}",
        run.stderr
    );
    let raised = Test::new().file("main.hcl", user).file(
        "settings.hcl",
        "settings {\n  quotas {\n    policies_per_user = 15\n  }\n}\n",
    );
    raised.run(&["validate"]).expect(0);
}

/// Issue 24.10: each subcommand's help lists the options it takes, not every command's.
#[test]
fn each_subcommands_help_lists_only_its_own_options() {
    let t = Test::new();
    let help = |cmd: &str| t.run_plain(&[cmd, "--help"]).expect(0).stdout;
    let has = |text: &str, flag: &str| text.lines().any(|l| l.trim_start().starts_with(flag));
    for (cmd, backend, vars) in [
        ("fmt", false, false),
        ("show", false, false),
        ("validate", false, true),
        ("lint", false, true),
        ("import", true, false),
        ("plan", true, true),
        ("apply", true, true),
        ("drift", true, true),
        ("audit", true, true),
    ] {
        let text = help(cmd);
        assert_eq!(has(&text, "--backend"), backend, "{cmd}:\n{text}");
        assert_eq!(has(&text, "--var <"), vars, "{cmd}:\n{text}");
        assert!(
            has(&text, "-v, --verbose"),
            "{cmd}: the global flags stay\n{text}"
        );
    }
    // A flag the command does not take is a usage error (exit 1), not silently ignored.
    let run = t.run_plain(&["fmt", "--backend", "aws", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--backend"), "{}", run.stderr);
}
