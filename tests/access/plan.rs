//! Access changes in plans through the binary: the section in the text plan, `access_changes` in
//! the JSON plan against its schema, `--fail-on-gain` and `--fail-on-escalation`, and no section
//! for a change of document layout.

use crate::harness::{assert_matches_schema, json, Test};

const BEFORE: &str = r#"
group "dev" {
  inline_policy "read" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::app/*"]
    }
  }
}

user "ann" { groups = [group.dev.name] }

role "ci" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
  inline_policy "run" {
    statement {
      actions   = ["ec2:RunInstances"]
      resources = ["*"]
    }
  }
}
"#;

/// `BEFORE` with the group reading and deleting, and the role passing roles.
fn after() -> String {
    BEFORE
        .replace(
            r#"["s3:GetObject"]"#,
            r#"["s3:GetObject", "s3:DeleteObject"]"#,
        )
        .replace(
            r#"actions   = ["ec2:RunInstances"]"#,
            r#"actions   = ["ec2:RunInstances", "iam:PassRole"]"#,
        )
}

fn applied() -> Test {
    let t = Test::new().file("main.hcl", BEFORE);
    t.apply();
    t.write("main.hcl", &after());
    t
}

#[test]
fn the_plan_says_who_gains_what() {
    let t = applied();
    let run = t.run(&["plan"]).expect(0);
    let section = &run.stdout[run
        .stdout
        .find("Access changes (2 principals):")
        .unwrap_or(0)..];
    assert!(
        section.contains("user.ann\n    + gains 1 action: s3 Write 1\n        on arn:aws:s3:::app/*\n          s3:DeleteObject"),
        "{}",
        run.stdout
    );
    assert!(
        section.contains("! escalation: iam:PassRole — with ec2:RunInstances"),
        "{}",
        run.stdout
    );
    let plan = json(&t.run(&["plan", "--json"]).expect(0));
    assert_matches_schema("plan.schema.json", &plan);
    let changes = plan["access_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["principal"], "user.ann");
    assert_eq!(changes[0]["gained"][0]["action"], "s3:DeleteObject");
    assert_eq!(
        changes[0]["gained"][0]["via"],
        serde_json::json!(["group.dev", "group.dev inline_policy.read"])
    );
    assert_eq!(changes[1]["principal"], "role.ci");
    assert!(changes[1]["gained"][0]["escalation"].is_string());
}

#[test]
fn gates_fail_the_plan_on_a_forbidden_gain_or_an_escalation() {
    let t = applied();
    let run = t.run(&["plan", "--fail-on-gain", "s3:Delete*"]).expect(1);
    assert!(
        run.stderr
            .contains("error: user.ann gains actions --fail-on-gain forbids: s3:DeleteObject"),
        "{}",
        run.stderr
    );
    t.run(&[
        "plan",
        "--fail-on-gain",
        "s3:Put*",
        "--fail-on-gain",
        "sqs:*",
    ])
    .expect(0);
    let run = t.run(&["plan", "--fail-on-escalation"]).expect(1);
    assert!(
        run.stderr.contains("error: role.ci gains privilege-escalation actions (--fail-on-escalation): iam:PassRole"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("user.ann"), "{}", run.stderr);
    let run = t.run(&["plan", "--fail-on-gain", "not a pattern"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("--fail-on-gain not a pattern: not an action pattern"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_relaid_document_is_no_access_change() {
    let t = Test::new().file("main.hcl", BEFORE);
    t.apply();
    t.write(
        "main.hcl",
        &BEFORE.replace(
            r#"actions   = ["ec2:RunInstances"]
      resources = ["*"]"#,
            r#"resources = ["*"]
      actions   = ["ec2:RunInstances", "ec2:RunInstances"]"#,
        ),
    );
    let run = t.run(&["plan", "--fail-on-gain", "*"]).expect(0);
    assert!(!run.stdout.contains("Access changes"), "{}", run.stdout);
}

#[test]
fn access_lists_a_principals_whole_access() {
    let t = Test::new().example("access");
    let run = t.run(&["access", "user.alice"]).expect(0);
    assert!(
        run.stdout
            .starts_with("user.alice is allowed 3 actions:\n  s3: List 1, Read 1, Write 1\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "on arn:aws:s3:::acme-team when StringLike s3:prefix = home/alice/*\n    s3:ListBucket"
        ),
        "the condition is kept, the policy variable filled in: {}",
        run.stdout
    );
    let report = json(&t.run(&["access", "user.alice", "--json"]).expect(0));
    assert_eq!(report["principal"], "user.alice");
    assert_eq!(report["everything"], false);
    assert_eq!(report["allowed"].as_array().unwrap().len(), 3);
    let admin = t.run(&["access", "user.bob"]).expect(0);
    assert!(
        admin
            .stdout
            .contains("unless BoolIfExists aws:MultiFactorAuthPresent = false"),
        "{}",
        admin.stdout
    );
    assert!(
        admin.stdout.contains("! can escalate its privileges with:"),
        "{}",
        admin.stdout
    );
    t.apply();
    let live = json(
        &t.run(&["access", "user.alice", "--live", "--json"])
            .expect(0),
    );
    assert_eq!(live, report);
    let run = t.run(&["access", "user.alcie"]).expect(1);
    assert!(
        run.stderr
            .contains("error: user.alcie is not in the configuration (did you mean user.alice?)"),
        "{}",
        run.stderr
    );
    let run = t.run(&["access", "group.developers"]).expect(1);
    assert!(
        run.stderr.contains("expected user.NAME or role.NAME"),
        "{}",
        run.stderr
    );
}
