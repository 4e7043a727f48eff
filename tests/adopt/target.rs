//! `--target ADDRESS`: only the targeted entities and what they depend on; deletions only of
//! targeted addresses; unknown addresses are an error naming close matches.

use crate::harness::{json, Test};

const CONFIG: &str = r#"
settings {
  scope {
    paths = ["/"]
  }
}

policy "x" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}

group "dev" {
  policies = [policy.x.arn]
}

user "john" {
  groups = [group.dev.name]
}

user "mary" {}

role "unrelated" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
}
"#;

#[test]
fn a_targeted_plan_holds_the_target_and_its_dependencies_only() {
    let t = Test::new().file("main.hcl", CONFIG);
    let run = t.run(&["plan", "--target", "user.john"]).expect(0);
    assert!(
        run.stdout.contains("Warning: this plan is targeted"),
        "{}",
        run.stdout
    );
    for wanted in ["user.john", "group.dev", "policy.x"] {
        assert!(
            run.stdout.contains(wanted),
            "{wanted} missing:\n{}",
            run.stdout
        );
    }
    for unwanted in ["user.mary", "role.unrelated"] {
        assert!(
            !run.stdout.contains(unwanted),
            "{unwanted} planned:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("Plan: 3 to add, 0 to change, 0 to destroy."),
        "{}",
        run.stdout
    );

    t.run(&["apply", "--auto-approve", "--target", "user.john"])
        .expect(0);
    assert_eq!(t.live_names("users"), ["john"]);
    assert_eq!(t.live_names("groups"), ["dev"]);
    assert_eq!(t.live_names("policies"), ["x"]);
    assert!(t.live_names("roles").is_empty());
    // The rest comes with the next full apply.
    t.apply();
    t.assert_converged();
}

#[test]
fn only_targeted_addresses_are_deleted() {
    let t = Test::new().file("main.hcl", CONFIG);
    t.apply();
    // mary and the role leave the configuration: a full plan would delete both.
    let without = CONFIG
        .replace("user \"mary\" {}", "")
        .replace("role \"unrelated\"", "role \"other\"");
    t.write("main.hcl", &without);
    let run = t
        .run(&["apply", "--auto-approve", "--target", "user.mary"])
        .expect(0);
    assert!(run.stdout.contains("user.mary"), "{}", run.stdout);
    assert_eq!(t.live_names("users"), ["john"]);
    assert_eq!(t.live_names("roles"), ["unrelated"]);
}

#[test]
fn an_unknown_target_is_an_error_naming_close_matches() {
    let t = Test::new().file("main.hcl", CONFIG);
    let run = t.run(&["plan", "--target", "user.jhon"]).expect(1);
    assert!(run.stderr.contains("--target user.jhon"), "{}", run.stderr);
    assert!(
        run.stderr.contains("close matches: user.john"),
        "{}",
        run.stderr
    );
    let run = t.run(&["plan", "--target", "users.john"]).expect(1);
    assert!(
        run.stderr.contains("`users` is not a kind"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_saved_targeted_plan_records_its_targets_and_applies_exactly_them() {
    let t = Test::new().file("main.hcl", CONFIG);
    let file = t.path("plan.json");
    let file_text = file.display().to_string();
    t.run(&["plan", "--target", "group.dev", "--out", &file_text])
        .expect(0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["targets"], serde_json::json!(["group.dev"]));
    crate::harness::assert_matches_schema("plan.schema.json", &saved);
    let show = t.run_plain(&["show", &file_text]).expect(0);
    assert!(
        show.stdout.contains("this plan is targeted"),
        "{}",
        show.stdout
    );
    let md = t
        .run_plain(&["show", &file_text, "--format", "markdown"])
        .expect(0);
    assert!(
        md.stdout
            .starts_with("> **Warning:** this plan is targeted"),
        "{}",
        md.stdout
    );
    let json_plan = json(
        &t.run(&["plan", "--json", "--target", "group.dev"])
            .expect(0),
    );
    assert_eq!(json_plan["targets"], serde_json::json!(["group.dev"]));

    let backend = format!("mock:{}", t.account().display());
    let run = t
        .run_plain(&[
            "apply",
            &file_text,
            "--auto-approve",
            "--target",
            "user.john",
            "--backend",
            &backend,
        ])
        .expect(1);
    assert!(run.stderr.contains("saved plan"), "{}", run.stderr);
    t.run_plain(&["apply", &file_text, "--auto-approve", "--backend", &backend])
        .expect(0);
    assert_eq!(t.live_names("groups"), ["dev"]);
    assert_eq!(t.live_names("policies"), ["x"]);
    assert!(t.live_names("users").is_empty());
}
