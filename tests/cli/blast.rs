//! The blast-radius limit: a plan that destroys most of what the configuration owns is refused
//! before any call, unless a limit says it is intended.

use crate::harness::Test;

/// The settings block: the scope /team/, and `extra` lines.
fn settings(extra: &str) -> String {
    format!("settings {{\n{extra}  scope {{\n    paths = [\"/team/\"]\n  }}\n}}\n")
}

/// `n` users at /team/, from u0.
fn users(n: usize) -> String {
    (0..n)
        .map(|i| format!("user \"u{i}\" {{\n  path = \"/team/\"\n}}\n"))
        .collect()
}

/// An account holding eight users, the configuration then declaring only `keep` of them.
fn eight_then(keep: usize, extra: &str) -> Test {
    let t = Test::new().file("main.hcl", &format!("{}{}", settings(""), users(8)));
    t.apply();
    t.write("main.hcl", &format!("{}{}", settings(extra), users(keep)));
    t
}

#[test]
fn destroying_most_of_what_the_configuration_owns_is_refused_and_nothing_changes() {
    let t = eight_then(2, "");
    let before = t.live();
    let plan = t.run(&["plan"]).expect(0);
    assert!(
        plan.stderr.contains("warning: apply will refuse this plan")
            && plan.stderr.contains("destroys 6 of the 8 entities"),
        "{}",
        plan.stderr
    );
    let run = t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(
        run.stderr.contains("destroys 6 of the 8 entities"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("  - user.u2\n"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Nothing was applied."),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--max-destroy 6"), "{}", run.stderr);
    assert_eq!(t.live(), before, "the account is unchanged");

    t.run(&["apply", "--auto-approve", "--max-destroy", "6"])
        .expect(0);
    assert_eq!(t.live_names("users"), ["u0", "u1"]);
    t.assert_converged();
}

#[test]
fn a_few_deletions_or_half_of_the_account_pass_by_default() {
    let t = eight_then(4, "");
    t.run(&["apply", "--auto-approve"]).expect(0);
    assert_eq!(t.live_names("users").len(), 4);
    let t = eight_then(0, "");
    t.write("main.hcl", &format!("{}{}", settings(""), users(4)));
    t.run(&["apply", "--auto-approve"]).expect(0);
}

#[test]
fn max_destroy_in_the_settings_raises_and_lowers_the_limit() {
    let raised = eight_then(0, "  max_destroy = 8\n");
    raised.run(&["apply", "--auto-approve"]).expect(0);
    assert!(raised.live_names("users").is_empty());

    let lowered = eight_then(7, "  max_destroy = 0\n");
    let run = lowered.run(&["apply", "--auto-approve"]).expect(1);
    assert!(
        run.stderr.contains("more than max_destroy = 0"),
        "{}",
        run.stderr
    );
    assert_eq!(lowered.live_names("users").len(), 8);
    // The flag wins over the settings.
    lowered
        .run(&["apply", "--auto-approve", "--max-destroy", "1"])
        .expect(0);
}

#[test]
fn a_saved_plan_keeps_its_configurations_limit_and_the_flag_still_decides() {
    let t = eight_then(1, "  max_destroy = 3\n");
    let file = t.config().join("../plan.json");
    let file = file.to_str().unwrap();
    t.run(&["plan", "--out", file]).expect(0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(saved["max_destroy"], 3);
    let run = t.run_plain(&["apply", "--auto-approve", file]).expect(1);
    assert!(run.stderr.contains("destroys 7 of the 8"), "{}", run.stderr);
    assert_eq!(t.live_names("users").len(), 8);
    t.run_plain(&["apply", "--auto-approve", "--max-destroy", "7", file])
        .expect(0);
    assert_eq!(t.live_names("users"), ["u0"]);
}

#[test]
fn a_bad_max_destroy_is_a_located_error() {
    let t = Test::new().file("main.hcl", "settings {\n  max_destroy = -1\n}\n");
    let run = t.run(&["validate"]).expect(1);
    assert!(run.stderr.contains("main.hcl:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("max_destroy"), "{}", run.stderr);
}
