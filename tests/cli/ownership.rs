//! What a configuration owns: with a scope, undeclared entities inside it are deleted — in an order
//! IAM accepts; without one, nothing undeclared is touched and the plan counts what it left alone.

use crate::harness::Test;

const KEEPER: &str = r#"
user "keeper" {}
"#;

/// Entities that depend on each other in every way IAM refuses to orphan.
const ENTANGLED: &str = r#"
policy "shared" {
  statement {
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}

group "web" {
  policies = [policy.shared.arn, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

group "ops" {
  policies = [policy.shared.arn]
}

user "john" {
  groups = [group.web.name, group.ops.name]
  inline_policy "own" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::john/*"]
    }
  }
}

role "app" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
  inline_policy "data" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::data/*"]
    }
  }
  instance_profile = true
}
"#;

const SCOPE_ALL: &str = r#"
settings {
  scope {
    paths = ["/"]
  }
}
"#;

#[test]
fn removing_entangled_entities_in_scope_deletes_them_all_without_delete_conflict() {
    let t = Test::new()
        .file("scope.hcl", SCOPE_ALL)
        .file("keeper.hcl", KEEPER)
        .file("entangled.hcl", ENTANGLED);
    t.apply();
    assert_eq!(t.live_names("users"), ["john", "keeper"]);

    t.remove("entangled.hcl");
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 6 to destroy."),
        "{}",
        plan.stdout
    );
    let apply = t
        .run(&["apply", "--auto-approve", "--parallelism", "10"])
        .expect(0);
    assert!(!apply.stdout.contains("DeleteConflict"), "{}", apply.stdout);
    assert!(!apply.stderr.contains("DeleteConflict"), "{}", apply.stderr);

    assert_eq!(t.live_names("users"), ["keeper"]);
    for kind in ["groups", "roles", "policies", "instance_profiles"] {
        assert!(
            t.live_names(kind).is_empty(),
            "{kind} left: {:?}",
            t.live_names(kind)
        );
    }
    t.assert_converged();
}

#[test]
fn without_a_scope_nothing_undeclared_is_deleted_and_the_plan_counts_it() {
    let t = Test::new()
        .file("keeper.hcl", KEEPER)
        .file("entangled.hcl", ENTANGLED);
    t.apply();
    t.remove("entangled.hcl");

    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    assert!(
        plan.stdout.contains(
            "Not managed by this configuration (left alone): 1 user, 2 groups, 1 role, 1 policy, 1 instance profile."
        ),
        "{}",
        plan.stdout
    );
    t.run(&["apply", "--auto-approve"]).expect(0);
    assert_eq!(t.live_names("users"), ["john", "keeper"]);
    assert_eq!(t.live_names("groups"), ["ops", "web"]);
    assert_eq!(t.live_names("roles"), ["app"]);
}

#[test]
fn a_scope_path_limits_what_is_deleted() {
    let t = Test::new().file(
        "main.hcl",
        r#"
user "alice" { path = "/team-a/" }
user "bob"   { path = "/team-b/" }
"#,
    );
    t.apply();
    t.write(
        "main.hcl",
        r#"
settings {
  scope {
    paths = ["/team-a/"]
  }
}
"#,
    );
    let plan = t.run(&["plan"]).expect(0);
    assert!(plan.stdout.contains("user \"alice\""), "{}", plan.stdout);
    assert!(!plan.stdout.contains("user \"bob\""), "{}", plan.stdout);
    t.apply();
    assert_eq!(t.live_names("users"), ["bob"]);
}
